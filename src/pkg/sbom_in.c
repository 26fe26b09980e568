/* pkg/sbom_in.c - an SBOM made elsewhere (CycloneDX 1.x or SPDX 2.x JSON)
 * read as an inventory: components with name, version, purl and licence,
 * and dependencies. The ecosystem type comes from the purl. */
#include "core/ks_common.h"

#include "pkg/scan.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/map.h"
#include "core/vec.h"
#include "formats/json.h"
#include "formats/purl.h"
#include "pkg/inventory.h"

static enum ks_pkg_type type_of_purl(const char *purl)
{
    static const struct {
        const char *prefix;
        enum ks_pkg_type type;
    } map[] = {{"pkg:deb/", KS_PKG_DEB},         {"pkg:rpm/", KS_PKG_RPM},
               {"pkg:apk/", KS_PKG_APK},         {"pkg:pypi/", KS_PKG_PYPI},
               {"pkg:npm/", KS_PKG_NPM},         {"pkg:maven/", KS_PKG_MAVEN},
               {"pkg:golang/", KS_PKG_GO},       {"pkg:cargo/", KS_PKG_CARGO},
               {"pkg:gem/", KS_PKG_GEM},         {"pkg:composer/", KS_PKG_COMPOSER},
               {"pkg:nuget/", KS_PKG_NUGET}};

    for (size_t i = 0; purl && i < KS_ARRAY_LEN(map); i++)
        if (!strncmp(purl, map[i].prefix, strlen(map[i].prefix)))
            return map[i].type;
    return KS_PKG_UNKNOWN;
}

/* The OSV ecosystem (with release for OS packages) and the source package of
 * a component read from an SBOM, from its purl: the type names the
 * ecosystem; deb/rpm/apk carry the release in the `distro` qualifier
 * ("debian-12", "alpine-3.19", "ubuntu-22.04") and the source package in
 * `upstream`; rpm keeps its epoch in `epoch`. */
static ks_err from_purl(struct ks_inventory *inv, struct ks_component *c)
{
    static const struct {
        const char *type, *eco;
    } langs[] = {{"pypi", "PyPI"},        {"npm", "npm"},         {"maven", "Maven"},
                 {"golang", "Go"},        {"cargo", "crates.io"}, {"gem", "RubyGems"},
                 {"composer", "Packagist"}, {"nuget", "NuGet"}};
    struct ks_purl p;
    struct ks_diag d = KS_DIAG_INIT;
    const char *distro, *up, *epoch;

    if (!c->purl)
        return KS_OK;
    if (ks_purl_parse(&inv->arena, c->purl, &p, &d))
        return ks_inventory_note(inv, c->path,
                                 "component '%s': %s; its ecosystem is unknown, so it is not matched",
                                 c->name, d.msg);
    for (size_t i = 0; i < KS_ARRAY_LEN(langs); i++)
        if (!strcmp(p.type, langs[i].type))
            c->ecosystem = langs[i].eco;
    if (!c->arch)
        c->arch = ks_purl_qualifier(&p, "arch");
    distro = ks_purl_qualifier(&p, "distro");
    up = ks_purl_qualifier(&p, "upstream");
    epoch = ks_purl_qualifier(&p, "epoch");
    if (!strcmp(p.type, "rpm") && epoch && c->version && !strchr(c->version, ':'))
        c->version = ks_arena_printf(&inv->arena, "%s:%s", epoch, c->version);
    if (up && (!strcmp(p.type, "deb") || !strcmp(p.type, "apk"))) {
        const char *at = strchr(up, '@');
        c->source_name = at ? ks_arena_strndup(&inv->arena, up, (size_t)(at - up)) : up;
        c->source_version = at ? at + 1 : NULL;
    }
    if (distro && (!strcmp(p.type, "deb") || !strcmp(p.type, "rpm") || !strcmp(p.type, "apk"))) {
        const char *dash = strrchr(distro, '-');
        const char *rel = dash ? dash + 1 : NULL;
        size_t n = dash ? (size_t)(dash - distro) : strlen(distro);

        if (!strncmp(distro, "debian", n) && n == 6 && rel)
            c->ecosystem = ks_arena_printf(&inv->arena, "Debian:%.*s",
                                           (int)strcspn(rel, "."), rel);
        else if (!strncmp(distro, "ubuntu", n) && n == 6 && rel) {
            /* OSV names LTS releases (even year, April) "Ubuntu:22.04:LTS" */
            int yy = 0, mm = 0, end = 0;
            bool lts = sscanf(rel, "%2d.%2d%n", &yy, &mm, &end) == 2 && !rel[end] && mm == 4 &&
                       yy % 2 == 0;
            c->ecosystem = ks_arena_printf(&inv->arena, "Ubuntu:%s%s", rel, lts ? ":LTS" : "");
        }
        else if (!strncmp(distro, "alpine", n) && n == 6 && rel) {
            /* "3.19.1" -> "Alpine:v3.19": secdb releases are major.minor. */
            const char *dot = strchr(rel, '.');
            const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
            int len = dot2 ? (int)(dot2 - rel) : (int)strlen(rel);
            c->ecosystem = ks_arena_printf(&inv->arena, "Alpine:v%.*s", len, rel);
        }
    }
    return KS_OK;
}

struct reader {
    struct ks_inventory *inv;
    struct ks_map refs; /* document id -> bom_ref string in inv */
    struct ks_map index; /* document id -> component index + 1 */
    const char *path;
};

static ks_err add(struct reader *r, const char *id, const char *group, const char *name,
                  const char *version, const char *purl, const char *license)
{
    struct ks_inventory *inv = r->inv;
    struct ks_component *c;

    if (!name) /* a component must have a name (CycloneDX and SPDX both require one) */
        return ks_inventory_note(inv, r->path, "a component without a name ('%.64s') is skipped",
                                 purl ? purl : id ? id : "no purl or id");
    c = ks_inventory_add(inv);
    if (!c)
        return KS_ENOMEM;
    c->type = type_of_purl(purl);
    c->name = group && *group ? ks_arena_printf(&inv->arena, "%s:%s", group, name)
                              : ks_inventory_str(inv, name);
    c->version = ks_inventory_str(inv, version);
    c->purl = ks_inventory_str(inv, purl);
    c->license = ks_inventory_str(inv, license);
    c->path = ks_inventory_str(inv, r->path);
    c->bom_ref = ks_inventory_str(inv, id ? id : purl ? purl : name);
    if (!c->name || !c->bom_ref)
        return KS_ENOMEM;
    if (from_purl(inv, c))
        return KS_ENOMEM;
    if (id &&
        (ks_map_put(&r->refs, c->bom_ref, strlen(c->bom_ref), (void *)(uintptr_t)c->bom_ref) ||
         ks_map_put(&r->index, c->bom_ref, strlen(c->bom_ref),
                    (void *)(uintptr_t)inv->components.len)))
        return KS_ENOMEM;
    return KS_OK;
}

static bool is_os(enum ks_pkg_type t)
{
    return t == KS_PKG_DEB || t == KS_PKG_RPM || t == KS_PKG_APK;
}

/* The OS package `parent` installed the language package `child` (pkg/owned.h):
 * kensa's "kensa:owner" property, an SPDX CONTAINS between packages, Syft's
 * "ownership-by-file-overlap", a CycloneDX component nested in an OS package. */
static void set_owner(struct reader *r, const char *parent, const char *child)
{
    uintptr_t p = parent ? (uintptr_t)ks_map_get(&r->index, parent, strlen(parent)) : 0;
    uintptr_t c = child ? (uintptr_t)ks_map_get(&r->index, child, strlen(child)) : 0;
    struct ks_component *pc, *cc;

    if (!p || !c)
        return;
    pc = &r->inv->components.items[p - 1];
    cc = &r->inv->components.items[c - 1];
    if (is_os(pc->type) && !is_os(cc->type) && cc->type != KS_PKG_UNKNOWN &&
        cc->type != KS_PKG_KERNEL && !cc->owner)
        cc->owner = pc->bom_ref;
}

/* The value of CycloneDX property `name` of component `c`, or NULL. */
static const char *cdx_prop(const struct ks_value *c, const char *name)
{
    const struct ks_value *props = ks_value_get(c, "properties");

    for (size_t i = 0; i < ks_value_len(props); i++) {
        const char *n = ks_value_get_str(ks_value_at(props, i), "name");
        if (n && !strcmp(n, name))
            return ks_value_get_str(ks_value_at(props, i), "value");
    }
    return NULL;
}

static ks_err cdx_components(struct reader *r, const struct ks_value *list, unsigned depth,
                             const char *parent)
{
    if (depth > 32)
        return KS_EPARSE;
    for (size_t i = 0; i < ks_value_len(list); i++) {
        const struct ks_value *c = ks_value_at(list, i);
        const struct ks_value *lic = ks_value_at(ks_value_get(c, "licenses"), 0);
        const char *license = ks_value_get_str(lic, "expression");
        ks_err err;
        if (!license)
            license = ks_value_get_str(ks_value_get(lic, "license"), "id");
        if (!license)
            license = ks_value_get_str(ks_value_get(lic, "license"), "name");
        err = add(r, ks_value_get_str(c, "bom-ref"), ks_value_get_str(c, "group"),
                  ks_value_get_str(c, "name"), ks_value_get_str(c, "version"),
                  ks_value_get_str(c, "purl"), license);
        if (err)
            return err;
        if (parent)
            set_owner(r, parent, ks_value_get_str(c, "bom-ref"));
        err = cdx_components(r, ks_value_get(c, "components"), depth + 1,
                             ks_value_get_str(c, "bom-ref"));
        if (err)
            return err;
    }
    return KS_OK;
}

/* Attaches dependencies given as (from id, to id) pairs. */
static ks_err set_deps(struct reader *r, const char *from, const char **to, size_t n)
{
    struct ks_inventory *inv = r->inv;
    const char **d;
    size_t k = 0;

    for (size_t i = 0; i < inv->components.len; i++) {
        struct ks_component *c = &inv->components.items[i];
        if (!c->bom_ref || !from || strcmp(c->bom_ref, from))
            continue;
        d = ks_arena_alloc(&inv->arena, (c->ndepends + n) * sizeof(*d) + 1);
        if (!d)
            return KS_ENOMEM;
        if (c->ndepends)
            memcpy(d, c->depends, c->ndepends * sizeof(*d));
        k = c->ndepends;
        for (size_t j = 0; j < n; j++) {
            const char *ref = ks_map_get(&r->refs, to[j], strlen(to[j]));
            if (ref)
                d[k++] = ref;
        }
        c->depends = d;
        c->ndepends = k;
        break;
    }
    return KS_OK;
}

ks_err ks_pkg_read_sbom(struct ks_inventory *inv, const char *path, const struct ks_limits *lim,
                        struct ks_diag *diag)
{
    struct ks_buf text = KS_BUF_INIT(0);
    ks_err err = ks_file_read(path, (size_t)lim->max_file_size, &text, diag);

    if (!err)
        err = ks_pkg_read_sbom_mem(inv, path, text.ptr ? text.ptr : "", text.len, lim, diag);
    ks_buf_release(&text);
    return err;
}

ks_err ks_pkg_read_sbom_mem(struct ks_inventory *inv, const char *path, const char *data,
                            size_t len, const struct ks_limits *lim, struct ks_diag *diag)
{
    struct ks_arena arena = KS_ARENA_INIT(0, 0);
    struct ks_value *doc;
    struct reader r = {inv, KS_MAP_INIT, KS_MAP_INIT, path};
    KS_VEC(const char *) to = KS_VEC_INIT;
    ks_err err;

    err = ks_json_parse(&arena, path, data, len, lim, &doc, diag);
    if (err)
        goto done;
    /* Owners come from the document itself (set_owner), not file lists. */
    inv->owned.noted = true;
    if (ks_value_get_str(doc, "bomFormat") &&
        !strcmp(ks_value_get_str(doc, "bomFormat"), "CycloneDX")) {
        const struct ks_value *deps = ks_value_get(doc, "dependencies");
        const struct ks_value *comps = ks_value_get(doc, "components");
        err = cdx_components(&r, comps, 0, NULL);
        /* "kensa:owner" once every component is known (nested ones too). */
        for (size_t i = 0; !err && i < ks_value_len(comps); i++)
            set_owner(&r, cdx_prop(ks_value_at(comps, i), "kensa:owner"),
                      ks_value_get_str(ks_value_at(comps, i), "bom-ref"));
        for (size_t i = 0; !err && i < ks_value_len(deps); i++) {
            const struct ks_value *dep = ks_value_at(deps, i), *on = ks_value_get(dep, "dependsOn");
            to.len = 0;
            for (size_t j = 0; j < ks_value_len(on); j++)
                if (ks_value_str(ks_value_at(on, j)) &&
                    KS_VEC_PUSH(&to, ks_value_str(ks_value_at(on, j))))
                    err = KS_ENOMEM;
            if (!err)
                err = set_deps(&r, ks_value_get_str(dep, "ref"), to.items, to.len);
        }
    } else if (ks_value_get_str(doc, "spdxVersion")) {
        const struct ks_value *pkgs = ks_value_get(doc, "packages");
        const struct ks_value *rels = ks_value_get(doc, "relationships");
        for (size_t i = 0; !err && i < ks_value_len(pkgs); i++) {
            const struct ks_value *p = ks_value_at(pkgs, i), *refs = ks_value_get(p, "externalRefs");
            const char *purl = NULL, *lic = ks_value_get_str(p, "licenseDeclared");
            for (size_t j = 0; j < ks_value_len(refs); j++) {
                const struct ks_value *x = ks_value_at(refs, j);
                const char *t = ks_value_get_str(x, "referenceType");
                if (t && !strcmp(t, "purl"))
                    purl = ks_value_get_str(x, "referenceLocator");
            }
            if (lic && (!strcmp(lic, "NOASSERTION") || !strcmp(lic, "NONE")))
                lic = NULL;
            /* The document's own root (the scanned target) is not a component. */
            if (!purl && ks_value_get_str(p, "primaryPackagePurpose") &&
                ks_value_len(pkgs) > 1 && !ks_value_get_str(p, "versionInfo"))
                continue;
            err = add(&r, ks_value_get_str(p, "SPDXID"), NULL, ks_value_get_str(p, "name"),
                      ks_value_get_str(p, "versionInfo"), purl, lic);
        }
        for (size_t i = 0; !err && i < ks_value_len(rels); i++) {
            const struct ks_value *x = ks_value_at(rels, i);
            const char *t = ks_value_get_str(x, "relationshipType");
            const char *b = ks_value_get_str(x, "relatedSpdxElement");
            const char *note = ks_value_get_str(x, "comment");
            if (t && b && !strcmp(t, "DEPENDS_ON"))
                err = set_deps(&r, ks_value_get_str(x, "spdxElementId"), &b, 1);
            else if (t && b &&
                     (!strcmp(t, "CONTAINS") ||
                      (!strcmp(t, "OTHER") && note &&
                       !strncmp(note, "ownership-by-file-overlap", 25))))
                set_owner(&r, ks_value_get_str(x, "spdxElementId"), b);
            else if (t && b && !strcmp(t, "CONTAINED_BY"))
                set_owner(&r, b, ks_value_get_str(x, "spdxElementId"));
        }
    } else {
        err = ks_diag_set(diag, KS_EPARSE, "'%s' is neither CycloneDX nor SPDX JSON", path);
        goto done;
    }
    if (err == KS_ENOMEM)
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
    else if (err)
        err = ks_diag_set(diag, KS_EPARSE, "'%s': malformed SBOM", path);
done:
    KS_VEC_RELEASE(&to);
    ks_map_release(&r.refs);
    ks_map_release(&r.index);
    ks_arena_release(&arena);
    return err;
}
