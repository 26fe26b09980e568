/* fuzz/fuzz_eol.c - distro-info-data CSV reader on arbitrary bytes: no
 * crash, bounded, and every loaded release is found by its own series. */
#include "core/ks_common.h"

#include "match/eol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_eol eol;

    ks_eol_init(&eol);
    if (!ks_eol_load(&eol, "debian", "fuzz", (const char *)data, size, &lim, NULL)) {
        const struct ks_eol_table *t = ks_eol_table(&eol, "debian");
        if (!t)
            KS_BUG("loaded table not found");
        for (size_t i = 0; i < t->releases.len; i++)
            if (!ks_eol_find(t, NULL, t->releases.items[i].series))
                KS_BUG("release %zu not found by its series", i);
    }
    ks_eol_release(&eol);
    return 0;
}
