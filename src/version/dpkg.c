/* version/dpkg.c - Debian version numbers, as dpkg parses and orders them.
 *
 * Follows dpkg's parseversion() (lib/dpkg/parsehelp.c) and verrevcmp()
 * (lib/dpkg/version.c): [epoch:]upstream[-revision], where '~' sorts before
 * everything, even the end of the string, letters before other non-digits,
 * and digit runs compare as numbers of any length. dpkg reports some
 * problems only as warnings (a version not starting with a digit, odd
 * characters) and still compares; those versions are valid here too, since
 * `dpkg --compare-versions` accepts them. Errors are the hard ones. */
#include "core/ks_common.h"

#include "version/scheme.h"

struct dpkg_ver {
    unsigned long epoch;
    const char *ver, *ver_end;
    const char *rev, *rev_end;
};

static bool isblank_c(int c)
{
    return c == ' ' || c == '\t';
}

static const char *dpkg_parse(const char *s, struct dpkg_ver *v)
{
    const char *end, *p, *colon, *hyphen;

    while (isblank_c(*s))
        s++;
    if (!*s)
        return "version string is empty";
    end = s + strlen(s);
    while (end > s && isblank_c(end[-1]))
        end--;
    for (p = s; p < end; p++)
        if (isblank_c(*p))
            return "version string has embedded spaces";
    if (end - s > KS_VERSION_MAX_LEN)
        return "version string is too long";
    colon = memchr(s, ':', (size_t)(end - s));
    v->epoch = 0;
    if (colon) {
        /* strtol() semantics: optional sign, digits, must end at the colon. */
        unsigned long e = 0;
        bool neg = false;

        p = s;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        if (!ks_version_isdigit(*p))
            return p == colon && p == s ? "epoch in version is empty" : "epoch in version is not number";
        for (; ks_version_isdigit(*p); p++) {
            if (e <= INT_MAX)
                e = e * 10 + (unsigned long)(*p - '0');
        }
        if (p != colon)
            return "epoch in version is not number";
        if (neg && e != 0)
            return "epoch in version is negative";
        if (e > INT_MAX)
            return "epoch in version is too big";
        if (colon + 1 == end)
            return "nothing after colon in version number";
        v->epoch = e;
        s = colon + 1;
    }
    hyphen = NULL;
    for (p = end; p > s; p--) {
        if (p[-1] == '-') {
            hyphen = p - 1;
            break;
        }
    }
    v->ver = s;
    if (hyphen) {
        if (hyphen + 1 == end)
            return "revision number is empty";
        v->ver_end = hyphen;
        v->rev = hyphen + 1;
        v->rev_end = end;
    } else {
        v->ver_end = end;
        v->rev = v->rev_end = end;
    }
    if (v->ver == v->ver_end)
        return "version number is empty";
    return NULL;
}

static int order(int c)
{
    if (ks_version_isdigit(c))
        return 0;
    if (ks_version_isalpha(c))
        return c;
    if (c == '~')
        return -1;
    if (c)
        return c + 256;
    return 0;
}

/* verrevcmp() on slices: a missing byte behaves as dpkg's NUL. */
static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
    while (a < ae || b < be) {
        int first_diff = 0;

        while ((a < ae && !ks_version_isdigit(*a)) || (b < be && !ks_version_isdigit(*b))) {
            int ac = a < ae ? order((unsigned char)*a) : 0;
            int bc = b < be ? order((unsigned char)*b) : 0;

            if (ac != bc)
                return ac - bc;
            a++;
            b++;
        }
        while (a < ae && *a == '0')
            a++;
        while (b < be && *b == '0')
            b++;
        while (a < ae && b < be && ks_version_isdigit(*a) && ks_version_isdigit(*b)) {
            if (!first_diff)
                first_diff = *a - *b;
            a++;
            b++;
        }
        if (a < ae && ks_version_isdigit(*a))
            return 1;
        if (b < be && ks_version_isdigit(*b))
            return -1;
        if (first_diff)
            return first_diff;
    }
    return 0;
}

const char *ks_version_dpkg_check(const char *v)
{
    struct dpkg_ver d;

    return dpkg_parse(v, &d);
}

ks_err ks_version_dpkg_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct dpkg_ver va, vb;
    const char *why;
    int r;

    if ((why = dpkg_parse(a, &va)))
        return ks_version_invalid(diag, "dpkg", a, why);
    if ((why = dpkg_parse(b, &vb)))
        return ks_version_invalid(diag, "dpkg", b, why);
    if (va.epoch != vb.epoch) {
        *out = va.epoch > vb.epoch ? 1 : -1;
        return KS_OK;
    }
    r = verrevcmp(va.ver, va.ver_end, vb.ver, vb.ver_end);
    if (!r)
        r = verrevcmp(va.rev, va.rev_end, vb.rev, vb.rev_end);
    *out = ks_version_sign(r);
    return KS_OK;
}
