/* pkg/dpkg.c - Debian packages from dpkg's database: var/lib/dpkg/status and
 * the one-file-per-package var/lib/dpkg/status.d/ of distroless images. */
#include "core/ks_common.h"

#include "pkg/registry.h"

#include "core/map.h"
#include "core/vec.h"
#include "formats/debian.h"
#include "pkg/inventory.h"
#include "pkg/text.h"

static bool dpkg_wants(const char *path, unsigned mode)
{
    const char *d = "/var/lib/dpkg/status.d/";

    KS_UNUSED(mode);
    if (!strcmp(path, "/var/lib/dpkg/status"))
        return true;
    return ks_starts_with(path, d) && !strchr(path + strlen(d), '/') &&
           !ks_ends_with(path, ".md5sums") && path[strlen(d)] != '.';
}

#define KS_DPKG_MAX_FIELDS 256 /* fields of one stanza (dpkg writes about 20) */

struct para {
    struct ks_str package, version, arch, source, status, depends, predepends, provides;
};

/* Installed (or half-way there): what dpkg-query -W lists as present. */
static bool is_present(struct ks_str status, bool status_d)
{
    struct ks_str rest = status, w1, w2;

    if (status_d && !status.len)
        return true; /* distroless files often omit Status */
    if (!ks_str_split(rest, ' ', &w1, &rest) || !ks_str_split(rest, ' ', &w2, &rest))
        return false;
    rest = ks_str_trim(rest);
    return !ks_str_eq(rest, "not-installed") && !ks_str_eq(rest, "config-files");
}

static void field(struct para *p, struct ks_str k, struct ks_str v)
{
    static const struct {
        const char *name;
        size_t off;
    } fields[] = {
            {"Package", offsetof(struct para, package)},
            {"Version", offsetof(struct para, version)},
            {"Architecture", offsetof(struct para, arch)},
            {"Source", offsetof(struct para, source)},
            {"Status", offsetof(struct para, status)},
            {"Depends", offsetof(struct para, depends)},
            {"Pre-Depends", offsetof(struct para, predepends)},
            {"Provides", offsetof(struct para, provides)},
    };
    for (size_t i = 0; i < KS_ARRAY_LEN(fields); i++)
        if (k.len == strlen(fields[i].name) && !memcmp(k.ptr, fields[i].name, k.len)) {
            *(struct ks_str *)((char *)p + fields[i].off) = ks_str_trim(v);
            return;
        }
}

typedef KS_VEC(const char *) ref_vec;

struct pending {
    size_t index; /* component index in the inventory */
    struct ks_str depends, predepends;
};

typedef KS_VEC(struct pending) pend_vec;

/* Adds the bom-refs of installed packages named in a Depends-style field. */
static ks_err resolve(struct ks_inventory *inv, const struct ks_map *names, struct ks_str deps,
                      ref_vec *out)
{
    size_t pos = 0;

    while (pos < deps.len) {
        struct ks_str group = ks_str_token(deps, &pos, ",");
        size_t gp = 0;
        pos++;
        /* The first alternative that is installed satisfies the group. */
        while (gp < group.len) {
            struct ks_str alt = ks_str_token(group, &gp, "|");
            size_t ap = 0;
            struct ks_str name = ks_str_token(alt, &ap, " (:");
            const char *ref;
            gp++;
            if (!name.len)
                continue;
            ref = ks_map_get(names, name.ptr, name.len);
            if (ref) {
                bool dup = false;
                for (size_t i = 0; i < out->len; i++)
                    dup |= out->items[i] == ref;
                if (!dup && KS_VEC_PUSH(out, ref))
                    return KS_ENOMEM;
                break;
            }
        }
    }
    KS_UNUSED(inv);
    return KS_OK;
}

static ks_err add_package(struct ks_collect_ctx *ctx, const struct para *p, bool status_d,
                          pend_vec *pend, struct ks_map *names)
{
    struct ks_inventory *inv = ctx->inv;
    struct ks_component *c;
    struct pending pd;

    if (!p->package.len || !p->version.len || !is_present(p->status, status_d))
        return KS_OK;
    c = ks_inventory_add(inv);
    if (!c)
        return KS_ENOMEM;
    c->type = KS_PKG_DEB;
    c->name = ks_pkg_str(inv, p->package);
    c->version = ks_pkg_str(inv, p->version);
    c->arch = ks_pkg_str(inv, p->arch);
    c->path = ks_inventory_str(inv, ctx->path);
    c->layer = ks_inventory_str(inv, ctx->layer);
    if (p->source.len) {
        /* "Source: name" or "Source: name (version)" */
        size_t pos = 0;
        struct ks_str sname = ks_str_token(p->source, &pos, " (");
        c->source_name = ks_pkg_str(inv, sname);
        if (pos < p->source.len && memchr(p->source.ptr + pos, '(', p->source.len - pos)) {
            const char *o = memchr(p->source.ptr + pos, '(', p->source.len - pos);
            const char *e = memchr(o, ')', (size_t)(p->source.ptr + p->source.len - o));
            if (e)
                c->source_version = ks_pkg_str(inv, ks_str_trim((struct ks_str){o + 1, (size_t)(e - o - 1)}));
        }
    } else {
        c->source_name = c->name;
    }
    if (!c->source_version)
        c->source_version = c->version;
    c->bom_ref = ks_arena_printf(&inv->arena, "deb:%s@%s:%s", c->name, c->version,
                                 c->arch ? c->arch : "");
    if (!c->name || !c->version || !c->bom_ref || !c->source_name)
        return KS_ENOMEM;
    pd.index = inv->components.len - 1;
    pd.depends = p->depends;
    pd.predepends = p->predepends;
    if (KS_VEC_PUSH(pend, pd) || ks_map_put(names, c->name, strlen(c->name), (void *)(uintptr_t)c->bom_ref))
        return KS_ENOMEM;
    /* Virtual packages: "Provides: mail-transport-agent, libfoo (= 1)". */
    for (size_t pos = 0; pos < p->provides.len; pos++) {
        size_t ap = 0;
        struct ks_str alt = ks_str_token(p->provides, &pos, ",");
        struct ks_str name = ks_str_token(alt, &ap, " (:");
        if (name.len && !ks_map_get(names, name.ptr, name.len)) {
            const char *k = ks_pkg_str(inv, name);
            if (!k || ks_map_put(names, k, name.len, (void *)(uintptr_t)c->bom_ref))
                return KS_ENOMEM;
        }
    }
    return KS_OK;
}

static ks_err dpkg_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                         struct ks_diag *diag)
{
    struct ks_deb822 r;
    struct ks_deb822_field f[KS_DPKG_MAX_FIELDS];
    size_t n;
    unsigned line;
    struct para p;
    pend_vec pend = KS_VEC_INIT;
    ref_vec refs = KS_VEC_INIT;
    struct ks_map names = KS_MAP_INIT;
    bool status_d = !ks_ends_with(ctx->path, "/status");
    ks_err err = KS_OK;

    ks_deb822_init(&r, ctx->path, data, len);
    for (;;) {
        err = ks_deb822_next(&r, f, KS_DPKG_MAX_FIELDS, &n, &line, diag);
        if (err == KS_ENOTFOUND) {
            err = KS_OK;
            break;
        }
        if (err)
            goto done;
        memset(&p, 0, sizeof(p));
        for (size_t i = 0; i < n; i++) {
            /* the fields read here are one line; continuations are not theirs */
            struct ks_str v = f[i].value;
            const char *nl = v.len ? memchr(v.ptr, '\n', v.len) : NULL;
            if (nl)
                v.len = (size_t)(nl - v.ptr);
            field(&p, f[i].name, v);
        }
        err = add_package(ctx, &p, status_d, &pend, &names);
        if (err)
            goto done;
    }
    /* Relationships, now that every package of the file is known. */
    for (size_t i = 0; i < pend.len; i++) {
        struct ks_component *c = &ctx->inv->components.items[pend.items[i].index];
        refs.len = 0;
        if (resolve(ctx->inv, &names, pend.items[i].predepends, &refs) ||
            resolve(ctx->inv, &names, pend.items[i].depends, &refs)) {
            err = KS_ENOMEM;
            goto done;
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

const struct ks_collector ks_collector_dpkg = {"dpkg", dpkg_wants, dpkg_parse};
