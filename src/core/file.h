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

#endif
