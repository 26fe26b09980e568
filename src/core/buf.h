/* core/buf.h - growable byte buffer with a ceiling (curl's dynbuf, git's strbuf).
 *
 * The contents are always NUL-terminated (the NUL is not counted in `len`).
 * An append that would grow the buffer beyond `max` fails with KS_ELIMIT and
 * leaves the buffer as it was, so untrusted input can never make it grow
 * without bound. `ptr` is owned by the buffer until ks_buf_detach(). */
#ifndef KS_CORE_BUF_H
#define KS_CORE_BUF_H

#include "core/err.h"

struct ks_buf {
    char *ptr;
    size_t len;
    size_t cap;
    size_t max; /* ceiling for len; 0 means SIZE_MAX / 2 */
};

#define KS_BUF_INIT(max) {NULL, 0, 0, (max)}

/* Prepares an empty buffer with the ceiling `max` (0: no practical ceiling). */
void ks_buf_init(struct ks_buf *b, size_t max);

/* Frees the memory and returns the buffer to its initial state (ceiling kept). */
void ks_buf_release(struct ks_buf *b);

/* Empties the buffer, keeping its memory. */
void ks_buf_reset(struct ks_buf *b);

/* Makes room for `extra` more bytes. KS_ENOMEM or KS_ELIMIT. */
ks_err ks_buf_grow(struct ks_buf *b, size_t extra);

ks_err ks_buf_add(struct ks_buf *b, const void *data, size_t len);
ks_err ks_buf_adds(struct ks_buf *b, const char *s);
ks_err ks_buf_addc(struct ks_buf *b, char c);
ks_err ks_buf_addf(struct ks_buf *b, const char *fmt, ...) KS_PRINTF(2, 3);
ks_err ks_buf_vaddf(struct ks_buf *b, const char *fmt, va_list ap);

/* Shortens the contents to `len` bytes (no-op if already shorter). */
void ks_buf_truncate(struct ks_buf *b, size_t len);

/* Returns the contents, always a valid NUL-terminated string ("" if empty).
 * Borrowed: valid until the buffer is next modified or released. */
const char *ks_buf_str(const struct ks_buf *b);

/* Hands the malloc'd contents to the caller (who frees them) and resets the
 * buffer. Never NULL unless out of memory. `len_out` may be NULL. */
char *ks_buf_detach(struct ks_buf *b, size_t *len_out);

#endif
