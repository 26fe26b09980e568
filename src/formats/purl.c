#include "core/ks_common.h"

#include "formats/purl.h"

#include "core/vec.h"

static bool is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes `len` bytes into the arena. NULL on a bad escape, an
 * escaped NUL, or out of memory. */
static char *decode(struct ks_arena *a, const char *s, size_t len)
{
    char *out = ks_arena_alloc(a, len + 1);
    size_t n = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= len)
                return NULL;
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

static bool type_is(const char *type, const char *t)
{
    return !strcmp(type, t);
}

static int cmp_qualifier(const void *a, const void *b)
{
    return strcmp(((const struct ks_purl_qualifier *)a)->key,
                  ((const struct ks_purl_qualifier *)b)->key);
}

static bool valid_key(const char *k)
{
    if (!*k || (*k >= '0' && *k <= '9'))
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '.' || *k == '-' ||
              *k == '_'))
            return false;
    return true;
}

/* Joins the non-empty '/'-separated segments of s[0..len) after decoding
 * each. NULL (with *bad set) on a bad escape or a segment holding '/'. */
static char *segments(struct ks_arena *a, const char *s, size_t len, bool *bad)
{
    char *out = ks_arena_alloc(a, len + 1);
    size_t n = 0, i = 0;

    if (!out) {
        *bad = true;
        return NULL;
    }
    while (i < len) {
        size_t j = i;
        char *seg;

        while (j < len && s[j] != '/')
            j++;
        if (j > i) {
            seg = decode(a, s + i, j - i);
            if (!seg || strchr(seg, '/')) {
                *bad = true;
                return NULL;
            }
            if (n)
                out[n++] = '/';
            memcpy(out + n, seg, strlen(seg));
            n += strlen(seg);
        }
        i = j + 1;
    }
    out[n] = '\0';
    return n ? out : NULL;
}

ks_err ks_purl_parse(struct ks_arena *a, const char *s, struct ks_purl *out,
                     struct ks_diag *diag)
{
    const char *end = s + strlen(s), *hash, *q, *at, *slash, *p;
    KS_VEC(struct ks_purl_qualifier) quals = KS_VEC_INIT;
    bool bad = false;
    ks_err err = KS_OK;
    char *t;

    memset(out, 0, sizeof(*out));
    if (strncmp(s, "pkg:", 4))
        return ks_diag_set(diag, KS_EPARSE, "purl '%s': must start with 'pkg:'", s);
    p = s + 4;
    while (*p == '/')
        p++;
    /* Subpath (from the first '#') and qualifiers (from the first '?'). */
    hash = strchr(p, '#');
    if (hash) {
        out->subpath = segments(a, hash + 1, (size_t)(end - hash - 1), &bad);
        if (bad)
            goto bad;
        end = hash;
    }
    q = memchr(p, '?', (size_t)(end - p));
    if (q) {
        const char *k = q + 1;
        while (k < end) {
            const char *amp = memchr(k, '&', (size_t)(end - k));
            const char *e = amp ? amp : end;
            const char *eq = memchr(k, '=', (size_t)(e - k));
            struct ks_purl_qualifier qual;

            if (!eq)
                goto bad;
            qual.key = ks_arena_strndup(a, k, (size_t)(eq - k));
            qual.value = decode(a, eq + 1, (size_t)(e - eq - 1));
            if (!qual.key || !qual.value)
                goto bad;
            lower((char *)(uintptr_t)qual.key);
            if (!valid_key(qual.key))
                goto bad;
            if (*qual.value && KS_VEC_PUSH(&quals, qual)) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                goto done;
            }
            k = e + 1;
        }
        end = q;
    }
    /* Type: up to the first '/'. */
    slash = memchr(p, '/', (size_t)(end - p));
    if (!slash || slash == p)
        goto bad;
    t = ks_arena_strndup(a, p, (size_t)(slash - p));
    if (!t)
        goto bad;
    lower(t);
    for (const char *c = t; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' ||
              *c == '+'))
            goto bad;
    out->type = t;
    p = slash + 1;
    /* Version: after the last '@' of the remainder (names never hold a raw '@'). */
    at = NULL;
    for (const char *c = p; c < end; c++)
        if (*c == '@')
            at = c;
    if (at) {
        if (at + 1 < end) {
            out->version = decode(a, at + 1, (size_t)(end - at - 1));
            if (!out->version)
                goto bad;
        }
        end = at;
    }
    while (end > p && end[-1] == '/')
        end--;
    slash = NULL;
    for (const char *c = p; c < end; c++)
        if (*c == '/')
            slash = c;
    if (slash) {
        out->namespace = segments(a, p, (size_t)(slash - p), &bad);
        if (bad)
            goto bad;
        p = slash + 1;
    }
    if (end <= p)
        goto bad;
    out->name = decode(a, p, (size_t)(end - p));
    if (!out->name || !*out->name)
        goto bad;
    /* Type-specific normalisation. */
    if (type_is(out->type, "pypi")) {
        char *n = (char *)(uintptr_t)out->name;
        lower(n);
        for (; *n; n++)
            if (*n == '_')
                *n = '-';
    } else if (type_is(out->type, "github") || type_is(out->type, "bitbucket")) {
        lower((char *)(uintptr_t)out->name);
        if (out->namespace)
            lower((char *)(uintptr_t)out->namespace);
    }
    if (type_is(out->type, "swift") && (!out->namespace || !out->version))
        goto bad;
    if ((type_is(out->type, "cran") || type_is(out->type, "conan")) && !out->version)
        goto bad;
    if (quals.len) {
        out->qualifiers = ks_arena_alloc(a, quals.len * sizeof(*out->qualifiers));
        if (!out->qualifiers) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(out->qualifiers, quals.items, quals.len * sizeof(*out->qualifiers));
        out->nqualifiers = quals.len;
        qsort(out->qualifiers, quals.len, sizeof(*out->qualifiers), cmp_qualifier);
        for (size_t i = 1; i < quals.len; i++)
            if (!strcmp(out->qualifiers[i].key, out->qualifiers[i - 1].key))
                goto bad;
    }
    goto done;
bad:
    memset(out, 0, sizeof(*out));
    err = ks_diag_set(diag, KS_EPARSE, "'%s' is not a valid package URL", s);
done:
    KS_VEC_RELEASE(&quals);
    return err;
}

/* Percent-encodes `s`, keeping unreserved characters and those in `keep`. */
static ks_err encode(struct ks_buf *b, const char *s, const char *keep)
{
    ks_err err = KS_OK;

    for (const unsigned char *c = (const unsigned char *)s; !err && *c; c++) {
        if (is_unreserved(*c) || (*c && strchr(keep, *c)))
            err = ks_buf_addc(b, (char)*c);
        else
            err = ks_buf_addf(b, "%%%02X", *c);
    }
    return err;
}

ks_err ks_purl_build(const struct ks_purl *p, struct ks_buf *out)
{
    ks_err err = ks_buf_addf(out, "pkg:%s/", p->type);

    /* Everything but the unreserved characters is escaped, except '/'
     * between namespace segments and ':' in versions ("1:2.3", "sha256:…")
     * and qualifier values, which the spec leaves as is. '+' is escaped
     * ("2.36-9%2Bdeb12u4"), as the spec's own examples escape it. */
    if (!err && p->namespace) {
        err = encode(out, p->namespace, "/");
        if (!err)
            err = ks_buf_addc(out, '/');
    }
    if (!err)
        err = encode(out, p->name, "");
    if (!err && p->version) {
        err = ks_buf_addc(out, '@');
        if (!err)
            err = encode(out, p->version, ":");
    }
    for (size_t i = 0; !err && i < p->nqualifiers; i++) {
        err = ks_buf_addf(out, "%c%s=", i ? '&' : '?', p->qualifiers[i].key);
        if (!err)
            err = encode(out, p->qualifiers[i].value, ":/");
    }
    if (!err && p->subpath) {
        err = ks_buf_addc(out, '#');
        if (!err)
            err = encode(out, p->subpath, ":/");
    }
    return err;
}

const char *ks_purl_make(struct ks_arena *arena, const char *type, const char *ns,
                         const char *name, const char *version,
                         const struct ks_purl_qualifier *quals, size_t nquals)
{
    struct ks_purl_qualifier q[16];
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_purl p;
    const char *out = NULL;
    size_t n = 0;

    for (size_t i = 0; i < nquals && n < KS_ARRAY_LEN(q); i++)
        if (quals[i].value && *quals[i].value)
            q[n++] = quals[i];
    qsort(q, n, sizeof(*q), cmp_qualifier);
    memset(&p, 0, sizeof(p));
    p.type = type;
    p.namespace = ns && *ns ? ns : NULL;
    p.name = name;
    p.version = version && *version ? version : NULL;
    p.qualifiers = q;
    p.nqualifiers = n;
    if (name && !ks_purl_build(&p, &b))
        out = ks_arena_strndup(arena, ks_buf_str(&b), b.len);
    ks_buf_release(&b);
    return out;
}

const char *ks_purl_qualifier(const struct ks_purl *p, const char *key)
{
    for (size_t i = 0; i < p->nqualifiers; i++)
        if (!strcmp(p->qualifiers[i].key, key))
            return p->qualifiers[i].value;
    return NULL;
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

bool ks_purl_matches(const struct ks_purl *pattern, const struct ks_purl *p)
{
    if (!str_eq(pattern->type, p->type) || !str_eq(pattern->namespace, p->namespace) ||
        !str_eq(pattern->name, p->name))
        return false;
    if (pattern->version && !str_eq(pattern->version, p->version))
        return false;
    for (size_t i = 0; i < pattern->nqualifiers; i++)
        if (!str_eq(pattern->qualifiers[i].value, ks_purl_qualifier(p, pattern->qualifiers[i].key)))
            return false;
    return true;
}
