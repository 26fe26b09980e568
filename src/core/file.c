#include "core/ks_common.h"

#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

ks_err ks_fd_read(int fd, const char *name, size_t max, struct ks_buf *out, struct ks_diag *diag)
{
    size_t start = out->len;

    for (;;) {
        ssize_t n;
        ks_err err = ks_buf_grow(out, 65536);

        if (err == KS_ELIMIT) {
            /* The buffer's own ceiling: fall back to what still fits. */
            err = ks_buf_grow(out, 1);
        }
        if (err)
            return ks_diag_set(diag, err, "'%s': %s", name, ks_err_str(err));
        n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ks_diag_errno(diag, KS_EIO, "cannot read '%s'", name);
        }
        if (n == 0)
            break;
        if (out->len - start + (size_t)n > max) {
            ks_buf_truncate(out, start);
            return ks_diag_set(diag, KS_ELIMIT, "'%s': larger than the limit of %zu bytes", name,
                               max);
        }
        out->len += (size_t)n;
        out->ptr[out->len] = '\0';
    }
    return KS_OK;
}

ks_err ks_file_read(const char *path, size_t max, struct ks_buf *out, struct ks_diag *diag)
{
    struct stat st;
    ks_err err;
    int fd;

    if (!strcmp(path, "-"))
        return ks_fd_read(0, "<stdin>", max, out, diag);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ks_diag_errno(diag, errno == ENOENT ? KS_ENOTFOUND : KS_EIO, "cannot open '%s'",
                             path);
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            close(fd);
            return ks_diag_set(diag, KS_EIO, "cannot read '%s': is a directory", path);
        }
        if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
            close(fd);
            return ks_diag_set(diag, KS_ELIMIT, "'%s': larger than the limit of %zu bytes", path,
                               max);
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0) {
            err = ks_buf_grow(out, (size_t)st.st_size);
            if (err) {
                close(fd);
                return ks_diag_set(diag, err, "'%s': %s", path, ks_err_str(err));
            }
        }
    }
    err = ks_fd_read(fd, path, max, out, diag);
    close(fd);
    return err;
}

static ks_err write_all(int fd, const char *path, const void *data, size_t len,
                        struct ks_diag *diag)
{
    const char *p = data;

    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ks_diag_errno(diag, KS_EIO, "cannot write '%s'", path);
        }
        p += n;
        len -= (size_t)n;
    }
    return KS_OK;
}

ks_err ks_file_write_atomic(const char *path, const void *data, size_t len, struct ks_diag *diag)
{
    struct ks_buf tmp = KS_BUF_INIT(0);
    ks_err err;
    int fd;

    if (!strcmp(path, "-")) {
        err = write_all(1, "<stdout>", data, len, diag);
        return err;
    }
    /* A device, fifo or socket (e.g. -o /dev/null) is written in place:
     * renaming a file over it would replace the device itself. */
    {
        struct stat st;
        if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
            if (S_ISDIR(st.st_mode))
                return ks_diag_set(diag, KS_EIO, "cannot write '%s': is a directory", path);
            fd = open(path, O_WRONLY | O_CLOEXEC);
            if (fd < 0)
                return ks_diag_errno(diag, KS_EIO, "cannot open '%s'", path);
            err = write_all(fd, path, data, len, diag);
            if (close(fd) < 0 && !err)
                err = ks_diag_errno(diag, KS_EIO, "cannot close '%s'", path);
            return err;
        }
    }
    err = ks_buf_addf(&tmp, "%s.tmp.XXXXXX", path);
    if (err)
        return ks_diag_set(diag, err, "'%s': %s", path, ks_err_str(err));
    fd = mkstemp(tmp.ptr);
    if (fd < 0) {
        err = ks_diag_errno(diag, KS_EIO, "cannot create '%s'", tmp.ptr);
        goto done;
    }
    err = write_all(fd, tmp.ptr, data, len, diag);
    if (!err && fchmod(fd, 0644) < 0)
        err = ks_diag_errno(diag, KS_EIO, "cannot chmod '%s'", tmp.ptr);
    if (!err && fsync(fd) < 0)
        err = ks_diag_errno(diag, KS_EIO, "cannot sync '%s'", tmp.ptr);
    if (close(fd) < 0 && !err)
        err = ks_diag_errno(diag, KS_EIO, "cannot close '%s'", tmp.ptr);
    if (!err && rename(tmp.ptr, path) < 0)
        err = ks_diag_errno(diag, KS_EIO, "cannot rename '%s' to '%s'", tmp.ptr, path);
    if (err)
        unlink(tmp.ptr);
done:
    ks_buf_release(&tmp);
    return err;
}

void ks_blob_memory(struct ks_blob *b, const char *data, size_t len)
{
    b->mem = data ? data : "";
    b->fd = -1;
    b->size = len;
    b->cache = NULL;
}

void ks_blob_fd(struct ks_blob *b, int fd, uint64_t size, struct ks_blob_cache *cache)
{
    b->mem = NULL;
    b->fd = fd;
    b->size = size;
    b->cache = cache;
    if (cache) {
        cache->off[0] = cache->off[1] = 0;
        cache->len[0] = cache->len[1] = 0;
        cache->next = 0;
    }
}

static ks_err pread_all(int fd, char *p, uint64_t off, size_t len)
{
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return KS_EIO;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return KS_OK;
}

ks_err ks_blob_read(const struct ks_blob *b, uint64_t off, void *dst, size_t len)
{
    struct ks_blob_cache *c = b->cache;
    const size_t win = sizeof(c->win[0]);

    if (off > b->size || len > b->size - off)
        return KS_EPARSE;
    if (b->mem) {
        if (len)
            memcpy(dst, b->mem + off, len);
        return KS_OK;
    }
    if (!c || len > win)
        return pread_all(b->fd, dst, off, len);
    for (unsigned i = 0; i < 2; i++) {
        if (off >= c->off[i] && off - c->off[i] <= c->len[i] &&
            len <= c->len[i] - (off - c->off[i])) {
            memcpy(dst, c->win[i] + (off - c->off[i]), len);
            return KS_OK;
        }
    }
    /* A new window: from `off`, or the file's last 4 KiB when `off` is in
     * them (an index at the end is read with what precedes it). */
    {
        unsigned i = c->next;
        uint64_t start = b->size - off < win ? (b->size > win ? b->size - win : 0) : off;
        size_t n = b->size - start < win ? (size_t)(b->size - start) : win;
        c->len[i] = 0;
        if (pread_all(b->fd, c->win[i], start, n))
            return KS_EIO;
        c->off[i] = start;
        c->len[i] = n;
        c->next = i ^ 1;
        memcpy(dst, c->win[i] + (off - start), len);
        return KS_OK;
    }
}

ks_err ks_blob_read_buf(const struct ks_blob *b, uint64_t off, size_t len, struct ks_buf *out)
{
    ks_err err;

    ks_buf_reset(out);
    if (off > b->size || len > b->size - off)
        return KS_EPARSE;
    if ((err = ks_buf_grow(out, len)))
        return err;
    if ((err = ks_blob_read(b, off, out->ptr, len)))
        return err;
    out->len = len;
    out->ptr[len] = '\0';
    return KS_OK;
}
