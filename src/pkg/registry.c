#include "core/ks_common.h"

#include "pkg/registry.h"

#include "core/str.h"
#include "pkg/lang/lang.h"

const struct ks_collector *const ks_collectors[] = {
#define KS_COLLECTOR(name) &ks_collector_##name,
#include "pkg/collectors.def"
#undef KS_COLLECTOR
};

const size_t ks_ncollectors = KS_ARRAY_LEN(ks_collectors);

/* OS collectors first (collectors.def), then the language ones (pkg/lang). */
static size_t nlang(void)
{
    static size_t n = SIZE_MAX;

    if (n == SIZE_MAX) {
        size_t k = 0;
        while (ks_lang_collectors[k])
            k++;
        n = k;
    }
    return n;
}

size_t ks_collector_count(void)
{
    return ks_ncollectors + nlang();
}

const struct ks_collector *ks_collector_at(size_t i)
{
    return i < ks_ncollectors ? ks_collectors[i] : ks_lang_collectors[i - ks_ncollectors];
}

const struct ks_collector *ks_collector_find(const char *name)
{
    for (size_t i = 0; i < ks_collector_count(); i++)
        if (!strcmp(ks_collector_at(i)->name, name))
            return ks_collector_at(i);
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
