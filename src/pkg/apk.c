/* pkg/apk.c - Alpine packages from apk's database, lib/apk/db/installed:
 * paragraphs of "K:value" lines (P name, V version, A arch, o origin, L
 * licence, D depends, p provides; F a directory and R the files in it, which
 * go to the installed-file table of pkg/owned.h). */
#include "core/ks_common.h"

#include "pkg/registry.h"

#include "core/map.h"
#include "core/vec.h"
#include "pkg/inventory.h"
#include "pkg/owned.h"
#include "pkg/text.h"

static bool apk_wants(const char *path, unsigned mode)
{
    KS_UNUSED(mode);
    return !strcmp(path, "/lib/apk/db/installed") || !strcmp(path, "/usr/lib/apk/db/installed");
}

struct para {
    struct ks_str name, version, arch, origin, license, depends, provides;
    const char *begin, *end; /* the paragraph's bytes, for its F:/R: lines */
};

typedef KS_VEC(const char *) ref_vec;

struct pending {
    size_t index;
    struct ks_str depends;
};

typedef KS_VEC(struct pending) pend_vec;

/* The package name of a dependency or provide: "so:libc.so=1" stays whole
 * up to '=', "musl>=1.1" is "musl", "!conflict" is ignored. */
static struct ks_str dep_name(struct ks_str tok)
{
    size_t n = 0;

    while (n < tok.len && !strchr("=<>~", tok.ptr[n]))
        n++;
    return (struct ks_str){tok.ptr, n};
}

/* "F:usr/lib/python3.11/site-packages/idna-3.4.dist-info" then its files
 * "R:METADATA", … (an R: before any F: is in the root directory). */
static ks_err add_files(struct ks_collect_ctx *ctx, const struct para *p,
                        const struct ks_component *c)
{
    struct ks_lines it = {p->begin, p->end};
    struct ks_str line, dir = {"", 0};
    uint32_t owner;
    bool registered = false;
    ks_err err = KS_OK;

    while (!err && p->begin && ks_lines_next(&it, &line)) {
        if (line.len < 2 || line.ptr[1] != ':')
            continue;
        if (line.ptr[0] == 'F')
            dir = (struct ks_str){line.ptr + 2, line.len - 2};
        if (line.ptr[0] != 'R' || line.len == 2)
            continue;
        if (!registered) {
            err = ks_owned_owner(ctx->inv, KS_PKG_APK, c->name, c->arch, c->bom_ref, &owner);
            registered = true;
        }
        if (!err)
            err = ks_owned_add(ctx->inv, owner, dir.ptr, dir.len, line.ptr + 2, line.len - 2,
                               ctx->lim);
    }
    return err;
}

static ks_err add_package(struct ks_collect_ctx *ctx, const struct para *p,
                          pend_vec *pend, struct ks_map *names)
{
    struct ks_inventory *inv = ctx->inv;
    struct ks_component *c;
    struct pending pd;

    if (!p->name.len || !p->version.len)
        return KS_OK;
    c = ks_inventory_add(inv);
    if (!c)
        return KS_ENOMEM;
    c->type = KS_PKG_APK;
    c->name = ks_pkg_str(inv, p->name);
    c->version = ks_pkg_str(inv, p->version);
    c->arch = ks_pkg_str(inv, p->arch);
    c->license = ks_pkg_str(inv, p->license);
    c->source_name = p->origin.len ? ks_pkg_str(inv, p->origin) : c->name;
    c->source_version = c->version;
    c->path = ks_inventory_str(inv, ctx->path);
    c->layer = ks_inventory_str(inv, ctx->layer);
    c->bom_ref = ks_arena_printf(&inv->arena, "apk:%s@%s:%s", c->name, c->version,
                                 c->arch ? c->arch : "");
    if (!c->name || !c->version || !c->bom_ref || !c->source_name)
        return KS_ENOMEM;
    pd.index = inv->components.len - 1;
    pd.depends = p->depends;
    if (KS_VEC_PUSH(pend, pd) || ks_map_put(names, c->name, strlen(c->name), (void *)(uintptr_t)c->bom_ref))
        return KS_ENOMEM;
    if (add_files(ctx, p, c) != KS_OK)
        return KS_ENOMEM;
    for (size_t pos = 0; pos < p->provides.len;) {
        struct ks_str name = dep_name(ks_str_token(p->provides, &pos, " "));
        pos++;
        if (name.len && !ks_map_get(names, name.ptr, name.len)) {
            const char *k = ks_pkg_str(inv, name);
            if (!k || ks_map_put(names, k, name.len, (void *)(uintptr_t)c->bom_ref))
                return KS_ENOMEM;
        }
    }
    return KS_OK;
}

static ks_err apk_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                        struct ks_diag *diag)
{
    struct ks_lines it = {data, data + len};
    struct ks_str line;
    struct para p;
    pend_vec pend = KS_VEC_INIT;
    ref_vec refs = KS_VEC_INIT;
    struct ks_map names = KS_MAP_INIT;
    unsigned lineno = 0;
    ks_err err = KS_OK;

    memset(&p, 0, sizeof(p));
    for (;;) {
        bool more = ks_lines_next(&it, &line);
        struct ks_str v;
        lineno++;
        if (!more || line.len == 0) {
            err = add_package(ctx, &p, &pend, &names);
            if (err)
                goto done;
            memset(&p, 0, sizeof(p));
            if (!more)
                break;
            continue;
        }
        if (line.len < 2 || line.ptr[1] != ':') {
            err = ks_diag_set(diag, KS_EPARSE, "'%s': line %u: expected 'K:value'", ctx->path,
                              lineno);
            goto done;
        }
        v = (struct ks_str){line.ptr + 2, line.len - 2};
        if (!p.begin)
            p.begin = line.ptr;
        p.end = line.ptr + line.len;
        switch (line.ptr[0]) {
        case 'P': p.name = v; break;
        case 'V': p.version = v; break;
        case 'A': p.arch = v; break;
        case 'o': p.origin = v; break;
        case 'L': p.license = v; break;
        case 'D': p.depends = v; break;
        case 'p': p.provides = v; break;
        default: break;
        }
    }
    for (size_t i = 0; i < pend.len; i++) {
        struct ks_component *c = &ctx->inv->components.items[pend.items[i].index];
        struct ks_str deps = pend.items[i].depends;
        refs.len = 0;
        for (size_t pos = 0; pos < deps.len;) {
            struct ks_str tok = ks_str_token(deps, &pos, " ");
            struct ks_str name = dep_name(tok);
            const char *ref;
            bool dup = false;
            pos++;
            if (!name.len || name.ptr[0] == '!')
                continue;
            ref = ks_map_get(&names, name.ptr, name.len);
            if (!ref || ref == c->bom_ref)
                continue;
            for (size_t k = 0; k < refs.len; k++)
                dup |= refs.items[k] == ref;
            if (!dup && KS_VEC_PUSH(&refs, ref)) {
                err = KS_ENOMEM;
                goto done;
            }
        }
        if ((err = ks_inventory_set_depends(ctx->inv, c, refs.items, refs.len)))
            goto done;
    }
done:
    if (err == KS_ENOMEM)
        ks_diag_set(diag, KS_ENOMEM, "out of memory");
    KS_VEC_RELEASE(&pend);
    KS_VEC_RELEASE(&refs);
    ks_map_release(&names);
    return err;
}

const struct ks_collector ks_collector_apk = {"apk", apk_wants, apk_parse};
