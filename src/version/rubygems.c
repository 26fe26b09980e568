/* version/rubygems.c - RubyGems versions, as Gem::Version (rubygems 3.3,
 * Ruby 3.1) parses and orders them.
 *
 * Valid: optional surrounding whitespace around digits ('.' alnum+)*, then
 * an optional '-' part ([alnum-]+ separated by '.'); blank means "0". For
 * ordering, every '-' reads as ".pre.", the string splits into runs of
 * digits (numbers of any size) and of letters (strings), and the runs of
 * zeros just before the first string and at the end are dropped (the
 * canonical segments). Segments compare pairwise, a missing one as 0; a
 * string is below any number; strings compare bytewise, case-sensitively. */
#include "core/ks_common.h"

#include "version/scheme.h"

enum seg_kind { SEG_END, SEG_NUM, SEG_STR };

struct seg {
    enum seg_kind kind;
    const char *p;
    size_t n;
};

struct seg_iter {
    const char *p, *e;
    bool seen_str;
};

static bool is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_alnum(int c)
{
    return ks_version_isdigit(c) || ks_version_isalpha(c);
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_space(**s))
        (*s)++;
    while (*e > *s && is_space((*e)[-1]))
        (*e)--;
}

static const char *rubygems_check(const char *v)
{
    const char *p = v, *e = v + strlen(v), *s;

    if (e - p > KS_VERSION_MAX_LEN)
        return "version string is too long";
    trim(&p, &e);
    if (p == e)
        return NULL;
    for (s = p; p < e && ks_version_isdigit(*p); p++)
        ;
    if (p == s)
        return "malformed version number string";
    while (p < e && *p == '.') {
        for (s = ++p; p < e && is_alnum(*p); p++)
            ;
        if (p == s)
            return "malformed version number string";
    }
    if (p < e && *p == '-') {
        do {
            for (s = ++p; p < e && (is_alnum(*p) || *p == '-'); p++)
                ;
            if (p == s)
                return "malformed version number string";
        } while (p < e && *p == '.');
    }
    return p == e ? NULL : "malformed version number string";
}

static struct seg next_raw(struct seg_iter *it)
{
    static const char pre[] = "pre";

    while (it->p < it->e && !is_alnum(*it->p)) {
        if (*it->p++ == '-')
            return (struct seg){SEG_STR, pre, 3};
    }
    if (it->p == it->e)
        return (struct seg){SEG_END, NULL, 0};
    {
        const char *s = it->p;
        bool digit = ks_version_isdigit(*s);

        while (it->p < it->e && (digit ? ks_version_isdigit(*it->p) : ks_version_isalpha(*it->p)))
            it->p++;
        return (struct seg){digit ? SEG_NUM : SEG_STR, s, (size_t)(it->p - s)};
    }
}

static bool is_zero(const struct seg *s)
{
    if (s->kind != SEG_NUM)
        return false;
    for (size_t i = 0; i < s->n; i++)
        if (s->p[i] != '0')
            return false;
    return true;
}

/* The next canonical segment: zeros that end the numeric prefix vanish. */
static struct seg next_seg(struct seg_iter *it)
{
    struct seg s = next_raw(it);

    if (!it->seen_str && is_zero(&s)) {
        struct seg_iter look = *it;
        struct seg t;

        do
            t = next_raw(&look);
        while (is_zero(&t));
        if (t.kind != SEG_NUM) {
            *it = look;
            s = t;
        }
    }
    if (s.kind == SEG_STR)
        it->seen_str = true;
    return s;
}

static int seg_cmp(const struct seg *a, const struct seg *b)
{
    static const char zero[] = "0";
    struct seg x = a->kind == SEG_END ? (struct seg){SEG_NUM, zero, 1} : *a;
    struct seg y = b->kind == SEG_END ? (struct seg){SEG_NUM, zero, 1} : *b;
    int r;

    if (x.kind != y.kind)
        return x.kind == SEG_STR ? -1 : 1;
    if (x.kind == SEG_NUM)
        return ks_version_numcmp(x.p, x.n, y.p, y.n);
    r = memcmp(x.p, y.p, KS_MIN(x.n, y.n));
    if (r)
        return r < 0 ? -1 : 1;
    return x.n == y.n ? 0 : x.n < y.n ? -1 : 1;
}

const char *ks_version_rubygems_check(const char *v)
{
    return rubygems_check(v);
}

ks_err ks_version_rubygems_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct seg_iter x = {a, a + strlen(a), false}, y = {b, b + strlen(b), false};
    const char *why;

    if ((why = rubygems_check(a)))
        return ks_version_invalid(diag, "rubygems", a, why);
    if ((why = rubygems_check(b)))
        return ks_version_invalid(diag, "rubygems", b, why);
    trim(&x.p, &x.e);
    trim(&y.p, &y.e);
    for (;;) {
        struct seg s = next_seg(&x), t = next_seg(&y);
        int r;

        if (s.kind == SEG_END && t.kind == SEG_END) {
            *out = 0;
            return KS_OK;
        }
        if ((r = seg_cmp(&s, &t))) {
            *out = r;
            return KS_OK;
        }
    }
}
