/* fuzz/fuzz_cis_load.c - the benchmark-file loader (YAML + validation of
 * every check) on arbitrary bytes. */
#include "core/ks_common.h"

#include "cis/cis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_cis_benchmark b;

    lim.max_json_depth = 64;
    if (!ks_cis_load(&b, "fuzz.yaml", (const char *)data, size, &lim, &diag)) {
        /* a loaded benchmark is consistent: every automated rule has a check */
        for (size_t i = 0; i < b.n_rules; i++)
            if (!b.rules[i].manual && !b.rules[i].check)
                KS_BUG("rule '%s' without check", b.rules[i].id);
        ks_cis_release(&b);
    } else if (!diag.msg[0]) {
        KS_BUG("load failed without a message");
    }
    return 0;
}
