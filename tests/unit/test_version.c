#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/limits.h"
#include "formats/json.h"
#include "version/osv.h"
#include "version/version.h"

static int cmp(enum ks_scheme s, const char *a, const char *b)
{
    struct ks_diag d = KS_DIAG_INIT;
    int r = 99;

    if (ks_version_cmp(s, a, b, &r, &d))
        fail_msg("'%s' vs '%s': %s", a, b, d.msg);
    return r;
}

/* Each row: a < b under the scheme (checked both ways, and a == a). */
static void check_less(enum ks_scheme s, const char *const (*rows)[2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cmp(s, rows[i][0], rows[i][1]) != -1 || cmp(s, rows[i][1], rows[i][0]) != 1 ||
            cmp(s, rows[i][0], rows[i][0]) != 0)
            fail_msg("%s: expected '%s' < '%s'", ks_scheme_name(s), rows[i][0], rows[i][1]);
    }
}

static void check_equal(enum ks_scheme s, const char *a, const char *b)
{
    if (cmp(s, a, b) != 0 || cmp(s, b, a) != 0)
        fail_msg("%s: expected '%s' == '%s'", ks_scheme_name(s), a, b);
}

static void check_invalid(enum ks_scheme s, const char *v, const char *why)
{
    struct ks_diag d = KS_DIAG_INIT;
    int r;

    assert_false(ks_version_valid(s, v));
    assert_int_equal(ks_version_cmp(s, v, "1", &r, &d), KS_EPARSE);
    if (!strstr(d.msg, why) || !strstr(d.msg, ks_scheme_name(s)))
        fail_msg("'%s': message '%s' lacks '%s'", v, d.msg, why);
}

static void test_ecosystems(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_ecosystem e;

    (void)state;
    assert_int_equal(ks_ecosystem_parse("Debian:12", &e, &d), KS_OK);
    assert_int_equal(e.scheme, KS_SCHEME_DPKG);
    assert_string_equal(e.base, "Debian");
    assert_string_equal(e.release, "12");
    assert_int_equal(ks_ecosystem_parse("Ubuntu:22.04:LTS", &e, &d), KS_OK);
    assert_string_equal(e.release, "22.04:LTS");
    assert_int_equal(ks_ecosystem_parse("Red Hat:enterprise_linux:9::appstream", &e, &d), KS_OK);
    assert_int_equal(e.scheme, KS_SCHEME_RPM);
    assert_string_equal(e.base, "Red Hat");
    assert_string_equal(e.release, "enterprise_linux:9::appstream");
    assert_int_equal(ks_ecosystem_parse("Alpine:v3.19", &e, &d), KS_OK);
    assert_int_equal(e.scheme, KS_SCHEME_APK);
    assert_int_equal(ks_ecosystem_parse("PyPI", &e, &d), KS_OK);
    assert_string_equal(e.release, "");
    assert_int_equal(ks_ecosystem_parse("debian", &e, &d), KS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "unknown ecosystem 'debian'"));
    assert_int_equal(ks_ecosystem_parse("Debia", &e, &d), KS_ENOTFOUND);
    assert_int_equal(ks_scheme_for_ecosystem("npm"), KS_SCHEME_SEMVER);
    assert_int_equal(ks_scheme_for_ecosystem("crates.io"), KS_SCHEME_SEMVER);
    assert_int_equal(ks_scheme_for_ecosystem("Amazon Linux:2023"), KS_SCHEME_RPM);
    assert_int_equal(ks_scheme_for_ecosystem("Go"), KS_SCHEME_GO);
    assert_int_equal(ks_scheme_for_ecosystem("Linux"), KS_SCHEME_NONE);
    assert_string_equal(ks_scheme_name(KS_SCHEME_PEP440), "pep440");
    assert_string_equal(ks_scheme_name((enum ks_scheme)999), "none");
    assert_false(ks_version_valid(KS_SCHEME_NONE, "1"));
}

static void test_dpkg(void **state)
{
    /* Facts from Debian Policy 5.6.12 and dpkg's own test suite. */
    static const char *const less[][2] = {
            {"1.0~rc1", "1.0"},      {"1.0~~", "1.0~"},         {"1.0", "1.0+b1"},
            {"1.0", "1.0a"},         {"1.0a", "1.0+"},          {"1.0-1", "1.0-1.1"},
            {"2.0", "1:0.1"},        {"1.9", "1.10"},           {"1.0-1", "1.0-10"},
            {"1.0-9", "1.0-10"},     {"1.0~rc1-1", "1.0-0"},    {"0:1.0-1~bpo", "1.0-1"},
            {"1.2.3", "1.2.3.0"},    {"1.0-1", "1.0.0-1"},      {"1.0-Z", "1.0-a"},
            {"18446744073709551615", "18446744073709551616"},
            {"1.99999999999999999999999", "1.100000000000000000000000"},
    };

    (void)state;
    check_less(KS_SCHEME_DPKG, less, KS_ARRAY_LEN(less));
    check_equal(KS_SCHEME_DPKG, "0:1.0", "1.0");
    check_equal(KS_SCHEME_DPKG, "1.01", "1.1");
    check_equal(KS_SCHEME_DPKG, " 1.0-1 ", "1.0-1");
    check_equal(KS_SCHEME_DPKG, "abc", "abc"); /* dpkg only warns */
    check_invalid(KS_SCHEME_DPKG, "", "empty");
    check_invalid(KS_SCHEME_DPKG, "1:", "nothing after colon");
    check_invalid(KS_SCHEME_DPKG, "a:1", "epoch in version is not number");
    check_invalid(KS_SCHEME_DPKG, "-1:1", "negative");
    check_invalid(KS_SCHEME_DPKG, "2147483648:1", "too big");
    check_invalid(KS_SCHEME_DPKG, "1.0-", "revision number is empty");
    check_invalid(KS_SCHEME_DPKG, "1 0", "embedded spaces");
    assert_true(ks_version_valid(KS_SCHEME_DPKG, "2147483647:1"));
}

static void test_rpm(void **state)
{
    static const char *const less[][2] = {
            {"1.0~rc1", "1.0"},   {"1.0", "1.0^git1"},      {"1.0^git1", "1.0.1"},
            {"1.0", "1.0-1"},     {"1.0-1", "1.0-2"},       {"1.0-2.el9", "1.0-10.el9"},
            {"9.0", "1:1.0"},     {"1.a", "1.1"},           {"1.0", "1.0a"},
            {"1.0~~", "1.0~"},    {"2.el9_2", "2.el9_10"},  {"1:1.0", "2:0.1"},
            {"1.0a", "1.0b"},     {"18446744073709551616", "18446744073709551617"},
    };

    (void)state;
    check_less(KS_SCHEME_RPM, less, KS_ARRAY_LEN(less));
    check_equal(KS_SCHEME_RPM, "1.0", "1_0");
    check_equal(KS_SCHEME_RPM, "0:1.0-1", "1.0-1");
    check_equal(KS_SCHEME_RPM, "1.001", "1.1");
    check_equal(KS_SCHEME_RPM, ":1.0", "1.0");
    check_invalid(KS_SCHEME_RPM, "", "empty");
    check_invalid(KS_SCHEME_RPM, "1:", "version part is empty");
    check_invalid(KS_SCHEME_RPM, "-1", "version part is empty");
}

static void test_pep440(void **state)
{
    static const char *const less[][2] = {
            {"1.0.dev1", "1.0a1"},     {"1.0a1", "1.0a2.dev1"},   {"1.0a2.dev1", "1.0a2"},
            {"1.0a2", "1.0b1"},        {"1.0b1", "1.0rc1"},       {"1.0rc1", "1.0"},
            {"1.0", "1.0+local"},      {"1.0+local", "1.0.post1.dev1"},
            {"1.0.post1.dev1", "1.0.post1"}, {"1.0.post1", "1.1"}, {"1.1", "1!0.1"},
            {"1.0+abc", "1.0+1"},      {"1.0+1", "1.0+1.a"},     {"1.0+a.b", "1.0+a.c"},
            {"1.0.99999999999999999999999", "1.0.100000000000000000000000"},
    };

    (void)state;
    check_less(KS_SCHEME_PEP440, less, KS_ARRAY_LEN(less));
    check_equal(KS_SCHEME_PEP440, "1.0", "1.0.0");
    check_equal(KS_SCHEME_PEP440, "v1.0-ALPHA.1", "1.0a1");
    check_equal(KS_SCHEME_PEP440, "1.0-1", "1.0.post1");
    check_equal(KS_SCHEME_PEP440, "1.0c1", "1.0rc1");
    check_equal(KS_SCHEME_PEP440, "1.0.preview", "1.0rc0");
    check_equal(KS_SCHEME_PEP440, "0!1.0", " 1.0\t");
    check_equal(KS_SCHEME_PEP440, "1.0+A-b_C", "1.0+a.b.c");
    check_equal(KS_SCHEME_PEP440, "1.0+007", "1.0+7");
    check_invalid(KS_SCHEME_PEP440, "1.0-", "not a PEP 440 version");
    check_invalid(KS_SCHEME_PEP440, "1.0+", "local");
    check_invalid(KS_SCHEME_PEP440, "dev", "not a PEP 440 version");
    check_invalid(KS_SCHEME_PEP440, "1.0.x", "not a PEP 440 version");
}

static void test_semver(void **state)
{
    static const char *const less[][2] = {
            {"1.0.0-alpha", "1.0.0-alpha.1"}, {"1.0.0-alpha.1", "1.0.0-alpha.beta"},
            {"1.0.0-alpha.beta", "1.0.0-beta"}, {"1.0.0-beta.2", "1.0.0-beta.11"},
            {"1.0.0-rc.1", "1.0.0"},           {"1.9.0", "1.10.0"},
            {"0.0.0", "9007199254740991.0.0"}, {"1.0.0-1", "1.0.0-A"},
    };

    (void)state;
    check_less(KS_SCHEME_SEMVER, less, KS_ARRAY_LEN(less));
    check_equal(KS_SCHEME_SEMVER, "v1.2.3", "1.2.3+build.7");
    check_equal(KS_SCHEME_SEMVER, " 1.2.3 ", "1.2.3");
    /* npm compares huge numeric pre-release identifiers as doubles */
    check_equal(KS_SCHEME_SEMVER, "1.0.0-9007199254740992.a", "1.0.0-9007199254740993.b");
    check_invalid(KS_SCHEME_SEMVER, "9007199254740992.0.0", "2^53");
    check_invalid(KS_SCHEME_SEMVER, "1.2", "not a semantic version");
    check_invalid(KS_SCHEME_SEMVER, "01.2.3", "not a semantic version");
    check_invalid(KS_SCHEME_SEMVER, "1.2.3-01", "pre-release");
    check_invalid(KS_SCHEME_SEMVER, "=1.2.3", "not a semantic version");
}

static void test_nuget(void **state)
{
    /* Examples of NuGet's "Package versioning" documentation (version
     * precedence, normalization) and NuGet.Versioning's comparer rules. */
    static const char *const less[][2] = {
            {"1.0-beta", "1.0"},         {"1.0.0-alpha", "1.0.0-alpha.1"},
            {"1.0.0-alpha.1", "1.0.0-alpha.beta"}, {"1.0.0-alpha.beta", "1.0.0-beta"},
            {"1.0.0-beta.2", "1.0.0-beta.11"},  {"1.0.0-rc.1", "1.0.0"},
            {"1.0.0", "1.0.0.1"},        {"1.9", "1.10"},          {"1.0.0-1", "1.0.0-a"},
            {"1.0.0--1", "1.0.0-0"},     {"2147483647", "2147483647.0.0.1"},
    };

    (void)state;
    check_less(KS_SCHEME_NUGET, less, KS_ARRAY_LEN(less));
    check_equal(KS_SCHEME_NUGET, "1.0", "1.0.0.0");
    check_equal(KS_SCHEME_NUGET, "1", "1.0.0");
    check_equal(KS_SCHEME_NUGET, "01.02.03", "1.2.3");
    check_equal(KS_SCHEME_NUGET, "1.0.0-Beta", "1.0.0-beta");
    check_equal(KS_SCHEME_NUGET, "1.0.0+abc", "1.0.0+def");
    check_invalid(KS_SCHEME_NUGET, "1.0.0.0.0", "not a NuGet version");
    check_invalid(KS_SCHEME_NUGET, "2147483648.0", "2147483647");
    check_invalid(KS_SCHEME_NUGET, "1.0-01", "pre-release");
    check_invalid(KS_SCHEME_NUGET, "1.0-", "pre-release");
    check_invalid(KS_SCHEME_NUGET, "v1.0", "not a NuGet version");
}

static void test_other_schemes(void **state)
{
    /* Spot checks; the differential tests in tests/version are the proof. */
    static const char *const go[][2] = {{"v1.0.0-rc.1", "v1.0.0"}, {"v1.2", "v1.2.1"},
                                        {"v0.0.0-20200101000000-abcdef123456", "v0.0.1"}};
    /* apk-tools reads a number after '.' that starts with '0' as a run of
     * zeros plus a (here empty) number, so "1.0_alpha1" > "1.0" there while
     * "1.1_alpha1" < "1.1"; kensa keeps that quirk (docs/ecosystems.md). */
    static const char *const apk[][2] = {{"1.1_alpha1", "1.1"}, {"1.0", "1.0_alpha1"},
                                         {"1.0", "1.0_p1"}, {"1.0-r1", "1.0-r10"},
                                         {"1.001", "1.01"}};
    static const char *const maven[][2] = {{"1.0-alpha-1", "1.0-beta"}, {"1.0-SNAPSHOT", "1.0"},
                                           {"1.0", "1.0-sp"}, {"1-1", "1.1"}};
    static const char *const gems[][2] = {{"1.0.a", "1.0"}, {"1.0-rc1", "1.0"}, {"1.9", "1.10"}};

    (void)state;
    check_less(KS_SCHEME_GO, go, KS_ARRAY_LEN(go));
    check_equal(KS_SCHEME_GO, "v1", "v1.0.0+incompatible");
    check_invalid(KS_SCHEME_GO, "1.0.0", "'v'");
    check_less(KS_SCHEME_APK, apk, KS_ARRAY_LEN(apk));
    check_invalid(KS_SCHEME_APK, "1.0_foo", "not a valid apk version");
    check_less(KS_SCHEME_MAVEN, maven, KS_ARRAY_LEN(maven));
    check_equal(KS_SCHEME_MAVEN, "1.0.0.RELEASE", "1");
    check_equal(KS_SCHEME_MAVEN, "1.0.b3", "1.0.0-beta-3");
    check_invalid(KS_SCHEME_MAVEN, "1.0-\xc3\xa9", "non-ASCII");
    check_less(KS_SCHEME_RUBYGEMS, gems, KS_ARRAY_LEN(gems));
    check_equal(KS_SCHEME_RUBYGEMS, "1.0.0", "1");
    check_equal(KS_SCHEME_RUBYGEMS, "", "0");
    check_invalid(KS_SCHEME_RUBYGEMS, "1.0 beta", "malformed");
    {
        struct ks_diag d = KS_DIAG_INIT;
        int r;

        assert_int_equal(ks_version_cmp(KS_SCHEME_COMPOSER, "1", "2", &r, &d), KS_EUNSUPPORTED);
        assert_non_null(strstr(d.msg, "not implemented"));
        assert_int_equal(ks_version_cmp(KS_SCHEME_NONE, "1", "2", &r, &d), KS_EINVAL);
    }
}

/* --- OSV ranges --------------------------------------------------------- */

#define EV(k, v) {KS_OSV_##k, v}

static bool affects(enum ks_scheme s, const struct ks_osv_event *ev, size_t n,
                    enum ks_osv_range_type type, const char *version)
{
    struct ks_osv_range r = {type, ev, n};
    struct ks_osv_affected a = {&r, 1, NULL, 0};
    struct ks_diag d = KS_DIAG_INIT;
    bool aff;

    if (ks_osv_affects(s, &a, version, &aff, &d))
        fail_msg("'%s': %s", version, d.msg);
    return aff;
}

static void test_osv_ranges(void **state)
{
    static const struct ks_osv_event fixed[] = {EV(INTRODUCED, "0"), EV(FIXED, "1.0.2")};
    static const struct ks_osv_event multi[] = {EV(FIXED, "3.2.5"), EV(INTRODUCED, "3.0.0"),
                                                EV(FIXED, "1.0.2"), EV(INTRODUCED, "1.0.0")};
    static const struct ks_osv_event last[] = {EV(INTRODUCED, "1.0.0"),
                                               EV(LAST_AFFECTED, "1.4.0")};
    static const struct ks_osv_event limit[] = {EV(INTRODUCED, "0"), EV(LIMIT, "2.0.0")};
    static const struct ks_osv_event star[] = {EV(INTRODUCED, "1.0.0"), EV(LIMIT, "*")};
    static const struct ks_osv_event tie1[] = {EV(INTRODUCED, "1.0"), EV(FIXED, "1.0")};
    static const struct ks_osv_event tie2[] = {EV(FIXED, "1.0"), EV(INTRODUCED, "1.0")};
    static const struct ks_osv_event dpkg[] = {EV(INTRODUCED, "0"), EV(FIXED, "1:2.3-1~deb12u1")};

    (void)state;
    assert_true(affects(KS_SCHEME_SEMVER, fixed, 2, KS_OSV_RANGE_SEMVER, "0.0.1"));
    assert_true(affects(KS_SCHEME_SEMVER, fixed, 2, KS_OSV_RANGE_SEMVER, "1.0.2-rc.1"));
    assert_false(affects(KS_SCHEME_SEMVER, fixed, 2, KS_OSV_RANGE_SEMVER, "1.0.2"));
    assert_false(affects(KS_SCHEME_SEMVER, multi, 4, KS_OSV_RANGE_SEMVER, "0.9.0"));
    assert_true(affects(KS_SCHEME_SEMVER, multi, 4, KS_OSV_RANGE_SEMVER, "1.0.1"));
    assert_false(affects(KS_SCHEME_SEMVER, multi, 4, KS_OSV_RANGE_SEMVER, "2.0.0"));
    assert_true(affects(KS_SCHEME_SEMVER, multi, 4, KS_OSV_RANGE_SEMVER, "3.2.4"));
    assert_false(affects(KS_SCHEME_SEMVER, multi, 4, KS_OSV_RANGE_SEMVER, "3.2.5"));
    assert_true(affects(KS_SCHEME_SEMVER, last, 2, KS_OSV_RANGE_SEMVER, "1.4.0"));
    assert_false(affects(KS_SCHEME_SEMVER, last, 2, KS_OSV_RANGE_SEMVER, "1.4.1-0"));
    assert_false(affects(KS_SCHEME_SEMVER, last, 2, KS_OSV_RANGE_SEMVER, "0.9.9"));
    assert_true(affects(KS_SCHEME_SEMVER, limit, 2, KS_OSV_RANGE_SEMVER, "1.9.9"));
    assert_false(affects(KS_SCHEME_SEMVER, limit, 2, KS_OSV_RANGE_SEMVER, "2.0.0"));
    assert_true(affects(KS_SCHEME_SEMVER, star, 2, KS_OSV_RANGE_SEMVER, "99.0.0"));
    /* A stable sort keeps events at equal versions in input order. */
    assert_false(affects(KS_SCHEME_PEP440, tie1, 2, KS_OSV_RANGE_ECOSYSTEM, "1.0"));
    assert_true(affects(KS_SCHEME_PEP440, tie2, 2, KS_OSV_RANGE_ECOSYSTEM, "1.0.0"));
    /* ECOSYSTEM ranges use the ecosystem's scheme. */
    assert_true(affects(KS_SCHEME_DPKG, dpkg, 2, KS_OSV_RANGE_ECOSYSTEM, "1:2.3-1~deb11u1"));
    assert_true(affects(KS_SCHEME_DPKG, dpkg, 2, KS_OSV_RANGE_ECOSYSTEM, "2.9"));
    assert_false(affects(KS_SCHEME_DPKG, dpkg, 2, KS_OSV_RANGE_ECOSYSTEM, "1:2.3-1~deb12u1"));
    assert_false(affects(KS_SCHEME_DPKG, dpkg, 2, KS_OSV_RANGE_ECOSYSTEM, "1:2.3-1"));
    assert_false(affects(KS_SCHEME_DPKG, dpkg, 2, KS_OSV_RANGE_ECOSYSTEM, "1:2.3-1+deb12u1"));
}

static void test_osv_versions_git_errors(void **state)
{
    static const struct ks_osv_event git_ev[] = {EV(INTRODUCED, "0"), EV(FIXED, "abcdef")};
    static const struct ks_osv_event eco_ev[] = {EV(INTRODUCED, "2.0"), EV(FIXED, "2.5")};
    static const struct ks_osv_event bad_ev[] = {EV(INTRODUCED, "0"), EV(FIXED, "not-pep440!")};
    static const char *const versions[] = {"1.0", "junk version"};
    struct ks_osv_range ranges[] = {{KS_OSV_RANGE_GIT, git_ev, 2},
                                    {KS_OSV_RANGE_ECOSYSTEM, eco_ev, 2}};
    struct ks_osv_range bad = {KS_OSV_RANGE_ECOSYSTEM, bad_ev, 2};
    struct ks_osv_affected a = {ranges, 2, versions, 2};
    struct ks_osv_affected b = {&bad, 1, NULL, 0};
    struct ks_osv_affected plain = {&ranges[1], 1, NULL, 0};
    struct ks_diag d = KS_DIAG_INIT;
    bool aff = true;

    (void)state;
    /* listed (same string, or equal under the scheme) */
    assert_int_equal(ks_osv_affects(KS_SCHEME_PEP440, &a, "1.0", &aff, &d), KS_OK);
    assert_true(aff);
    assert_int_equal(ks_osv_affects(KS_SCHEME_PEP440, &a, "1.0.0", &aff, &d), KS_OK);
    assert_true(aff);
    /* in the ECOSYSTEM range */
    assert_int_equal(ks_osv_affects(KS_SCHEME_PEP440, &a, "2.1", &aff, &d), KS_OK);
    assert_true(aff);
    /* outside both: only the GIT range could tell, never "not affected" */
    assert_int_equal(ks_osv_affects(KS_SCHEME_PEP440, &a, "3.0", &aff, &d), KS_EUNSUPPORTED);
    assert_false(aff);
    assert_non_null(strstr(d.msg, "GIT"));
    assert_int_equal(ks_osv_affects(KS_SCHEME_PEP440, &plain, "3.0", &aff, &d), KS_OK);
    assert_false(aff);
    /* errors */
    assert_int_equal(ks_osv_affects(KS_SCHEME_PEP440, &a, "no!", &aff, &d), KS_EPARSE);
    /* a listed string matches even if the scheme rejects it */
    assert_int_equal(ks_osv_affects(KS_SCHEME_PEP440, &a, "junk version", &aff, &d), KS_OK);
    assert_true(aff);
    assert_int_equal(ks_osv_affects(KS_SCHEME_PEP440, &b, "1.0", &aff, &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "not-pep440!"));
    assert_int_equal(ks_osv_affects(KS_SCHEME_NONE, &plain, "1.0", &aff, &d), KS_EINVAL);
    {
        enum ks_osv_range_type t;
        enum ks_osv_event_kind k;

        assert_true(ks_osv_range_type_parse("SEMVER", &t) && t == KS_OSV_RANGE_SEMVER);
        assert_false(ks_osv_range_type_parse("semver", &t));
        assert_true(ks_osv_event_kind_parse("last_affected", &k) && k == KS_OSV_LAST_AFFECTED);
        assert_false(ks_osv_event_kind_parse("fixed ", &k));
    }
}

/* --- the PyPA advisories ------------------------------------------------ */

struct exception {
    char id[64];
    char version[128];
    bool seen;
};

static size_t load_exceptions(struct exception *ex, size_t max)
{
    char path[4096], line[1024];
    FILE *f;
    size_t n = 0;

    snprintf(path, sizeof(path), "%s/tests/data/version/pypa-exceptions.tsv", ks_test_srcdir());
    f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open '%s'", path);
    while (fgets(line, sizeof(line), f)) {
        char *t1, *t2;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        t1 = strchr(line, '\t');
        t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2 || t2 == t1 + 1 || n == max)
            fail_msg("pypa-exceptions.tsv: bad line '%s' (ID<TAB>VERSION<TAB>WHY)", line);
        *t1 = *t2 = '\0';
        snprintf(ex[n].id, sizeof(ex[n].id), "%s", line);
        snprintf(ex[n].version, sizeof(ex[n].version), "%s", t1 + 1);
        ex[n++].seen = false;
    }
    fclose(f);
    return n;
}

static bool excepted(struct exception *ex, size_t n, const char *id, const char *v)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(ex[i].id, id) && !strcmp(ex[i].version, v)) {
            ex[i].seen = true;
            return true;
        }
    }
    return false;
}

#define MAX_RANGES 16
#define MAX_EVENTS 256

static void test_osv_pypa(void **state)
{
    static struct exception ex[1024];
    struct ks_arena arena;
    struct ks_limits lim;
    struct ks_buf buf = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    char path[4096];
    size_t nex, entries = 0, checked = 0, failures = 0;
    const char *p, *end;

    (void)state;
    nex = load_exceptions(ex, KS_ARRAY_LEN(ex));
    ks_arena_init(&arena, 0, 0);
    ks_limits_init(&lim);
    snprintf(path, sizeof(path), "%s/tests/data/version/pypa-affected.jsonl", ks_test_srcdir());
    if (ks_file_read(path, 64u << 20, &buf, &d))
        fail_msg("%s", d.msg);
    for (p = buf.ptr, end = buf.ptr + buf.len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const struct ks_value *v, *rs, *vs;
        static struct ks_osv_event ev[MAX_RANGES][MAX_EVENTS];
        struct ks_osv_range ranges[MAX_RANGES];
        struct ks_osv_affected stripped, full;
        const char *versions[4096];
        struct ks_value *root;
        const char *id;
        size_t nr, nv;

        nl = nl ? nl : end;
        if (ks_json_parse(&arena, "pypa-affected.jsonl", p, (size_t)(nl - p), &lim, &root, &d))
            fail_msg("%s", d.msg);
        p = nl + 1;
        v = root;
        id = ks_value_get_str(v, "id");
        rs = ks_value_get(v, "ranges");
        vs = ks_value_get(v, "versions");
        nr = ks_value_len(rs);
        nv = ks_value_len(vs);
        assert_true(nr <= MAX_RANGES && nv <= KS_ARRAY_LEN(versions));
        for (size_t i = 0; i < nr; i++) {
            const struct ks_value *r = ks_value_at(rs, i), *es = ks_value_get(r, "events");

            assert_true(ks_osv_range_type_parse(ks_value_get_str(r, "type"), &ranges[i].type));
            assert_true(ks_value_len(es) <= MAX_EVENTS);
            ranges[i].events = ev[i];
            ranges[i].nevents = ks_value_len(es);
            for (size_t j = 0; j < ranges[i].nevents; j++) {
                const struct ks_value *e = ks_value_at(es, j);

                assert_true(ks_osv_event_kind_parse(ks_value_str(ks_value_at(e, 0)),
                                                    &ev[i][j].kind));
                ev[i][j].version = ks_value_str(ks_value_at(e, 1));
            }
        }
        for (size_t i = 0; i < nv; i++)
            versions[i] = ks_value_str(ks_value_at(vs, i));
        stripped = (struct ks_osv_affected){ranges, nr, NULL, 0};
        full = (struct ks_osv_affected){ranges, nr, versions, nv};
        for (size_t i = 0; i < nv; i++) {
            bool aff = false;
            ks_err err;

            /* full record: always affected */
            err = ks_osv_affects(KS_SCHEME_PEP440, &full, versions[i], &aff, &d);
            if (!(err == KS_OK && aff)) {
                printf("# %s %s: full record: err %d affected %d: %s\n", id, versions[i],
                       (int)err, aff, d.msg);
                failures++;
            }
            /* ranges alone must agree with the list */
            err = ks_osv_affects(KS_SCHEME_PEP440, &stripped, versions[i], &aff, &d);
            checked++;
            if (err == KS_EUNSUPPORTED)
                continue; /* only a GIT range could say; never counted as "not affected" */
            if ((err || !aff) && !excepted(ex, nex, id, versions[i])) {
                printf("# %s\t%s\t%s\n", id, versions[i], err ? d.msg : "outside its ranges");
                failures++;
            }
        }
        entries++;
        ks_arena_reset(&arena);
    }
    for (size_t i = 0; i < nex; i++) {
        if (!ex[i].seen) {
            printf("# stale exception %s %s\n", ex[i].id, ex[i].version);
            failures++;
        }
    }
    printf("# pypa: %zu entries, %zu listed versions, %zu exceptions, %zu failures\n", entries,
           checked, nex, failures);
    ks_buf_release(&buf);
    ks_arena_release(&arena);
    assert_true(entries > 2000);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_ecosystems),
            cmocka_unit_test(test_dpkg),
            cmocka_unit_test(test_rpm),
            cmocka_unit_test(test_pep440),
            cmocka_unit_test(test_semver),
            cmocka_unit_test(test_nuget),
            cmocka_unit_test(test_other_schemes),
            cmocka_unit_test(test_osv_ranges),
            cmocka_unit_test(test_osv_versions_git_errors),
            cmocka_unit_test(test_osv_pypa),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
