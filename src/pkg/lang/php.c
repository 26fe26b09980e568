/* pkg/lang/php.c - composer.lock and vendor/composer/installed.json (v1: a
 * bare array; v2: {"packages": [...], "dev-package-names": [...]}). */
#include "core/ks_common.h"

#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/lang/internal.h"

static bool lock_wants(const char *path, unsigned mode)
{
    (void)mode;
    return lang_path_is(path, "composer.lock");
}

static bool installed_wants(const char *path, unsigned mode)
{
    (void)mode;
    return ks_ends_with(path, "/vendor/composer/installed.json") ||
           !strcmp(path, "vendor/composer/installed.json");
}

/* A platform requirement ("php", "ext-json", "lib-icu", "composer-plugin-api")
 * is not a package. */
static bool platform_req(const char *name)
{
    return !strchr(name, '/');
}

static bool in_list(const struct ks_value *list, const char *name)
{
    for (size_t i = 0; i < ks_value_len(list); i++) {
        const char *s = ks_value_str(ks_value_at(list, i));
        if (s && !strcmp(s, name))
            return true;
    }
    return false;
}

/* Adds the packages of `arr`; `dev` marks them all dev, `devnames` by name. */
static ks_err add_packages(struct lang_set *s, const struct ks_value *arr, bool dev,
                           const struct ks_value *devnames, struct ks_map *by_name,
                           struct ks_diag *diag)
{
    for (size_t i = 0; i < ks_value_len(arr); i++) {
        const struct ks_value *p = ks_value_at(arr, i);
        const char *name = ks_value_get_str(p, "name"), *ver = ks_value_get_str(p, "version");
        size_t idx;
        if (!name || !ver)
            return lang_bad(s, diag, "package %zu has no name or version", i + 1);
        idx = lang_add(s, KS_PKG_COMPOSER, name, ver, NULL, diag);
        if (idx == LANG_NONE || ks_map_put(by_name, name, strlen(name), (void *)(uintptr_t)(idx + 1)))
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        lang_scope(s, idx, dev || in_list(devnames, name) ? KS_SCOPE_DEV : KS_SCOPE_REQUIRED, -1);
        lang_license(s, idx, lang_license_of(s, ks_value_get(p, "license")));
    }
    return KS_OK;
}

static ks_err add_edges(struct lang_set *s, const struct ks_value *arr, struct ks_map *by_name,
                        struct ks_diag *diag)
{
    ks_err e;

    for (size_t i = 0; i < ks_value_len(arr); i++) {
        const struct ks_value *p = ks_value_at(arr, i);
        const char *name = ks_value_get_str(p, "name");
        const struct ks_value *req = ks_value_get(p, "require");
        void *from = name ? ks_map_get(by_name, name, strlen(name)) : NULL;
        for (size_t k = 0; from && req && req->type == KS_VOBJECT && k < req->u.o.len; k++) {
            const char *dn = req->u.o.items[k].key;
            void *to;
            if (platform_req(dn))
                continue;
            to = ks_map_get(by_name, dn, strlen(dn));
            if (to && (e = lang_edge(s, (uintptr_t)from - 1, (uintptr_t)to - 1, diag)))
                return e;
        }
    }
    return KS_OK;
}

static ks_err composer_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                             struct ks_diag *diag, bool installed)
{
    struct ks_map by_name = KS_MAP_INIT;
    struct ks_value *root;
    const struct ks_value *pkgs, *dev = NULL, *devnames = NULL;
    struct lang_set s;
    ks_err e;

    lang_set_init(&s, ctx);
    if ((e = lang_json(&s, data, len, &root, diag)))
        goto done;
    if (installed && root->type == KS_VARRAY) {
        pkgs = root; /* composer 1 */
    } else if (root->type == KS_VOBJECT) {
        pkgs = ks_value_get(root, "packages");
        dev = installed ? NULL : ks_value_get(root, "packages-dev");
        devnames = installed ? ks_value_get(root, "dev-package-names") : NULL;
    } else {
        e = lang_bad(&s, diag, "neither an object nor an array at the top level");
        goto done;
    }
    if ((pkgs && pkgs->type != KS_VARRAY) || (dev && dev->type != KS_VARRAY)) {
        e = lang_bad(&s, diag, "'packages' is not an array");
        goto done;
    }
    if (!pkgs && !installed) {
        e = lang_bad(&s, diag, "no 'packages' array: not a composer.lock");
        goto done;
    }
    if ((e = add_packages(&s, pkgs, false, devnames, &by_name, diag)) ||
        (e = add_packages(&s, dev, true, NULL, &by_name, diag)) ||
        (e = add_edges(&s, pkgs, &by_name, diag)) || (e = add_edges(&s, dev, &by_name, diag)))
        goto done;
    e = lang_set_finish(&s, diag);
done:
    ks_map_release(&by_name);
    lang_set_release(&s);
    return e;
}

static ks_err lock_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                         struct ks_diag *diag)
{
    return composer_parse(ctx, data, len, diag, false);
}

static ks_err installed_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                              struct ks_diag *diag)
{
    return composer_parse(ctx, data, len, diag, true);
}

const struct ks_collector lang_composer_lock = {"composer-lock", lock_wants, lock_parse};
const struct ks_collector lang_composer_installed = {"composer-installed", installed_wants,
                                                     installed_parse};
