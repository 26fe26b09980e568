/* fuzz/fuzz_deflate.c - bounded inflate (core/deflate.h) and the vulnerability
 * DB's stored forms (vulndb/codec.c: blobs, front-coded version lists) on
 * arbitrary bytes.
 *
 * Beyond "no crash": output never exceeds its ceiling and an error leaves
 * the buffer as it was; what inflates compresses and inflates back to the
 * same bytes; decoded versions stay within VDB_VERSION_MAX, and a list that
 * decodes cleanly is found again by lookup for each of its versions. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/deflate.h"
#include "vulndb/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CEILING (1u << 20)

static void inflate_one(enum ks_zformat fmt, const uint8_t *data, size_t size, const void *dict,
                        size_t dict_len)
{
    struct ks_buf out = KS_BUF_INIT(CEILING), z = KS_BUF_INIT(0), back = KS_BUF_INIT(CEILING);
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_deflater *def = NULL;

    if (ks_inflate(fmt, data, size, dict, dict_len, &out, &d)) {
        if (out.len)
            KS_BUG("failed inflate left %zu bytes", out.len);
        goto done;
    }
    if (out.len > CEILING)
        KS_BUG("inflate beyond its ceiling: %zu", out.len);
    if (ks_deflater_new(fmt, 6, dict, dict_len, &def, &d) ||
        ks_deflater_run(def, out.ptr, out.len, &z, &d) ||
        ks_inflate(fmt, z.ptr, z.len, dict, dict_len, &back, &d))
        KS_BUG("round trip failed: %s", d.msg);
    if (back.len != out.len || memcmp(back.ptr, out.ptr, out.len))
        KS_BUG("round trip changed %zu bytes", out.len);
done:
    ks_deflater_free(def);
    ks_buf_release(&out);
    ks_buf_release(&z);
    ks_buf_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t dl;
    const char *dict = vdb_blob_dict(&dl);

    inflate_one(KS_Z_RAW, data, size, NULL, 0);
    inflate_one(KS_Z_RAW, data, size, dict, dl);
    inflate_one(KS_Z_ZLIB, data, size, dict, dl);

    /* a stored versions column */
    struct vdb_versions_iter it;
    const char *v;
    size_t n = 0;
    vdb_versions_iter_init(&it, data, size);
    while ((v = vdb_versions_next(&it))) {
        if (strlen(v) > VDB_VERSION_MAX)
            KS_BUG("decoded version of %zu bytes", strlen(v));
        n++;
    }
    if (n != vdb_versions_count(data, size))
        KS_BUG("count %zu != %zu decoded", vdb_versions_count(data, size), n);
    /* a list written by the encoder: every version is found */
    if (!it.bad && n) {
        struct ks_buf enc = KS_BUF_INIT(0);
        struct ks_diag d = KS_DIAG_INIT;
        const char **list = calloc(n, sizeof(*list));
        char **own = calloc(n, sizeof(*own));
        if (!list || !own)
            KS_BUG("out of memory");
        vdb_versions_iter_init(&it, data, size);
        for (size_t i = 0; i < n && (v = vdb_versions_next(&it)); i++) {
            own[i] = strdup(v);
            if (!own[i])
                KS_BUG("out of memory");
            list[i] = own[i];
        }
        if (vdb_versions_encode(list, n, &enc, &d))
            KS_BUG("encode failed: %s", d.msg);
        for (size_t i = 0; i < n; i++)
            if (!vdb_versions_has(enc.ptr, enc.len, own[i]))
                KS_BUG("version '%s' not found after encoding", own[i]);
        for (size_t i = 0; i < n; i++)
            free(own[i]);
        free(own);
        free(list);
        ks_buf_release(&enc);
    }
    return 0;
}
