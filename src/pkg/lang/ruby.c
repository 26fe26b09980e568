/* pkg/lang/ruby.c - Gemfile.lock and installed specifications/ *.gemspec. */
#include "core/ks_common.h"

#include "core/buf.h"
#include "core/str.h"
#include "pkg/inventory.h"
#include "pkg/lang/internal.h"

/* ---- Gemfile.lock ---- */

static bool gemlock_wants(const char *path, unsigned mode)
{
    (void)mode;
    return lang_path_is(path, "Gemfile.lock") || lang_path_is(path, "gems.locked");
}

static size_t indent_of(const char *l, size_t n)
{
    size_t i = 0;

    while (i < n && l[i] == ' ')
        i++;
    return i;
}

/* "name (1.2.3-x86_64-linux)" -> name, version, platform. */
static bool spec_line(struct lang_set *s, struct ks_str t, char **name, char **ver, char **plat)
{
    const char *open = memchr(t.ptr, '(', t.len);
    struct ks_str nm, v;
    const char *dash;

    *plat = NULL;
    *ver = NULL;
    nm = ks_str_trim((struct ks_str){t.ptr, open ? (size_t)(open - t.ptr) : t.len});
    if (nm.len && nm.ptr[nm.len - 1] == '!')
        nm.len--; /* DEPENDENCIES: "name!" means from a git/path source */
    *name = lang_strndup(s, nm.ptr, nm.len);
    if (!open)
        return *name != NULL;
    if (t.ptr[t.len - 1] != ')')
        return false;
    v = ks_str_trim((struct ks_str){open + 1, (size_t)(t.ptr + t.len - open - 2)});
    /* Versions have no '-' but platforms do ("1.15.5-x86_64-linux-gnu"). */
    dash = memchr(v.ptr, '-', v.len);
    *ver = lang_strndup(s, v.ptr, dash ? (size_t)(dash - v.ptr) : v.len);
    if (dash)
        *plat = lang_strndup(s, dash + 1, (size_t)(v.ptr + v.len - dash - 1));
    return *name && *ver;
}

struct gem_edge {
    size_t from;
    char *to;
};

static ks_err gemlock_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                            struct ks_diag *diag)
{
    struct ks_map by_name = KS_MAP_INIT; /* name -> index + 1 */
    KS_VEC(struct gem_edge) edges = KS_VEC_INIT;
    KS_VEC(char *) direct = KS_VEC_INIT;
    struct lang_set s;
    size_t i = 0, cur = LANG_NONE;
    unsigned lineno = 0;
    enum { NONE, SPECS, DEPS, OTHER } sec = NONE;
    bool seen_section = false;
    ks_err e = KS_OK;

    lang_set_init(&s, ctx);
    if (memchr(data, '\0', len)) {
        e = lang_bad(&s, diag, "binary data in Gemfile.lock");
        goto done;
    }
    while (i < len) {
        const char *l = data + i, *nl = memchr(l, '\n', len - i);
        size_t n = nl ? (size_t)(nl - l) : len - i, ind;
        struct ks_str t;
        i += n + 1;
        lineno++;
        if (n && l[n - 1] == '\r')
            n--;
        if (!n)
            continue;
        ind = indent_of(l, n);
        t = ks_str_trim((struct ks_str){l, n});
        if (ind == 0) {
            seen_section = true;
            sec = !strncmp(t.ptr, "DEPENDENCIES", t.len) && t.len == 12 ? DEPS : OTHER;
            continue;
        }
        if (ind == 2 && t.len == 6 && !strncmp(t.ptr, "specs:", 6)) {
            sec = SPECS;
            continue;
        }
        if (sec == SPECS && (ind == 4 || ind == 6)) {
            char *name, *ver, *plat, *q = NULL;
            if (!spec_line(&s, t, &name, &ver, &plat)) {
                e = lang_bad(&s, diag, "line %u: malformed spec '%.*s'", lineno,
                             (int)(t.len > 60 ? 60 : t.len), t.ptr);
                goto done;
            }
            if (ind == 6) { /* a dependency of the spec above */
                if (cur != LANG_NONE &&
                    KS_VEC_PUSH(&edges, ((struct gem_edge){cur, name}))) {
                    e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                    goto done;
                }
                continue;
            }
            if (!ver) {
                e = lang_bad(&s, diag, "line %u: spec '%s' has no version", lineno, name);
                goto done;
            }
            if (plat && strcmp(plat, "ruby"))
                q = ks_arena_printf(&s.scratch, "platform=%s", plat);
            cur = lang_add(&s, KS_PKG_GEM, name, ver, q, diag);
            if (cur == LANG_NONE ||
                ks_map_put(&by_name, name, strlen(name), (void *)(uintptr_t)(cur + 1))) {
                e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
            continue;
        }
        if (sec == DEPS && ind == 2) {
            char *name, *ver, *plat;
            if (spec_line(&s, t, &name, &ver, &plat) && KS_VEC_PUSH(&direct, name)) {
                e = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
        }
    }
    if (!seen_section) {
        e = lang_bad(&s, diag, "no sections (GEM, DEPENDENCIES, …): not a Gemfile.lock");
        goto done;
    }
    for (size_t k = 0; k < edges.len; k++) {
        void *hit = ks_map_get(&by_name, edges.items[k].to, strlen(edges.items[k].to));
        if (hit && (e = lang_edge(&s, edges.items[k].from, (uintptr_t)hit - 1, diag)))
            goto done;
    }
    for (size_t k = 0; k < direct.len; k++) {
        void *hit = ks_map_get(&by_name, direct.items[k], strlen(direct.items[k]));
        if (hit)
            lang_scope(&s, (uintptr_t)hit - 1, KS_SCOPE_UNKNOWN, 1);
    }
    if (direct.len) {
        size_t pos = 0;
        struct ks_map_slot *sl;
        while ((sl = ks_map_next(&by_name, &pos)))
            if (lang_at(&s, (uintptr_t)sl->value - 1)->direct < 0)
                lang_at(&s, (uintptr_t)sl->value - 1)->direct = 0;
    }
    e = lang_set_finish(&s, diag);
done:
    ks_map_release(&by_name);
    KS_VEC_RELEASE(&edges);
    KS_VEC_RELEASE(&direct);
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_gemfile_lock = {"gemfile-lock", gemlock_wants, gemlock_parse};

/* ---- specifications/NAME-VERSION.gemspec (Ruby code written by RubyGems) ---- */

static bool gemspec_wants(const char *path, unsigned mode)
{
    const char *base = lang_basename(path);

    (void)mode;
    return ks_ends_with(base, ".gemspec") && base - path >= 16 &&
           !strncmp(base - 16, "/specifications/", 16);
}

/* The string literal assigned by `s.<field> = "…"` (also `.freeze`d). */
static char *gemspec_str(struct lang_set *s, const char *data, size_t len, const char *field)
{
    char pat[64];
    size_t plen = (size_t)snprintf(pat, sizeof(pat), ".%s = ", field);

    for (size_t i = 0; i + plen < len; i++) {
        const char *p, *q;
        char quote;
        if (memcmp(data + i, pat, plen))
            continue;
        p = data + i + plen;
        if (*p == '[' && p + 1 < data + len) /* s.licenses = ["MIT".freeze] */
            p++;
        if ((*p != '"' && *p != '\'') || p + 1 >= data + len)
            continue;
        quote = *p++;
        q = memchr(p, quote, (size_t)(data + len - p));
        if (!q || memchr(p, '\n', (size_t)(q - p)))
            return NULL;
        return lang_strndup(s, p, (size_t)(q - p));
    }
    return NULL;
}

static ks_err gemspec_parse(struct ks_collect_ctx *ctx, const char *data, size_t len,
                            struct ks_diag *diag)
{
    struct lang_set s;
    char *name, *ver;
    size_t idx;
    ks_err e = KS_OK;

    lang_set_init(&s, ctx);
    name = gemspec_str(&s, data, len, "name");
    ver = gemspec_str(&s, data, len, "version");
    if (!ver) { /* s.version = Gem::Version.new("1.0") in hand-written specs */
        const char *p = memmem(data, len, "Gem::Version.new(\"", 18);
        const char *q = p ? memchr(p + 18, '"', (size_t)(data + len - p - 18)) : NULL;
        if (q)
            ver = lang_strndup(&s, p + 18, (size_t)(q - p - 18));
    }
    if (!name || !ver) {
        e = lang_bad(&s, diag, "no %s in gemspec", !name ? "name" : "version");
        goto done;
    }
    idx = lang_add(&s, KS_PKG_GEM, name, ver, NULL, diag);
    if (idx == LANG_NONE) {
        e = KS_ENOMEM;
        goto done;
    }
    lang_license(&s, idx, gemspec_str(&s, data, len, "licenses"));
    if (!lang_at(&s, idx)->license)
        lang_license(&s, idx, gemspec_str(&s, data, len, "license"));
done:
    lang_set_release(&s);
    return e;
}

const struct ks_collector lang_gemspec = {"gemspec", gemspec_wants, gemspec_parse};
