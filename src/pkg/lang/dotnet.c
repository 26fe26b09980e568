/* pkg/lang/dotnet.c - *.deps.json (what a built .NET application loads),
 * NuGet packages.lock.json and packages.config (XML). */
#include "core/ks_common.h"

#include "core/str.h"
#include "pkg/inventory.h"
#include "formats/xml.h"
#include "pkg/lang/internal.h"

/* ---- *.deps.json ---- */

static bool deps_wants(const char *path, unsigned mode)
{
    (void)mode;
    return ks_ends_with(lang_basename(path), ".deps.json");
}

/* "Name/1.2.3" -> name and version in the scratch arena. */
static bool split_lib(struct lang_set *s, const char *key, char **name, char **ver)
{
    const char *slash = strrchr(key, '/');

    if (!slash || slash == key || !slash[1])
        return false;
    *name = lang_strndup(s, key, (size_t)(slash - key));
    *ver = lang_strndup(s, slash + 1, strlen(slash + 1));
    return *name && *ver;
}

static ks_err deps_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                         struct ks_diag *diag)
{
    struct ks_map by_key = KS_MAP_INIT; /* "Name/1.2.3" -> index + 1 (packages only) */
    struct ks_value *root;
    const struct ks_value *libs, *targets, *target = NULL;
    const char *rt;
    struct lang_set s;
    bool has_project = false;
    size_t first = ctx->inv->components.len;
    ks_err e;

    lang_set_init(&s, ctx);
    if ((e = lang_json(&s, data, len, &root, diag)))
        goto done;
    libs = ks_value_get(root, "libraries");
    targets = ks_value_get(root, "targets");
    if (!libs || libs->type != KS_VOBJECT) {
        e = lang_bad(&s, diag, "no 'libraries' object: not a .deps.json file");
        goto done;
    }
    for (size_t i = 0; i < libs->u.o.len; i++) {
        const struct ks_member *m = &libs->u.o.items[i];
        const char *type = ks_value_get_str(m->value, "type");
        char *name, *ver;
        size_t idx;
        if (type && !strcmp(type, "project"))
            has_project = true;
        if (!type || strcmp(type, "package"))
            continue; /* projects and framework references */
        if (!split_lib(&s, m->key, &name, &ver)) {
            e = lang_bad(&s, diag, "library key '%.80s' is not 'name/version'", m->key);
            goto done;
        }
        idx = lang_add(&s, KS_PKG_NUGET, name, ver, NULL, diag);
        if (idx == LANG_NONE ||
            ks_map_put(&by_key, m->key, m->key_len, (void *)(uintptr_t)(idx + 1))) {
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        lang_scope(&s, idx, KS_SCOPE_REQUIRED, -1);
    }
    rt = ks_value_path(root, "runtimeTarget.name") ? ks_value_str(ks_value_path(root, "runtimeTarget.name")) : NULL;
    if (targets && targets->type == KS_VOBJECT) {
        target = rt ? ks_value_get(targets, rt) : NULL;
        if (!target && targets->u.o.len)
            target = targets->u.o.items[0].value;
    }
    for (size_t i = 0; target && target->type == KS_VOBJECT && i < target->u.o.len; i++) {
        const struct ks_member *m = &target->u.o.items[i];
        const struct ks_value *deps = ks_value_get(m->value, "dependencies");
        void *from = ks_map_get(&by_key, m->key, m->key_len);
        const char *ltype = ks_value_get_str(ks_value_get(libs, m->key), "type");
        bool project = ltype && !strcmp(ltype, "project");
        for (size_t k = 0; deps && deps->type == KS_VOBJECT && k < deps->u.o.len; k++) {
            const char *dv = ks_value_str(deps->u.o.items[k].value);
            char *key = dv ? ks_arena_printf(&s.scratch, "%s/%s", deps->u.o.items[k].key, dv)
                           : NULL;
            void *to = key ? ks_map_get(&by_key, key, strlen(key)) : NULL;
            if (!to)
                continue;
            if (project)
                lang_scope(&s, (uintptr_t)to - 1, KS_SCOPE_UNKNOWN, 1);
            else if (from && (e = lang_edge(&s, (uintptr_t)from - 1, (uintptr_t)to - 1, diag)))
                goto done;
        }
    }
    if (has_project)
        for (size_t i = first; i < ctx->inv->components.len; i++)
            if (ctx->inv->components.items[i].direct < 0)
                ctx->inv->components.items[i].direct = 0;
    e = lang_set_finish(&s, diag);
done:
    ks_map_release(&by_key);
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_dotnet_deps = {"dotnet-deps", deps_wants, deps_parse};

/* ---- packages.lock.json ---- */

static bool lock_wants(const char *path, unsigned mode)
{
    (void)mode;
    return lang_path_is(path, "packages.lock.json");
}

static ks_err lock_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                         struct ks_diag *diag)
{
    struct ks_value *root;
    const struct ks_value *fws;
    struct lang_set s;
    ks_err e;

    lang_set_init(&s, ctx);
    if ((e = lang_json(&s, data, len, &root, diag)))
        goto done;
    fws = ks_value_get(root, "dependencies");
    if (!fws || fws->type != KS_VOBJECT) {
        e = lang_bad(&s, diag, "no 'dependencies' object: not a packages.lock.json file");
        goto done;
    }
    for (size_t f = 0; f < fws->u.o.len; f++) {
        const struct ks_value *fw = fws->u.o.items[f].value;
        struct ks_map by_name = KS_MAP_INIT;
        if (fw->type != KS_VOBJECT) {
            e = lang_bad(&s, diag, "framework '%.40s' is not an object", fws->u.o.items[f].key);
            goto done;
        }
        for (int pass = 0; pass < 2 && !e; pass++) {
            for (size_t i = 0; i < fw->u.o.len && !e; i++) {
                const struct ks_member *m = &fw->u.o.items[i];
                const char *type = ks_value_get_str(m->value, "type");
                const char *ver = ks_value_get_str(m->value, "resolved");
                const struct ks_value *deps = ks_value_get(m->value, "dependencies");
                void *from;
                if (type && !strcmp(type, "Project"))
                    continue;
                if (pass == 0) {
                    size_t idx;
                    if (!ver) {
                        e = lang_bad(&s, diag, "package '%.80s' has no 'resolved' version",
                                     m->key);
                        break;
                    }
                    idx = lang_add(&s, KS_PKG_NUGET, m->key, ver, NULL, diag);
                    if (idx == LANG_NONE ||
                        ks_map_put(&by_name, m->key, m->key_len, (void *)(uintptr_t)(idx + 1))) {
                        e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                        break;
                    }
                    lang_scope(&s, idx, KS_SCOPE_REQUIRED,
                               type && !strcmp(type, "Direct") ? 1 : type ? 0 : -1);
                    continue;
                }
                from = ks_map_get(&by_name, m->key, m->key_len);
                for (size_t k = 0; from && deps && deps->type == KS_VOBJECT && k < deps->u.o.len;
                     k++) {
                    void *to = ks_map_get(&by_name, deps->u.o.items[k].key,
                                          deps->u.o.items[k].key_len);
                    if (to && (e = lang_edge(&s, (uintptr_t)from - 1, (uintptr_t)to - 1, diag)))
                        break;
                }
            }
        }
        ks_map_release(&by_name);
        if (e)
            goto done;
    }
    e = lang_set_finish(&s, diag);
done:
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_nuget_lock = {"nuget-lock", lock_wants, lock_parse};

/* ---- packages.config (NuGet for .NET Framework projects) ---- */

static bool config_wants(const char *path, unsigned mode)
{
    (void)mode;
    return lang_path_is(path, "packages.config");
}

/* <packages><package id="X" version="1.2.3" developmentDependency="true"/>…:
 * a flat list of every package the project installs (direct or not). */
static ks_err config_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                           struct ks_diag *diag)
{
    struct ks_xml_node *root;
    struct lang_set s;
    ks_err e;

    lang_set_init(&s, ctx);
    if ((e = ks_xml_parse(&s.scratch, ctx->path, data, len, ctx->lim, &root, diag)))
        goto done;
    if (strcmp(root->name, "packages")) {
        e = lang_bad(&s, diag, "root element is <%.40s>, not <packages>", root->name);
        goto done;
    }
    for (const struct ks_xml_node *p = ks_xml_child(root, "package"); p; p = ks_xml_next(p)) {
        const char *id = ks_xml_attr(p, "id"), *ver = ks_xml_attr(p, "version");
        const char *dev = ks_xml_attr(p, "developmentDependency");
        size_t idx;
        if (!id || !ver || !*id || !*ver) {
            e = lang_bad(&s, diag, "line %u: <package> without id or version", p->line);
            goto done;
        }
        idx = lang_add(&s, KS_PKG_NUGET, id, ver, NULL, diag);
        if (idx == LANG_NONE) {
            e = KS_ENOMEM;
            goto done;
        }
        lang_scope(&s, idx, dev && !strcmp(dev, "true") ? KS_SCOPE_DEV : KS_SCOPE_REQUIRED, -1);
    }
done:
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_nuget_config = {"nuget-packages-config", config_wants,
                                               config_parse};
