#include "ks_test.h"

#include "core/buf.h"
#include "core/file.h"
#include "match/eol.h"
#include "match/ignore.h"
#include "match/vex.h"

#include <time.h>

static struct ks_limits lim;

static time_t day(int y, int m, int d)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    return timegm(&tm);
}

static ks_err load_ignore(struct ks_ignore *ig, const char *text, time_t now, struct ks_diag *d)
{
    ks_ignore_init(ig);
    return ks_ignore_load(ig, ".kensaignore.yaml", text, strlen(text), now, &lim, d);
}

static void test_ignore(void **state)
{
    static const char text[] = "ignore:\n"
                               "  - id: CVE-2023-44487\n"
                               "    package: libnghttp2-14\n"
                               "    reason: HTTP/2 is not exposed\n"
                               "  - id: GHSA-jfh8-c2jp-5v3q\n"
                               "    purl: pkg:maven/org.apache.logging.log4j/log4j-core\n"
                               "    path: /app/lib/*.jar\n"
                               "    reason: lookups disabled\n"
                               "    expires: 2026-12-31\n"
                               "  - id: CVE-2024-0727\n"
                               "    reason: old exception\n"
                               "    expires: 2025-01-01\n";
    const char *log4j_aliases[] = {"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_ignore ig;
    struct ks_purl purl;
    const struct ks_ignore_rule *r;

    (void)state;
    assert_int_equal(load_ignore(&ig, text, day(2026, 11, 26), &d), KS_OK);
    assert_int_equal(ig.rules.len, 3);
    assert_false(ig.rules.items[1].expired);
    assert_true(ig.rules.items[2].expired);
    assert_int_equal(ig.rules.items[1].line, 5);

    r = ks_ignore_match(&ig, "CVE-2023-44487", NULL, 0, "libnghttp2-14", NULL, "/var/lib/dpkg");
    assert_non_null(r);
    assert_string_equal(r->reason, "HTTP/2 is not exposed");
    assert_null(ks_ignore_match(&ig, "CVE-2023-44487", NULL, 0, "nghttp2", NULL, NULL));

    assert_int_equal(ks_purl_parse(&ig.arena,
                                   "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", &purl,
                                   NULL),
                     KS_OK);
    /* Matched through an alias, the purl pattern and the path glob. */
    r = ks_ignore_match(&ig, "CVE-2021-44228", log4j_aliases, 2, "log4j-core", &purl,
                        "/app/lib/log4j-core-2.14.1.jar");
    assert_non_null(r);
    assert_null(ks_ignore_match(&ig, "CVE-2021-44228", log4j_aliases, 2, "log4j-core", &purl,
                                "/opt/other/log4j-core-2.14.1.jar"));
    /* Expired entries stop applying. */
    assert_null(ks_ignore_match(&ig, "CVE-2024-0727", NULL, 0, "openssl", NULL, NULL));
    ks_ignore_release(&ig);

    /* The last day still applies; the day after does not. */
    assert_int_equal(load_ignore(&ig, text, day(2026, 12, 31), &d), KS_OK);
    assert_false(ig.rules.items[1].expired);
    ks_ignore_release(&ig);
    assert_int_equal(load_ignore(&ig, text, day(2027, 1, 1), &d), KS_OK);
    assert_true(ig.rules.items[1].expired);
    ks_ignore_release(&ig);
}

static void expect_error(const char *text, const char *msg)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_ignore ig;

    assert_int_equal(load_ignore(&ig, text, day(2026, 1, 1), &d), KS_EPARSE);
    if (!strstr(d.msg, msg))
        fail_msg("error '%s' does not contain '%s'", d.msg, msg);
    ks_ignore_release(&ig);
}

static void test_ignore_errors(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_ignore ig;

    (void)state;
    expect_error("ignore:\n  - id: CVE-1\n", "line 2: entry for 'CVE-1' without 'reason'");
    expect_error("ignore:\n  - reason: x\n", "line 2: entry without 'id'");
    expect_error("ignore:\n  - id: CVE-1\n    reason: x\n    expire: 2026-01-01\n",
                 "line 4: unknown key 'expire'");
    expect_error("ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-02-31\n",
                 "is not a date");
    expect_error("ignore:\n  - id: CVE-1\n    reason: x\n    purl: nope\n",
                 "'nope' is not a valid package URL");
    expect_error("ignores: []\n", "expected one top-level key 'ignore'");
    expect_error("ignore: {id: x}\n", "'ignore' must be a list");
    expect_error("ignore:\n  - id: [1]\n    reason: x\n", "'id' must be a non-empty string");
    /* Empty files and empty lists are fine. */
    assert_int_equal(load_ignore(&ig, "", 0, &d), KS_OK);
    ks_ignore_release(&ig);
    assert_int_equal(load_ignore(&ig, "ignore:\n", 0, &d), KS_OK);
    assert_int_equal(ig.rules.len, 0);
    ks_ignore_release(&ig);
}

static void load_vex(struct ks_vex *vex, const char *file)
{
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    char path[256];

    snprintf(path, sizeof(path), "tests/data/match/%s", file);
    assert_int_equal(ks_file_read(path, 1 << 20, &b, &d), KS_OK);
    if (ks_vex_load(vex, file, b.ptr, b.len, &lim, &d))
        fail_msg("%s", d.msg);
    ks_buf_release(&b);
}

static const struct ks_vex_statement *find(struct ks_vex *vex, const char *id, const char *purl,
                                           const char *const *aliases, size_t n)
{
    struct ks_purl p;

    assert_int_equal(ks_purl_parse(&vex->arena, purl, &p, NULL), KS_OK);
    return ks_vex_find(vex, id, aliases, n, &p);
}

static void test_vex(void **state)
{
    const char *alias[] = {"GHSA-qppj-fm5r-hxr3"};
    const struct ks_vex_statement *s;
    struct ks_vex vex;

    (void)state;
    ks_vex_init(&vex);
    load_vex(&vex, "openvex.json");
    load_vex(&vex, "cyclonedx-vex.json");
    load_vex(&vex, "csaf-vex.json");

    /* OpenVEX v0.2.0 subcomponent, matched by id. */
    s = find(&vex, "CVE-2023-44487", "pkg:deb/debian/libnghttp2-14@1.52.0-1?arch=amd64", NULL, 0);
    assert_non_null(s);
    assert_int_equal(s->status, KS_VEX_NOT_AFFECTED);
    assert_string_equal(s->justification, "vulnerable_code_not_in_execute_path");
    assert_string_equal(s->detail, "HTTP/2 is never enabled");
    assert_string_equal(s->source, "openvex.json");
    /* The statement's qualifier (arch) must be present in the package. */
    assert_null(find(&vex, "CVE-2023-44487", "pkg:deb/debian/libnghttp2-14@1.52.0-1?arch=i386",
                     NULL, 0));
    /* Through an alias of the finding. */
    s = find(&vex, "GHSA-qppj-fm5r-hxr3", "pkg:deb/debian/libnghttp2-14?arch=amd64", NULL, 0);
    assert_null(s); /* the statement's own aliases are not the finding's */
    s = find(&vex, "GHSA-qppj-fm5r-hxr3", "pkg:deb/debian/libnghttp2-14?arch=amd64", alias, 1);
    assert_null(s);
    alias[0] = "CVE-2023-44487";
    s = find(&vex, "GHSA-qppj-fm5r-hxr3", "pkg:deb/debian/libnghttp2-14?arch=amd64", alias, 1);
    assert_non_null(s);
    /* v0.0.1 string product with a version: only that version. */
    s = find(&vex, "CVE-2024-0727", "pkg:deb/debian/openssl@3.0.11-1~deb12u2", NULL, 0);
    assert_non_null(s);
    assert_int_equal(s->status, KS_VEX_FIXED);
    assert_null(find(&vex, "CVE-2024-0727", "pkg:deb/debian/openssl@3.0.11-1~deb12u1", NULL, 0));
    s = find(&vex, "CVE-2024-3094", "pkg:deb/debian/xz-utils@5.4.1-0.2", NULL, 0);
    assert_int_equal(s->status, KS_VEX_AFFECTED);
    assert_string_equal(s->detail, "upgrade");

    /* CycloneDX: BOM-Link to a component of the document; a purl ref. */
    s = find(&vex, "CVE-2021-44228", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", NULL,
             0);
    assert_non_null(s);
    assert_int_equal(s->status, KS_VEX_NOT_AFFECTED);
    assert_string_equal(s->justification, "code_not_reachable");
    s = find(&vex, "CVE-2022-23307", "pkg:maven/log4j/log4j@1.2.17", NULL, 0);
    assert_int_equal(s->status, KS_VEX_UNDER_INVESTIGATION);
    /* A vulnerability without analysis is not a statement. */
    assert_null(find(&vex, "CVE-2000-0001", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                     NULL, 0));

    /* CSAF: product ids through branches and a relationship. */
    s = find(&vex, "CVE-2023-38545", "pkg:deb/debian/curl@7.88.1-10+deb12u4", NULL, 0);
    assert_int_equal(s->status, KS_VEX_FIXED);
    s = find(&vex, "CVE-2023-38545", "pkg:deb/debian/libcurl4@7.88.1-10+deb12u1", NULL, 0);
    assert_non_null(s);
    assert_int_equal(s->status, KS_VEX_NOT_AFFECTED);
    assert_string_equal(s->justification, "vulnerable_code_not_in_execute_path");
    assert_string_equal(s->detail, "SOCKS5 proxy is never used");
    /* "appliance-1" has no purl: skipped, counted. */
    assert_int_equal(vex.skipped, 1);
    ks_vex_release(&vex);
}

static void test_vex_errors(void **state)
{
    static const char *const bad[][2] = {
            {"{\"a\":1}", "not a VEX document"},
            {"{\"@context\":\"https://openvex.dev/ns/v0.2.0\"}", "without 'statements'"},
            {"{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[{\"vulnerability\":"
             "\"CVE-1\",\"status\":\"fine\",\"products\":[\"pkg:npm/a\"]}]}",
             "unknown status 'fine'"},
            {"{\"bomFormat\":\"CycloneDX\",\"vulnerabilities\":[{\"id\":\"CVE-1\",\"analysis\":"
             "{\"state\":\"meh\"}}]}",
             "unknown analysis state 'meh'"},
            {"{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[{\"vulnerability\":"
             "\"CVE-1\",\"status\":\"fixed\",\"products\":[\"pkg:/\"]}]}",
             "is not a valid package URL"},
            {"[1,", "line 1"},
    };
    struct ks_diag d = KS_DIAG_INIT;

    (void)state;
    for (size_t i = 0; i < KS_ARRAY_LEN(bad); i++) {
        struct ks_vex vex;

        ks_vex_init(&vex);
        assert_int_equal(ks_vex_load(&vex, "v.json", bad[i][0], strlen(bad[i][0]), &lim, &d),
                         KS_EPARSE);
        if (!strstr(d.msg, bad[i][1]) || !strstr(d.msg, "v.json"))
            fail_msg("case %zu: '%s'", i, d.msg);
        ks_vex_release(&vex);
    }
}

/* The shipped distro-info-data copy, and the reader's errors. */
static void test_eol(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_eol eol;
    const struct ks_eol_table *t;
    const struct ks_eol_release *r;
    char path[4096];

    (void)state;
    ks_eol_init(&eol);
    snprintf(path, sizeof(path), "%s/content/distro-info/ubuntu.csv", ks_test_srcdir());
    assert_int_equal(ks_file_read(path, 1 << 20, &b, &d), KS_OK);
    assert_int_equal(ks_eol_load(&eol, "ubuntu", path, b.ptr, b.len, &lim, &d), KS_OK);
    t = ks_eol_table(&eol, "ubuntu");
    assert_non_null(t);
    assert_null(ks_eol_table(&eol, "debian"));
    r = ks_eol_find(t, "22.04", NULL); /* "22.04 LTS" in the CSV */
    assert_non_null(r);
    assert_string_equal(r->series, "jammy");
    assert_string_equal(r->eol, "2027-06-01");
    assert_string_equal(r->eol_esm, "2032-04-21");
    assert_null(ks_eol_find(t, "22.0", NULL));
    r = ks_eol_find(t, NULL, "bionic");
    assert_non_null(r);
    assert_string_equal(r->eol_server, "2023-05-31");
    assert_null(ks_eol_find(t, "99.04", "nonesuch"));

    static const char sid[] = "version,codename,series,created,release,eol,eol-lts\n"
                              "10,Buster,buster,2017-06-17,2019-07-06,2022-09-10,2024-06-30\n"
                              ",Sid,sid,1993-08-16\n";
    assert_int_equal(ks_eol_load(&eol, "debian", "d.csv", sid, strlen(sid), &lim, &d), KS_OK);
    t = ks_eol_table(&eol, "debian");
    assert_int_equal(t->releases.len, 2);
    assert_null(t->releases.items[1].version);
    assert_null(t->releases.items[1].eol);
    assert_string_equal(ks_eol_find(t, NULL, "sid")->series, "sid");
    assert_string_equal(ks_eol_find(t, "10", NULL)->eol_lts, "2024-06-30");

    static const char nocol[] = "version,codename,series\n1,a,b\n";
    assert_int_equal(ks_eol_load(&eol, "x", "x.csv", nocol, strlen(nocol), &lim, &d), KS_EPARSE);
    assert_string_equal(d.msg, "'x.csv' line 1: no 'eol' column");
    static const char quoted[] = "version,codename,series,eol\n1,\"a\",b,2020-01-01\n";
    assert_int_equal(ks_eol_load(&eol, "x", "x.csv", quoted, strlen(quoted), &lim, &d), KS_EPARSE);
    assert_string_equal(d.msg, "'x.csv' line 2: quoted fields are not supported");
    static const char wide[] = "version,codename,series,eol\n1,a,b,2020-01-01,x\n";
    assert_int_equal(ks_eol_load(&eol, "x", "x.csv", wide, strlen(wide), &lim, &d), KS_EPARSE);
    assert_string_equal(d.msg, "'x.csv' line 2: 5 columns, the header has 4");
    assert_null(ks_eol_table(&eol, "x"));
    ks_buf_release(&b);
    ks_eol_release(&eol);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_ignore), cmocka_unit_test(test_ignore_errors),
            cmocka_unit_test(test_vex),    cmocka_unit_test(test_vex_errors),
            cmocka_unit_test(test_eol),
    };
    ks_limits_init(&lim);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
