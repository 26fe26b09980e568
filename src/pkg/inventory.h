/* pkg/inventory.h - building an inventory.
 *
 * Not thread-safe: one inventory is built by one thread (collectors running
 * in parallel each fill their own and are merged). */
#ifndef KS_PKG_INVENTORY_H
#define KS_PKG_INVENTORY_H

#include "core/err.h"
#include "model/inventory.h"

/* Prepares an empty inventory with its own arena. */
void ks_inventory_init(struct ks_inventory *inv);

/* Frees everything the inventory holds. */
void ks_inventory_release(struct ks_inventory *inv);

/* Appends a zeroed component (direct = -1) and returns it, or NULL when out
 * of memory. The pointer is valid until the next ks_inventory_add(). */
struct ks_component *ks_inventory_add(struct ks_inventory *inv);

/* Copies `s` (NULL stays NULL) into the inventory's arena. */
const char *ks_inventory_str(struct ks_inventory *inv, const char *s);
const char *ks_inventory_strn(struct ks_inventory *inv, const char *s, size_t len);

/* Records a coverage note (printf-style message). KS_ENOMEM only. */
ks_err ks_inventory_note(struct ks_inventory *inv, const char *path, const char *fmt, ...)
        KS_PRINTF(3, 4);

/* Sets component `c`'s direct dependencies to a copy (in the inventory's
 * arena) of the `n` bom_refs `refs`; n == 0 leaves it without. KS_ENOMEM
 * only. */
ks_err ks_inventory_set_depends(struct ks_inventory *inv, struct ks_component *c,
                                const char *const *refs, size_t n);

/* Sorts components into the canonical order (type, name, version, path) so
 * that outputs are deterministic whatever order collectors ran in. */
void ks_inventory_sort(struct ks_inventory *inv);

#endif
