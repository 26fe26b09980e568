/* pkg/registry.h - the table of all package collectors (pkg/collectors.def)
 * and the rules the file walk asks about. */
#ifndef KS_PKG_REGISTRY_H
#define KS_PKG_REGISTRY_H

#include "pkg/collector.h"

#define KS_COLLECTOR(name) extern const struct ks_collector ks_collector_##name;
#include "pkg/collectors.def"
#undef KS_COLLECTOR

/* All collectors, in collectors.def order; `ks_ncollectors` of them. */
extern const struct ks_collector *const ks_collectors[];
extern const size_t ks_ncollectors;

/* Every collector, OS ones (collectors.def) then language ones (pkg/lang):
 * the walk offers each file to all of them. Thread-safe after first use. */
size_t ks_collector_count(void);
const struct ks_collector *ks_collector_at(size_t i);

/* The collector called `name`, or NULL. */
const struct ks_collector *ks_collector_find(const char *name);

/* True for files whose members the walk should visit (jar, war, ear, …). */
bool ks_pkg_wants_nested(const char *path);

#endif
