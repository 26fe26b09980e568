/* core/deflate.c - DEFLATE via zlib: reusable compressor, bounded inflate. */
#include "core/ks_common.h"

#include "core/deflate.h"

#include "core/dl.h"

#include <zlib.h>

/* libz, loaded on first use (core/dl.h): only a process that compresses or
 * inflates pays for it (a vulnerability DB import, `db search`, a
 * cargo-auditable binary); lookups and scans never do. zlib's
 * deflateInit2/inflateInit2 macros expand to the *_ names in the table. */
#define KS_ZLIB_FNS(X)                                                                             \
    X(deflateInit2_)                                                                               \
    X(deflateReset)                                                                                \
    X(deflateSetDictionary)                                                                        \
    X(deflateBound)                                                                                \
    X(deflate)                                                                                     \
    X(deflateEnd)                                                                                  \
    X(inflateInit2_)                                                                               \
    X(inflateSetDictionary)                                                                        \
    X(inflate)                                                                                     \
    X(inflateEnd)

KS_DL_LIBRARY(lib_zlib, KS_ZLIB_FNS, "libz.so.1",
              "compress or inflate DEFLATE data");

#define deflateInit2_ (lib_zlib.deflateInit2_)
#define deflateReset (lib_zlib.deflateReset)
#define deflateSetDictionary (lib_zlib.deflateSetDictionary)
#define deflateBound (lib_zlib.deflateBound)
#define deflate (lib_zlib.deflate)
#define deflateEnd (lib_zlib.deflateEnd)
#define inflateInit2_ (lib_zlib.inflateInit2_)
#define inflateSetDictionary (lib_zlib.inflateSetDictionary)
#define inflate (lib_zlib.inflate)
#define inflateEnd (lib_zlib.inflateEnd)

struct ks_deflater {
    z_stream z;
    unsigned char *dict;
    size_t dict_len;
};

static int window_bits(enum ks_zformat fmt)
{
    return fmt == KS_Z_RAW ? -MAX_WBITS : MAX_WBITS;
}

ks_err ks_deflater_new(enum ks_zformat fmt, int level, const void *dict, size_t dict_len,
                       struct ks_deflater **out, struct ks_diag *diag)
{
    struct ks_deflater *z;
    ks_err err;

    *out = NULL;
    if ((err = ks_dl_load(&lib_zlib_dl, diag)))
        return err;
    if (level < 1 || level > 9)
        return ks_diag_set(diag, KS_EINVAL, "compression level %d out of 1..9", level);
    if (dict_len > KS_Z_DICT_MAX)
        return ks_diag_set(diag, KS_EINVAL, "compression dictionary of %zu bytes (at most %d)",
                           dict_len, KS_Z_DICT_MAX);
    z = calloc(1, sizeof(*z));
    if (!z)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (dict_len) {
        z->dict = malloc(dict_len);
        if (!z->dict) {
            free(z);
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        }
        memcpy(z->dict, dict, dict_len);
        z->dict_len = dict_len;
    }
    if (deflateInit2(&z->z, level, Z_DEFLATED, window_bits(fmt), 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(z->dict);
        free(z);
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    *out = z;
    return KS_OK;
}

void ks_deflater_free(struct ks_deflater *z)
{
    if (!z)
        return;
    deflateEnd(&z->z);
    free(z->dict);
    free(z);
}

ks_err ks_deflater_run(struct ks_deflater *z, const void *in, size_t len, struct ks_buf *out,
                       struct ks_diag *diag)
{
    size_t start = out->len;
    ks_err err = KS_OK;
    int r;

    if (deflateReset(&z->z) != Z_OK ||
        (z->dict_len && deflateSetDictionary(&z->z, z->dict, (uInt)z->dict_len) != Z_OK))
        return ks_diag_set(diag, KS_EINTERNAL, "deflate: cannot reset the stream");
    z->z.next_in = (unsigned char *)(uintptr_t)in;
    do {
        /* zlib counts in uInt: feed big inputs in slices */
        size_t left =
                len - (size_t)((const unsigned char *)z->z.next_in - (const unsigned char *)in);
        z->z.avail_in = left > UINT32_MAX ? UINT32_MAX : (uInt)left;
        size_t room = deflateBound(&z->z, z->z.avail_in);
        if ((err = ks_buf_grow(out, room))) {
            ks_diag_set(diag, err,
                        err == KS_ELIMIT ? "compressed data over the size limit" : "out of memory");
            break;
        }
        z->z.next_out = (unsigned char *)out->ptr + out->len;
        z->z.avail_out = (uInt)(room > UINT32_MAX ? UINT32_MAX : room);
        r = deflate(&z->z, z->z.avail_in == left ? Z_FINISH : Z_NO_FLUSH);
        out->len = (size_t)((char *)z->z.next_out - out->ptr);
        if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
            err = ks_diag_set(diag, KS_EINTERNAL, "deflate failed (%d)", r);
            break;
        }
        if (r == Z_STREAM_END)
            break;
    } while (1);
    if (err)
        ks_buf_truncate(out, start);
    else
        out->ptr[out->len] = '\0';
    return err;
}

ks_err ks_inflate(enum ks_zformat fmt, const void *in, size_t len, const void *dict,
                  size_t dict_len, struct ks_buf *out, struct ks_diag *diag)
{
    const char *what = fmt == KS_Z_RAW ? "deflate" : "zlib";
    size_t start = out->len;
    unsigned char chunk[16384];
    z_stream z;
    ks_err err = KS_OK;
    int r;

    if (dict_len > KS_Z_DICT_MAX)
        return ks_diag_set(diag, KS_EINVAL, "compression dictionary of %zu bytes (at most %d)",
                           dict_len, KS_Z_DICT_MAX);
    if ((err = ks_dl_load(&lib_zlib_dl, diag)))
        return err;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, window_bits(fmt)) != Z_OK)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    /* a raw stream takes its dictionary up front; a zlib stream asks for it */
    if (fmt == KS_Z_RAW && dict_len &&
        inflateSetDictionary(&z, (const Bytef *)dict, (uInt)dict_len) != Z_OK) {
        err = ks_diag_set(diag, KS_EINTERNAL, "inflate: cannot set the dictionary");
        goto done;
    }
    z.next_in = (unsigned char *)(uintptr_t)in;
    do {
        size_t left = len - (size_t)((const unsigned char *)z.next_in - (const unsigned char *)in);
        z.avail_in = left > UINT32_MAX ? UINT32_MAX : (uInt)left;
        z.next_out = chunk;
        z.avail_out = sizeof(chunk);
        r = inflate(&z, Z_NO_FLUSH);
        if (r == Z_NEED_DICT) {
            if (!dict_len ||
                inflateSetDictionary(&z, (const Bytef *)dict, (uInt)dict_len) != Z_OK) {
                err = ks_diag_set(diag, KS_EPARSE, "%s data needs a dictionary", what);
                break;
            }
            r = Z_OK;
        }
        if (r != Z_OK && r != Z_STREAM_END && !(r == Z_BUF_ERROR && z.avail_in == 0)) {
            err = ks_diag_set(diag, KS_EPARSE, "corrupt %s data", what);
            break;
        }
        if ((err = ks_buf_add(out, chunk, sizeof(chunk) - z.avail_out))) {
            if (err == KS_ELIMIT)
                ks_diag_set(diag, err, "%s data expands beyond %zu bytes", what, out->max);
            else
                ks_diag_set(diag, err, "out of memory");
            break;
        }
        if (r != Z_STREAM_END && z.avail_in == 0 && z.avail_out != 0 &&
            (size_t)((const unsigned char *)z.next_in - (const unsigned char *)in) == len) {
            err = ks_diag_set(diag, KS_EPARSE, "truncated %s data", what);
            break;
        }
    } while (r != Z_STREAM_END);
done:
    inflateEnd(&z);
    if (err)
        ks_buf_truncate(out, start);
    return err;
}
