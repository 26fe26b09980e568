/* fuzz/fuzz_toml.c - the TOML reader on arbitrary bytes.
 *
 * Beyond "no crash": every tree TOML yields must be writable as JSON. */
#include "core/ks_common.h"

#include "core/arena.h"
#include "core/buf.h"
#include "formats/json.h"
#include "formats/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ks_arena arena = KS_ARENA_INIT(65536, 64u << 20);
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_value *v;
    struct ks_jw jw;

    lim.max_json_depth = 64;
    if (!ks_toml_parse(&arena, "fuzz", (const char *)data, size, &lim, &v, &diag)) {
        if (v->type != KS_VOBJECT)
            KS_BUG("TOML root is not a table");
        ks_jw_init(&jw, &out, 0);
        ks_jw_value(&jw, v);
        if (ks_jw_finish(&jw))
            KS_BUG("TOML tree not writable as JSON");
    }
    ks_arena_reset(&arena);
    ks_buf_release(&out);
    return 0;
}
