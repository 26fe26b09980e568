#include "core/ks_common.h"

#include "pkg/text.h"

#include "pkg/inventory.h"

const char *ks_pkg_str(struct ks_inventory *inv, struct ks_str s)
{
    return s.len ? ks_inventory_strn(inv, s.ptr, s.len) : NULL;
}
