/* pkg/lang/python.c - installed distributions (*.dist-info/METADATA,
 * *.egg-info/PKG-INFO), requirements.txt pins, Pipfile.lock, poetry.lock and
 * uv.lock. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/lang/internal.h"

#include <sys/stat.h>

/* ---- core metadata (RFC 822 style headers) ---- */

static bool meta_wants(const char *path, unsigned mode)
{
    const char *base = lang_basename(path);

    (void)mode;
    if (!strcmp(base, "METADATA"))
        return base - path > 11 && !strncmp(base - 11, ".dist-info/", 11);
    if (!strcmp(base, "PKG-INFO"))
        return base - path > 10 && !strncmp(base - 10, ".egg-info/", 10);
    /* Old setuptools writes the egg-info as a single file. */
    return ks_ends_with(base, ".egg-info") && S_ISREG(mode);
}

/* Copies header `key`'s value (continuation lines folded) from the header
 * block of data[0..len) into `out`. */
static bool header_value(const char *data, size_t len, const char *key, struct ks_buf *out)
{
    size_t klen = strlen(key), i = 0;

    ks_buf_reset(out);
    while (i < len) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len, n = end - i;
        const char *l = data + i;

        if (n == 0 || (n == 1 && l[0] == '\r'))
            break; /* end of the headers: the body is the description */
        if (n > klen && !strncasecmp(l, key, klen) && l[klen] == ':') {
            struct ks_str v = ks_str_trim((struct ks_str){l + klen + 1, n - klen - 1});
            return !ks_buf_add(out, v.ptr, v.len);
        }
        i = end + 1;
    }
    return false;
}

static ks_err meta_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                         struct ks_diag *diag)
{
    struct ks_buf name = KS_BUF_INIT(4096), ver = KS_BUF_INIT(4096), lic = KS_BUF_INIT(4096);
    struct lang_set s;
    size_t idx;
    ks_err e = KS_OK;

    lang_set_init(&s, ctx);
    if (!header_value(data, len, "Name", &name) || !name.len) {
        e = lang_bad(&s, diag, "no 'Name' header in package metadata");
        goto done;
    }
    if (!header_value(data, len, "Version", &ver) || !ver.len) {
        e = lang_bad(&s, diag, "no 'Version' header in package metadata");
        goto done;
    }
    idx = lang_add(&s, KS_PKG_PYPI, name.ptr, ver.ptr, NULL, diag);
    if (idx == LANG_NONE) {
        e = KS_ENOMEM;
        goto done;
    }
    if ((header_value(data, len, "License-Expression", &lic) && lic.len) ||
        (header_value(data, len, "License", &lic) && lic.len && lic.len < 200 &&
         !memchr(lic.ptr, '\n', lic.len) && strcmp(lic.ptr, "UNKNOWN")))
        lang_license(&s, idx, lic.ptr);
done:
    ks_buf_release(&name);
    ks_buf_release(&ver);
    ks_buf_release(&lic);
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_python_meta = {"python-metadata", meta_wants, meta_parse};

/* ---- requirements.txt ---- */

static bool req_wants(const char *path, unsigned mode)
{
    const char *base = lang_basename(path);

    (void)mode;
    return ks_starts_with(base, "requirements") && ks_ends_with(base, ".txt");
}

static bool name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

static ks_err req_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                        struct ks_diag *diag)
{
    struct ks_buf line = KS_BUF_INIT(1u << 16), skipped = KS_BUF_INIT(512);
    struct lang_set s;
    size_t i = 0, nskipped = 0;
    ks_err e = KS_OK;

    lang_set_init(&s, ctx);
    if (memchr(data, '\0', len)) {
        e = lang_bad(&s, diag, "binary data in requirements file");
        goto done;
    }
    while (i < len) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        struct ks_str l;
        const char *p, *q, *hash;
        char *name, *ver;

        if (ks_buf_add(&line, data + i, end - i)) {
            e = lang_bad(&s, diag, "line too long");
            goto done;
        }
        i = end + 1;
        /* A trailing backslash continues the line. */
        if (line.len && line.ptr[line.len - 1] == '\\' && i < len) {
            ks_buf_truncate(&line, line.len - 1);
            continue;
        }
        hash = strstr(line.ptr, " #");
        if (line.ptr[0] == '#')
            hash = line.ptr;
        l = ks_str_trim((struct ks_str){line.ptr, hash ? (size_t)(hash - line.ptr) : line.len});
        if (!l.len || l.ptr[0] == '-') /* empty, or an option (-r, -e, --hash, …) */
            goto next;
        p = l.ptr;
        while (p < l.ptr + l.len && name_char(*p))
            p++;
        if (p == l.ptr)
            goto unpinned; /* a URL or path */
        name = lang_strndup(&s, l.ptr, (size_t)(p - l.ptr));
        if (p < l.ptr + l.len && *p == '[') { /* extras */
            const char *close = memchr(p, ']', (size_t)(l.ptr + l.len - p));
            if (!close)
                goto unpinned;
            p = close + 1;
        }
        while (p < l.ptr + l.len && (*p == ' ' || *p == '\t'))
            p++;
        if (l.ptr + l.len - p < 3 || p[0] != '=' || p[1] != '=')
            goto unpinned;
        p += 2 + (p[2] == '=');
        while (p < l.ptr + l.len && (*p == ' ' || *p == '\t'))
            p++;
        q = p;
        while (q < l.ptr + l.len && *q != ';' && *q != ' ' && *q != '\t' && *q != ',')
            q++;
        if (q == p || memchr(p, '*', (size_t)(q - p)) || (q < l.ptr + l.len && *q == ','))
            goto unpinned; /* "==1.*" or "==1,<2" is a range, not a pin */
        ver = lang_strndup(&s, p, (size_t)(q - p));
        if (!name || !ver) {
            e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        {
            size_t idx = lang_add(&s, KS_PKG_PYPI, name, ver, NULL, diag);
            if (idx == LANG_NONE) {
                e = KS_ENOMEM;
                goto done;
            }
            lang_scope(&s, idx, KS_SCOPE_UNKNOWN, 1);
        }
        goto next;
unpinned:
        if (nskipped++ < 5) {
            if (skipped.len)
                ks_buf_adds(&skipped, ", ");
            ks_buf_addf(&skipped, "'%.*s'", (int)(l.len > 60 ? 60 : l.len), l.ptr);
        }
next:
        ks_buf_reset(&line);
    }
    if (nskipped &&
        (e = ks_inventory_note(ctx->inv, ctx->path,
                               "%zu requirement(s) without an exact '==' pin not inventoried: %s%s",
                               nskipped, ks_buf_str(&skipped), nskipped > 5 ? ", …" : "")))
        ks_diag_set(diag, e, "out of memory");
done:
    ks_buf_release(&line);
    ks_buf_release(&skipped);
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_python_requirements = {"python-requirements", req_wants,
                                                      req_parse};

/* ---- Pipfile.lock ---- */

static bool pipfile_wants(const char *path, unsigned mode)
{
    (void)mode;
    return lang_path_is(path, "Pipfile.lock");
}

static ks_err pipfile_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                            struct ks_diag *diag)
{
    static const char *const sections[] = {"default", "develop"};
    struct ks_value *root;
    struct lang_set s;
    ks_err e;

    lang_set_init(&s, ctx);
    if ((e = lang_json(&s, data, len, &root, diag)))
        goto done;
    if (root->type != KS_VOBJECT || !ks_value_get(root, "_meta")) {
        e = lang_bad(&s, diag, "not a Pipfile.lock (no '_meta' object)");
        goto done;
    }
    for (size_t k = 0; k < 2; k++) {
        const struct ks_value *sec = ks_value_get(root, sections[k]);
        if (!sec)
            continue;
        if (sec->type != KS_VOBJECT) {
            e = lang_bad(&s, diag, "'%s' is not an object", sections[k]);
            goto done;
        }
        for (size_t i = 0; i < sec->u.o.len; i++) {
            const char *ver = ks_value_get_str(sec->u.o.items[i].value, "version");
            size_t idx;
            if (!ver || strncmp(ver, "==", 2))
                continue; /* VCS or path dependencies carry no version */
            idx = lang_add(&s, KS_PKG_PYPI, sec->u.o.items[i].key, ver + 2, NULL, diag);
            if (idx == LANG_NONE) {
                e = KS_ENOMEM;
                goto done;
            }
            lang_scope(&s, idx, k ? KS_SCOPE_DEV : KS_SCOPE_REQUIRED, -1);
        }
    }
done:
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_pipfile_lock = {"pipfile-lock", pipfile_wants, pipfile_parse};

/* ---- poetry.lock and uv.lock: TOML [[package]] arrays ---- */

/* Index of the component named (PEP 503) `name` in `names`, or LANG_NONE. */
static size_t find_pkg(struct lang_set *s, char **names, size_t *idx, size_t n, const char *name)
{
    char *norm = lang_pep503(s, name);

    for (size_t i = 0; norm && i < n; i++)
        if (names[i] && !strcmp(names[i], norm))
            return idx[i];
    return LANG_NONE;
}

static bool poetry_wants(const char *path, unsigned mode)
{
    (void)mode;
    return lang_path_is(path, "poetry.lock");
}

static bool uv_wants(const char *path, unsigned mode)
{
    (void)mode;
    return lang_path_is(path, "uv.lock");
}

/* Shared by poetry.lock and uv.lock. uv marks the project itself with a
 * source of { editable | virtual = "." }: it is not a component, and what it
 * depends on is direct (dev-dependencies: direct and dev). */
static ks_err toml_lock_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                              struct ks_diag *diag, bool uv)
{
    struct ks_value *root;
    const struct ks_value *pkgs;
    struct lang_set s;
    char **names = NULL;
    size_t *idx = NULL, n, first = ctx->inv->components.len;
    ks_err e;

    lang_set_init(&s, ctx);
    if ((e = lang_toml(&s, data, len, &root, diag)))
        goto done;
    pkgs = ks_value_get(root, "package");
    if (pkgs && pkgs->type != KS_VARRAY) {
        e = lang_bad(&s, diag, "'package' is not an array of tables");
        goto done;
    }
    n = ks_value_len(pkgs);
    names = ks_arena_calloc(&s.scratch, n + 1, sizeof(*names));
    idx = ks_arena_calloc(&s.scratch, n + 1, sizeof(*idx));
    if (!names || !idx) {
        e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ks_value *p = ks_value_at(pkgs, i);
        const char *name = ks_value_get_str(p, "name"), *ver = ks_value_get_str(p, "version");
        const struct ks_value *src = ks_value_get(p, "source");
        idx[i] = LANG_NONE;
        if (!name) {
            e = lang_bad(&s, diag, "package %zu has no name (line %u)", i + 1, p->line);
            goto done;
        }
        names[i] = lang_pep503(&s, name);
        if (uv && (ks_value_get(src, "editable") || ks_value_get(src, "virtual")))
            continue; /* the project itself or a workspace member */
        if (!ver) {
            e = lang_bad(&s, diag, "package '%s' has no version (line %u)", name, p->line);
            goto done;
        }
        idx[i] = lang_add(&s, KS_PKG_PYPI, name, ver, NULL, diag);
        if (idx[i] == LANG_NONE) {
            e = KS_ENOMEM;
            goto done;
        }
        if (!uv) {
            const char *cat = ks_value_get_str(p, "category");
            bool optional = ks_value_bool(ks_value_get(p, "optional"), false);
            enum ks_dep_scope sc = optional ? KS_SCOPE_OPTIONAL
                                   : cat && !strcmp(cat, "dev") ? KS_SCOPE_DEV
                                   : cat ? KS_SCOPE_REQUIRED : KS_SCOPE_UNKNOWN;
            lang_scope(&s, idx[i], sc, -1);
        }
    }
    /* Edges: poetry: [package.dependencies] name = spec; uv: dependencies =
     * [{ name = … }], optional-dependencies / dev-dependencies by group. */
    for (size_t i = 0; i < n; i++) {
        const struct ks_value *p = ks_value_at(pkgs, i);
        if (!uv) {
            const struct ks_value *deps = ks_value_get(p, "dependencies");
            for (size_t k = 0; deps && deps->type == KS_VOBJECT && k < deps->u.o.len; k++) {
                size_t to = find_pkg(&s, names, idx, n, deps->u.o.items[k].key);
                if ((e = lang_edge(&s, idx[i], to, diag)))
                    goto done;
            }
            continue;
        }
        static const char *const kinds[] = {"dependencies", "optional-dependencies",
                                            "dev-dependencies"};
        for (int kind = 0; kind < 3; kind++) {
            const struct ks_value *d = ks_value_get(p, kinds[kind]);
            size_t ngroups = kind == 0 ? 1 : (d && d->type == KS_VOBJECT ? d->u.o.len : 0);
            for (size_t g = 0; g < ngroups; g++) {
                const struct ks_value *list = kind == 0 ? d : d->u.o.items[g].value;
                for (size_t k = 0; k < ks_value_len(list); k++) {
                    const char *dn = ks_value_get_str(ks_value_at(list, k), "name");
                    size_t to = dn ? find_pkg(&s, names, idx, n, dn) : LANG_NONE;
                    if (to == LANG_NONE)
                        continue;
                    if (idx[i] == LANG_NONE) /* the project: its deps are direct */
                        lang_scope(&s, to,
                                   kind == 2 ? KS_SCOPE_DEV
                                   : kind == 1 ? KS_SCOPE_OPTIONAL : KS_SCOPE_REQUIRED, 1);
                    else if ((e = lang_edge(&s, idx[i], to, diag)))
                        goto done;
                }
            }
        }
    }
    if (uv) { /* what the project does not depend on directly is transitive */
        for (size_t i = 0; i < n; i++)
            if (idx[i] != LANG_NONE && lang_at(&s, idx[i])->direct < 0)
                lang_at(&s, idx[i])->direct = 0;
        if ((e = lang_propagate_scope(&s, first, diag)))
            goto done;
    }
    e = lang_set_finish(&s, diag);
done:
    lang_set_release(&s);
    return e;
}

static ks_err poetry_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                           struct ks_diag *diag)
{
    return toml_lock_parse(ctx, data, len, diag, false);
}

static ks_err uv_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                       struct ks_diag *diag)
{
    return toml_lock_parse(ctx, data, len, diag, true);
}

const struct ks_collector lang_poetry_lock = {"poetry-lock", poetry_wants, poetry_parse};
const struct ks_collector lang_uv_lock = {"uv-lock", uv_wants, uv_parse};
