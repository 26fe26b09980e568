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

/* Byte classes, so that parsing is one forward pass and comparing needs no
 * branches on the character kind. */
enum { C_PLAIN = 0, C_END, C_COLON, C_HYPHEN, C_BLANK };

static const unsigned char special[256] = {
        ['\0'] = C_END, [':'] = C_COLON, ['-'] = C_HYPHEN, [' '] = C_BLANK, ['\t'] = C_BLANK,
};

/* dpkg's order(): digits 0 (never reached), letters their code, '~' -1,
 * other bytes c + 256 with c a (signed) char as dpkg reads it, so bytes
 * >= 0x80 order below '!'; the end of the string is 0. */
/* generated from the rule above */
static const short order_tab[256] = {
        0, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271,
        272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287,
        288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 314, 315, 316, 317, 318, 319,
        320, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79,
        80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 347, 348, 349, 350, 351,
        352, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
        112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 379, 380, 381, -1, 383,
        128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143,
        144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159,
        160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175,
        176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191,
        192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207,
        208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
        224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239,
        240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255,
};

static const char *dpkg_parse(const char *s, struct dpkg_ver *v)
{
    const char *p = s, *end, *colon = NULL, *hyphen = NULL;
    bool blank = false;

    for (;; p++) {
        unsigned char k = special[(unsigned char)*p];

        if (k == C_PLAIN)
            continue;
        if (k == C_END)
            break;
        if (k == C_COLON) {
            if (!colon)
                colon = p;
        } else if (k == C_HYPHEN) {
            hyphen = p;
        } else {
            blank = true;
        }
    }
    end = p;
    if (blank) {
        /* dpkg trims blanks at both ends and rejects embedded ones; colon
         * and hyphen, not being blanks, stay where they are. */
        while (isblank_c(*s))
            s++;
        while (end > s && isblank_c(end[-1]))
            end--;
        for (p = s; p < end; p++)
            if (isblank_c(*p))
                return "version string has embedded spaces";
    }
    if (s == end)
        return "version string is empty";
    if (end - s > KS_VERSION_MAX_LEN)
        return "version string is too long";
    v->epoch = 0;
    if (colon) {
        /* strtol() semantics: optional sign, digits, must end at the colon. */
        unsigned long e = 0;
        bool neg = false;

        p = s;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        if (!ks_version_isdigit(*p))
            return p == colon && p == s ? "epoch in version is empty"
                                        : "epoch in version is not number";
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
    v->ver = s;
    if (hyphen && hyphen >= s) {
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

#define DIGIT(p) ((unsigned)(*(p) - '0') < 10u)

/* verrevcmp() on slices: a missing byte behaves as dpkg's NUL.
 *
 * Versions compared in practice share long prefixes (one package's
 * history). verrevcmp walks both strings in lockstep through runs of
 * digits and non-digits, so an identical prefix can be skipped up to the
 * start of the run it ends in; from there the walk is the same. */
static int verrevcmp(const char *a, const char *ae, const char *b, const char *be)
{
    size_t n = (size_t)KS_MIN(ae - a, be - b), l = 0;

    while (l < n && a[l] == b[l])
        l++;
    if (l > 0) {
        while (l > 0 && DIGIT(a + l - 1))
            l--;
        a += l;
        b += l;
    }
    while (a < ae || b < be) {
        int first_diff = 0;

        while ((a < ae && !DIGIT(a)) || (b < be && !DIGIT(b))) {
            int ac = a < ae ? order_tab[(unsigned char)*a] : 0;
            int bc = b < be ? order_tab[(unsigned char)*b] : 0;

            if (ac != bc)
                return ac - bc;
            a++;
            b++;
        }
        while (a < ae && *a == '0')
            a++;
        while (b < be && *b == '0')
            b++;
        while (a < ae && b < be && DIGIT(a) && DIGIT(b)) {
            if (!first_diff)
                first_diff = *a - *b;
            a++;
            b++;
        }
        if (a < ae && DIGIT(a))
            return 1;
        if (b < be && DIGIT(b))
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
