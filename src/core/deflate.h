/* core/deflate.h - DEFLATE compression and bounded decompression (via zlib).
 *
 * Two framings: KS_Z_RAW (RFC 1951, no header: the smallest, for data whose
 * container already says what it is, e.g. a database column) and KS_Z_ZLIB
 * (RFC 1950, header and Adler-32, as written by other tools). An optional
 * preset dictionary (at most 32 KiB; the same bytes must be given to both
 * sides) helps small inputs: common strings are then referenced instead of
 * repeated.
 *
 * Decompression never grows `out` beyond its ceiling (ks_buf `max`):
 * KS_ELIMIT then. Malformed or truncated input is KS_EPARSE with a one-line
 * message ("corrupt deflate data", "truncated zlib data", ...) that the
 * caller prefixes with what was being read. On any error `out` keeps its
 * earlier contents (what was appended is truncated away).
 *
 * zlib is loaded on first use (core/dl.h): every function may then fail
 * with KS_EUNSUPPORTED ("cannot load 'libz.so.1' ..."). zlib objects never
 * leave this file. Thread-safety: a struct ks_deflater is
 * used by one thread at a time; the functions keep no other state. */
#ifndef KS_CORE_DEFLATE_H
#define KS_CORE_DEFLATE_H

#include "core/buf.h"
#include "core/err.h"

enum ks_zformat {
    KS_Z_RAW,  /* raw DEFLATE (RFC 1951) */
    KS_Z_ZLIB, /* zlib stream (RFC 1950) */
};

#define KS_Z_DICT_MAX 32768

/* A reusable compressor: one allocation for many small inputs (the per-call
 * set-up of zlib costs more than compressing a few hundred bytes). */
struct ks_deflater;

/* `level` 1 (fast) .. 9 (small); `dict` (may be NULL) is copied. KS_ENOMEM,
 * KS_EINVAL (bad level, dictionary over KS_Z_DICT_MAX). */
ks_err ks_deflater_new(enum ks_zformat fmt, int level, const void *dict, size_t dict_len,
                       struct ks_deflater **out, struct ks_diag *diag);
void ks_deflater_free(struct ks_deflater *z);

/* Appends the compressed form of `len` bytes of `in` to `out` (complete
 * stream). KS_ENOMEM / KS_ELIMIT from `out`. */
ks_err ks_deflater_run(struct ks_deflater *z, const void *in, size_t len, struct ks_buf *out,
                       struct ks_diag *diag);

/* Appends the decompression of the complete stream `in` to `out`, bounded
 * by out->max. Bytes after the end of the stream are ignored (containers
 * pad); a stream that ends early is KS_EPARSE. */
ks_err ks_inflate(enum ks_zformat fmt, const void *in, size_t len, const void *dict,
                  size_t dict_len, struct ks_buf *out, struct ks_diag *diag);

#endif
