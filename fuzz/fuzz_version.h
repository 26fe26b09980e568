/* fuzz/fuzz_version.h - the property check shared by the version fuzz
 * targets (fuzz_vers_<scheme>.c): the input is up to three versions
 * separated by '\n'. Beyond "no crash, no UB":
 *  - ks_version_cmp() succeeds exactly when both versions are valid, and
 *    says -1, 0 or 1;
 *  - the order is total: a == a, cmp(a,b) == -cmp(b,a), and on the triple
 *    a<=b, b<=c implies a<=c (equality included). */
#ifndef KS_FUZZ_FUZZ_VERSION_H
#define KS_FUZZ_FUZZ_VERSION_H

#include "version/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_cmp(enum ks_scheme s, const char *a, const char *b)
{
    struct ks_diag d = KS_DIAG_INIT;
    bool valid = ks_version_valid(s, a) && ks_version_valid(s, b);
    int r = 99;
    ks_err err = ks_version_cmp(s, a, b, &r, &d);

    if ((err == KS_OK) != valid)
        KS_BUG("%s: validity and comparison disagree on '%s' / '%s'", ks_scheme_name(s), a, b);
    if (err)
        return 2;
    if (r < -1 || r > 1)
        KS_BUG("%s: result %d", ks_scheme_name(s), r);
    return r;
}

/* `skip_transitivity(a)`, when not NULL, exempts inputs where the
 * reference itself is not a total order (documented per scheme). */
static int fuzz_version_check(enum ks_scheme s, const uint8_t *data, size_t size,
                              bool (*skip_transitivity)(const char *))
{
    char v[3][512];
    size_t n = 0, k = 0;

    memset(v, 0, sizeof(v));
    for (size_t i = 0; i < size && n < 3; i++) {
        if (data[i] == '\n') {
            n++;
            k = 0;
        } else if (k < sizeof(v[0]) - 1) {
            v[n][k++] = data[i] ? (char)data[i] : '\x01';
        }
    }
    for (int i = 0; i < 3; i++) {
        int r = fuzz_cmp(s, v[i], v[i]);

        if (r != 0 && r != 2)
            KS_BUG("%s: '%s' != itself", ks_scheme_name(s), v[i]);
    }
    {
        int ab = fuzz_cmp(s, v[0], v[1]), ba = fuzz_cmp(s, v[1], v[0]);
        int bc = fuzz_cmp(s, v[1], v[2]), ac = fuzz_cmp(s, v[0], v[2]);

        if (ab != 2 && ab != -ba)
            KS_BUG("%s: not antisymmetric: '%s' / '%s'", ks_scheme_name(s), v[0], v[1]);
        if (ab == 2 || bc == 2 || ac == 2)
            return 0;
        if (skip_transitivity && (skip_transitivity(v[0]) || skip_transitivity(v[1]) ||
                                  skip_transitivity(v[2])))
            return 0;
        if ((ab <= 0 && bc <= 0 && ac > 0) || (ab >= 0 && bc >= 0 && ac < 0) ||
            (ab == 0 && bc == 0 && ac != 0))
            KS_BUG("%s: not transitive: '%s' %d '%s' %d '%s' but %d", ks_scheme_name(s), v[0],
                   ab, v[1], bc, v[2], ac);
    }
    return 0;
}

#endif
