#include "core/ks_common.h"

#include "ingest/walk.h"

#include "core/buf.h"
#include "core/vec.h"
#include "ingest/archive.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DIR_DEPTH 256

struct walk {
    const struct ks_limits *lim;
    const struct ks_walk_visitor *v;
    struct ks_archive_budget budget;
    uint64_t entries;
    bool xdev;
    dev_t dev;
};

static void skipped(struct walk *w, const char *path, const char *why)
{
    if (w->v->skipped)
        w->v->skipped(w->v->ctx, path, why);
}

static ks_err visit_bytes(struct walk *w, const struct ks_walk_file *f, const char *data,
                          size_t len, uint32_t depth, struct ks_diag *diag);

/* Walks the members of the archive held in `data` (a file at `prefix`). */
static ks_err walk_nested(struct walk *w, const struct ks_walk_file *outer, const char *data,
                          size_t len, uint32_t depth, struct ks_diag *diag)
{
    struct ks_archive *ar = NULL;
    const struct ks_archive_entry *e;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf path = KS_BUF_INIT(0), bytes = KS_BUF_INIT(0);
    ks_err err = KS_OK, e2;

    if (depth > w->lim->max_archive_depth) {
        skipped(w, outer->path, "archives nested deeper than max_archive_depth");
        return KS_OK;
    }
    if (ks_archive_open_memory(&ar, data, len, outer->path, KS_ARCHIVE_ANY, w->lim, &w->budget,
                               &d)) {
        skipped(w, outer->path, d.msg);
        return KS_OK;
    }
    for (;;) {
        struct ks_walk_file f;
        bool want, nest;

        e2 = ks_archive_next(ar, &e, &d);
        if (e2 == KS_ENOTFOUND)
            break;
        if (e2 == KS_EPARSE || (e2 == KS_ELIMIT && strstr(d.msg, "max_path_len"))) {
            skipped(w, outer->path, d.msg);
            continue;
        }
        if (e2) {
            skipped(w, outer->path, d.msg);
            break;
        }
        if (e->type != KS_ARCHIVE_FILE)
            continue;
        ks_buf_reset(&path);
        if (ks_buf_addf(&path, "%s!/%s", outer->path, e->name)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        want = w->v->wants && w->v->wants(w->v->ctx, path.ptr, e->mode);
        nest = w->v->nested && w->v->nested(w->v->ctx, path.ptr);
        if (!want && !nest)
            continue;
        ks_buf_reset(&bytes);
        if (ks_archive_read_all(ar, (size_t)w->lim->max_file_size, &bytes, &d)) {
            skipped(w, path.ptr, d.msg);
            continue;
        }
        memset(&f, 0, sizeof(f));
        f.path = path.ptr;
        f.mode = e->mode;
        f.size = bytes.len;
        f.layer = outer->layer;
        err = visit_bytes(w, &f, bytes.ptr ? bytes.ptr : "", bytes.len, depth, diag);
        if (err)
            goto done;
    }
done:
    ks_archive_close(ar);
    ks_buf_release(&path);
    ks_buf_release(&bytes);
    return err;
}

static ks_err visit_bytes(struct walk *w, const struct ks_walk_file *f, const char *data,
                          size_t len, uint32_t depth, struct ks_diag *diag)
{
    ks_err err;

    if (w->v->wants && w->v->wants(w->v->ctx, f->path, f->mode)) {
        err = w->v->file(w->v->ctx, f, data, len, diag);
        if (err)
            return err;
    }
    if (w->v->nested && w->v->nested(w->v->ctx, f->path))
        return walk_nested(w, f, data, len, depth + 1, diag);
    return KS_OK;
}

ks_err ks_walk_memory(const struct ks_walk_file *f, const char *data, size_t len,
                      const struct ks_limits *lim, const struct ks_walk_visitor *v,
                      struct ks_diag *diag)
{
    struct walk w;

    memset(&w, 0, sizeof(w));
    w.lim = lim;
    w.v = v;
    return visit_bytes(&w, f, data, len, 0, diag);
}

struct dent {
    char *name;
    unsigned char type;
};

static int cmp_dent(const void *a, const void *b)
{
    return strcmp(((const struct dent *)a)->name, ((const struct dent *)b)->name);
}

/* Reads a wanted regular file (mmap'd) and visits it. */
static ks_err visit_file(struct walk *w, int dirfd, const char *name, const char *path,
                         const struct stat *st, struct ks_diag *diag)
{
    struct ks_walk_file f;
    void *map = NULL;
    ks_err err;
    int fd;

    if ((uint64_t)st->st_size > w->lim->max_file_size) {
        skipped(w, path, "larger than max_file_size");
        return KS_OK;
    }
    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        skipped(w, path, strerror(errno));
        return KS_OK;
    }
    if (st->st_size > 0) {
        map = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            skipped(w, path, strerror(errno));
            close(fd);
            return KS_OK;
        }
    }
    close(fd);
    memset(&f, 0, sizeof(f));
    f.path = path;
    f.mode = st->st_mode;
    f.size = (uint64_t)st->st_size;
    err = visit_bytes(w, &f, map ? map : "", (size_t)st->st_size, 0, diag);
    if (map)
        munmap(map, (size_t)st->st_size);
    return err;
}

static ks_err walk_dir(struct walk *w, int dirfd, struct ks_buf *path, unsigned depth,
                       struct ks_diag *diag)
{
    KS_VEC(struct dent) ents = KS_VEC_INIT;
    struct dirent *de;
    size_t base = path->len;
    ks_err err = KS_OK;
    DIR *dir;
    int fd;

    fd = dup(dirfd);
    if (fd < 0 || !(dir = fdopendir(fd))) {
        if (fd >= 0)
            close(fd);
        skipped(w, path->len ? path->ptr : "/", strerror(errno));
        return KS_OK;
    }
    while ((de = readdir(dir))) {
        struct dent d;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        d.name = strdup(de->d_name);
        d.type = de->d_type;
        if (!d.name || KS_VEC_PUSH(&ents, d)) {
            free(d.name);
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
    }
    closedir(dir);
    if (err)
        goto done;
    if (ents.len > 1)
        qsort(ents.items, ents.len, sizeof(*ents.items), cmp_dent);

    for (size_t i = 0; i < ents.len; i++) {
        const char *name = ents.items[i].name;
        unsigned char type = ents.items[i].type;
        struct stat st;

        ks_buf_truncate(path, base);
        if (ks_buf_addc(path, '/') || ks_buf_adds(path, name)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        if (path->len > w->lim->max_path_len) {
            skipped(w, path->ptr, "path longer than max_path_len");
            continue;
        }
        if (++w->entries > w->lim->max_entries) {
            err = ks_diag_set(diag, KS_ELIMIT, "more than %" PRIu64 " files (max_entries)",
                              w->lim->max_entries);
            goto done;
        }
        if ((w->entries & 4095) == 0)
            ks_progress_update(w->v->progress, "files", w->entries, 0);
        if (type == DT_UNKNOWN) {
            if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                continue;
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
        }
        if (type == DT_DIR) {
            int sub;
            if (depth + 1 > MAX_DIR_DEPTH) {
                skipped(w, path->ptr, "directories nested too deep");
                continue;
            }
            sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                skipped(w, path->ptr, strerror(errno));
                continue;
            }
            if (w->xdev && (fstat(sub, &st) < 0 || st.st_dev != w->dev)) {
                close(sub);
                continue;
            }
            err = walk_dir(w, sub, path, depth + 1, diag);
            close(sub);
            if (err)
                goto done;
        } else if (type == DT_REG) {
            bool want, nest;
            if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                continue;
            want = w->v->wants && w->v->wants(w->v->ctx, path->ptr, st.st_mode);
            nest = w->v->nested && w->v->nested(w->v->ctx, path->ptr);
            if (!want && !nest)
                continue;
            err = visit_file(w, dirfd, name, path->ptr, &st, diag);
            if (err)
                goto done;
        }
        /* Symlinks, devices, fifos, sockets: never followed nor read. */
    }
done:
    ks_buf_truncate(path, base);
    for (size_t i = 0; i < ents.len; i++)
        free(ents.items[i].name);
    KS_VEC_RELEASE(&ents);
    return err;
}

ks_err ks_walk_rootfs(const char *root, bool xdev, const struct ks_limits *lim,
                      const struct ks_walk_visitor *v, struct ks_diag *diag)
{
    struct walk w;
    struct ks_buf path = KS_BUF_INIT(0);
    struct stat st;
    ks_err err;
    int fd;

    memset(&w, 0, sizeof(w));
    w.lim = lim;
    w.v = v;
    w.xdev = xdev;
    fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ks_diag_errno(diag, errno == ENOENT ? KS_ENOTFOUND : KS_EIO,
                             "cannot open root filesystem '%s'", root);
    if (fstat(fd, &st) < 0) {
        err = ks_diag_errno(diag, KS_EIO, "cannot stat '%s'", root);
        close(fd);
        return err;
    }
    w.dev = st.st_dev;
    err = walk_dir(&w, fd, &path, 0, diag);
    close(fd);
    ks_buf_release(&path);
    ks_progress_update(v->progress, "files", w.entries, w.entries);
    return err;
}

ks_err ks_walk_archive(const char *path, const struct ks_limits *lim,
                       const struct ks_walk_visitor *v, struct ks_diag *diag)
{
    struct walk w;
    struct ks_archive *ar = NULL;
    const struct ks_archive_entry *e;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf name = KS_BUF_INIT(0), bytes = KS_BUF_INIT(0);
    ks_err err;

    memset(&w, 0, sizeof(w));
    w.lim = lim;
    w.v = v;
    err = ks_archive_open_file(&ar, path, KS_ARCHIVE_ANY, lim, &w.budget, diag);
    if (err)
        return err;
    for (;;) {
        struct ks_walk_file f;
        bool want, nest;

        err = ks_archive_next(ar, &e, &d);
        if (err == KS_ENOTFOUND) {
            err = KS_OK;
            break;
        }
        if (err == KS_EPARSE || (err == KS_ELIMIT && strstr(d.msg, "max_path_len"))) {
            skipped(&w, path, d.msg);
            continue;
        }
        if (err) {
            *diag = d;
            break;
        }
        if (e->type != KS_ARCHIVE_FILE)
            continue;
        ks_buf_reset(&name);
        if (ks_buf_addf(&name, "/%s", e->name)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
        want = v->wants && v->wants(v->ctx, name.ptr, e->mode);
        nest = v->nested && v->nested(v->ctx, name.ptr);
        if (!want && !nest)
            continue;
        ks_buf_reset(&bytes);
        if (ks_archive_read_all(ar, (size_t)lim->max_file_size, &bytes, &d)) {
            if (d.code != KS_ELIMIT) {
                err = d.code ? d.code : KS_EPARSE;
                *diag = d;
                break;
            }
            skipped(&w, name.ptr, d.msg);
            continue;
        }
        memset(&f, 0, sizeof(f));
        f.path = name.ptr;
        f.mode = e->mode;
        f.size = bytes.len;
        err = visit_bytes(&w, &f, bytes.ptr ? bytes.ptr : "", bytes.len, 0, diag);
        if (err)
            break;
    }
    ks_archive_close(ar);
    ks_buf_release(&name);
    ks_buf_release(&bytes);
    return err;
}
