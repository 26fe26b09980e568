/* fuzz/fuzz_sbom.c - CycloneDX and SPDX documents read as an inventory (what
 * `kensa scan sbom` and the server's PUT /resources/{id}/inventory read) on
 * arbitrary bytes: no crash, bounded, and every component read has a name
 * and a bom_ref; the completed inventory stays sorted and consistent. */
#include "core/ks_common.h"

#include "pkg/inventory.h"
#include "pkg/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_inventory inv;

    lim.max_json_depth = 64;
    ks_inventory_init(&inv);
    if (!ks_pkg_read_sbom_mem(&inv, "fuzz.json", (const char *)data, size, &lim, NULL) &&
        !ks_pkg_finish(&inv)) {
        for (size_t i = 0; i < inv.components.len; i++) {
            const struct ks_component *c = &inv.components.items[i];
            if (!c->name || !c->bom_ref)
                KS_BUG("component %zu without a name or bom_ref", i);
            for (size_t k = 0; k < c->ndepends; k++)
                if (!c->depends[k])
                    KS_BUG("component %zu: NULL dependency", i);
        }
        for (size_t i = 0; i < inv.notes.len; i++)
            if (!inv.notes.items[i].message)
                KS_BUG("note %zu without a message", i);
    }
    ks_inventory_release(&inv);
    return 0;
}
