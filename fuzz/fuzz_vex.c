/* fuzz/fuzz_vex.c - VEX documents (OpenVEX, CycloneDX, CSAF) and ignore
 * files on arbitrary bytes: no crash, bounded, and every loaded statement is
 * findable by its own id and product. */
#include "core/ks_common.h"

#include "match/ignore.h"
#include "match/vex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_vex vex;
    struct ks_ignore ig;

    lim.max_json_depth = 64;
    ks_vex_init(&vex);
    if (!ks_vex_load(&vex, "fuzz", (const char *)data, size, &lim, NULL)) {
        for (size_t i = 0; i < vex.statements.len; i++) {
            const struct ks_vex_statement *s = &vex.statements.items[i];
            if (!ks_vex_find(&vex, s->vuln_id, NULL, 0, &s->product))
                KS_BUG("statement %zu not found by its own id and product", i);
        }
    }
    ks_vex_release(&vex);
    ks_ignore_init(&ig);
    ks_ignore_load(&ig, "fuzz", (const char *)data, size, 0, &lim, NULL);
    ks_ignore_release(&ig);
    return 0;
}
