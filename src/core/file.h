/* core/file.h - reading whole files with a ceiling, and writing files atomically. */
#ifndef KS_CORE_FILE_H
#define KS_CORE_FILE_H

#include "core/buf.h"

/* Appends the contents of `path` ("-" is standard input) to `out`. Fails with
 * KS_ELIMIT when the file is larger than `max` bytes, KS_EIO when it cannot
 * be read; the message names the file. */
ks_err ks_file_read(const char *path, size_t max, struct ks_buf *out, struct ks_diag *diag);

/* Appends everything readable from the open descriptor `fd` (not closed). */
ks_err ks_fd_read(int fd, const char *name, size_t max, struct ks_buf *out, struct ks_diag *diag);

/* Writes `len` bytes to `path` ("-" is standard output) through a temporary
 * file in the same directory that is renamed into place, so readers never see
 * a partial file and a failure leaves the old file as it was. */
ks_err ks_file_write_atomic(const char *path, const void *data, size_t len, struct ks_diag *diag);

/* Random access to bytes that are either in memory or in an open file (read
 * with pread on demand), for parsers that need a few parts of a big file
 * (an ELF binary's headers and one section) without mapping or reading all
 * of it. Plain data, no ownership: the memory or descriptor must outlive
 * every read. Reads from one blob without a cache may run in several
 * threads at once. */
struct ks_blob_cache;

struct ks_blob {
    const char *mem; /* the bytes, when in memory; else NULL */
    int fd;          /* otherwise: an open descriptor (not owned) */
    uint64_t size;
    struct ks_blob_cache *cache; /* fd only, optional (see ks_blob_fd) */
};

/* Two 4 KiB windows of a file: small reads that fall into one are served
 * from memory. Parsers of file formats with a header at the start and an
 * index at the end (ELF) then cost two reads per file, however many small
 * pieces they (and the next parser of the same file) ask for. */
struct ks_blob_cache {
    char win[2][4096];
    uint64_t off[2];
    size_t len[2];
    unsigned next;
};

void ks_blob_memory(struct ks_blob *b, const char *data, size_t len);
/* `cache` may be NULL; when given, it is emptied, and the blob may be read
 * by only one thread at a time. */
void ks_blob_fd(struct ks_blob *b, int fd, uint64_t size, struct ks_blob_cache *cache);

/* Copies the `len` bytes at `off` into `dst`. KS_EPARSE when the range
 * extends beyond `size`; KS_EIO when the file cannot be read or is shorter
 * than `size` (it shrank). No message: callers name the file. */
ks_err ks_blob_read(const struct ks_blob *b, uint64_t off, void *dst, size_t len);

/* Replaces the contents of `out` with the `len` bytes at `off` (kept
 * NUL-terminated). As ks_blob_read, plus KS_ELIMIT beyond out->max and
 * KS_ENOMEM. */
ks_err ks_blob_read_buf(const struct ks_blob *b, uint64_t off, size_t len, struct ks_buf *out);

#endif
