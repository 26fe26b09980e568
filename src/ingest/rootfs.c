#include "core/ks_common.h"

#include "ingest/rootfs.h"

#include "core/file.h"
#include "core/vec.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

ks_err ks_rootfs_open(struct ks_rootfs *r, const char *path, struct ks_diag *diag)
{
    r->path = NULL;
    r->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r->dirfd < 0)
        return ks_diag_errno(diag, errno == ENOENT ? KS_ENOTFOUND : KS_EIO,
                             "cannot open root filesystem '%s'", path);
    r->path = strdup(path);
    if (!r->path) {
        close(r->dirfd);
        r->dirfd = -1;
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    return KS_OK;
}

void ks_rootfs_close(struct ks_rootfs *r)
{
    if (r->dirfd >= 0)
        close(r->dirfd);
    r->dirfd = -1;
    KS_FREE_AND_NULL(r->path);
}

int ks_rootfs_openat(const struct ks_rootfs *r, const char *rel, int flags)
{
    struct open_how how;
    long fd;

    while (*rel == '/')
        rel++;
    if (!*rel)
        rel = ".";
    memset(&how, 0, sizeof(how));
    /* openat2 is strict: O_PATH accepts only O_DIRECTORY/O_NOFOLLOW/O_CLOEXEC. */
    how.flags = (uint64_t)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_RDONLY | O_NOCTTY));
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    do {
        fd = syscall(SYS_openat2, r->dirfd, rel, &how, sizeof(how));
    } while (fd < 0 && (errno == EAGAIN || errno == EINTR));
    return (int)fd;
}

ks_err ks_rootfs_read(const struct ks_rootfs *r, const char *rel, size_t max, struct ks_buf *out,
                      struct ks_diag *diag)
{
    struct stat st;
    ks_err err;
    int fd = ks_rootfs_openat(r, rel, O_NONBLOCK);

    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return KS_ENOTFOUND;
        return ks_diag_errno(diag, KS_EIO, "cannot open '%s' in '%s'", rel, r->path);
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ks_diag_set(diag, KS_EIO, "'%s' in '%s' is not a regular file", rel, r->path);
    }
    err = ks_fd_read(fd, rel, max, out, diag);
    close(fd);
    return err;
}

ks_err ks_rootfs_stat(const struct ks_rootfs *r, const char *rel, bool follow, struct stat *st)
{
    int fd = ks_rootfs_openat(r, rel, O_PATH | (follow ? 0 : O_NOFOLLOW));
    int rc;

    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? KS_ENOTFOUND : KS_EIO;
    rc = fstat(fd, st);
    close(fd);
    return rc < 0 ? KS_EIO : KS_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((*(struct dirent *const *)a)->d_name, (*(struct dirent *const *)b)->d_name);
}

ks_err ks_rootfs_list(const struct ks_rootfs *r, const char *rel, ks_rootfs_dir_fn *fn, void *ctx,
                      struct ks_diag *diag)
{
    KS_VEC(struct dirent *) ents = KS_VEC_INIT;
    ks_err err = KS_OK;
    struct dirent *de;
    DIR *dir;
    int fd = ks_rootfs_openat(r, rel, O_DIRECTORY);

    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return KS_ENOTFOUND;
        return ks_diag_errno(diag, KS_EIO, "cannot open directory '%s' in '%s'", rel, r->path);
    }
    dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return ks_diag_errno(diag, KS_EIO, "cannot read directory '%s' in '%s'", rel, r->path);
    }
    for (de = readdir(dir); de; de = readdir(dir)) {
        struct dirent *copy;

        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        copy = malloc(sizeof(*copy));
        if (!copy || KS_VEC_PUSH(&ents, copy)) {
            free(copy);
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(copy, de, sizeof(*copy));
    }
    if (ents.len) /* qsort(NULL, 0, ...) is undefined */
        qsort(ents.items, ents.len, sizeof(*ents.items), cmp_names);
    for (size_t i = 0; i < ents.len && !err; i++)
        err = fn(ents.items[i]->d_name, ents.items[i]->d_type, ctx);
done:
    for (size_t i = 0; i < ents.len; i++)
        free(ents.items[i]);
    KS_VEC_RELEASE(&ents);
    closedir(dir);
    return err;
}
