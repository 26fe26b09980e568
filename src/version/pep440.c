/* version/pep440.c - Python versions as python3-packaging's Version (23.x)
 * parses and orders them (PEP 440).
 *
 * The grammar is packaging's VERSION_PATTERN, matched case-insensitively
 * with surrounding whitespace allowed; where its optional separators could
 * go either way, the regex's greedy first match is taken (the result is the
 * same for every input that matches at all). The order is packaging's
 * _cmpkey: epoch, release without trailing zeros, pre-release (a < b < rc;
 * a dev release without pre/post sorts before all pre-releases), post, dev,
 * then the local label (numeric parts above alphanumeric ones). Numbers of
 * any length compare exactly. */
#include "core/ks_common.h"

#include "version/scheme.h"

struct slice {
    const char *p, *e;
};

struct pep440 {
    struct slice epoch;
    struct slice release; /* "1.2.3" */
    int pre;              /* -1 none, 0 a, 1 b, 2 rc */
    struct slice pre_n;
    bool post;
    struct slice post_n;
    bool dev;
    struct slice dev_n;
    struct slice local; /* p == NULL: none */
};

/* Python's str.isspace() for the ASCII and common UTF-8 spaces; returns the
 * width in bytes, 0 if not a space. */
static size_t py_space(const unsigned char *p, const unsigned char *end)
{
    size_t n = (size_t)(end - p);

    if (*p == ' ' || (*p >= '\t' && *p <= '\r') || (*p >= 0x1C && *p <= 0x1F))
        return 1;
    if (n >= 2 && p[0] == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0))
        return 2;
    if (n >= 3 && p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80)
        return 3;
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
        return 3;
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F)
        return 3;
    if (n >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
        return 3;
    return 0;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool is_sep(int c)
{
    return c == '-' || c == '_' || c == '.';
}

/* Matches the longest keyword of `kw` at p (case-insensitive); returns its
 * index and sets *len, or -1. */
static int keyword(const char *p, const char *end, const char *const *kw, size_t n, size_t *len)
{
    int best = -1;

    *len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(kw[i]), j;

        if (k <= *len || (size_t)(end - p) < k)
            continue;
        for (j = 0; j < k && lower((unsigned char)p[j]) == kw[i][j]; j++)
            ;
        if (j == k) {
            best = (int)i;
            *len = k;
        }
    }
    return best;
}

static const char *digits(const char *p, const char *end)
{
    while (p < end && ks_version_isdigit(*p))
        p++;
    return p;
}

static const char *pep440_parse(const char *s, struct pep440 *v)
{
    static const char *const pre_kw[] = {"a", "b", "c", "rc", "alpha", "beta", "pre", "preview"};
    static const int pre_val[] = {0, 1, 2, 2, 0, 1, 2, 2};
    static const char *const post_kw[] = {"post", "rev", "r"};
    static const char *const dev_kw[] = {"dev"};
    const unsigned char *b = (const unsigned char *)s, *e = b + strlen(s);
    const char *p, *end, *q;
    size_t k, len;
    int i;

    if (e - b > KS_VERSION_MAX_LEN)
        return "version string is too long";
    while (b < e && (k = py_space(b, e)))
        b += k;
    for (;;) {
        size_t w = 0;

        for (size_t n = 1; n <= 3 && n <= (size_t)(e - b) && !w; n++)
            if (py_space(e - n, e) == n)
                w = n;
        if (!w)
            break;
        e -= w;
    }
    p = (const char *)b;
    end = (const char *)e;
    memset(v, 0, sizeof(*v));
    v->pre = -1;
    if (p < end && lower(*p) == 'v')
        p++;
    q = digits(p, end);
    if (q == p)
        return "not a PEP 440 version";
    if (q < end && *q == '!') {
        v->epoch = (struct slice){p, q};
        p = q + 1;
        q = digits(p, end);
        if (q == p)
            return "not a PEP 440 version";
    } else {
        v->epoch = (struct slice){p, p};
    }
    while (q + 1 < end && *q == '.' && ks_version_isdigit(q[1]))
        q = digits(q + 1, end);
    v->release = (struct slice){p, q};
    p = q;
    /* pre-release */
    q = p < end && is_sep(*p) ? p + 1 : p;
    if ((i = keyword(q, end, pre_kw, KS_ARRAY_LEN(pre_kw), &len)) >= 0) {
        v->pre = pre_val[i];
        p = q + len;
        if (p < end && is_sep(*p))
            p++;
        q = digits(p, end);
        v->pre_n = (struct slice){p, q};
        p = q;
    }
    /* post-release */
    if (p + 1 < end && *p == '-' && ks_version_isdigit(p[1])) {
        v->post = true;
        q = digits(p + 1, end);
        v->post_n = (struct slice){p + 1, q};
        p = q;
    } else {
        q = p < end && is_sep(*p) ? p + 1 : p;
        if (keyword(q, end, post_kw, KS_ARRAY_LEN(post_kw), &len) >= 0) {
            v->post = true;
            p = q + len;
            if (p < end && is_sep(*p))
                p++;
            q = digits(p, end);
            v->post_n = (struct slice){p, q};
            p = q;
        }
    }
    /* dev release */
    q = p < end && is_sep(*p) ? p + 1 : p;
    if (keyword(q, end, dev_kw, 1, &len) >= 0) {
        v->dev = true;
        p = q + len;
        if (p < end && is_sep(*p))
            p++;
        q = digits(p, end);
        v->dev_n = (struct slice){p, q};
        p = q;
    }
    /* local version label */
    if (p < end && *p == '+') {
        v->local.p = ++p;
        for (;;) {
            q = p;
            while (q < end && (ks_version_isdigit(*q) || ks_version_isalpha(*q)))
                q++;
            if (q == p)
                return "invalid local version label";
            p = q;
            if (p + 1 < end && is_sep(*p) &&
                (ks_version_isdigit(p[1]) || ks_version_isalpha(p[1])))
                p++;
            else
                break;
        }
        v->local.e = p;
    }
    if (p != end)
        return "not a PEP 440 version";
    return NULL;
}

static int num(struct slice a, struct slice b)
{
    return ks_version_numcmp(a.p, (size_t)(a.e - a.p), b.p, (size_t)(b.e - b.p));
}

/* Release tuples compare as if the shorter were padded with zeros. */
static int cmp_release(struct slice a, struct slice b)
{
    while (a.p < a.e || b.p < b.e) {
        struct slice x = {a.p, a.p}, y = {b.p, b.p};
        int r;

        if (a.p < a.e) {
            x.e = digits(a.p, a.e);
            a.p = x.e < a.e ? x.e + 1 : x.e;
        }
        if (b.p < b.e) {
            y.e = digits(b.p, b.e);
            b.p = y.e < b.e ? y.e + 1 : y.e;
        }
        if ((r = num(x, y)))
            return r;
    }
    return 0;
}

static bool all_digits(const char *p, const char *e)
{
    for (; p < e; p++)
        if (!ks_version_isdigit(*p))
            return false;
    return true;
}

static int cmp_local(struct slice a, struct slice b)
{
    if (!a.p || !b.p)
        return a.p ? 1 : b.p ? -1 : 0;
    for (;;) {
        const char *x = a.p, *y = b.p;
        bool xn, yn;
        int r = 0;

        if (a.p >= a.e || b.p >= b.e)
            return a.p < a.e ? 1 : b.p < b.e ? -1 : 0;
        while (x < a.e && !is_sep(*x))
            x++;
        while (y < b.e && !is_sep(*y))
            y++;
        xn = all_digits(a.p, x);
        yn = all_digits(b.p, y);
        if (xn != yn)
            return xn ? 1 : -1;
        if (xn) {
            r = num((struct slice){a.p, x}, (struct slice){b.p, y});
        } else {
            size_t la = (size_t)(x - a.p), lb = (size_t)(y - b.p);

            for (size_t j = 0; j < KS_MIN(la, lb) && !r; j++)
                r = lower((unsigned char)a.p[j]) - lower((unsigned char)b.p[j]);
            if (!r && la != lb)
                r = la < lb ? -1 : 1;
        }
        if (r)
            return ks_version_sign(r);
        a.p = x < a.e ? x + 1 : x;
        b.p = y < b.e ? y + 1 : y;
    }
}

/* The pre-release key: 0 = -inf (dev only), 1..3 = a/b/rc, 4 = +inf. */
static int pre_rank(const struct pep440 *v)
{
    if (v->pre < 0)
        return !v->post && v->dev ? 0 : 4;
    return v->pre + 1;
}

static int pep440_order(const struct pep440 *a, const struct pep440 *b)
{
    int r, ra, rb;

    if ((r = num(a->epoch, b->epoch)) || (r = cmp_release(a->release, b->release)))
        return r;
    ra = pre_rank(a);
    rb = pre_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra >= 1 && ra <= 3 && (r = num(a->pre_n, b->pre_n)))
        return r;
    if (a->post != b->post)
        return a->post ? 1 : -1;
    if (a->post && (r = num(a->post_n, b->post_n)))
        return r;
    if (a->dev != b->dev)
        return a->dev ? -1 : 1;
    if (a->dev && (r = num(a->dev_n, b->dev_n)))
        return r;
    return cmp_local(a->local, b->local);
}

const char *ks_version_pep440_check(const char *v)
{
    struct pep440 x;

    return pep440_parse(v, &x);
}

ks_err ks_version_pep440_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct pep440 x, y;
    const char *why;

    if ((why = pep440_parse(a, &x)))
        return ks_version_invalid(diag, "pep440", a, why);
    if ((why = pep440_parse(b, &y)))
        return ks_version_invalid(diag, "pep440", b, why);
    *out = pep440_order(&x, &y);
    return KS_OK;
}
