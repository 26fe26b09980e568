/* version/dpkg.h - Debian versions parsed once, compared many times.
 *
 * For callers that compare one version against many (a package's installed
 * version against every advisory event), like libdpkg's parseversion() +
 * dpkg_version_compare(). ks_version_cmp() parses on every call. */
#ifndef KS_VERSION_DPKG_H
#define KS_VERSION_DPKG_H

#include "core/ks_common.h"

struct ks_dpkg_version {
    unsigned long epoch;
    const char *ver, *ver_end; /* upstream version, inside `str` */
    const char *rev, *rev_end; /* Debian revision, inside `str` ("" when absent) */
    const char *str;           /* the whole string, borrowed: must outlive the struct */
};

/* Parses `s` (borrowed, not copied). Returns NULL when valid, otherwise
 * the reason it is not a Debian version. */
const char *ks_dpkg_parse(const char *s, struct ks_dpkg_version *out);

/* -1, 0 or 1, exactly as `dpkg --compare-versions`. Thread-safe. */
int ks_dpkg_compare(const struct ks_dpkg_version *a, const struct ks_dpkg_version *b);

#endif
