/* version/rpm.c - RPM [epoch:]version[-release] labels, ordered as
 * rpmvercmp() and rpm.labelCompare() order them.
 *
 * The label is split like rpm's parseEVR(): leading digits followed by ':'
 * are the epoch (empty epoch is 0), the release follows the last '-'. An
 * absent epoch is 0; an absent release sorts before every present release
 * (labelCompare's rule, which keeps the order total; rpmverCmp() would treat
 * it as equal to any release, which is not transitive). rpm accepts any
 * string as long as the version part is not empty (labelCompare's
 * "invalid version"); overlong ones are refused here too. */
#include "core/ks_common.h"

#include "version/scheme.h"

struct rpm_evr {
    const char *e, *ee; /* epoch digits (may be empty: 0) */
    const char *v, *ve;
    const char *r, *re; /* r == NULL: no release */
};

static const char *rpm_parse(const char *s, struct rpm_evr *out)
{
    const char *p = s, *end = s + strlen(s), *hy = NULL;

    if (!*s)
        return "version string is empty";
    if (end - s > KS_VERSION_MAX_LEN)
        return "version string is too long";
    while (ks_version_isdigit(*p))
        p++;
    for (const char *q = end; q > p; q--) {
        if (q[-1] == '-') {
            hy = q - 1;
            break;
        }
    }
    if (*p == ':') {
        out->e = s;
        out->ee = p;
        out->v = p + 1;
    } else {
        out->e = out->ee = s;
        out->v = s;
    }
    if (hy && hy >= out->v) {
        out->ve = hy;
        out->r = hy + 1;
        out->re = end;
    } else {
        out->ve = end;
        out->r = out->re = NULL;
    }
    if (out->v == out->ve)
        return "version part is empty";
    return NULL;
}

static bool isalnum_c(int c)
{
    return ks_version_isdigit(c) || ks_version_isalpha(c);
}

/* rpmvercmp() on slices; a missing byte behaves as rpm's NUL. */
static int rpmvercmp(const char *a, const char *ae, const char *b, const char *be)
{
    if (ae - a == be - b && !memcmp(a, b, (size_t)(ae - a)))
        return 0;
    while (a < ae || b < be) {
        const char *sa, *sb;
        bool isnum;

        while (a < ae && !isalnum_c(*a) && *a != '~' && *a != '^')
            a++;
        while (b < be && !isalnum_c(*b) && *b != '~' && *b != '^')
            b++;
        if ((a < ae && *a == '~') || (b < be && *b == '~')) {
            if (!(a < ae && *a == '~'))
                return 1;
            if (!(b < be && *b == '~'))
                return -1;
            a++;
            b++;
            continue;
        }
        if ((a < ae && *a == '^') || (b < be && *b == '^')) {
            if (a == ae)
                return -1;
            if (b == be)
                return 1;
            if (*a != '^')
                return 1;
            if (*b != '^')
                return -1;
            a++;
            b++;
            continue;
        }
        if (!(a < ae && b < be))
            break;
        sa = a;
        sb = b;
        if (ks_version_isdigit(*sa)) {
            while (sa < ae && ks_version_isdigit(*sa))
                sa++;
            while (sb < be && ks_version_isdigit(*sb))
                sb++;
            isnum = true;
        } else {
            while (sa < ae && ks_version_isalpha(*sa))
                sa++;
            while (sb < be && ks_version_isalpha(*sb))
                sb++;
            isnum = false;
        }
        if (b == sb)
            return isnum ? 1 : -1;
        if (isnum) {
            int r = ks_version_numcmp(a, (size_t)(sa - a), b, (size_t)(sb - b));

            if (r)
                return r;
        } else {
            size_t la = (size_t)(sa - a), lb = (size_t)(sb - b);
            int r = memcmp(a, b, KS_MIN(la, lb));

            if (r)
                return r < 0 ? -1 : 1;
            if (la != lb)
                return la < lb ? -1 : 1;
        }
        a = sa;
        b = sb;
    }
    if (a == ae && b == be)
        return 0;
    return a == ae ? -1 : 1;
}

const char *ks_version_rpm_check(const char *v)
{
    struct rpm_evr e;

    return rpm_parse(v, &e);
}

ks_err ks_version_rpm_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct rpm_evr x, y;
    const char *why;
    int r;

    if ((why = rpm_parse(a, &x)))
        return ks_version_invalid(diag, "rpm", a, why);
    if ((why = rpm_parse(b, &y)))
        return ks_version_invalid(diag, "rpm", b, why);
    r = ks_version_numcmp(x.e, (size_t)(x.ee - x.e), y.e, (size_t)(y.ee - y.e));
    if (!r)
        r = rpmvercmp(x.v, x.ve, y.v, y.ve);
    if (!r) {
        if (x.r && y.r)
            r = rpmvercmp(x.r, x.re, y.r, y.re);
        else if (x.r || y.r)
            r = x.r ? 1 : -1;
    }
    *out = r;
    return KS_OK;
}
