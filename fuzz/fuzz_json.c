/* fuzz/fuzz_json.c - the JSON reader and writer on arbitrary bytes.
 *
 * Checks beyond "no crash": whatever parses must serialise, and the
 * serialisation must parse again to the same text (a fixed point). */
#include "core/ks_common.h"

#include "core/arena.h"
#include "core/buf.h"
#include "formats/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ks_err count_each(const struct ks_value *v, size_t index, void *ctx)
{
    KS_UNUSED(v);
    KS_UNUSED(index);
    (*(size_t *)ctx)++;
    return KS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ks_arena arena = KS_ARENA_INIT(65536, 64u << 20);
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf a = KS_BUF_INIT(0), b = KS_BUF_INIT(0);
    struct ks_value *v, *w;
    struct ks_jw jw;
    size_t n = 0;

    lim.max_json_depth = 64;
    if (!ks_json_parse(&arena, "fuzz", (const char *)data, size, &lim, &v, &diag)) {
        ks_jw_init(&jw, &a, 0);
        ks_jw_value(&jw, v);
        if (ks_jw_finish(&jw) == KS_OK) {
            if (ks_json_parse(&arena, "again", a.ptr, a.len, &lim, &w, &diag))
                KS_BUG("writer output does not parse: %s", diag.msg);
            ks_jw_init(&jw, &b, 0);
            ks_jw_value(&jw, w);
            if (ks_jw_finish(&jw) || a.len != b.len || memcmp(a.ptr, b.ptr, a.len))
                KS_BUG("serialisation is not a fixed point");
        }
    }
    ks_arena_reset(&arena);
    ks_json_each(&arena, "fuzz", (const char *)data, size, &lim, count_each, &n, &diag);
    ks_arena_reset(&arena);
    ks_buf_release(&a);
    ks_buf_release(&b);
    return 0;
}
