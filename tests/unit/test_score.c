#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/hash.h"
#include "model/finding.h"
#include "score/cvss.h"
#include "score/fix.h"
#include "score/score.h"

struct example {
    const char *vector;
    int base10;
    int score10;
};

static void check(const struct example *ex, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct ks_diag d = KS_DIAG_INIT;
        struct ks_cvss c;
        ks_err err = ks_cvss_parse(ex[i].vector, strlen(ex[i].vector), &c, &d);
        if (err)
            fail_msg("'%s': %s", ex[i].vector, d.msg);
        if (c.base10 != ex[i].base10 || c.score10 != ex[i].score10)
            fail_msg("'%s': base %d score %d, expected %d %d", ex[i].vector, c.base10, c.score10,
                     ex[i].base10, ex[i].score10);
    }
}

/* CVSS v2 guide §3.3 (worked examples) and NVD's published v2 score of
 * CVE-2021-3156 (shared data fixtures/nvd). */
static void test_v2_examples(void **state)
{
    static const struct example ex[] = {
        {"AV:N/AC:L/Au:N/C:N/I:N/A:C", 78, 78},          /* CVE-2002-0392 */
        {"AV:N/AC:L/Au:N/C:C/I:C/A:C", 100, 100},        /* CVE-2003-0818 */
        {"AV:L/AC:H/Au:N/C:C/I:C/A:C", 62, 62},          /* CVE-2003-0062 */
        {"AV:L/AC:L/Au:N/C:C/I:C/A:C", 72, 72},          /* NVD, CVE-2021-3156 */
        {"AV:N/AC:L/Au:N/C:P/I:P/A:P", 75, 75},
        {"AV:N/AC:L/Au:N/C:N/I:N/A:N", 0, 0},
        {"AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C", 78, 78}, /* temporal kept, base scored */
    };
    (void)state;
    check(ex, KS_ARRAY_LEN(ex));
}

/* CVSS v3.1 examples document (FIRST) and NVD-published pairs from the shared
 * data (CVE-2021-3156 7.8, CVE-2022-3602 7.5). */
static void test_v31_examples(void **state)
{
    static const struct example ex[] = {
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61, 61}, /* CVE-2013-1937 */
        {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 64, 64}, /* CVE-2013-0375 */
        {"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 31, 31}, /* CVE-2014-3566 */
        {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99, 99}, /* CVE-2012-1516 */
        {"CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 42, 42}, /* CVE-2009-0783 */
        {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 88, 88}, /* CVE-2012-0384 */
        {"CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 78, 78}, /* CVE-2015-1098 */
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75, 75}, /* CVE-2014-0160 */
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, 98}, /* CVE-2014-6271 */
        {"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 68, 68}, /* CVE-2008-1447 */
        {"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68, 68}, /* CVE-2014-2005 */
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 58, 58}, /* CVE-2010-0467 */
        {"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 78, 78}, /* NVD CVE-2021-3156 */
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75, 75}, /* NVD CVE-2022-3602 */
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100, 100},
        {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, 0},
        /* v3.x metrics may come in any order */
        {"CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", 98, 98},
    };
    (void)state;
    check(ex, KS_ARRAY_LEN(ex));
}

/* v3.0 uses plain round-up; v3.1's Roundup differs on values such as
 * 6.2000000000000002 (v3.1 Appendix A's motivating case class). */
static void test_v30(void **state)
{
    static const struct example ex[] = {
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, 98},
        {"CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61, 61},
        {"CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99, 99}, /* CVE-2012-1516 */
    };
    (void)state;
    check(ex, KS_ARRAY_LEN(ex));
}

/* CVSS v4.0: scores of the FIRST calculator for well-known vectors; the
 * threat metric E lowers the vector's score but not its base. */
static void test_v40_examples(void **state)
{
    static const struct example ex[] = {
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 93, 93},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 100, 100},
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0, 0},
        {"CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/E:U", 63, 17},
        {"CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 85, 85}, /* CVE-2022-41741 */
        {"CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 10, 10},
        /* MSI:S moves the vector to EQ4 level 0 */
        {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S", 93, 100},
    };
    (void)state;
    check(ex, KS_ARRAY_LEN(ex));
}

static void reject(const char *v, ks_err want, const char *msg_part)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_cvss c;
    ks_err err = ks_cvss_parse(v, strlen(v), &c, &d);

    if (err != want)
        fail_msg("'%s': got %d, expected %d (%s)", v, err, want, d.msg);
    if (!strstr(d.msg, msg_part))
        fail_msg("'%s': message '%s' lacks '%s'", v, d.msg, msg_part);
}

static void test_strict_parse(void **state)
{
    char big[KS_CVSS_MAX_LEN + 10];

    (void)state;
    reject("", KS_EPARSE, "expected");
    reject("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", KS_EPARSE, "unknown version");
    reject("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", KS_EPARSE, "expected");
    reject("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", KS_EPARSE, "invalid value in 'AV:n'");
    reject("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", KS_EPARSE, "base metric 'A' missing");
    reject("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", KS_EPARSE, "trailing '/'");
    reject("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", KS_EPARSE, "empty component");
    reject("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", KS_EPARSE, "'AV' repeated");
    reject("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", KS_EPARSE, "unknown metric");
    reject("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E", KS_EPARSE, "has no ':'");
    reject("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", KS_EPARSE, "unknown metric");
    reject("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", KS_EPARSE,
           "out of the specification's order");
    reject("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", KS_EPARSE,
           "invalid value in 'SI:S'");
    reject("AC:L/AV:N/Au:N/C:P/I:P/A:P", KS_EPARSE, "expected");
    reject("AV:N/Au:N/AC:L/C:P/I:P/A:P", KS_EPARSE, "out of the specification's order");
    reject("(AV:N/AC:L/Au:N/C:P/I:P/A:P)", KS_EPARSE, "expected");
    reject("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", KS_EPARSE, "invalid value");
    reject("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n", KS_EPARSE, "invalid value");
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    reject(big, KS_ELIMIT, "longer than");
    /* an embedded NUL is just a bad byte */
    {
        struct ks_cvss c;
        assert_int_equal(ks_cvss_parse("AV:N\0AC:L", 9, &c, NULL), KS_EPARSE);
    }
}

static void test_format_get_set(void **state)
{
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_cvss c;

    (void)state;
    assert_int_equal(ks_cvss_parse("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:P", 48, &c,
                                   NULL),
                     KS_OK);
    assert_int_equal(ks_cvss_format(&c, &b), KS_OK);
    assert_string_equal(ks_buf_str(&b), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P");
    assert_string_equal(ks_cvss_get(&c, "AV"), "N");
    assert_null(ks_cvss_get(&c, "RL"));
    assert_null(ks_cvss_get(&c, "AT"));
    assert_int_equal(ks_cvss_set(&c, "AV", "A", NULL), KS_OK);
    assert_int_equal(c.base10, 88);
    assert_int_equal(ks_cvss_set(&c, "AV", "Q", NULL), KS_EINVAL);
    assert_int_equal(ks_cvss_set(&c, "AT", "N", NULL), KS_EINVAL);
    ks_buf_reset(&b);
    assert_int_equal(ks_cvss_parse("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC/CDP:LM", 39, &c, NULL),
                     KS_OK);
    assert_int_equal(ks_cvss_format(&c, &b), KS_OK);
    assert_string_equal(ks_buf_str(&b), "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC/CDP:LM");
    assert_string_equal(ks_cvss_version_str(c.version), "2.0");
    ks_buf_release(&b);
}

/* The v4.0 MacroVector table must be the specification's: its SHA-256 in
 * the canonical form json.dumps(table, sort_keys=True) of an independent
 * transcription (a public Python implementation pins this digest). */
static void test_v40_table_digest(void **state)
{
    struct ks_buf in = KS_BUF_INIT(0), js = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    char path[4096], hex[KS_SHA256_HEX];
    unsigned char dg[KS_SHA256_LEN];
    const char *p;
    int n = 0;

    (void)state;
    snprintf(path, sizeof(path), "%s/src/score/cvss4_lookup.inc", ks_test_srcdir());
    assert_int_equal(ks_file_read(path, 1 << 20, &in, &d), KS_OK);
    ks_buf_addc(&js, '{');
    for (p = in.ptr; (p = strchr(p, '{')); p++) {
        char key[7];
        int s;
        if (sscanf(p, "{\"%6[0-9]\", %d}", key, &s) != 2)
            fail_msg("bad table entry near '%.20s'", p);
        ks_buf_addf(&js, "%s\"%s\": %d.%d", n ? ", " : "", key, s / 10, s % 10);
        n++;
    }
    ks_buf_addc(&js, '}');
    assert_int_equal(n, 270);
    ks_sha256(js.ptr, js.len, dg);
    ks_hex(dg, sizeof(dg), hex);
    assert_string_equal(hex, "ca8d8866186b0dda0f9f84bd9ce8bfba15f493fdaf9407cc7af0931c3d0ad01a");
    ks_buf_release(&in);
    ks_buf_release(&js);
}

static void test_severity_bands(void **state)
{
    static const struct {
        int s;
        enum ks_severity want;
    } t[] = {{0, KS_SEV_INFORMATIONAL}, {1, KS_SEV_LOW},   {39, KS_SEV_LOW},
             {40, KS_SEV_MEDIUM},       {69, KS_SEV_MEDIUM}, {70, KS_SEV_HIGH},
             {89, KS_SEV_HIGH},         {90, KS_SEV_CRITICAL}, {100, KS_SEV_CRITICAL}};
    enum ks_severity s;

    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(t); i++)
        assert_int_equal(ks_severity_from_score10(t[i].s), t[i].want);
    assert_string_equal(ks_severity_name(KS_SEV_UNTRIAGED), "UNTRIAGED");
    assert_string_equal(ks_severity_name(KS_SEV_CRITICAL), "CRITICAL");
    assert_true(ks_severity_parse("medium", &s));
    assert_int_equal(s, KS_SEV_MEDIUM);
    assert_false(ks_severity_parse("severe", &s));
}

static void test_vendor_labels(void **state)
{
    static const struct {
        enum ks_vendor_scale scale;
        const char *label;
        bool ok;
        enum ks_severity want;
    } t[] = {
        /* real labels from the shared data: Debian tracker urgencies,
         * ALAS (AL2 lowercase, AL2023 capitalised), GHSA, Ubuntu priorities */
        {KS_SCALE_DEBIAN, "low**", true, KS_SEV_LOW},
        {KS_SCALE_DEBIAN, "medium", true, KS_SEV_MEDIUM},
        {KS_SCALE_DEBIAN, "high", true, KS_SEV_HIGH},
        {KS_SCALE_DEBIAN, "unimportant", true, KS_SEV_INFORMATIONAL},
        {KS_SCALE_DEBIAN, "not yet assigned", false, KS_SEV_UNTRIAGED},
        {KS_SCALE_DEBIAN, "end-of-life", false, KS_SEV_UNTRIAGED},
        {KS_SCALE_ALAS, "important", true, KS_SEV_HIGH},
        {KS_SCALE_ALAS, "Important", true, KS_SEV_HIGH},
        {KS_SCALE_ALAS, "Critical", true, KS_SEV_CRITICAL},
        {KS_SCALE_ALAS, "Medium", true, KS_SEV_MEDIUM},
        {KS_SCALE_GHSA, "MODERATE", true, KS_SEV_MEDIUM},
        {KS_SCALE_GHSA, "CRITICAL", true, KS_SEV_CRITICAL},
        {KS_SCALE_UBUNTU, "negligible", true, KS_SEV_INFORMATIONAL},
        {KS_SCALE_UBUNTU, "untriaged", false, KS_SEV_UNTRIAGED},
        {KS_SCALE_UBUNTU, "critical", true, KS_SEV_CRITICAL},
        {KS_SCALE_GENERIC, "High", true, KS_SEV_HIGH},
        {KS_SCALE_GHSA, "", false, KS_SEV_UNTRIAGED},
        {KS_SCALE_GHSA, NULL, false, KS_SEV_UNTRIAGED},
    };

    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(t); i++) {
        enum ks_severity s = KS_SEV_UNTRIAGED;
        bool ok = ks_score_vendor_severity(t[i].scale, t[i].label, &s);
        if (ok != t[i].ok || (ok && s != t[i].want))
            fail_msg("label '%s': ok %d sev %d", t[i].label ? t[i].label : "(null)", ok, s);
    }
}

static void test_select(void **state)
{
    struct ks_cvss_score c[] = {
        {"NVD", "3.1", "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H", 0, false},
        {"UBUNTU", "4.0", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 0,
         true},
        {"UBUNTU", "3.1", "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L", 0, true},
        {"DEBIAN", "3.1", "CVSS:3.1/garbage", 0, true},
    };
    struct ks_cvss_score other[] = {
        {"GHSA", "4.0", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 0,
         false},
        {"NVD", "2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 0, false},
        {"GHSA", "3.1", "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L", 0, false},
    };

    (void)state;
    /* vendor wins over NVD; v3.1 over v4.0; unparsable vectors are skipped */
    assert_int_equal(ks_score_select(c, 4), 2);
    assert_int_equal(ks_score_select(c, 2), 1);
    assert_int_equal(ks_score_select(c, 1), 0);
    assert_int_equal(ks_score_select(c + 3, 1), -1);
    assert_int_equal(ks_score_select(NULL, 0), -1);
    /* no vendor score: NVD (even v2.0) wins over a non-vendor source */
    assert_int_equal(ks_score_select(other, 3), 1);
    /* neither vendor nor NVD: the other source's, v3.1 first */
    assert_int_equal(ks_score_select(other + 2, 1), 0);
    other[1].vector = NULL;
    assert_int_equal(ks_score_select(other, 3), 2);
    ks_score_fill_bases(c, 4);
    assert_int_equal(c[0].base10, 73);
    assert_int_equal(c[2].base10, 48);
    assert_int_equal(c[3].base10, -1);
}

static void test_compute(void **state)
{
    struct ks_arena arena = KS_ARENA_INIT(4096, 0);
    struct ks_cvss_score nvd[] = {
        {"NVD", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98, false},
    };
    struct ks_cvss_score v4[] = {
        {"GHSA", "4.0", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 93, false},
    };
    struct ks_cvss_score local[] = {
        {"NVD", "3.1", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 78, false},
    };
    struct ks_cvss_score v2[] = {{"NVD", "2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 75, false}};
    struct ks_score_input in = {nvd, 1, KS_SCALE_GHSA, "LOW", KS_NETPATH_UNKNOWN, "GHSA"};
    struct ks_kensa_score s;
    enum ks_severity sev;

    (void)state;
    /* unknown path: the published score */
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_true(s.scored);
    assert_int_equal(s.score10, 98);
    assert_int_equal(sev, KS_SEV_CRITICAL);
    assert_int_equal(s.nadjustments, 0);
    assert_string_equal(s.vector, nvd[0].vector);
    assert_string_equal(s.source, "NVD");

    /* no network path: AV:N -> AV:A, recomputed, listed */
    in.netpath = KS_NETPATH_NO;
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_int_equal(s.score10, 88);
    assert_int_equal(s.base10, 98);
    assert_int_equal(sev, KS_SEV_HIGH);
    assert_int_equal(s.nadjustments, 1);
    assert_string_equal(s.adjustments[0].metric, "AttackVector");
    assert_string_equal(s.adjustments[0].reason, "no network path to the resource: AV:N -> AV:A");
    assert_string_equal(s.vector, "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_string_equal(s.base_vector, nvd[0].vector);

    /* a path exists: nothing changes */
    in.netpath = KS_NETPATH_YES;
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_int_equal(s.score10, 98);
    assert_int_equal(s.nadjustments, 0);

    /* local flaw without network path: nothing to lower */
    in = (struct ks_score_input){local, 1, KS_SCALE_GHSA, NULL, KS_NETPATH_NO, NULL};
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_int_equal(s.score10, 78);
    assert_int_equal(s.nadjustments, 0);

    /* v4.0 and v2 are adjusted the same way */
    in = (struct ks_score_input){v4, 1, KS_SCALE_GHSA, NULL, KS_NETPATH_NO, NULL};
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_string_equal(s.vector,
                        "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
    assert_int_equal(s.score10, 87); /* MacroVector 100200: 8.7, already its highest vector */
    in = (struct ks_score_input){v2, 1, KS_SCALE_GHSA, NULL, KS_NETPATH_NO, NULL};
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_string_equal(s.vector, "AV:A/AC:L/Au:N/C:P/I:P/A:P");
    assert_int_equal(s.score10, 58);

    /* no CVSS: the vendor label; nothing: UNTRIAGED */
    in = (struct ks_score_input){NULL, 0, KS_SCALE_DEBIAN, "medium**", KS_NETPATH_NO, NULL};
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_false(s.scored);
    assert_int_equal(sev, KS_SEV_MEDIUM);
    assert_int_equal(s.basis, KS_BASIS_VENDOR_LABEL);
    assert_string_equal(s.basis_reason, "no CVSS; vendor label 'medium**' -> MEDIUM");
    in.vendor_source = "DEBIAN";
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_string_equal(s.basis_source, "DEBIAN");
    assert_string_equal(s.basis_reason, "no CVSS; DEBIAN label 'medium**' -> MEDIUM");
    in.vendor_severity = "not yet assigned";
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_int_equal(sev, KS_SEV_UNTRIAGED);
    assert_int_equal(s.basis, KS_BASIS_NONE);
    in.vendor_severity = NULL;
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_string_equal(s.basis_reason, "no CVSS and no vendor label: UNTRIAGED");

    /* the rule, named: vendor over NVD, NVD over another source */
    struct ks_cvss_score mix[] = {
        {"NVD", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 0, false},
        {"GHSA", "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 0, true},
        {"OSV", "3.1", "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 0, false},
    };
    in = (struct ks_score_input){mix, 3, KS_SCALE_GHSA, "HIGH", KS_NETPATH_UNKNOWN, "GHSA"};
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_int_equal(s.basis, KS_BASIS_VENDOR_CVSS);
    assert_int_equal(s.score10, 75);
    assert_string_equal(s.basis_reason, "vendor (GHSA) CVSS 3.1 chosen over NVD, OSV");
    mix[1].vendor = false;
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_int_equal(s.basis, KS_BASIS_NVD_CVSS);
    assert_int_equal(s.score10, 98);
    assert_string_equal(s.basis_reason, "no vendor CVSS: NVD CVSS 3.1; also published by GHSA, OSV");
    in.cvss = mix + 1;
    in.ncvss = 2;
    assert_int_equal(ks_score_compute(&arena, &in, &s, &sev), KS_OK);
    assert_int_equal(s.basis, KS_BASIS_OTHER_CVSS);
    assert_string_equal(s.basis_source, "GHSA");
    ks_arena_release(&arena);
}

static void test_finding_id(void **state)
{
    struct ks_finding a, b;

    (void)state;
    memset(&a, 0, sizeof(a));
    a.resource_id = "rootfs:/srv/img";
    a.vulnerability_id = "CVE-2024-0727";
    a.package.purl = "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64";
    b = a;
    ks_finding_make_id(&a);
    ks_finding_make_id(&b);
    assert_int_equal(strlen(a.id), 64);
    assert_string_equal(a.id, b.id);
    b.package.file_path = "/usr/lib";
    ks_finding_make_id(&b);
    assert_string_not_equal(a.id, b.id);
    /* fields are separated: moving bytes between fields changes the id */
    b = a;
    b.resource_id = "rootfs:/srv/im";
    b.vulnerability_id = "gCVE-2024-0727";
    ks_finding_make_id(&b);
    assert_string_not_equal(a.id, b.id);
}

static void test_fix_command(void **state)
{
    static const struct {
        enum ks_pkg_type type;
        const char *name, *fixed, *advisory, *want;
    } t[] = {
        /* real fixed versions: Debian DSA-4839-1, bookworm openssl, ALAS, Alpine
         * secdb (musl), GHSA records */
        {KS_PKG_DEB, "sudo", "1.8.27-1+deb10u3", NULL,
         "apt-get install --only-upgrade sudo=1.8.27-1+deb10u3"},
        {KS_PKG_DEB, "openssl", "3.0.13-1~deb12u1", NULL,
         "apt-get install --only-upgrade 'openssl=3.0.13-1~deb12u1'"},
        {KS_PKG_RPM, "rsync", "3.2.6-1.amzn2023.0.3", "ALAS2023-2023-002",
         "dnf upgrade-minimal --advisory ALAS2023-2023-002"},
        {KS_PKG_RPM, "curl", "7.61.1-9.amzn2.0.1", "ALAS2-2018-1002",
         "yum update --advisory ALAS2-2018-1002"},
        {KS_PKG_RPM, "rsync-daemon", "3.2.6-1.amzn2023.0.3", NULL,
         "dnf upgrade-minimal rsync-daemon-3.2.6-1.amzn2023.0.3"},
        {KS_PKG_APK, "musl", "1.1.22-r4", NULL, "apk add --upgrade 'musl>=1.1.22-r4'"},
        {KS_PKG_PYPI, "PyYAML", "5.4", NULL, "pip install 'PyYAML>=5.4'"},
        {KS_PKG_NPM, "lodash", "4.17.21", NULL, "npm install lodash@4.17.21"},
        {KS_PKG_MAVEN, "org.apache.logging.log4j:log4j-core", "2.15.0", NULL,
         "mvn versions:use-dep-version -Dincludes=org.apache.logging.log4j:log4j-core "
         "-DdepVersion=2.15.0"},
        {KS_PKG_GO, "golang.org/x/net", "0.17.0", NULL, "go get golang.org/x/net@v0.17.0"},
        {KS_PKG_CARGO, "tokio", "1.18.5", NULL, "cargo update -p tokio --precise 1.18.5"},
        {KS_PKG_GEM, "nokogiri", "1.13.4", NULL, "bundle update --conservative nokogiri"},
        {KS_PKG_COMPOSER, "guzzlehttp/psr7", "1.9.1", NULL,
         "composer require 'guzzlehttp/psr7:>=1.9.1'"},
        {KS_PKG_NUGET, "Newtonsoft.Json", "13.0.1", NULL,
         "dotnet add package Newtonsoft.Json --version 13.0.1"},
        /* hostile advisory data stays one quoted word */
        {KS_PKG_DEB, "x'; rm -rf / #", "1", NULL,
         "apt-get install --only-upgrade 'x'\\''; rm -rf / #=1'"},
        {KS_PKG_CARGO, "-rf", "1", NULL, NULL},
        {KS_PKG_DEB, "sudo", "--force", NULL, NULL},
        {KS_PKG_DEB, "openssl", "3.0.13-1~deb12u1", "bookworm-security",
         "apt-get install --only-upgrade openssl/bookworm-security"},
        {KS_PKG_DEB, "openssl", "1", "-t", NULL},
        {KS_PKG_PYPI, "evil\033]0;x", "1", NULL, NULL},
        {KS_PKG_DEB, "sudo", NULL, NULL, NULL},
        {KS_PKG_DEB, "sudo", "", NULL, NULL},
        {KS_PKG_GO_STDLIB, "stdlib", "1.21.3", NULL, NULL},
        {KS_PKG_UNKNOWN, "x", "1", NULL, NULL},
    };
    struct ks_arena a = KS_ARENA_INIT(4096, 0);

    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(t); i++) {
        const char *got = ks_fix_command(&a, t[i].type, t[i].name, t[i].fixed, t[i].advisory);
        if (!t[i].want && got)
            fail_msg("'%s': expected no command, got '%s'", t[i].name, got);
        if (t[i].want && (!got || strcmp(got, t[i].want)))
            fail_msg("'%s': got '%s', expected '%s'", t[i].name, got ? got : "(null)", t[i].want);
    }
    assert_int_equal(ks_fix_available_of(0, 0), KS_FIX_NO);
    assert_int_equal(ks_fix_available_of(2, 0), KS_FIX_NO);
    assert_int_equal(ks_fix_available_of(2, 1), KS_FIX_PARTIAL);
    assert_int_equal(ks_fix_available_of(2, 2), KS_FIX_YES);
    ks_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_v2_examples),    cmocka_unit_test(test_v31_examples),
            cmocka_unit_test(test_v30),            cmocka_unit_test(test_v40_examples),
            cmocka_unit_test(test_strict_parse),   cmocka_unit_test(test_format_get_set),
            cmocka_unit_test(test_v40_table_digest), cmocka_unit_test(test_severity_bands),
            cmocka_unit_test(test_vendor_labels),  cmocka_unit_test(test_select),
            cmocka_unit_test(test_compute),        cmocka_unit_test(test_finding_id),
            cmocka_unit_test(test_fix_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
