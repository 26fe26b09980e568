/* pkg/lang/node.c - installed node_modules/ ** /package.json, package-lock.json
 * v1-v3 and npm-shrinkwrap.json, yarn.lock (v1 and berry) and pnpm-lock.yaml. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/lang/internal.h"

/* ---- installed package.json ---- */

/* Where Debian's node-* packages install modules (Debian JavaScript
 * policy): /usr/share/nodejs/NAME, /usr/lib/nodejs/NAME and
 * /usr/lib/<triplet>/nodejs/NAME play the part of a node_modules directory.
 * Returns what follows the directory, or NULL. */
static const char *debian_modules(const char *path)
{
    static const char *const dirs[] = {"/usr/share/nodejs/", "/usr/lib/nodejs/"};
    const char *p;

    for (size_t i = 0; i < KS_ARRAY_LEN(dirs); i++)
        if (!strncmp(path, dirs[i], strlen(dirs[i])))
            return path + strlen(dirs[i]);
    if (strncmp(path, "/usr/lib/", 9) || !(p = strchr(path + 9, '/')) || p == path + 9)
        return NULL;
    return !strncmp(p, "/nodejs/", 8) ? p + 8 : NULL;
}

/* An installed package: the path after the first "node_modules/" (or
 * Debian's module directory) is NAME[/node_modules/NAME]…/package.json with
 * NAME "x" or "@scope/x", so a package.json inside a package (tests,
 * fixtures, examples) is not one. */
static bool pkgjson_wants(const char *path, unsigned mode)
{
    const char *p = strstr(path, "/node_modules/");

    (void)mode;
    if (!ks_ends_with(path, "/package.json"))
        return false;
    if (p)
        p += sizeof("/node_modules/") - 1;
    else if (!(p = debian_modules(path)))
        return false;
    for (;;) {
        const char *slash = strchr(p, '/');
        if (!slash || slash == p)
            return false;
        if (*p == '@') { /* scope: one more segment */
            p = slash + 1;
            slash = strchr(p, '/');
            if (!slash || slash == p)
                return false;
        }
        p = slash + 1;
        if (!strcmp(p, "package.json"))
            return true;
        if (strncmp(p, "node_modules/", 13))
            return false;
        p += 13;
    }
}

static ks_err pkgjson_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                            struct ks_diag *diag)
{
    struct ks_value *root;
    struct ks_lang_set s;
    const char *name, *ver;
    size_t idx;
    ks_err e;

    ks_lang_set_init(&s, ctx);
    if ((e = ks_lang_json(&s, data, len, &root, diag)))
        goto done;
    name = ks_value_get_str(root, "name");
    ver = ks_value_get_str(root, "version");
    if (!name || !ver || !*name) {
        /* npm leaves stub package.json files (e.g. in test fixtures) without
         * a name or version: not a package, not an error. */
        goto done;
    }
    idx = ks_lang_add(&s, KS_PKG_NPM, name, ver, NULL, diag);
    if (idx == KS_LANG_NONE) {
        e = KS_ENOMEM;
        goto done;
    }
    ks_lang_license(&s, idx, ks_lang_license_of(&s, ks_value_get(root, "license")));
    if (!ks_lang_at(&s, idx)->license)
        ks_lang_license(&s, idx, ks_lang_license_of(&s, ks_value_get(root, "licenses")));
done:
    ks_lang_set_release(&s);
    return e;
}

const struct ks_collector ks_lang_node_package = {"node-package", pkgjson_wants, pkgjson_parse};

/* ---- package-lock.json / npm-shrinkwrap.json ---- */

/* Lock files a package ships inside node_modules/ are its own development
 * locks, not what is installed: only project lock files count. */
static bool in_node_modules(const char *path)
{
    return strstr(path, "/node_modules/") != NULL;
}

static bool npmlock_wants(const char *path, unsigned mode)
{
    (void)mode;
    return !in_node_modules(path) && (ks_lang_path_is(path, "package-lock.json") ||
                                      ks_lang_path_is(path, "npm-shrinkwrap.json"));
}

static enum ks_dep_scope npm_scope(const struct ks_value *p)
{
    if (ks_value_bool(ks_value_get(p, "dev"), false) ||
        ks_value_bool(ks_value_get(p, "devOptional"), false))
        return KS_SCOPE_DEV;
    if (ks_value_bool(ks_value_get(p, "optional"), false))
        return KS_SCOPE_OPTIONAL;
    return KS_SCOPE_REQUIRED;
}

/* The name an entry of "packages" installs: the part after the last
 * "node_modules/" of its key. */
static const char *npm_key_name(const char *key)
{
    const char *last = NULL;

    for (const char *p = strstr(key, "node_modules/"); p; p = strstr(p + 1, "node_modules/"))
        if (p == key || p[-1] == '/')
            last = p;
    return last ? last + sizeof("node_modules/") - 1 : NULL;
}

/* Node's resolution: from the package installed at `from`, dependency `name`
 * is the nearest "<dir>/node_modules/<name>" walking up from `from`. */
static size_t npm_resolve(struct ks_lang_set *s, const struct ks_map *at, const char *from,
                          const char *name)
{
    struct ks_buf b = KS_BUF_INIT(0);
    size_t base = strlen(from), r = KS_LANG_NONE;

    for (;;) {
        void *hit;
        ks_buf_reset(&b);
        if (ks_buf_add(&b, from, base) ||
            ks_buf_addf(&b, "%snode_modules/%s", base ? "/" : "", name))
            break;
        hit = ks_map_get(at, b.ptr, b.len);
        if (hit) {
            r = (size_t)(uintptr_t)hit - 1;
            break;
        }
        if (!base)
            break;
        /* Up one level: drop the trailing "[/]node_modules/<name>". */
        {
            const char *nm = NULL;
            for (size_t i = 0; i + 13 <= base; i++)
                if (!strncmp(from + i, "node_modules/", 13) && (i == 0 || from[i - 1] == '/'))
                    nm = from + i;
            if (!nm) {
                base = 0; /* a workspace directory: try the root */
                continue;
            }
            base = (size_t)(nm - from);
            if (base)
                base--; /* the '/' */
        }
    }
    (void)s;
    ks_buf_release(&b);
    return r;
}

static ks_err npm_v2(struct ks_lang_set *s, const struct ks_value *pkgs, struct ks_diag *diag)
{
    struct ks_map at = KS_MAP_INIT; /* key -> index + 1 */
    size_t *idx = ks_arena_calloc(&s->scratch, pkgs->u.o.len + 1, sizeof(*idx));
    const struct ks_value *root = ks_value_get(pkgs, "");
    static const char *const dep_kinds[] = {"dependencies", "optionalDependencies",
                                            "devDependencies", "peerDependencies"};
    ks_err e = KS_OK;

    if (!idx)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < pkgs->u.o.len; i++) {
        const char *key = pkgs->u.o.items[i].key;
        const struct ks_value *p = pkgs->u.o.items[i].value;
        const char *name = npm_key_name(key), *ver = ks_value_get_str(p, "version");
        idx[i] = KS_LANG_NONE;
        if (p->type != KS_VOBJECT) {
            e = ks_lang_bad(s, diag, "package entry '%s' is not an object", key);
            goto done;
        }
        if (!name || !*name || ks_value_bool(ks_value_get(p, "link"), false) || !ver)
            continue; /* the root, workspace sources and links */
        if (ks_value_get_str(p, "name"))
            name = ks_value_get_str(p, "name"); /* an alias "x": "npm:y@1" */
        idx[i] = ks_lang_add(s, KS_PKG_NPM, name, ver, NULL, diag);
        if (idx[i] == KS_LANG_NONE ||
            ks_map_put(&at, key, strlen(key), (void *)(uintptr_t)(idx[i] + 1))) {
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        ks_lang_scope(s, idx[i], npm_scope(p), -1);
        ks_lang_license(s, idx[i], ks_lang_license_of(s, ks_value_get(p, "license")));
    }
    /* Links: "node_modules/x": {link: true, resolved: "packages/x"} installs
     * the workspace package at "packages/x" under that name. */
    for (size_t i = 0; i < pkgs->u.o.len; i++) {
        const struct ks_value *p = pkgs->u.o.items[i].value;
        const char *target = ks_value_get_str(p, "resolved");
        void *hit;
        if (!ks_value_bool(ks_value_get(p, "link"), false) || !target)
            continue;
        hit = ks_map_get(&at, target, strlen(target));
        if (hit && ks_map_put(&at, pkgs->u.o.items[i].key, strlen(pkgs->u.o.items[i].key), hit)) {
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
    }
    for (size_t i = 0; i < pkgs->u.o.len; i++) {
        const struct ks_value *p = pkgs->u.o.items[i].value;
        const char *key = pkgs->u.o.items[i].key;
        for (int k = 0; k < 4; k++) {
            const struct ks_value *d = ks_value_get(p, dep_kinds[k]);
            for (size_t j = 0; d && d->type == KS_VOBJECT && j < d->u.o.len; j++) {
                size_t to = npm_resolve(s, &at, key, d->u.o.items[j].key);
                if (to == KS_LANG_NONE)
                    continue;
                if (p == root)
                    ks_lang_scope(s, to, k == 2 ? KS_SCOPE_DEV : KS_SCOPE_UNKNOWN, 1);
                else if ((e = ks_lang_edge(s, idx[i], to, diag)))
                    goto done;
            }
        }
    }
    if (root)
        for (size_t i = 0; i < pkgs->u.o.len; i++)
            if (idx[i] != KS_LANG_NONE && ks_lang_at(s, idx[i])->direct < 0)
                ks_lang_at(s, idx[i])->direct = 0;
done:
    ks_map_release(&at);
    return e;
}

/* v1: nested "dependencies" objects; "requires" name what each needs,
 * resolved in the nearest enclosing scope. Every scope's members are
 * indexed in one map keyed by (scope object, name) so that resolution stays
 * linear on big lock files. */
struct npm_scope_frame {
    const struct ks_value *deps;
    const struct npm_scope_frame *up;
};

struct npm_v1 {
    struct ks_lang_set *s;
    struct ks_map members; /* "<deps ptr><name>" -> member value */
    struct ks_map indexed; /* "<deps ptr>" -> 1 */
};

static char *scope_key(struct ks_lang_set *s, const struct ks_value *deps, const char *name,
                       size_t *len)
{
    size_t n = name ? strlen(name) : 0;
    char *k = ks_arena_alloc(&s->scratch, sizeof(deps) + n);

    if (k) {
        memcpy(k, &deps, sizeof(deps));
        if (n)
            memcpy(k + sizeof(deps), name, n);
        *len = sizeof(deps) + n;
    }
    return k;
}

static ks_err npm_v1_index(struct npm_v1 *v, const struct ks_value *deps, struct ks_diag *diag)
{
    size_t len = 0;
    char *k = scope_key(v->s, deps, NULL, &len);

    if (!k)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (ks_map_get(&v->indexed, k, len))
        return KS_OK;
    if (ks_map_put(&v->indexed, k, len, (void *)1))
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    for (size_t i = 0; i < deps->u.o.len; i++) {
        char *mk = scope_key(v->s, deps, deps->u.o.items[i].key, &len);
        if (!mk || ks_map_put(&v->members, mk, len, deps->u.o.items[i].value))
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    return KS_OK;
}

static size_t npm_v1_find(struct npm_v1 *v, const struct npm_scope_frame *fr, const char *name)
{
    for (; fr; fr = fr->up) {
        size_t len = 0;
        char *k = scope_key(v->s, fr->deps, name, &len);
        const struct ks_value *p = k ? ks_map_get(&v->members, k, len) : NULL;
        const char *ver = ks_value_get_str(p, "version");
        if (ver) {
            if (!strncmp(ver, "npm:", 4)) /* alias: "npm:real@1.0.0" */
                return KS_LANG_NONE;
            return ks_lang_add(v->s, KS_PKG_NPM, name, ver, NULL, NULL);
        }
    }
    return KS_LANG_NONE;
}

static ks_err npm_v1_walk(struct npm_v1 *v, const struct npm_scope_frame *fr, unsigned depth,
                          struct ks_diag *diag)
{
    struct ks_lang_set *s = v->s;
    ks_err e;

    if (depth > s->ctx->lim->max_json_depth)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': dependencies nested too deep", s->ctx->path);
    if ((e = npm_v1_index(v, fr->deps, diag)))
        return e;
    for (size_t i = 0; i < fr->deps->u.o.len; i++) {
        const char *name = fr->deps->u.o.items[i].key;
        const struct ks_value *p = fr->deps->u.o.items[i].value;
        const char *ver = ks_value_get_str(p, "version");
        const struct ks_value *req = ks_value_get(p, "requires"), *sub;
        struct npm_scope_frame inner;
        size_t idx;
        if (!ver || !*name || !strncmp(ver, "file:", 5) || !strncmp(ver, "npm:", 4))
            continue;
        idx = ks_lang_add(s, KS_PKG_NPM, name, ver, NULL, diag);
        if (idx == KS_LANG_NONE)
            return KS_ENOMEM;
        ks_lang_scope(s, idx, npm_scope(p), -1);
        sub = ks_value_get(p, "dependencies");
        inner.deps = sub && sub->type == KS_VOBJECT ? sub : NULL;
        inner.up = fr;
        if (inner.deps && (e = npm_v1_index(v, inner.deps, diag)))
            return e;
        for (size_t j = 0; req && req->type == KS_VOBJECT && j < req->u.o.len; j++) {
            size_t to = npm_v1_find(v, inner.deps ? &inner : fr, req->u.o.items[j].key);
            if ((e = ks_lang_edge(s, idx, to, diag)))
                return e;
        }
        if (inner.deps && (e = npm_v1_walk(v, &inner, depth + 1, diag)))
            return e;
    }
    return KS_OK;
}

static ks_err npmlock_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                            struct ks_diag *diag)
{
    struct ks_value *root;
    const struct ks_value *pkgs, *deps;
    struct ks_lang_set s;
    ks_err e;

    ks_lang_set_init(&s, ctx);
    if ((e = ks_lang_json(&s, data, len, &root, diag)))
        goto done;
    if (root->type != KS_VOBJECT) {
        e = ks_lang_bad(&s, diag, "not a package lock (top level is not an object)");
        goto done;
    }
    pkgs = ks_value_get(root, "packages");
    deps = ks_value_get(root, "dependencies");
    if (pkgs && pkgs->type == KS_VOBJECT) {
        e = npm_v2(&s, pkgs, diag);
    } else if (deps && deps->type == KS_VOBJECT) {
        struct npm_scope_frame top = {deps, NULL};
        struct npm_v1 v1 = {&s, KS_MAP_INIT, KS_MAP_INIT};
        e = npm_v1_walk(&v1, &top, 0, diag);
        ks_map_release(&v1.members);
        ks_map_release(&v1.indexed);
    } else if (!ks_value_get(root, "lockfileVersion")) {
        e = ks_lang_bad(&s, diag, "not a package lock (no 'lockfileVersion')");
    }
    if (!e)
        e = ks_lang_set_finish(&s, diag);
done:
    ks_lang_set_release(&s);
    return e;
}

const struct ks_collector ks_lang_npm_lock = {"npm-lock", npmlock_wants, npmlock_parse};

/* ---- yarn.lock ---- */

static bool yarn_wants(const char *path, unsigned mode)
{
    (void)mode;
    return !in_node_modules(path) && ks_lang_path_is(path, "yarn.lock");
}

/* "name@range" -> name (a leading '@' is a scope, not a separator). */
static char *descriptor_name(struct ks_lang_set *s, const char *d, size_t n)
{
    const char *at = n > 1 ? memchr(d + 1, '@', n - 1) : NULL;

    return ks_lang_strndup(s, d, at ? (size_t)(at - d) : n);
}

struct yarn_entry;
struct yarn_entry {
    const char *descs; /* the header line, unquoted */
    size_t descs_len;
    char *name, *version;
    const char *deps_start; /* lines of the dependencies block */
    size_t idx;
};

struct yarn_entries {
    struct yarn_entry *items;
    size_t len, cap;
};

/* Splits a yarn v1 header ("a@^1", "a@~1.2":) into descriptors; calls back. */
static ks_err yarn_v1_entries(struct ks_lang_set *s, const char *data, size_t len,
                              struct ks_map *by_desc, struct yarn_entries *ents,
                              struct ks_diag *diag)
{
    size_t i = 0;
    unsigned lineno = 0;
    struct yarn_entry *cur = NULL;
    bool in_deps = false;

    while (i < len) {
        const char *l = data + i, *nl = memchr(l, '\n', len - i);
        size_t n = nl ? (size_t)(nl - l) : len - i;
        i += n + 1;
        lineno++;
        if (n && l[n - 1] == '\r')
            n--;
        if (!n || l[0] == '#')
            continue;
        if (l[0] != ' ') {
            struct yarn_entry ent;
            if (l[n - 1] != ':')
                return ks_lang_bad(s, diag, "line %u: expected 'descriptor:'", lineno);
            memset(&ent, 0, sizeof(ent));
            ent.descs = l;
            ent.descs_len = n - 1;
            ent.idx = KS_LANG_NONE;
            if (KS_VEC_PUSH(ents, ent))
                return ks_diag_set(diag, KS_ENOMEM, "out of memory");
            cur = &ents->items[ents->len - 1];
            in_deps = false;
            /* Map every descriptor of the header to this entry. */
            for (size_t p = 0; p < ent.descs_len;) {
                size_t q = p;
                char *d;
                while (q < ent.descs_len && l[q] != ',')
                    q++;
                struct ks_str t = ks_str_trim((struct ks_str){l + p, q - p});
                if (t.len >= 2 && t.ptr[0] == '"' && t.ptr[t.len - 1] == '"') {
                    t.ptr++;
                    t.len -= 2;
                }
                d = ks_lang_strndup(s, t.ptr, t.len);
                if (!d || ks_map_put(by_desc, d, t.len, (void *)(uintptr_t)ents->len))
                    return ks_diag_set(diag, KS_ENOMEM, "out of memory");
                if (!cur->name)
                    cur->name = descriptor_name(s, t.ptr, t.len);
                p = q + 1;
            }
            continue;
        }
        if (!cur)
            return ks_lang_bad(s, diag, "line %u: indented line before any entry", lineno);
        if (n > 2 && l[2] != ' ') { /* a field of the entry */
            struct ks_str f = ks_str_trim((struct ks_str){l + 2, n - 2});
            in_deps = (f.len >= 13 && !memcmp(f.ptr, "dependencies:", 13)) ||
                      (f.len >= 21 && !memcmp(f.ptr, "optionalDependencies:", 21));
            if (in_deps && !cur->deps_start)
                cur->deps_start = l;
            if (f.len > 8 && !strncmp(f.ptr, "version ", 8)) {
                struct ks_str v = ks_str_trim((struct ks_str){f.ptr + 8, f.len - 8});
                if (v.len >= 2 && v.ptr[0] == '"') {
                    v.ptr++;
                    v.len -= 2;
                }
                cur->version = ks_lang_strndup(s, v.ptr, v.len);
            }
        }
        (void)in_deps;
    }
    return KS_OK;
}

static ks_err yarn_v1(struct ks_lang_set *s, const char *data, size_t len, struct ks_diag *diag)
{
    struct ks_map by_desc = KS_MAP_INIT;
    struct yarn_entries ents = KS_VEC_INIT;
    ks_err e;

    if ((e = yarn_v1_entries(s, data, len, &by_desc, &ents, diag)))
        goto done;
    for (size_t i = 0; i < ents.len; i++) {
        struct yarn_entry *y = &ents.items[i];
        if (!y->version || !y->name || !*y->name) {
            e = ks_lang_bad(s, diag, "entry '%.*s' has no version",
                            (int)(y->descs_len > 60 ? 60 : y->descs_len), y->descs);
            goto done;
        }
        y->idx = ks_lang_add(s, KS_PKG_NPM, y->name, y->version, NULL, diag);
        if (y->idx == KS_LANG_NONE) {
            e = KS_ENOMEM;
            goto done;
        }
    }
    /* Dependencies blocks: 4-space lines `name "range"` under `dependencies:`. */
    for (size_t i = 0; i < ents.len; i++) {
        const char *p = ents.items[i].deps_start;
        if (!p)
            continue;
        p = memchr(p, '\n', (size_t)(data + len - p));
        while (p && ++p + 4 <= data + len && !memcmp(p, "    ", 4)) {
            const char *nl = memchr(p, '\n', (size_t)(data + len - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(data + len - p);
            struct ks_str t = ks_str_trim((struct ks_str){p, n});
            const char *sp;
            struct ks_buf b = KS_BUF_INIT(0);
            void *hit;
            struct ks_str nm, rg;
            if (!t.len) {
                p = nl;
                continue;
            }
            sp = t.ptr[0] == '"' ? memchr(t.ptr + 1, '"', t.len - 1) : t.ptr;
            sp = sp ? memchr(sp, ' ', (size_t)(t.ptr + t.len - sp)) : NULL;
            if (!sp) {
                p = nl;
                continue;
            }
            nm = ks_str_trim((struct ks_str){t.ptr, (size_t)(sp - t.ptr)});
            rg = ks_str_trim((struct ks_str){sp, (size_t)(t.ptr + t.len - sp)});
            if (nm.len >= 2 && nm.ptr[0] == '"') {
                nm.ptr++;
                nm.len -= 2;
            }
            if (rg.len >= 2 && rg.ptr[0] == '"') {
                rg.ptr++;
                rg.len -= 2;
            }
            if (!ks_buf_add(&b, nm.ptr, nm.len) && !ks_buf_addc(&b, '@') &&
                !ks_buf_add(&b, rg.ptr, rg.len) && (hit = ks_map_get(&by_desc, b.ptr, b.len)))
                e = ks_lang_edge(s, ents.items[i].idx, ents.items[(uintptr_t)hit - 1].idx, diag);
            ks_buf_release(&b);
            if (e)
                goto done;
            p = nl;
        }
    }
done:
    ks_map_release(&by_desc);
    KS_VEC_RELEASE(&ents);
    return e;
}

/* Berry: YAML. Keys are comma-separated descriptors "name@npm:^1"; values
 * have version, resolution, dependencies {name: "npm:^1"}, linkType. */
static ks_err yarn_berry(struct ks_lang_set *s, const char *data, size_t len, struct ks_diag *diag)
{
    struct ks_value *root;
    struct ks_map by_desc = KS_MAP_INIT;
    size_t *idx = NULL, first = s->ctx->inv->components.len;
    bool any_workspace = false;
    ks_err e;

    if ((e = ks_lang_yaml(s, data, len, &root, diag)))
        goto done;
    if (root->type != KS_VOBJECT) {
        e = ks_lang_bad(s, diag, "not a yarn lock file");
        goto done;
    }
    idx = ks_arena_calloc(&s->scratch, root->u.o.len + 1, sizeof(*idx));
    if (!idx) {
        e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < root->u.o.len; i++) {
        const struct ks_member *m = &root->u.o.items[i];
        const char *ver = ks_value_get_str(m->value, "version");
        const char *res = ks_value_get_str(m->value, "resolution");
        idx[i] = KS_LANG_NONE;
        if (!strcmp(m->key, "__metadata"))
            continue;
        for (size_t p = 0; p < m->key_len;) {
            size_t q = p;
            while (q < m->key_len && m->key[q] != ',')
                q++;
            struct ks_str t = ks_str_trim((struct ks_str){m->key + p, q - p});
            char *d = ks_lang_strndup(s, t.ptr, t.len);
            if (!d || ks_map_put(&by_desc, d, t.len, (void *)(uintptr_t)(i + 1))) {
                e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
            p = q + 1;
        }
        if (!ver || !res) {
            e = ks_lang_bad(s, diag, "entry '%.60s' (line %u) has no version or resolution", m->key,
                            m->value->line);
            goto done;
        }
        /* Workspaces and local links are the project, not dependencies. */
        if (strstr(res, "@workspace:") || strstr(res, "@link:") || strstr(res, "@portal:"))
            continue;
        char *name = descriptor_name(s, res, strlen(res));
        if (!name) {
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        idx[i] = ks_lang_add(s, KS_PKG_NPM, name, ver, NULL, diag);
        if (idx[i] == KS_LANG_NONE) {
            e = KS_ENOMEM;
            goto done;
        }
    }
    for (size_t i = 0; i < root->u.o.len; i++) {
        const struct ks_member *m = &root->u.o.items[i];
        const char *res = ks_value_get_str(m->value, "resolution");
        const struct ks_value *deps = ks_value_get(m->value, "dependencies");
        bool workspace = res && strstr(res, "@workspace:");
        for (size_t j = 0; deps && deps->type == KS_VOBJECT && j < deps->u.o.len; j++) {
            const char *range = ks_value_str(deps->u.o.items[j].value);
            char *d = range ? ks_arena_printf(&s->scratch, "%s@%s", deps->u.o.items[j].key, range)
                            : NULL;
            void *hit = d ? ks_map_get(&by_desc, d, strlen(d)) : NULL;
            if (!hit && d && range && !strchr(range, ':')) { /* berry writes npm: implicitly */
                d = ks_arena_printf(&s->scratch, "%s@npm:%s", deps->u.o.items[j].key, range);
                hit = d ? ks_map_get(&by_desc, d, strlen(d)) : NULL;
            }
            if (!hit || idx[(uintptr_t)hit - 1] == KS_LANG_NONE)
                continue;
            if (workspace) {
                any_workspace = true;
                ks_lang_scope(s, idx[(uintptr_t)hit - 1], KS_SCOPE_UNKNOWN, 1);
            } else if ((e = ks_lang_edge(s, idx[i], idx[(uintptr_t)hit - 1], diag)))
                goto done;
        }
    }
    /* With the project's own entry present, what it does not name is transitive. */
    for (size_t i = first; any_workspace && i < s->ctx->inv->components.len; i++)
        if (s->ctx->inv->components.items[i].direct < 0)
            s->ctx->inv->components.items[i].direct = 0;
done:
    ks_map_release(&by_desc);
    return e;
}

static ks_err yarn_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                         struct ks_diag *diag)
{
    struct ks_lang_set s;
    ks_err e;

    ks_lang_set_init(&s, ctx);
    if (memchr(data, '\0', len))
        e = ks_lang_bad(&s, diag, "binary data in yarn lock file");
    else if (len > 20 && strstr(ks_lang_strndup(&s, data, len < 4096 ? len : 4096), "__metadata:"))
        e = yarn_berry(&s, data, len, diag);
    else
        e = yarn_v1(&s, data, len, diag);
    if (!e)
        e = ks_lang_set_finish(&s, diag);
    ks_lang_set_release(&s);
    return e;
}

const struct ks_collector ks_lang_yarn_lock = {"yarn-lock", yarn_wants, yarn_parse};

/* ---- pnpm-lock.yaml ---- */

static bool pnpm_wants(const char *path, unsigned mode)
{
    (void)mode;
    return !in_node_modules(path) && ks_lang_path_is(path, "pnpm-lock.yaml");
}

/* Splits a packages/snapshots key into name and version:
 * v9 "name@1.0.0(peer@2)", v6 "/name@1.0.0(peer@2)", v5 "/name/1.0.0_peer@2". */
static bool pnpm_key(struct ks_lang_set *s, const char *key, const char **name, const char **ver)
{
    const char *k = key[0] == '/' ? key + 1 : key;
    size_t n = strcspn(k, "(");
    const char *at = NULL;

    for (size_t i = 1; i < n; i++)
        if (k[i] == '@')
            at = k + i;
    if (!at || (k[0] != '@' && at < k + n && memchr(k, '/', (size_t)(at - k)) && key[0] == '/')) {
        /* v5: "/name/1.0.0_peer" or "/@scope/name/1.0.0" */
        const char *slash = NULL;
        n = strcspn(k, "_(");
        for (size_t i = 0; i < n; i++)
            if (k[i] == '/')
                slash = k + i;
        if (!slash || (k[0] == '@' && slash == strchr(k, '/')))
            return false;
        *name = ks_lang_strndup(s, k, (size_t)(slash - k));
        *ver = ks_lang_strndup(s, slash + 1, (size_t)(k + n - slash - 1));
        return *name && *ver;
    }
    *name = ks_lang_strndup(s, k, (size_t)(at - k));
    *ver = ks_lang_strndup(s, at + 1, (size_t)(k + n - at - 1));
    return *name && *ver;
}

static size_t pnpm_lookup(struct ks_lang_set *s, const struct ks_map *keys, const char *name,
                          const char *ver)
{
    char *k;
    void *hit;

    if (!ver || !strncmp(ver, "link:", 5))
        return KS_LANG_NONE;
    if (ver[0] == '/') /* v5/v6 full key */
        k = ks_arena_printf(&s->scratch, "%s", ver);
    else
        k = ks_arena_printf(&s->scratch, "%s@%s", name, ver);
    hit = k ? ks_map_get(keys, k, strlen(k)) : NULL;
    if (!hit && k) { /* v5 "/name/1.0.0", v6 "/name@1.0.0" */
        k = ks_arena_printf(&s->scratch, "/%s@%s", name, ver);
        hit = k ? ks_map_get(keys, k, strlen(k)) : NULL;
        if (!hit && k) {
            k = ks_arena_printf(&s->scratch, "/%s/%s", name, ver);
            hit = k ? ks_map_get(keys, k, strlen(k)) : NULL;
        }
    }
    return hit ? (size_t)(uintptr_t)hit - 1 : KS_LANG_NONE;
}

static ks_err pnpm_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                         struct ks_diag *diag)
{
    static const char *const kinds[] = {"dependencies", "optionalDependencies", "devDependencies"};
    struct ks_value *root;
    const struct ks_value *pkgs, *snaps, *importers;
    struct ks_map keys = KS_MAP_INIT; /* package key (and key without peers) -> index + 1 */
    struct ks_lang_set s;
    size_t first = ctx->inv->components.len;
    ks_err e;

    ks_lang_set_init(&s, ctx);
    if ((e = ks_lang_yaml(&s, data, len, &root, diag)))
        goto done;
    if (root->type != KS_VOBJECT || !ks_value_get(root, "lockfileVersion")) {
        e = ks_lang_bad(&s, diag, "not a pnpm lock file (no 'lockfileVersion')");
        goto done;
    }
    pkgs = ks_value_get(root, "packages");
    snaps = ks_value_get(root, "snapshots"); /* v9: per-peer-set variants with edges */
    for (size_t i = 0; pkgs && pkgs->type == KS_VOBJECT && i < pkgs->u.o.len; i++) {
        const struct ks_member *m = &pkgs->u.o.items[i];
        const char *name, *ver;
        size_t idx;
        if (!pnpm_key(&s, m->key, &name, &ver) || !*name) {
            e = ks_lang_bad(&s, diag, "cannot read package key '%.80s'", m->key);
            goto done;
        }
        if (ks_value_get_str(m->value, "name")) /* v5 aliases and tarballs */
            name = ks_value_get_str(m->value, "name");
        if (ks_value_get_str(m->value, "version"))
            ver = ks_value_get_str(m->value, "version");
        idx = ks_lang_add(&s, KS_PKG_NPM, name, ver, NULL, diag);
        if (idx == KS_LANG_NONE ||
            ks_map_put(&keys, m->key, m->key_len, (void *)(uintptr_t)(idx + 1))) {
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        if (ks_value_get(m->value, "dev")) /* v6: dev true/false */
            ks_lang_scope(&s, idx,
                          ks_value_bool(ks_value_get(m->value, "dev"), false) ? KS_SCOPE_DEV
                                                                              : KS_SCOPE_REQUIRED,
                          -1);
        if (ks_value_bool(ks_value_get(m->value, "optional"), false))
            ks_lang_scope(&s, idx, KS_SCOPE_OPTIONAL, -1);
    }
    for (size_t i = 0; snaps && snaps->type == KS_VOBJECT && i < snaps->u.o.len; i++) {
        const struct ks_member *m = &snaps->u.o.items[i];
        const char *name, *ver;
        size_t idx;
        if (!pnpm_key(&s, m->key, &name, &ver) ||
            (idx = pnpm_lookup(&s, &keys, name, ver)) == KS_LANG_NONE)
            continue;
        if (ks_map_put(&keys, m->key, m->key_len, (void *)(uintptr_t)(idx + 1))) {
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
    }
    /* Edges from packages (v5/v6) or snapshots (v9). */
    {
        const struct ks_value *src = snaps && snaps->type == KS_VOBJECT ? snaps : pkgs;
        for (size_t i = 0; src && src->type == KS_VOBJECT && i < src->u.o.len; i++) {
            const struct ks_member *m = &src->u.o.items[i];
            void *from = ks_map_get(&keys, m->key, m->key_len);
            for (int k = 0; from && k < 2; k++) {
                const struct ks_value *d = ks_value_get(m->value, kinds[k]);
                for (size_t j = 0; d && d->type == KS_VOBJECT && j < d->u.o.len; j++) {
                    size_t to = pnpm_lookup(&s, &keys, d->u.o.items[j].key,
                                            ks_value_str(d->u.o.items[j].value));
                    if ((e = ks_lang_edge(&s, (uintptr_t)from - 1, to, diag)))
                        goto done;
                }
            }
        }
    }
    /* Direct dependencies: importers (workspaces, v6+), or the top level (v5). */
    importers = ks_value_get(root, "importers");
    for (size_t im = 0; im < (importers ? importers->u.o.len : 1); im++) {
        const struct ks_value *proj =
                importers ? (importers->type == KS_VOBJECT ? importers->u.o.items[im].value : NULL)
                          : root;
        for (int k = 0; proj && k < 3; k++) {
            const struct ks_value *d = ks_value_get(proj, kinds[k]);
            for (size_t j = 0; d && d->type == KS_VOBJECT && j < d->u.o.len; j++) {
                const struct ks_value *dv = d->u.o.items[j].value;
                const char *ver =
                        dv->type == KS_VOBJECT ? ks_value_get_str(dv, "version") : ks_value_str(dv);
                size_t to = pnpm_lookup(&s, &keys, d->u.o.items[j].key, ver);
                if (to == KS_LANG_NONE && ver) { /* "1.0.0(peer@2)" -> strip peers */
                    char *bare = ks_lang_strndup(&s, ver, strcspn(ver, "(_"));
                    to = bare ? pnpm_lookup(&s, &keys, d->u.o.items[j].key, bare) : KS_LANG_NONE;
                }
                if (to != KS_LANG_NONE)
                    ks_lang_scope(&s, to,
                                  k == 2   ? KS_SCOPE_DEV
                                  : k == 1 ? KS_SCOPE_OPTIONAL
                                           : KS_SCOPE_REQUIRED,
                                  1);
            }
        }
    }
    for (size_t i = first; i < ctx->inv->components.len; i++)
        if (ctx->inv->components.items[i].direct < 0)
            ctx->inv->components.items[i].direct = 0;
    if (!(e = ks_lang_propagate_scope(&s, first, diag)))
        e = ks_lang_set_finish(&s, diag);
done:
    ks_map_release(&keys);
    ks_lang_set_release(&s);
    return e;
}

const struct ks_collector ks_lang_pnpm_lock = {"pnpm-lock", pnpm_wants, pnpm_parse};
