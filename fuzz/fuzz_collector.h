/* fuzz/fuzz_collector.h - the body shared by the package collector fuzz
 * targets: offer the bytes as the file at PATH (through the dispatcher, as a
 * walk would), finish the inventory, write it as CycloneDX and SPDX. Checks
 * beyond "no crash": the SBOMs must be valid JSON. */
#include "core/arena.h"
#include "core/buf.h"
#include "export/sbom.h"
#include "formats/json.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"

#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_collect(const char *path, const uint8_t *data, size_t size)
{
    static struct ks_arena arena = KS_ARENA_INIT(65536, 64u << 20);
    struct ks_inventory inv;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_value *v;

    ks_inventory_init(&inv);
    if (ks_pkg_collect(&inv, path, S_IFREG | 0644, "sha256:layer", (const char *)data, size,
                       &ks_limits_default, &d) == KS_OK &&
        ks_pkg_finish(&inv) == KS_OK) {
        for (int f = KS_SBOM_CYCLONEDX; f <= KS_SBOM_SPDX; f++) {
            struct ks_sbom_opts o = {(enum ks_sbom_format)f, "fuzz", NULL};
            ks_buf_reset(&out);
            if (ks_sbom_write(&inv, &o, &out, &d) == KS_OK &&
                ks_json_parse(&arena, "sbom", out.ptr, out.len, &ks_limits_default, &v, &d))
                KS_BUG("SBOM is not JSON: %s", d.msg);
            ks_arena_reset(&arena);
        }
    }
    ks_buf_release(&out);
    ks_inventory_release(&inv);
}
