/* version/scheme.h - the per-scheme parsers and comparators behind
 * version.h and osv.h (internal to the version module).
 *
 * Every comparator validates both versions as the ecosystem's reference
 * does and compares them without allocating: KS_EPARSE with detail naming
 * the version and the scheme when either is invalid, otherwise *out is -1,
 * 0 or 1. Thread-safe (no shared state). */
#ifndef KS_VERSION_SCHEME_H
#define KS_VERSION_SCHEME_H

#include "version/version.h"

/* Longest version string any scheme accepts (npm semver's MAX_LENGTH is
 * 256; others are unbounded in theory, bounded here against hostile input). */
#define KS_VERSION_MAX_LEN 4096

typedef ks_err ks_version_cmp_fn(const char *a, const char *b, int *out, struct ks_diag *diag);
/* Returns NULL when valid, else a static reason. */
typedef const char *ks_version_check_fn(const char *v);

ks_version_cmp_fn ks_version_dpkg_cmp, ks_version_rpm_cmp, ks_version_apk_cmp,
        ks_version_pep440_cmp, ks_version_semver_cmp, ks_version_go_cmp, ks_version_maven_cmp,
        ks_version_rubygems_cmp, ks_version_nuget_cmp, ks_version_composer_cmp;
ks_version_check_fn ks_version_dpkg_check, ks_version_rpm_check, ks_version_apk_check,
        ks_version_pep440_check, ks_version_semver_check, ks_version_go_check,
        ks_version_maven_check, ks_version_rubygems_check, ks_version_nuget_check,
        ks_version_composer_check;

/* Records "invalid SCHEME version 'V': WHY" (V shortened if very long). */
ks_err ks_version_invalid(struct ks_diag *diag, const char *scheme, const char *v,
                          const char *why);

/* Compares two decimal digit strings of any length (leading zeros allowed). */
int ks_version_numcmp(const char *a, size_t alen, const char *b, size_t blen);

static inline int ks_version_sign(int x)
{
    return (x > 0) - (x < 0);
}

static inline bool ks_version_isdigit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool ks_version_isalpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

#endif
