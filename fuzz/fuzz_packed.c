/* fuzz/fuzz_packed.c - the store's packed inventories (pkg/packed.h) on
 * arbitrary text: a damaged store row must be refused, never misread.
 *
 * Whatever unpacks must pack again, and that must be a fixed point
 * (unpacks to an inventory that packs to the same bytes). */
#include "core/ks_common.h"

#include "core/buf.h"
#include "pkg/inventory.h"
#include "pkg/packed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_buf a = KS_BUF_INIT(0), b = KS_BUF_INIT(0);
    struct ks_inventory inv, again;
    struct ks_diag d = KS_DIAG_INIT;

    ks_inventory_init(&inv);
    ks_inventory_init(&again);
    if (ks_inventory_unpack(&inv, (const char *)data, size, &d))
        goto done;
    if (ks_inventory_pack(&inv, &a))
        KS_BUG("an unpacked inventory does not pack");
    if (ks_inventory_unpack(&again, a.ptr, a.len, &d))
        KS_BUG("a packed inventory does not unpack: %s", d.msg);
    if (ks_inventory_pack(&again, &b) || a.len != b.len || memcmp(a.ptr, b.ptr, a.len))
        KS_BUG("packing is not a fixed point");
done:
    ks_inventory_release(&inv);
    ks_inventory_release(&again);
    ks_buf_release(&a);
    ks_buf_release(&b);
    return 0;
}
