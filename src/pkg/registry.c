#include "core/ks_common.h"

#include "pkg/registry.h"

#include "core/str.h"

const struct ks_collector *const ks_collectors[] = {
#define KS_COLLECTOR(name) &ks_collector_##name,
#include "pkg/collectors.def"
#undef KS_COLLECTOR
};

const size_t ks_ncollectors = KS_ARRAY_LEN(ks_collectors);

const struct ks_collector *ks_collector_find(const char *name)
{
    for (size_t i = 0; i < ks_ncollectors; i++)
        if (!strcmp(ks_collectors[i]->name, name))
            return ks_collectors[i];
    return NULL;
}

bool ks_pkg_wants_nested(const char *path)
{
    static const char *const exts[] = {".jar", ".war", ".ear", ".par", ".sar", ".hpi", ".jpi"};

    for (size_t i = 0; i < KS_ARRAY_LEN(exts); i++)
        if (ks_ends_with(path, exts[i]))
            return true;
    return false;
}
