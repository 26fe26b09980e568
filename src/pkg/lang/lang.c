/* pkg/lang/lang.c - the collector table and the helpers the language
 * collectors share: deduplicating component sets, purls, edges, licenses. */
#include "core/ks_common.h"

#include "pkg/lang/lang.h"

#include "core/buf.h"
#include "core/str.h"
#include "formats/json.h"
#include "formats/purl.h"
#include "formats/toml.h"
#include "formats/yaml.h"
#include "pkg/inventory.h"
#include "pkg/lang/internal.h"

const struct ks_collector *const ks_lang_collectors[] = {
        &ks_lang_python_meta,
        &ks_lang_python_requirements,
        &ks_lang_pipfile_lock,
        &ks_lang_poetry_lock,
        &ks_lang_uv_lock,
        &ks_lang_node_package,
        &ks_lang_npm_lock,
        &ks_lang_yarn_lock,
        &ks_lang_pnpm_lock,
        &ks_lang_java_manifest,
        &ks_lang_java_pom_properties,
        &ks_lang_go_binary,
        &ks_lang_go_mod,
        &ks_lang_cargo_lock,
        &ks_lang_cargo_auditable,
        &ks_lang_gemfile_lock,
        &ks_lang_gemspec,
        &ks_lang_composer_lock,
        &ks_lang_composer_installed,
        &ks_lang_dotnet_deps,
        &ks_lang_nuget_lock,
        &ks_lang_nuget_config,
        NULL,
};

void ks_lang_set_init(struct ks_lang_set *s, struct ks_collect_ctx *ctx)
{
    memset(s, 0, sizeof(*s));
    s->ctx = ctx;
    ks_arena_init(&s->scratch, 0, 0);
}

void ks_lang_set_release(struct ks_lang_set *s)
{
    ks_map_release(&s->by_purl);
    KS_VEC_RELEASE(&s->edges);
    ks_arena_release(&s->scratch);
}

static const char *ecosystem_of(enum ks_pkg_type t)
{
    switch (t) {
    case KS_PKG_PYPI:
        return "PyPI";
    case KS_PKG_NPM:
        return "npm";
    case KS_PKG_MAVEN:
        return "Maven";
    case KS_PKG_GO:
    case KS_PKG_GO_STDLIB:
        return "Go";
    case KS_PKG_CARGO:
        return "crates.io";
    case KS_PKG_GEM:
        return "RubyGems";
    case KS_PKG_COMPOSER:
        return "Packagist";
    case KS_PKG_NUGET:
        return "NuGet";
    default:
        return NULL;
    }
}

static const char *purl_type_of(enum ks_pkg_type t)
{
    switch (t) {
    case KS_PKG_PYPI:
        return "pypi";
    case KS_PKG_NPM:
        return "npm";
    case KS_PKG_MAVEN:
        return "maven";
    case KS_PKG_GO:
    case KS_PKG_GO_STDLIB:
        return "golang";
    case KS_PKG_CARGO:
        return "cargo";
    case KS_PKG_GEM:
        return "gem";
    case KS_PKG_COMPOSER:
        return "composer";
    case KS_PKG_NUGET:
        return "nuget";
    default:
        return "generic";
    }
}

char *ks_lang_pep503(struct ks_lang_set *s, const char *name)
{
    size_t n = strlen(name), o = 0;
    char *r = ks_arena_alloc(&s->scratch, n + 1);

    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '-' || c == '_' || c == '.') {
            if (o && r[o - 1] != '-')
                r[o++] = '-';
            continue;
        }
        r[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    while (o && r[o - 1] == '-')
        o--;
    r[o] = '\0';
    return r;
}

/* The purl of a component, built by formats/purl (one canonical encoding
 * for all of kensa): the ecosystem's name is split into namespace and name
 * the way each purl type defines them. */
static ks_err build_purl(struct ks_lang_set *s, struct ks_buf *b, enum ks_pkg_type type,
                         const char *name, const char *version, const char *qualifiers)
{
    struct ks_purl p = {purl_type_of(type), NULL, name, version, NULL, 0, NULL};
    struct ks_purl_qualifier q;
    char *n = NULL, *sep;

    switch (type) {
    case KS_PKG_PYPI:
        p.name = ks_lang_pep503(s, name);
        break;
    case KS_PKG_MAVEN: /* "group:artifact" */
        if (!(n = ks_lang_strndup(s, name, strlen(name))))
            return KS_ENOMEM;
        if ((sep = strchr(n, ':'))) {
            *sep = '\0';
            p.namespace = n;
            p.name = sep + 1;
        }
        break;
    case KS_PKG_COMPOSER: /* "vendor/name", lowercase */
    case KS_PKG_NPM:      /* "@scope/name" */
    case KS_PKG_GO:       /* module path: all but the last element is namespace */
        if (!(n = ks_lang_strndup(s, name, strlen(name))))
            return KS_ENOMEM;
        if (type == KS_PKG_COMPOSER)
            for (char *c = n; *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                    *c = (char)(*c - 'A' + 'a');
        p.name = n;
        if ((sep = strrchr(n, '/')) && sep != n && sep[1]) {
            *sep = '\0';
            p.namespace = n;
            p.name = sep + 1;
        }
        break;
    default:
        break;
    }
    if (qualifiers && (sep = strchr(qualifiers, '='))) {
        q.key = ks_lang_strndup(s, qualifiers, (size_t)(sep - qualifiers));
        q.value = sep + 1;
        if (!q.key)
            return KS_ENOMEM;
        p.qualifiers = &q;
        p.nqualifiers = 1;
    }
    if (!p.name)
        return KS_ENOMEM;
    return ks_purl_build(&p, b);
}

struct ks_component *ks_lang_at(struct ks_lang_set *s, size_t idx)
{
    return &s->ctx->inv->components.items[idx];
}

size_t ks_lang_add(struct ks_lang_set *s, enum ks_pkg_type type, const char *name,
                   const char *version, const char *qualifiers, struct ks_diag *diag)
{
    struct ks_inventory *inv = s->ctx->inv;
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_component *c;
    const char *purl = NULL;
    size_t idx = KS_LANG_NONE;
    void *found;

    if (!name[0]) { /* callers check; this keeps empty names out whatever */
        ks_diag_set(diag, KS_EPARSE, "'%s': empty package name", s->ctx->path);
        return KS_LANG_NONE;
    }
    if (build_purl(s, &b, type, name, version, qualifiers))
        goto done;
    found = ks_map_get(&s->by_purl, b.ptr, b.len);
    if (found) {
        idx = (size_t)(uintptr_t)found - 1;
        goto done;
    }
    purl = ks_inventory_strn(inv, b.ptr, b.len);
    c = purl ? ks_inventory_add(inv) : NULL;
    if (!c)
        goto done;
    idx = inv->components.len - 1;
    c->type = type;
    c->name = ks_inventory_str(inv, name);
    c->version = ks_inventory_str(inv, version);
    c->ecosystem = ecosystem_of(type);
    c->purl = purl;
    c->path = ks_inventory_str(inv, s->ctx->path);
    c->layer = ks_inventory_str(inv, s->ctx->layer);
    ks_buf_reset(&b);
    if (ks_buf_addf(&b, "%s#%s", purl, s->ctx->path ? s->ctx->path : ""))
        goto fail;
    c->bom_ref = ks_inventory_strn(inv, b.ptr, b.len);
    if (!c->name || (version && !c->version) || !c->bom_ref ||
        ks_map_put(&s->by_purl, purl, strlen(purl), (void *)(uintptr_t)(idx + 1)))
        goto fail;
    goto done;
fail:
    idx = KS_LANG_NONE;
done:
    ks_buf_release(&b);
    if (idx == KS_LANG_NONE)
        ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", s->ctx->path);
    return idx;
}

static int scope_rank(enum ks_dep_scope sc)
{
    switch (sc) {
    case KS_SCOPE_REQUIRED:
        return 3;
    case KS_SCOPE_OPTIONAL:
        return 2;
    case KS_SCOPE_DEV:
        return 1;
    default:
        return 0;
    }
}

void ks_lang_scope(struct ks_lang_set *s, size_t idx, enum ks_dep_scope scope, int direct)
{
    struct ks_component *c = ks_lang_at(s, idx);

    if (scope_rank(scope) > scope_rank(c->scope))
        c->scope = scope;
    if (direct > c->direct)
        c->direct = direct;
}

void ks_lang_license(struct ks_lang_set *s, size_t idx, const char *license)
{
    struct ks_component *c = ks_lang_at(s, idx);

    if (license && *license && !c->license)
        c->license = ks_inventory_str(s->ctx->inv, license);
}

ks_err ks_lang_edge(struct ks_lang_set *s, size_t from, size_t to, struct ks_diag *diag)
{
    struct ks_lang_edge e = {from, to};

    if (from == KS_LANG_NONE || to == KS_LANG_NONE || from == to)
        return KS_OK;
    if (KS_VEC_PUSH(&s->edges, e))
        return ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", s->ctx->path);
    return KS_OK;
}

static int cmp_edge(const void *pa, const void *pb)
{
    const struct ks_lang_edge *a = pa, *b = pb;

    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    return a->to < b->to ? -1 : a->to > b->to;
}

ks_err ks_lang_propagate_scope(struct ks_lang_set *s, size_t first, struct ks_diag *diag)
{
    struct ks_inventory *inv = s->ctx->inv;
    size_t n = inv->components.len, *start = NULL, *queue = NULL, qh = 0, qt = 0;
    bool *fixed = NULL;
    ks_err e = KS_OK;

    if (first >= n || !s->edges.len)
        return KS_OK;
    qsort(s->edges.items, s->edges.len, sizeof(*s->edges.items), cmp_edge);
    start = calloc(n + 1, sizeof(*start));
    queue = calloc(4 * n + 1, sizeof(*queue));
    fixed = calloc(n, sizeof(*fixed));
    if (!start || !queue || !fixed) {
        e = ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", s->ctx->path);
        goto done;
    }
    /* start[i]..start[i+1]: the edges from component i (CSR layout). */
    for (size_t k = 0; k < s->edges.len; k++)
        start[s->edges.items[k].from + 1]++;
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (size_t i = first; i < n; i++) {
        const struct ks_component *c = &inv->components.items[i];
        fixed[i] = c->scope != KS_SCOPE_UNKNOWN && c->direct != 1;
        if (c->direct == 1 && c->scope != KS_SCOPE_UNKNOWN)
            queue[qt++] = i;
    }
    while (qh < qt) {
        size_t u = queue[qh++];
        int r = scope_rank(inv->components.items[u].scope);
        for (size_t k = start[u]; k < start[u + 1]; k++) {
            size_t v = s->edges.items[k].to;
            struct ks_component *c = &inv->components.items[v];
            if (v < first || fixed[v] || c->direct == 1 || scope_rank(c->scope) >= r)
                continue;
            c->scope = inv->components.items[u].scope;
            if (qt < 4 * n) /* seeds, then each component rises at most 3 times */
                queue[qt++] = v;
        }
    }
done:
    free(start);
    free(queue);
    free(fixed);
    return e;
}

ks_err ks_lang_set_finish(struct ks_lang_set *s, struct ks_diag *diag)
{
    struct ks_inventory *inv = s->ctx->inv;
    size_t i = 0;

    if (s->edges.len)
        qsort(s->edges.items, s->edges.len, sizeof(*s->edges.items), cmp_edge);
    while (i < s->edges.len) {
        size_t from = s->edges.items[i].from, j = i, n = 0;
        struct ks_component *c;
        const char **deps;

        while (j < s->edges.len && s->edges.items[j].from == from)
            j++;
        deps = ks_arena_alloc(&inv->arena, (j - i) * sizeof(*deps));
        if (!deps)
            return ks_diag_set(diag, KS_ENOMEM, "'%s': out of memory", s->ctx->path);
        for (size_t k = i; k < j; k++)
            if (k == i || s->edges.items[k].to != s->edges.items[k - 1].to)
                deps[n++] = ks_lang_at(s, s->edges.items[k].to)->bom_ref;
        c = ks_lang_at(s, from);
        c->depends = deps;
        c->ndepends = n;
        i = j;
    }
    return KS_OK;
}

ks_err ks_lang_bad(struct ks_lang_set *s, struct ks_diag *diag, const char *fmt, ...)
{
    char msg[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return ks_diag_set(diag, KS_EPARSE, "'%s': %s", s->ctx->path, msg);
}

ks_err ks_lang_json(struct ks_lang_set *s, const char *data, size_t len, struct ks_value **out,
                    struct ks_diag *diag)
{
    return ks_json_parse(&s->scratch, s->ctx->path, data, len, s->ctx->lim, out, diag);
}

ks_err ks_lang_yaml(struct ks_lang_set *s, const char *data, size_t len, struct ks_value **out,
                    struct ks_diag *diag)
{
    return ks_yaml_parse(&s->scratch, s->ctx->path, data, len, s->ctx->lim, out, diag);
}

ks_err ks_lang_toml(struct ks_lang_set *s, const char *data, size_t len, struct ks_value **out,
                    struct ks_diag *diag)
{
    return ks_toml_parse(&s->scratch, s->ctx->path, data, len, s->ctx->lim, out, diag);
}

char *ks_lang_strndup(struct ks_lang_set *s, const char *data, size_t len)
{
    return ks_arena_strndup(&s->scratch, data, len);
}

const char *ks_lang_basename(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

bool ks_lang_path_is(const char *path, const char *name)
{
    size_t n = strlen(path), m = strlen(name);

    return n >= m && !strcmp(path + n - m, name) &&
           (n == m || path[n - m - 1] == '/' || path[n - m - 1] == '!');
}

const char *ks_lang_license_of(struct ks_lang_set *s, const struct ks_value *v)
{
    struct ks_buf b = KS_BUF_INIT(4096);
    const char *r = NULL;

    if (!v)
        return NULL;
    if (v->type == KS_VSTRING)
        return v->u.s.len ? v->u.s.ptr : NULL;
    if (v->type == KS_VOBJECT)
        return ks_value_get_str(v, "type");
    for (size_t i = 0; i < ks_value_len(v); i++) {
        const struct ks_value *e = ks_value_at(v, i);
        const char *t = e->type == KS_VOBJECT ? ks_value_get_str(e, "type") : ks_value_str(e);
        if (!t || !*t)
            continue;
        if ((b.len && ks_buf_adds(&b, " OR ")) || ks_buf_adds(&b, t))
            break;
    }
    if (b.len)
        r = ks_lang_strndup(s, b.ptr, b.len);
    ks_buf_release(&b);
    return r;
}

/* A component (or a "not identified" note) from a MANIFEST.MF inside jar J
 * is dropped when J also yielded components from pom.properties (which name
 * group and artifact exactly). */
ks_err ks_lang_finish(struct ks_inventory *inv)
{
    struct ks_map jars = KS_MAP_INIT;
    size_t o = 0;
    ks_err e = KS_OK;

    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        const char *bang;
        if (c->type != KS_PKG_MAVEN || !c->path || !ks_ends_with(c->path, "/pom.properties"))
            continue;
        bang = strstr(c->path, "!/META-INF/maven/");
        if (bang && (e = ks_map_put(&jars, c->path, (size_t)(bang - c->path), (void *)1)))
            goto done;
    }
    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];
        const char *bang = c->path ? strstr(c->path, "!/META-INF/MANIFEST.MF") : NULL;
        if (c->type == KS_PKG_MAVEN && bang && !bang[sizeof("!/META-INF/MANIFEST.MF") - 1] &&
            ks_map_get(&jars, c->path, (size_t)(bang - c->path)))
            continue;
        inv->components.items[o++] = *c;
    }
    inv->components.len = o;
    o = 0;
    for (size_t i = 0; i < inv->notes.len; i++) {
        const struct ks_note *n = &inv->notes.items[i];
        const char *bang = n->path ? strstr(n->path, "!/META-INF/MANIFEST.MF") : NULL;
        if (bang && !bang[sizeof("!/META-INF/MANIFEST.MF") - 1] &&
            ks_map_get(&jars, n->path, (size_t)(bang - n->path)))
            continue;
        inv->notes.items[o++] = *n;
    }
    inv->notes.len = o;
done:
    ks_map_release(&jars);
    return e;
}

static uint64_t rd(const unsigned char *p, size_t n, bool be)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
    return v;
}

bool ks_lang_reads_parts(const struct ks_collector *c)
{
    return c == &ks_lang_go_binary || c == &ks_lang_cargo_auditable;
}

const struct ks_blob *ks_lang_blob(const struct ks_collect_ctx *ctx, const char *data, size_t len,
                                   struct ks_blob *tmp)
{
    if (ctx->blob)
        return ctx->blob;
    ks_blob_memory(tmp, data, len);
    return tmp;
}

/* Reads [off, off + len) of `b` into `out`; false (with *err) if it cannot. */
static bool elf_read(const struct ks_blob *b, uint64_t off, uint64_t len, struct ks_buf *out,
                     ks_err *err)
{
    ks_err e;

    if (len > SIZE_MAX / 2)
        return false;
    e = ks_blob_read_buf(b, off, (size_t)len, out);
    if (e == KS_ENOMEM || e == KS_EIO)
        *err = e;
    return e == KS_OK;
}

bool ks_lang_elf_section(const struct ks_blob *b, const char *name, struct ks_buf *out,
                         ks_err *err)
{
    unsigned char h[64];
    const unsigned char *d;
    struct ks_buf tab = KS_BUF_INIT(0), names = KS_BUF_INIT(0);
    bool is64, be, found = false;
    uint64_t len = b->size, shoff, shentsize, shnum, shstrndx, stroff, strsize;
    size_t nlen = strlen(name);

    *err = KS_OK;
    if (len < 64 || ks_blob_read(b, 0, h, sizeof(h)) ||
        memcmp(h,
               "\x7f"
               "ELF",
               4) ||
        (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2))
        return false;
    is64 = h[4] == 2;
    be = h[5] == 2;
    shoff = is64 ? rd(h + 0x28, 8, be) : rd(h + 0x20, 4, be);
    shentsize = rd(h + (is64 ? 0x3a : 0x2e), 2, be);
    shnum = rd(h + (is64 ? 0x3c : 0x30), 2, be);
    shstrndx = rd(h + (is64 ? 0x3e : 0x32), 2, be);
    if (shentsize < (is64 ? 64u : 40u) || shstrndx >= shnum || shoff > len ||
        shnum > (len - shoff) / shentsize)
        return false;
    /* The whole section table (at most 65535 * 65535 bytes, within the file). */
    if (!elf_read(b, shoff, shnum * shentsize, &tab, err))
        goto done;
    d = (const unsigned char *)tab.ptr;
#define SH(i, o64, o32, n64, n32) \
    rd(d + (i)*shentsize + (is64 ? (o64) : (o32)), is64 ? (n64) : (n32), be)
    stroff = SH(shstrndx, 0x18, 0x10, 8, 4);
    strsize = SH(shstrndx, 0x20, 0x14, 8, 4);
    if (stroff > len || strsize > len - stroff || !elf_read(b, stroff, strsize, &names, err))
        goto done;
    for (uint64_t i = 0; i < shnum; i++) {
        uint64_t nameoff = SH(i, 0, 0, 4, 4), o = SH(i, 0x18, 0x10, 8, 4),
                 sz = SH(i, 0x20, 0x14, 8, 4), type = SH(i, 4, 4, 4, 4);
        if (nameoff >= strsize || strsize - nameoff < nlen + 1 ||
            memcmp(names.ptr + nameoff, name, nlen + 1))
            continue;
        if (type == 8 /* SHT_NOBITS */ || o > len || sz > len - o)
            break;
        if (sz > out->max && out->max) {
            *err = KS_ELIMIT;
            break;
        }
        found = elf_read(b, o, sz, out, err);
        break;
    }
#undef SH
done:
    ks_buf_release(&tab);
    ks_buf_release(&names);
    return found;
}
