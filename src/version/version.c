/* version/version.c - ecosystem names and the dispatch to each scheme. */
#include "core/ks_common.h"

#include "version/version.h"

#include "version/scheme.h"

/* OSV ecosystem names (osv-schema ecosystems.json) whose versions kensa can
 * order, plus kensa's own names for distributions OSV does not define
 * (docs/ecosystems.md). Matching is case-sensitive, as in OSV. */
static const struct {
    const char *name;
    enum ks_scheme scheme;
} ecosystems[] = {
        {"AlmaLinux", KS_SCHEME_RPM},
        {"Alpaquita", KS_SCHEME_APK},
        {"Alpine", KS_SCHEME_APK},
        {"Amazon Linux", KS_SCHEME_RPM}, /* kensa name */
        {"Azure Linux", KS_SCHEME_RPM},
        {"BellSoft Hardened Containers", KS_SCHEME_APK},
        {"CentOS", KS_SCHEME_RPM}, /* kensa name */
        {"Chainguard", KS_SCHEME_APK},
        {"crates.io", KS_SCHEME_SEMVER},
        {"Debian", KS_SCHEME_DPKG},
        {"Fedora", KS_SCHEME_RPM}, /* kensa name */
        {"Go", KS_SCHEME_GO},
        {"Hex", KS_SCHEME_SEMVER},
        {"Mageia", KS_SCHEME_RPM},
        {"Maven", KS_SCHEME_MAVEN},
        {"MinimOS", KS_SCHEME_APK},
        {"npm", KS_SCHEME_SEMVER},
        {"NuGet", KS_SCHEME_NUGET},
        {"openEuler", KS_SCHEME_RPM},
        {"openSUSE", KS_SCHEME_RPM},
        {"Oracle Linux", KS_SCHEME_RPM}, /* kensa name */
        {"Packagist", KS_SCHEME_COMPOSER},
        {"Photon OS", KS_SCHEME_RPM},
        {"Pub", KS_SCHEME_SEMVER},
        {"PyPI", KS_SCHEME_PEP440},
        {"Red Hat", KS_SCHEME_RPM},
        {"Rocky Linux", KS_SCHEME_RPM},
        {"RubyGems", KS_SCHEME_RUBYGEMS},
        {"SUSE", KS_SCHEME_RPM},
        {"SwiftURL", KS_SCHEME_SEMVER},
        {"Ubuntu", KS_SCHEME_DPKG},
        {"Wolfi", KS_SCHEME_APK},
};

static const struct {
    const char *name;
    ks_version_cmp_fn *cmp;
    ks_version_check_fn *check;
} schemes[] = {
        [KS_SCHEME_NONE] = {"none", NULL, NULL},
        [KS_SCHEME_DPKG] = {"dpkg", ks_version_dpkg_cmp, ks_version_dpkg_check},
        [KS_SCHEME_RPM] = {"rpm", ks_version_rpm_cmp, ks_version_rpm_check},
        [KS_SCHEME_APK] = {"apk", ks_version_apk_cmp, ks_version_apk_check},
        [KS_SCHEME_PEP440] = {"pep440", ks_version_pep440_cmp, ks_version_pep440_check},
        [KS_SCHEME_SEMVER] = {"semver", ks_version_semver_cmp, ks_version_semver_check},
        [KS_SCHEME_GO] = {"go", ks_version_go_cmp, ks_version_go_check},
        [KS_SCHEME_MAVEN] = {"maven", ks_version_maven_cmp, ks_version_maven_check},
        [KS_SCHEME_RUBYGEMS] = {"rubygems", ks_version_rubygems_cmp, ks_version_rubygems_check},
        [KS_SCHEME_NUGET] = {"nuget", ks_version_nuget_cmp, ks_version_nuget_check},
        [KS_SCHEME_COMPOSER] = {"composer", NULL, NULL},
};

ks_err ks_ecosystem_parse(const char *name, struct ks_ecosystem *out, struct ks_diag *diag)
{
    const char *colon = strchr(name, ':');
    size_t blen = colon ? (size_t)(colon - name) : strlen(name);

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < KS_ARRAY_LEN(ecosystems); i++) {
        if (strlen(ecosystems[i].name) != blen || memcmp(ecosystems[i].name, name, blen))
            continue;
        if (colon && strlen(colon + 1) >= sizeof(out->release))
            return ks_diag_set(diag, KS_EPARSE, "release suffix of ecosystem '%.64s' is too long",
                               name);
        out->scheme = ecosystems[i].scheme;
        memcpy(out->base, ecosystems[i].name, blen + 1);
        if (colon)
            memcpy(out->release, colon + 1, strlen(colon + 1) + 1);
        return KS_OK;
    }
    return ks_diag_set(diag, KS_ENOTFOUND, "unknown ecosystem '%.128s'", name);
}

enum ks_scheme ks_scheme_for_ecosystem(const char *name)
{
    struct ks_ecosystem e;

    if (ks_ecosystem_parse(name, &e, NULL))
        return KS_SCHEME_NONE;
    return e.scheme;
}

const char *ks_scheme_name(enum ks_scheme s)
{
    if ((unsigned)s >= KS_ARRAY_LEN(schemes))
        return "none";
    return schemes[s].name;
}

bool ks_version_valid(enum ks_scheme scheme, const char *v)
{
    if ((unsigned)scheme >= KS_ARRAY_LEN(schemes) || !schemes[scheme].check || !v)
        return false;
    return schemes[scheme].check(v) == NULL;
}

ks_err ks_version_cmp(enum ks_scheme scheme, const char *a, const char *b, int *out,
                      struct ks_diag *diag)
{
    if ((unsigned)scheme >= KS_ARRAY_LEN(schemes) || scheme == KS_SCHEME_NONE)
        return ks_diag_set(diag, KS_EINVAL, "no version scheme %d", (int)scheme);
    if (!schemes[scheme].cmp)
        return ks_diag_set(diag, KS_EUNSUPPORTED, "comparing %s versions is not implemented",
                           schemes[scheme].name);
    return schemes[scheme].cmp(a, b, out, diag);
}

ks_err ks_version_invalid(struct ks_diag *diag, const char *scheme, const char *v,
                          const char *why)
{
    size_t n = strlen(v);

    if (n > 200)
        return ks_diag_set(diag, KS_EPARSE, "invalid %s version '%.200s...' (%zu bytes): %s",
                           scheme, v, n, why);
    return ks_diag_set(diag, KS_EPARSE, "invalid %s version '%s': %s", scheme, v, why);
}

int ks_version_numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int r;

    while (alen && *a == '0') {
        a++;
        alen--;
    }
    while (blen && *b == '0') {
        b++;
        blen--;
    }
    if (alen != blen)
        return alen < blen ? -1 : 1;
    r = alen ? memcmp(a, b, alen) : 0;
    return ks_version_sign(r);
}
