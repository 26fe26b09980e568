/* version/nuget.c - NuGet package versions, ordered by NuGet.Versioning's
 * rules (VersionComparer.Default), from NuGet's documentation: no runnable
 * NuGet exists on Debian, so this scheme is checked against documented
 * examples only (tests/unit/test_version.c).
 *
 * MAJOR[.MINOR[.PATCH[.REVISION]]][-LABEL(.LABEL)*][+METADATA]: one to four
 * numbers (32-bit signed range, leading zeros allowed, missing parts 0),
 * labels of [0-9A-Za-z-] without leading zeros on all-digit labels,
 * metadata ignored by the order. A version without labels is above the same
 * version with labels; labels compare pairwise, numeric ones (int.TryParse:
 * an optional '-' and digits in range) as numbers and below the others,
 * which compare case-insensitively (ordinal); more labels are greater. */
#include "core/ks_common.h"

#include "version/scheme.h"

struct nuget {
    long num[4];
    const char *pre, *pre_end; /* labels, without the '-' */
};

static bool label_char(int c)
{
    return ks_version_isdigit(c) || ks_version_isalpha(c) || c == '-';
}

/* Dot-separated labels starting at p; returns the end, or NULL. */
static const char *labels(const char *p, bool leading_zeros)
{
    for (;;) {
        const char *s = p;
        bool digits = true;

        while (label_char(*p)) {
            digits &= ks_version_isdigit(*p) != 0;
            p++;
        }
        if (p == s || (!leading_zeros && digits && *s == '0' && p - s > 1))
            return NULL;
        if (*p != '.')
            return p;
        p++;
    }
}

static const char *nuget_parse(const char *s, struct nuget *v)
{
    const char *p = s;
    int n = 0;

    if (strlen(s) > KS_VERSION_MAX_LEN)
        return "version string is too long";
    memset(v, 0, sizeof(*v));
    for (;;) {
        long x = 0;
        const char *d = p;

        while (ks_version_isdigit(*p)) {
            x = x * 10 + (*p - '0');
            if (x > INT32_MAX)
                return "version number above 2147483647";
            p++;
        }
        if (p == d)
            return "not a NuGet version";
        v->num[n++] = x;
        if (*p != '.' || n == 4)
            break;
        p++;
    }
    v->pre = v->pre_end = NULL;
    if (*p == '-') {
        v->pre = p + 1;
        if (!(p = labels(p + 1, false)))
            return "invalid pre-release label";
        v->pre_end = p;
    }
    if (*p == '+' && !(p = labels(p + 1, true)))
        return "invalid metadata";
    if (*p)
        return "not a NuGet version";
    return NULL;
}

/* int.TryParse on a label: optional '-', digits, 32-bit range. */
static bool label_int(const char *p, const char *e, long *out)
{
    bool neg = p < e && *p == '-';
    long x = 0;

    if (neg)
        p++;
    if (p == e)
        return false;
    for (; p < e; p++) {
        if (!ks_version_isdigit(*p))
            return false;
        x = x * 10 + (*p - '0');
        if (x > (long)INT32_MAX + neg)
            return false;
    }
    *out = neg ? -x : x;
    return true;
}

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static int cmp_labels(const char *a, const char *ae, const char *b, const char *be)
{
    if (!a || !b)
        return a ? -1 : b ? 1 : 0;
    for (;;) {
        const char *x = a, *y = b;
        long ix, iy;
        bool nx, ny;
        int r = 0;

        if (a > ae || b > be)
            return a <= ae ? 1 : b <= be ? -1 : 0;
        while (x < ae && *x != '.')
            x++;
        while (y < be && *y != '.')
            y++;
        nx = label_int(a, x, &ix);
        ny = label_int(b, y, &iy);
        if (nx && ny) {
            r = (ix > iy) - (ix < iy);
        } else if (nx || ny) {
            r = nx ? -1 : 1;
        } else {
            size_t la = (size_t)(x - a), lb = (size_t)(y - b);

            for (size_t i = 0; i < KS_MIN(la, lb) && !r; i++)
                r = upper((unsigned char)a[i]) - upper((unsigned char)b[i]);
            if (!r && la != lb)
                r = la < lb ? -1 : 1;
        }
        if (r)
            return ks_version_sign(r);
        a = x + 1;
        b = y + 1;
    }
}

const char *ks_version_nuget_check(const char *v)
{
    struct nuget n;

    return nuget_parse(v, &n);
}

ks_err ks_version_nuget_cmp(const char *a, const char *b, int *out, struct ks_diag *diag)
{
    struct nuget x, y;
    const char *why;

    if ((why = nuget_parse(a, &x)))
        return ks_version_invalid(diag, "nuget", a, why);
    if ((why = nuget_parse(b, &y)))
        return ks_version_invalid(diag, "nuget", b, why);
    for (int i = 0; i < 4; i++) {
        if (x.num[i] != y.num[i]) {
            *out = x.num[i] < y.num[i] ? -1 : 1;
            return KS_OK;
        }
    }
    *out = cmp_labels(x.pre, x.pre_end, y.pre, y.pre_end);
    return KS_OK;
}
