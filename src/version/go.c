/* version/go.c - Go module versions, as golang.org/x/mod/semver parses and
 * orders them.
 *
 * SemVer with a mandatory 'v', the shorthands "v1" and "v1.2" (= v1.0.0,
 * v1.2.0; no pre-release or build allowed after them), numbers of any
 * length without leading zeros, and build metadata ignored by the order
 * (so "+incompatible" does not matter). Pseudo-versions are ordinary
 * pre-releases. Unlike semver.Compare, which sorts invalid strings below
 * all valid ones, kensa rejects them (semver.IsValid is false). */
#include "core/ks_common.h"

#include "version/scheme.h"

struct gover {
    const char *num[3], *num_end[3]; /* "0" shorthand parts point to a static */
    const char *pre, *pre_end;       /* "-..." or empty */
};

static const char zero[] = "0";

static const char *parse_int(const char *p, const char **end)
{
    const char *s = p;

    while (ks_version_isdigit(*p))
        p++;
    if (p == s || (*s == '0' && p - s > 1))
        return NULL;
    *end = p;
    return s;
}

static bool ident_char(int c)
{
    return ks_version_isdigit(c) || ks_version_isalpha(c) || c == '-';
}

/* '-' or '+' followed by dot-separated non-empty identifiers. */
static const char *parse_idents(const char *p, bool pre)
{
    do {
        const char *s = ++p;
        bool num = true;

        while (ident_char(*p)) {
            num &= ks_version_isdigit(*p) != 0;
            p++;
        }
        if (p == s || (pre && num && *s == '0' && p - s > 1))
            return NULL;
    } while (*p == '.');
    return p;
}

static const char *go_parse(const char *v, struct gover *g)
{
    const char *p = v;

    if (strlen(v) > KS_VERSION_MAX_LEN)
        return "version string is too long";
    if (*p++ != 'v')
        return "not a Go module version (no leading 'v')";
    for (int i = 0; i < 3; i++) {
        g->num[i] = zero;
        g->num_end[i] = zero + 1;
    }
    g->pre = g->pre_end = p;
    if (!(g->num[0] = parse_int(p, &p)))
        return "invalid major version";
    g->num_end[0] = p;
    if (!*p) {
        g->num[1] = zero; /* restore shorthand parts */
        return NULL;
    }
    if (*p != '.' || !(g->num[1] = parse_int(p + 1, &p)))
        return "invalid minor version";
    g->num_end[1] = p;
    if (!*p)
        return NULL;
    if (*p != '.' || !(g->num[2] = parse_int(p + 1, &p)))
        return "invalid patch version";
    g->num_end[2] = p;
    g->pre = g->pre_end = p;
    if (*p == '-') {
        if (!(p = parse_idents(p, true)))
            return "invalid pre-release";
        g->pre_end = p;
    }
    if (*p == '+' && !(p = parse_idents(p, false)))
        return "invalid build metadata";
    if (*p)
        return "not a Go module version";
    return NULL;
}

static int cmp_idents(const char *x, const char *xe, const char *y, const char *ye)
{
    size_t lx = (size_t)(xe - x), ly = (size_t)(ye - y);

    if (lx == ly && !memcmp(x, y, lx))
        return 0;
    if (x == xe)
        return 1;
    if (y == ye)
        return -1;
    while (x < xe && y < ye) {
        const char *dx = ++x, *dy = ++y;
        bool nx = true, ny = true;

        while (x < xe && *x != '.')
            nx &= ks_version_isdigit(*x++) != 0;
        while (y < ye && *y != '.')
            ny &= ks_version_isdigit(*y++) != 0;
        lx = (size_t)(x - dx);
        ly = (size_t)(y - dy);
        if (lx != ly || memcmp(dx, dy, lx)) {
            int r;

            if (nx != ny)
                return nx ? -1 : 1;
            if (nx && lx != ly)
                return lx < ly ? -1 : 1;
            r = memcmp(dx, dy, KS_MIN(lx, ly));
            if (r)
                return r < 0 ? -1 : 1;
            return lx < ly ? -1 : 1;
        }
    }
    return x == xe ? -1 : 1;
}

const char *ks_version_go_check(const char *v)
{
    struct gover g;

    return go_parse(v, &g);
}

ks_err ks_version_go_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct gover x, y;
    const char *why;
    int r = 0;

    if ((why = go_parse(a, &x)))
        return ks_version_invalid(diag, "go", a, why);
    if ((why = go_parse(b, &y)))
        return ks_version_invalid(diag, "go", b, why);
    for (int i = 0; i < 3 && !r; i++)
        r = ks_version_numcmp(x.num[i], (size_t)(x.num_end[i] - x.num[i]), y.num[i],
                              (size_t)(y.num_end[i] - y.num[i]));
    if (!r)
        r = cmp_idents(x.pre, x.pre_end, y.pre, y.pre_end);
    *out = r;
    return KS_OK;
}
