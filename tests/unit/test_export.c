#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "export/findings.h"
#include "formats/json.h"

#include "sample_findings.h"

typedef ks_err export_fn(const struct ks_finding *, size_t, const struct ks_export_opts *,
                         struct ks_buf *);

static const struct ks_export_opts opts = {.tool_version = "0.1.0",
                                           .target = "/srv/images/app",
                                           .now = "2026-01-02T03:04:05Z"};

static struct ks_arena arena;
static struct ks_finding *sample;
static size_t nsample;

static int setup(void **state)
{
    (void)state;
    ks_arena_init(&arena, 0, 0);
    nsample = sample_findings(&arena, &sample);
    return nsample ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ks_arena_release(&arena);
    return 0;
}

static char *run(export_fn *fn, const struct ks_finding *f, size_t n,
                 const struct ks_export_opts *o)
{
    struct ks_buf b = KS_BUF_INIT(0);

    assert_int_equal(fn(f, n, o, &b), KS_OK);
    return ks_buf_detach(&b, NULL);
}

static void compare_golden(const char *got, const char *name)
{
    struct ks_buf want = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    char path[4096];

    snprintf(path, sizeof(path), "%s/tests/data/export/%s", ks_test_srcdir(), name);
    assert_int_equal(ks_file_read(path, 1 << 20, &want, &d), KS_OK);
    assert_string_equal(got, ks_buf_str(&want));
    ks_buf_release(&want);
}

/* Every format gives the same bytes whatever the input order. */
static void test_deterministic(void **state)
{
    export_fn *fns[] = {ks_export_findings_json, ks_export_findings_sarif,
                        ks_export_findings_asff, ks_export_findings_csv,
                        ks_export_findings_table};
    struct ks_finding *rev = ks_arena_calloc(&arena, nsample, sizeof(*rev));

    (void)state;
    for (size_t i = 0; i < nsample; i++)
        rev[i] = sample[nsample - 1 - i];
    for (size_t k = 0; k < KS_ARRAY_LEN(fns); k++) {
        char *a = run(fns[k], sample, nsample, &opts);
        char *b = run(fns[k], rev, nsample, &opts);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

/* Golden files, reviewed by hand when they were written (see
 * tests/data/export/README.md); the validators check the formats. */
static void test_golden(void **state)
{
    char *t = run(ks_export_findings_table, sample, nsample, &opts);
    char *j = run(ks_export_findings_json, sample, nsample, &opts);

    (void)state;
    compare_golden(t, "table.txt");
    compare_golden(j, "findings.json");
    free(t);
    free(j);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void check_width(const char *text, size_t width)
{
    const char *p = text;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        if (utf8_chars(line) > width)
            fail_msg("line wider than %zu: '%s'", width, line);
        if (len && line[len - 1] == ' ')
            fail_msg("trailing blank: '%s'", line);
        free(line);
        p += len + (nl ? 1 : 0);
    }
}

static void test_table_width(void **state)
{
    struct ks_export_opts o = opts;

    (void)state;
    for (int w = 40; w <= 120; w += 20) {
        o.width = w;
        char *t = run(ks_export_findings_table, sample, nsample, &o);
        check_width(t, (size_t)w);
        free(t);
    }
    char *t = run(ks_export_findings_table, sample, nsample, &opts);
    check_width(t, 80);
    /* grouped by package, most severe package first, totals at the end */
    assert_true(strstr(t, "org.apache.logging.log4j:log4j-core") < strstr(t, "sudo 1.8.27"));
    assert_non_null(strstr(t, "Total: 7 (CRITICAL: 1, HIGH: 2, MEDIUM: 2, LOW: 1, UNTRIAGED: 1)"));
    assert_non_null(strstr(t, "6.5*"));
    free(t);
    t = run(ks_export_findings_table, NULL, 0, &opts);
    assert_string_equal(t, "No findings.\n");
    free(t);
}

static void test_csv_quoting(void **state)
{
    struct ks_finding f = sample[0];
    char *c;

    (void)state;
    f.title = "=HYPERLINK(\"http://evil\",\"x\")";
    f.description = "a, \"b\"\r\nc";
    c = run(ks_export_findings_csv, &f, 1, &opts);
    /* formula neutralised, quotes doubled, CRLF kept inside the quoted field */
    assert_non_null(strstr(c, ",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\","));
    assert_non_null(strstr(c, ",\"a, \"\"b\"\"\r\nc\"\r\n"));
    assert_true(strncmp(c, "id,vulnerability_id,severity,kensa_score,", 41) == 0);
    free(c);
}

static void test_json_fields(void **state)
{
    char *j = run(ks_export_findings_json, sample, nsample, &opts);

    (void)state;
    assert_non_null(strstr(j, "\"kensaScore\": 10.0"));
    assert_non_null(strstr(j, "\"reason\": \"no network path to the resource: AV:N -> AV:A\""));
    assert_non_null(strstr(j, "\"schemaVersion\": \"1.1\""));
    assert_non_null(strstr(j, "\"kensaScore\": null"));
    assert_non_null(strstr(j, "\"UNTRIAGED\": 1"));
    /* the severity rule, named per finding */
    assert_non_null(strstr(j, "\"basis\": \"VENDOR_CVSS\""));
    assert_non_null(strstr(j, "\"selection\": \"vendor (GHSA) CVSS 3.1\""));
    assert_non_null(strstr(j, "\"reason\": \"no CVSS; GHSA label 'LOW' -> LOW\""));
    assert_non_null(strstr(j, "\"reason\": \"no CVSS; DEBIAN_CVE label 'not yet assigned' "
                              "names no severity: UNTRIAGED\""));
    assert_non_null(strstr(j, "\"vendor\": true"));
    free(j);
    j = run(ks_export_findings_json, NULL, 0, NULL);
    assert_non_null(strstr(j, "\"findings\": []"));
    assert_non_null(strstr(j, "\"version\": \"unknown\""));
    free(j);
}

static void test_json_one(void **state)
{
    struct ks_buf b = KS_BUF_INIT(0);

    (void)state;
    assert_int_equal(ks_export_finding_json(&sample[1], &b), KS_OK);
    assert_true(b.ptr[0] == '{' && b.ptr[b.len - 1] == '}');
    assert_null(strchr(b.ptr, '\n'));
    assert_non_null(strstr(b.ptr, "\"vulnerability\":{\"id\":\"CVE-2021-3156\""));
    assert_non_null(strstr(b.ptr, "\"kensaScore\":7.8,"));
    ks_buf_release(&b);
}

/* The store keeps a finding's description apart: putting it back at the
 * offset given yields exactly the whole finding. */
static void test_json_apart(void **state)
{
    struct ks_buf whole = KS_BUF_INIT(0), apart = KS_BUF_INIT(0), back = KS_BUF_INIT(0);

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        size_t at;

        ks_buf_reset(&whole);
        ks_buf_reset(&apart);
        ks_buf_reset(&back);
        assert_non_null(sample[i].description);
        assert_int_equal(ks_export_finding_json(&sample[i], &whole), KS_OK);
        assert_int_equal(ks_export_finding_json_apart(&sample[i], &apart, &at), KS_OK);
        assert_null(strstr(apart.ptr, "\"description\""));
        assert_true(at > 0 && at < apart.len);
        assert_int_equal(ks_buf_add(&back, apart.ptr, at), KS_OK);
        assert_int_equal(ks_buf_adds(&back, ",\"description\":"), KS_OK);
        assert_int_equal(ks_json_quote(&back, sample[i].description,
                                       strlen(sample[i].description)),
                         KS_OK);
        assert_int_equal(ks_buf_adds(&back, apart.ptr + at), KS_OK);
        assert_string_equal(ks_buf_str(&back), ks_buf_str(&whole));
    }
    ks_buf_release(&whole);
    ks_buf_release(&apart);
    ks_buf_release(&back);
}

static void test_sarif_rules(void **state)
{
    struct ks_finding two[2] = {sample[0], sample[0]};
    char *s;

    (void)state;
    two[1].package.version = "2.13.0";
    ks_finding_make_id(&two[1]);
    s = run(ks_export_findings_sarif, two, 2, &opts);
    /* one rule for the shared vulnerability id, two results pointing at it */
    assert_non_null(strstr(s, "\"id\": \"GHSA-jfh8-c2jp-5v3q\""));
    assert_null(strstr(strstr(s, "\"id\": \"GHSA-jfh8-c2jp-5v3q\"") + 1,
                       "\"id\": \"GHSA-jfh8-c2jp-5v3q\""));
    assert_non_null(strstr(s, "\"security-severity\": \"10.0\""));
    assert_non_null(strstr(s, "\"uri\": \"app/lib/log4j-core-2.14.1.jar\""));
    free(s);
}

static void test_asff(void **state)
{
    struct ks_export_opts o = opts;
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_finding f = sample[0];
    char title[400];
    char *a;

    (void)state;
    /* a time is required when findings carry none */
    o.now = NULL;
    assert_int_equal(ks_export_findings_asff(sample, nsample, &o, &b), KS_EINVAL);
    ks_buf_release(&b);
    /* Title is cut at 256 code points without splitting UTF-8 */
    memset(title, 'x', 255);
    memcpy(title + 255, "\xe3\x81\xaa\xe3\x81\xaa", 7);
    f.title = title;
    a = run(ks_export_findings_asff, &f, 1, &opts);
    assert_non_null(strstr(a, "\"Title\": \"xxxxx"));
    assert_non_null(strstr(a, "x\xe3\x81\xaa\",\n"));
    assert_non_null(strstr(a, "\"ProductArn\": \"arn:aws:securityhub:us-east-1:000000000000:"
                              "product/000000000000/default\""));
    assert_null(strstr(a, "\"Epoch\""));
    free(a);
    a = run(ks_export_findings_asff, &sample[1], 1, &opts);
    assert_non_null(strstr(a, "\"Epoch\": \"0\""));
    assert_non_null(strstr(a, "\"CreatedAt\": \"2026-01-02T03:04:05Z\""));
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_deterministic), cmocka_unit_test(test_golden),
            cmocka_unit_test(test_table_width),   cmocka_unit_test(test_csv_quoting),
            cmocka_unit_test(test_json_fields),   cmocka_unit_test(test_json_one),
            cmocka_unit_test(test_json_apart),
            cmocka_unit_test(test_sarif_rules),
            cmocka_unit_test(test_asff),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
