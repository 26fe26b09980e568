/* version/semver.c - SemVer 2.0 as the npm `semver` package (7.x, strict
 * mode) parses and orders it.
 *
 * npm's rules beyond the SemVer text, all reproduced: at most 256 characters
 * before trimming whitespace, an optional leading 'v', major/minor/patch at
 * most 2^53-1; numeric pre-release identifiers below 2^53-1 are numbers,
 * larger ones stay strings but are compared as JavaScript doubles (so two
 * that round to the same double end the comparison as equal). Build
 * metadata is ignored by the order. */
#include "core/ks_common.h"

#include "version/scheme.h"

#define SEMVER_MAX_LENGTH 256
#define MAX_SAFE          9007199254740991ULL

struct semver {
    uint64_t major, minor, patch;
    const char *pre; /* NULL: no pre-release */
    const char *pre_end;
};

/* Length in bytes of a UTF-8 encoded JavaScript whitespace character at p. */
static size_t js_space(const unsigned char *p, const unsigned char *end)
{
    size_t n = (size_t)(end - p);

    if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        return 1;
    if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return 3;
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

/* The string's length in UTF-16 code units, as JavaScript counts it. */
static size_t js_length(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80)
            n++;
        if (*p >= 0xF0)
            n++;
    }
    return n;
}

static bool ident_char(int c)
{
    return ks_version_isdigit(c) || ks_version_isalpha(c) || c == '-';
}

/* A numeric identifier: "0" or no leading zero. Returns its end or NULL. */
static const char *parse_num(const char *p, const char *end, uint64_t *out, bool *too_big)
{
    const char *s = p;
    uint64_t v = 0;

    if (p == end || !ks_version_isdigit(*p))
        return NULL;
    if (*p == '0') {
        *out = 0;
        return p + 1;
    }
    for (; p < end && ks_version_isdigit(*p); p++) {
        if (v <= MAX_SAFE)
            v = v * 10 + (uint64_t)(*p - '0');
    }
    if (v > MAX_SAFE || p - s > 16)
        *too_big = true;
    *out = v;
    return p;
}

/* Dot-separated identifiers; `pre` forbids numeric ones with leading zeros. */
static const char *parse_idents(const char *p, const char *end, bool pre)
{
    for (;;) {
        const char *s = p;
        bool alpha = false;

        while (p < end && ident_char(*p)) {
            alpha |= !ks_version_isdigit(*p);
            p++;
        }
        if (p == s)
            return NULL;
        if (pre && !alpha && *s == '0' && p - s > 1)
            return NULL;
        if (p == end || *p != '.')
            return p;
        p++;
    }
}

static const char *semver_parse(const char *s, struct semver *v)
{
    const unsigned char *b = (const unsigned char *)s, *e;
    const char *p, *end;
    bool big = false;
    size_t k;

    if (js_length(s) > SEMVER_MAX_LENGTH)
        return "version is longer than 256 characters";
    e = b + strlen(s);
    while (b < e && (k = js_space(b, e)))
        b += k;
    for (;;) {
        const unsigned char *q = e;
        /* trailing whitespace: try each known width ending at e */
        size_t w = 0;

        for (size_t n = 1; n <= 3 && n <= (size_t)(e - b) && !w; n++)
            if (js_space(e - n, e) == n)
                w = n;
        if (!w)
            break;
        e = q - w;
    }
    p = (const char *)b;
    end = (const char *)e;
    if (p < end && *p == 'v')
        p++;
    if (!(p = parse_num(p, end, &v->major, &big)) || p == end || *p++ != '.' ||
        !(p = parse_num(p, end, &v->minor, &big)) || p == end || *p++ != '.' ||
        !(p = parse_num(p, end, &v->patch, &big)))
        return "not a semantic version";
    v->pre = v->pre_end = NULL;
    if (p < end && *p == '-') {
        v->pre = p + 1;
        if (!(p = parse_idents(p + 1, end, true)))
            return "invalid pre-release";
        v->pre_end = p;
    }
    if (p < end && *p == '+') {
        if (!(p = parse_idents(p + 1, end, false)))
            return "invalid build metadata";
    }
    if (p != end)
        return "not a semantic version";
    if (big)
        return "major, minor or patch above 2^53-1";
    return NULL;
}

static bool all_digits(const char *p, const char *e)
{
    for (; p < e; p++)
        if (!ks_version_isdigit(*p))
            return false;
    return true;
}

static double js_number(const char *p, const char *e)
{
    char buf[SEMVER_MAX_LENGTH + 1];
    size_t n = KS_MIN((size_t)(e - p), sizeof(buf) - 1);

    memcpy(buf, p, n);
    buf[n] = '\0';
    return strtod(buf, NULL);
}

/* comparePre(): returns 2 for "stop, equal" (see the file comment). */
static int cmp_pre(const char *a, const char *ae, const char *b, const char *be)
{
    if (a && !b)
        return -1;
    if (!a && b)
        return 1;
    if (!a)
        return 0;
    for (;;) {
        const char *x = a, *y = b;
        bool xn, yn;

        if (a > ae && b > be)
            return 0;
        if (b > be)
            return 1;
        if (a > ae)
            return -1;
        while (x < ae && *x != '.')
            x++;
        while (y < be && *y != '.')
            y++;
        xn = all_digits(a, x);
        yn = all_digits(b, y);
        /* `a === b`: same text (numbers are canonical, no leading zeros) */
        if (!(x - a == y - b && !memcmp(a, b, (size_t)(x - a)))) {
            if (xn && yn) {
                double da, db;

                if (x - a != y - b && x - a <= 16 && y - b <= 16)
                    return x - a < y - b ? -1 : 1;
                da = js_number(a, x);
                db = js_number(b, y);
                if (da == db)
                    return 0;
                return da < db ? -1 : 1;
            }
            if (xn != yn)
                return xn ? -1 : 1;
            {
                size_t la = (size_t)(x - a), lb = (size_t)(y - b);
                int r = memcmp(a, b, KS_MIN(la, lb));

                if (r)
                    return r < 0 ? -1 : 1;
                return la < lb ? -1 : 1;
            }
        }
        a = x + 1;
        b = y + 1;
    }
}

const char *ks_version_semver_check(const char *v)
{
    struct semver s;

    return semver_parse(v, &s);
}

ks_err ks_version_semver_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct semver x, y;
    const char *why;

    if ((why = semver_parse(a, &x)))
        return ks_version_invalid(diag, "semver", a, why);
    if ((why = semver_parse(b, &y)))
        return ks_version_invalid(diag, "semver", b, why);
    if (x.major != y.major)
        *out = x.major < y.major ? -1 : 1;
    else if (x.minor != y.minor)
        *out = x.minor < y.minor ? -1 : 1;
    else if (x.patch != y.patch)
        *out = x.patch < y.patch ? -1 : 1;
    else
        *out = cmp_pre(x.pre, x.pre_end, y.pre, y.pre_end);
    return KS_OK;
}
