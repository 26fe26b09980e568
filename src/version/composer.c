/* version/composer.c - Packagist versions, as Composer orders them:
 * composer/semver's VersionParser::normalize() (3.3), then PHP's
 * version_compare() (PHP 8.2) on the normalized strings.
 *
 * normalize(): trims, drops an "X as Y" alias and an "@stability" flag and
 * "+build" metadata, then reads a classical version (v, 1-5 digit major, up
 * to three ".N", a modifier: [._-] stable|beta|b|RC|alpha|a|patch|pl|p with
 * an optional number, and an optional [.-]dev) into "M.m.p.b[-stab[N]][-dev]",
 * or a date version (4 digits then 1-6 two-digit groups, optional 1-3 digit
 * group, [.:-] separators) with its separators made '.', or a numeric
 * branch "1.2.x-dev" into "1.2.9999999.9999999-dev". Branch names
 * ("dev-main", "master") have no order: kensa refuses them, as it refuses
 * whatever normalize() rejects.
 *
 * version_compare(): separators -_+ and every transition between digits
 * and other characters become '.', parts compare as numbers (C long, as
 * PHP does) or by special form: dev < alpha = a < beta = b < RC = rc < a
 * number < pl = p, anything else below dev. */
#include "core/ks_common.h"

#include "version/scheme.h"

#define COMPOSER_MAX_LEN 1024
#define NORM_MAX         (COMPOSER_MAX_LEN + 64)

static bool php_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\v';
}

static bool pcre_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool ci_prefix(const char *p, const char *e, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(e - p) < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != w[i])
            return false;
    return true;
}

static const char *digits(const char *p, const char *e)
{
    while (p < e && ks_version_isdigit(*p))
        p++;
    return p;
}

/* The modifier regex at [p, e) anchored at e: stability word (index into
 * the result), its number part, dev flag. */
struct modifier {
    const char *stab, *stab_end;
    const char *num, *num_end;
    bool dev;
};

static bool match_modifier(const char *p, const char *e, struct modifier *m)
{
    static const char *const words[] = {"stable", "beta", "b", "rc", "alpha", "a", "patch", "pl",
                                        "p"};

    memset(m, 0, sizeof(*m));
    if (p < e && (*p == '.' || *p == '_' || *p == '-'))
        p++;
    for (size_t i = 0; i < KS_ARRAY_LEN(words); i++) {
        if (ci_prefix(p, e, words[i])) {
            m->stab = p;
            m->stab_end = p += strlen(words[i]);
            m->num = p;
            for (;;) {
                const char *q = p < e && (*p == '.' || *p == '-') ? p + 1 : p;
                const char *d = digits(q, e);

                if (d == q)
                    break;
                p = d;
            }
            m->num_end = p;
            break;
        }
    }
    if (p < e && ci_prefix(p + ((*p == '.' || *p == '-') ? 1 : 0), e, "dev") &&
        p + ((*p == '.' || *p == '-') ? 1 : 0) + 3 == e) {
        m->dev = true;
        p = e;
    }
    return p == e;
}

struct out {
    char *buf;
    size_t len, cap;
    bool overflow;
};

static void put(struct out *o, const char *p, size_t n)
{
    if (o->len + n >= o->cap) {
        o->overflow = true;
        return;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void add_modifier(struct out *o, const struct modifier *m)
{
    if (m->stab) {
        size_t n = (size_t)(m->stab_end - m->stab);
        char w[8];
        const char *num = m->num;

        if (n == 6 && !memcmp(m->stab, "stable", 6))
            return; /* exactly "stable" (case-sensitive): no suffix, no dev */
        for (size_t i = 0; i < n; i++)
            w[i] = (char)lower((unsigned char)m->stab[i]);
        w[n] = '\0';
        puts_(o, "-");
        puts_(o, !strcmp(w, "a")                        ? "alpha"
                 : !strcmp(w, "b")                      ? "beta"
                 : !strcmp(w, "p") || !strcmp(w, "pl") ? "patch"
                 : !strcmp(w, "rc")                     ? "RC"
                                                        : w);
        while (num < m->num_end && (*num == '.' || *num == '-'))
            num++;
        put(o, num, (size_t)(m->num_end - num));
    }
    if (m->dev)
        puts_(o, "-dev");
}

/* normalizeBranch() for a numeric branch; false when it would be "dev-". */
static bool numeric_branch(const char *p, const char *e, struct out *o)
{
    int parts = 0;

    while (p < e && php_space(*p))
        p++;
    while (e > p && php_space(e[-1]))
        e--;
    if (p < e && lower(*p) == 'v')
        p++;
    if (digits(p, e) == p)
        return false;
    put(o, p, (size_t)(digits(p, e) - p));
    p = digits(p, e);
    parts = 1;
    while (p < e && *p == '.' && parts < 4) {
        const char *d = digits(p + 1, e);

        if (d > p + 1) {
            put(o, p, (size_t)(d - p));
            p = d;
        } else if (p + 1 < e && (lower(p[1]) == 'x' || p[1] == '*')) {
            puts_(o, ".9999999");
            p += 2;
        } else {
            return false;
        }
        parts++;
    }
    if (p != e)
        return false;
    for (; parts < 4; parts++)
        puts_(o, ".9999999");
    puts_(o, "-dev");
    return true;
}

/* Whether [p, e) is a date part: \d{4}([.:-]?\d{2}){1,6}([.:-]?\d{1,3})? */
static bool date_part(const char *p, const char *e)
{
    int groups = 0;

    if (e - p < 4 || digits(p, p + 4) != p + 4)
        return false;
    p += 4;
    /* Try every way to read the rest: groups of two, then an optional
     * 1-3 digit tail; the rest is short, so a small search will do. */
    for (;;) {
        const char *q = p < e && (*p == '.' || *p == ':' || *p == '-') ? p + 1 : p;

        if (groups >= 1) {
            /* could the rest be the optional tail? */
            const char *t = p < e && (*p == '.' || *p == ':' || *p == '-') ? p + 1 : p;
            const char *d = digits(t, e);

            if (p == e || (d == e && d - t >= 1 && d - t <= 3))
                return true;
        }
        if (groups == 6 || e - q < 2 || !ks_version_isdigit(q[0]) || !ks_version_isdigit(q[1]))
            return false;
        p = q + 2;
        groups++;
    }
}

static const char *normalize(const char *s, struct out *o)
{
    const char *p = s, *e = s + strlen(s), *q;
    struct modifier m;

    if (e - p > COMPOSER_MAX_LEN)
        return "version string is too long";
    while (p < e && php_space(*p))
        p++;
    while (e > p && php_space(e[-1]))
        e--;
    /* "X as Y": keep X */
    for (q = p; q < e && *q != ',' && !pcre_space(*q); q++)
        ;
    if (q > p && q < e && *q == ' ') {
        const char *r = q;

        while (r < e && *r == ' ')
            r++;
        if (r > q && e - r > 2 && r[0] == 'a' && r[1] == 's' && r[2] == ' ') {
            const char *t = r + 2;

            while (t < e && *t == ' ')
                t++;
            if (t > r + 2 && t < e) {
                const char *u = t;

                while (u < e && *u != ',' && !pcre_space(*u))
                    u++;
                if (u == e)
                    e = q;
            }
        }
    }
    /* "@stability" flag */
    {
        static const char *const flags[] = {"@stable", "@rc", "@beta", "@alpha", "@dev"};

        for (size_t i = 0; i < KS_ARRAY_LEN(flags); i++) {
            size_t n = strlen(flags[i]);

            if ((size_t)(e - p) >= n && ci_prefix(e - n, e, flags[i])) {
                e -= n;
                break;
            }
        }
    }
    if ((e - p == 6 && !memcmp(p, "master", 6)) || (e - p == 5 && !memcmp(p, "trunk", 5)) ||
        (e - p == 7 && !memcmp(p, "default", 7)) || ci_prefix(p, e, "dev-"))
        return "a branch name has no version order";
    /* "+build" metadata: ^([^,\s+]++)\+[^\s]++$ */
    for (q = p; q < e && *q != ',' && *q != '+' && !pcre_space(*q); q++)
        ;
    if (q > p && q < e && *q == '+' && q + 1 < e) {
        const char *r = q + 1;

        while (r < e && !pcre_space(*r))
            r++;
        if (r == e)
            e = q;
    }
    /* classical */
    q = p < e && lower(*p) == 'v' ? p + 1 : p;
    {
        const char *d = digits(q, e), *parts[4] = {NULL}, *ends[4] = {NULL};
        int n = 0;

        if (d > q && d - q <= 5) {
            parts[n] = q;
            ends[n++] = d;
            while (n < 4 && d < e && *d == '.' && digits(d + 1, e) > d + 1) {
                parts[n] = d + 1;
                ends[n++] = d = digits(d + 1, e);
            }
            if (match_modifier(d, e, &m)) {
                for (int i = 0; i < 4; i++) {
                    if (i)
                        puts_(o, ".");
                    if (i < n)
                        put(o, parts[i], (size_t)(ends[i] - parts[i]));
                    else
                        puts_(o, "0");
                }
                add_modifier(o, &m);
                return o->overflow ? "version string is too long" : NULL;
            }
        }
    }
    /* date(time) */
    {
        const char *d;

        for (d = e; d > q; d--) {
            if (date_part(q, d) && match_modifier(d, e, &m)) {
                for (const char *c = q; c < d; c++)
                    put(o, ks_version_isdigit(*c) ? c : ".", 1);
                add_modifier(o, &m);
                return o->overflow ? "version string is too long" : NULL;
            }
        }
    }
    /* numeric branch: (.*?)[.-]?dev$ */
    if (e - p >= 3 && ci_prefix(e - 3, e, "dev")) {
        const char *b = e - 3;

        if (b > p && (b[-1] == '.' || b[-1] == '-'))
            b--;
        o->len = 0;
        if (numeric_branch(p, b, o))
            return o->overflow ? "version string is too long" : NULL;
        return "a branch name has no version order";
    }
    return "invalid version string";
}

/* --- PHP's version_compare() --- */

static bool php_isdigit(int c)
{
    return c >= '0' && c <= '9';
}

static bool php_isalnum(int c)
{
    return php_isdigit(c) || ks_version_isalpha(c);
}

static void canonicalize(const char *v, char *buf)
{
    const char *p = v;
    char *q = buf, lp;

    if (!*v) {
        *buf = '\0';
        return;
    }
    *q++ = lp = *p++;
    while (*p) {
        char lq = q[-1];
        bool dig_lp = php_isdigit(lp), ndig_lp = !php_isdigit(lp) && lp != '.';
        bool dig_p = php_isdigit(*p), ndig_p = !php_isdigit(*p) && *p != '.';

        if (*p == '-' || *p == '_' || *p == '+') {
            if (lq != '.')
                *q++ = '.';
        } else if ((ndig_lp && dig_p) || (dig_lp && ndig_p)) {
            if (lq != '.')
                *q++ = '.';
            *q++ = *p;
        } else if (!php_isalnum((unsigned char)*p)) {
            if (lq != '.')
                *q++ = '.';
        } else {
            *q++ = *p;
        }
        lp = *p++;
    }
    *q = '\0';
}

static int special_form(const char *f)
{
    static const struct {
        const char *name;
        int order;
    } forms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3},
                 {"rc", 3},  {"#", 4},     {"pl", 5}, {"p", 5}};

    for (size_t i = 0; i < KS_ARRAY_LEN(forms); i++)
        if (!strncmp(f, forms[i].name, strlen(forms[i].name)))
            return forms[i].order;
    return -1;
}

static long php_strtol(const char *p)
{
    long x = 0;

    for (; php_isdigit(*p); p++) {
        if (x > (LONG_MAX - (*p - '0')) / 10)
            return LONG_MAX;
        x = x * 10 + (*p - '0');
    }
    return x;
}

static int php_version_compare(const char *o1, const char *o2)
{
    char b1[2 * NORM_MAX + 2], b2[2 * NORM_MAX + 2];
    char *p1, *p2, *n1, *n2;
    int compare = 0;

    if (!*o1 || !*o2)
        return !*o1 && !*o2 ? 0 : *o1 ? 1 : -1;
    if (o1[0] == '#')
        snprintf(b1, sizeof(b1), "%s", o1);
    else
        canonicalize(o1, b1);
    if (o2[0] == '#')
        snprintf(b2, sizeof(b2), "%s", o2);
    else
        canonicalize(o2, b2);
    p1 = n1 = b1;
    p2 = n2 = b2;
    while (*p1 && *p2 && n1 && n2) {
        if ((n1 = strchr(p1, '.')) != NULL)
            *n1 = '\0';
        if ((n2 = strchr(p2, '.')) != NULL)
            *n2 = '\0';
        if (php_isdigit(*p1) && php_isdigit(*p2)) {
            long l1 = php_strtol(p1), l2 = php_strtol(p2);

            compare = (l1 > l2) - (l1 < l2);
        } else if (!php_isdigit(*p1) && !php_isdigit(*p2)) {
            compare = ks_version_sign(special_form(p1) - special_form(p2));
        } else if (php_isdigit(*p1)) {
            compare = ks_version_sign(special_form("#N#") - special_form(p2));
        } else {
            compare = ks_version_sign(special_form(p1) - special_form("#N#"));
        }
        if (compare != 0)
            break;
        if (n1 != NULL)
            p1 = n1 + 1;
        if (n2 != NULL)
            p2 = n2 + 1;
    }
    if (compare == 0) {
        if (n1 != NULL) {
            compare = php_isdigit(*p1) ? 1 : php_version_compare(p1, "#N#");
        } else if (n2 != NULL) {
            compare = php_isdigit(*p2) ? -1 : php_version_compare("#N#", p2);
        }
    }
    return compare;
}

const char *ks_version_composer_check(const char *v)
{
    char buf[NORM_MAX];
    struct out o = {buf, 0, sizeof(buf), false};

    buf[0] = '\0';
    return normalize(v, &o);
}

ks_err ks_version_composer_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    char na[NORM_MAX], nb[NORM_MAX];
    struct out x = {na, 0, sizeof(na), false}, y = {nb, 0, sizeof(nb), false};
    const char *why;

    na[0] = nb[0] = '\0';
    if ((why = normalize(a, &x)))
        return ks_version_invalid(diag, "composer", a, why);
    if ((why = normalize(b, &y)))
        return ks_version_invalid(diag, "composer", b, why);
    *out = php_version_compare(na, nb);
    return KS_OK;
}
