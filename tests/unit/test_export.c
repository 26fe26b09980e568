#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "export/sbom.h"
#include "formats/json.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"

static void build(struct ks_inventory *inv, const char *extra_version)
{
    struct ks_component *c;
    static const char *deps[1];

    ks_inventory_init(inv);
    inv->target.kind = KS_TARGET_ROOTFS;
    inv->target.name = "/srv/root";
    inv->distro.id = "debian";
    inv->distro.version_id = "12";
    c = ks_inventory_add(inv);
    c->type = KS_PKG_DEB;
    c->name = "libssl3";
    c->version = extra_version;
    c->arch = "amd64";
    c->source_name = "openssl";
    c->bom_ref = "deb:libssl3";
    c->path = "/var/lib/dpkg/status";
    c = ks_inventory_add(inv);
    c->type = KS_PKG_DEB;
    c->name = "curl";
    c->version = "7.88.1-10+deb12u5";
    c->arch = "amd64";
    c->bom_ref = "deb:curl";
    deps[0] = "deb:libssl3";
    c->depends = deps;
    c->ndepends = 1;
    /* Same bom-ref twice: the writers must still give unique ids. */
    c = ks_inventory_add(inv);
    c->type = KS_PKG_MAVEN;
    c->name = "org.example:lib";
    c->version = "1.0";
    c->bom_ref = "deb:curl";
    c->license = "Apache-2.0";
    ks_pkg_finish(inv);
}

static struct ks_value *write_parse(struct ks_arena *a, const struct ks_inventory *inv,
                                    enum ks_sbom_format f, struct ks_buf *out)
{
    struct ks_sbom_opts o = {f, "0.1.0", NULL};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v = NULL;

    ks_buf_reset(out);
    assert_int_equal(ks_sbom_write(inv, &o, out, &d), KS_OK);
    if (f != KS_SBOM_TABLE)
        assert_int_equal(ks_json_parse(a, "out", out->ptr, out->len, &ks_limits_default, &v, &d),
                         KS_OK);
    return v;
}

static void test_cyclonedx(void **state)
{
    struct ks_inventory inv, inv2;
    struct ks_arena a = KS_ARENA_INIT(0, 0);
    struct ks_buf out = KS_BUF_INIT(0), again = KS_BUF_INIT(0);
    const struct ks_value *v, *comps, *deps;
    const char *serial;

    (void)state;
    build(&inv, "3.0.11-1~deb12u2");
    v = write_parse(&a, &inv, KS_SBOM_CYCLONEDX, &out);
    assert_string_equal(ks_value_get_str(v, "specVersion"), "1.6");
    assert_null(ks_value_path(v, "metadata.timestamp"));
    comps = ks_value_get(v, "components");
    assert_int_equal(ks_value_len(comps), 4); /* the OS + 3 */
    assert_string_equal(ks_value_get_str(ks_value_at(comps, 0), "type"), "operating-system");
    /* Canonical order: deb (curl, libssl3) then maven. */
    assert_string_equal(ks_value_get_str(ks_value_at(comps, 1), "name"), "curl");
    assert_string_equal(ks_value_get_str(ks_value_at(comps, 3), "group"), "org.example");
    assert_string_equal(ks_value_get_str(ks_value_at(comps, 3), "bom-ref"), "deb:curl#2");
    deps = ks_value_get(v, "dependencies");
    assert_int_equal(ks_value_len(deps), 1);
    assert_string_equal(ks_value_get_str(ks_value_at(deps, 0), "ref"), "deb:curl");
    /* Byte-identical when written again; the serial follows the content. */
    serial = ks_value_get_str(v, "serialNumber");
    write_parse(&a, &inv, KS_SBOM_CYCLONEDX, &again);
    assert_string_equal(ks_buf_str(&out), ks_buf_str(&again));
    build(&inv2, "3.0.11-1~deb12u3");
    v = write_parse(&a, &inv2, KS_SBOM_CYCLONEDX, &again);
    assert_string_not_equal(serial, ks_value_get_str(v, "serialNumber"));
    ks_inventory_release(&inv);
    ks_inventory_release(&inv2);
    ks_buf_release(&out);
    ks_buf_release(&again);
    ks_arena_release(&a);
}

static void test_spdx(void **state)
{
    struct ks_inventory inv;
    struct ks_arena a = KS_ARENA_INIT(0, 0);
    struct ks_buf out = KS_BUF_INIT(0);
    const struct ks_value *v, *pk, *rel;
    size_t depends_on = 0;

    (void)state;
    build(&inv, "3.0.11-1~deb12u2");
    v = write_parse(&a, &inv, KS_SBOM_SPDX, &out);
    assert_string_equal(ks_value_get_str(v, "spdxVersion"), "SPDX-2.3");
    assert_string_equal(ks_value_path(v, "creationInfo.created")->u.s.ptr, "1970-01-01T00:00:00Z");
    pk = ks_value_get(v, "packages");
    assert_int_equal(ks_value_len(pk), 4); /* target + 3 */
    assert_string_equal(ks_value_get_str(ks_value_at(pk, 1), "SPDXID"),
                        "SPDXRef-Package-deb-curl-7.88.1-10-deb12u5");
    rel = ks_value_get(v, "relationships");
    for (size_t i = 0; i < ks_value_len(rel); i++)
        if (!strcmp(ks_value_get_str(ks_value_at(rel, i), "relationshipType"), "DEPENDS_ON")) {
            depends_on++;
            assert_string_equal(ks_value_get_str(ks_value_at(rel, i), "relatedSpdxElement"),
                                "SPDXRef-Package-deb-libssl3-3.0.11-1-deb12u2");
        }
    assert_int_equal(depends_on, 1);
    ks_inventory_release(&inv);
    ks_buf_release(&out);
    ks_arena_release(&a);
}

static void test_json_table(void **state)
{
    struct ks_inventory inv;
    struct ks_arena a = KS_ARENA_INIT(0, 0);
    struct ks_buf out = KS_BUF_INIT(0);
    const struct ks_value *v;
    enum ks_sbom_format f;

    (void)state;
    build(&inv, "3.0.11-1~deb12u2");
    v = write_parse(&a, &inv, KS_SBOM_JSON, &out);
    assert_string_equal(ks_value_path(v, "target.kind")->u.s.ptr, "rootfs");
    assert_int_equal(ks_value_len(ks_value_get(v, "components")), 3);
    write_parse(&a, &inv, KS_SBOM_TABLE, &out);
    assert_non_null(strstr(ks_buf_str(&out), "libssl3"));
    assert_non_null(strstr(ks_buf_str(&out), "3 components"));
    assert_int_equal(ks_sbom_format_parse("spdx", &f), KS_OK);
    assert_int_equal(f, KS_SBOM_SPDX);
    assert_int_equal(ks_sbom_format_parse("xml", &f), KS_EINVAL);
    ks_inventory_release(&inv);
    ks_buf_release(&out);
    ks_arena_release(&a);
#include "core/file.h"
#include "export/findings.h"
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
    ks_arena_init(&arena, 0, 0);
    nsample = sample_findings(&arena, &sample);
    return nsample ? 0 : -1;
static int teardown(void **state)
    ks_arena_release(&arena);
    return 0;
static char *run(export_fn *fn, const struct ks_finding *f, size_t n,
                 const struct ks_export_opts *o)
    struct ks_buf b = KS_BUF_INIT(0);
    assert_int_equal(fn(f, n, o, &b), KS_OK);
    return ks_buf_detach(&b, NULL);
static void compare_golden(const char *got, const char *name)
    struct ks_buf want = KS_BUF_INIT(0);
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/data/export/%s", ks_test_srcdir(), name);
    assert_int_equal(ks_file_read(path, 1 << 20, &want, &d), KS_OK);
    assert_string_equal(got, ks_buf_str(&want));
    ks_buf_release(&want);
/* Every format gives the same bytes whatever the input order. */
static void test_deterministic(void **state)
    export_fn *fns[] = {ks_export_findings_json, ks_export_findings_sarif,
                        ks_export_findings_asff, ks_export_findings_csv,
                        ks_export_findings_table};
    struct ks_finding *rev = ks_arena_calloc(&arena, nsample, sizeof(*rev));
    for (size_t i = 0; i < nsample; i++)
        rev[i] = sample[nsample - 1 - i];
    for (size_t k = 0; k < KS_ARRAY_LEN(fns); k++) {
        char *a = run(fns[k], sample, nsample, &opts);
        char *b = run(fns[k], rev, nsample, &opts);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
/* Golden files, reviewed by hand when they were written (see
 * tests/data/export/README.md); the validators check the formats. */
static void test_golden(void **state)
    char *t = run(ks_export_findings_table, sample, nsample, &opts);
    char *j = run(ks_export_findings_json, sample, nsample, &opts);
    compare_golden(t, "table.txt");
    compare_golden(j, "findings.json");
    free(t);
    free(j);
static size_t utf8_chars(const char *s)
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
static void check_width(const char *text, size_t width)
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
static void test_table_width(void **state)
    struct ks_export_opts o = opts;
    for (int w = 40; w <= 120; w += 20) {
        o.width = w;
        char *t = run(ks_export_findings_table, sample, nsample, &o);
        check_width(t, (size_t)w);
        free(t);
    check_width(t, 80);
    /* grouped by package, most severe package first, totals at the end */
    assert_true(strstr(t, "org.apache.logging.log4j:log4j-core") < strstr(t, "sudo 1.8.27"));
    assert_non_null(strstr(t, "Total: 7 (CRITICAL: 1, HIGH: 2, MEDIUM: 2, LOW: 1, UNTRIAGED: 1)"));
    assert_non_null(strstr(t, "6.5*"));
    t = run(ks_export_findings_table, NULL, 0, &opts);
    assert_string_equal(t, "No findings.\n");
static void test_csv_quoting(void **state)
    struct ks_finding f = sample[0];
    char *c;
    f.title = "=HYPERLINK(\"http://evil\",\"x\")";
    f.description = "a, \"b\"\r\nc";
    c = run(ks_export_findings_csv, &f, 1, &opts);
    /* formula neutralised, quotes doubled, CRLF kept inside the quoted field */
    assert_non_null(strstr(c, ",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\","));
    assert_non_null(strstr(c, ",\"a, \"\"b\"\"\r\nc\"\r\n"));
    assert_true(strncmp(c, "id,vulnerability_id,severity,kensa_score,", 41) == 0);
    free(c);
static void test_json_fields(void **state)
    assert_non_null(strstr(j, "\"kensaScore\": 10.0"));
    assert_non_null(strstr(j, "\"reason\": \"no network path to the resource: AV:N -> AV:A\""));
    assert_non_null(strstr(j, "\"schemaVersion\": \"1.0\""));
    assert_non_null(strstr(j, "\"kensaScore\": null"));
    assert_non_null(strstr(j, "\"UNTRIAGED\": 1"));
    j = run(ks_export_findings_json, NULL, 0, NULL);
    assert_non_null(strstr(j, "\"findings\": []"));
    assert_non_null(strstr(j, "\"version\": \"unknown\""));
static void test_json_one(void **state)
    assert_int_equal(ks_export_finding_json(&sample[1], &b), KS_OK);
    assert_true(b.ptr[0] == '{' && b.ptr[b.len - 1] == '}');
    assert_null(strchr(b.ptr, '\n'));
    assert_non_null(strstr(b.ptr, "\"vulnerability\":{\"id\":\"CVE-2021-3156\""));
    assert_non_null(strstr(b.ptr, "\"kensaScore\":7.8,"));
    ks_buf_release(&b);
static void test_sarif_rules(void **state)
    struct ks_finding two[2] = {sample[0], sample[0]};
    char *s;
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
static void test_asff(void **state)
    char title[400];
    char *a;
    /* a time is required when findings carry none */
    o.now = NULL;
    assert_int_equal(ks_export_findings_asff(sample, nsample, &o, &b), KS_EINVAL);
    /* Title is cut at 256 code points without splitting UTF-8 */
    memset(title, 'x', 255);
    memcpy(title + 255, "\xe3\x81\xaa\xe3\x81\xaa", 7);
    f.title = title;
    a = run(ks_export_findings_asff, &f, 1, &opts, &sample[1]);
    assert_non_null(strstr(a, "\"Title\": \"xxxxx"));
    assert_non_null(strstr(a, "x\xe3\x81\xaa\",\n"));
    assert_non_null(strstr(a, "\"ProductArn\": \"arn:aws:securityhub:us-east-1:000000000000:"
                              "product/000000000000/default\""));
    assert_null(strstr(a, "\"Epoch\""));
    free(a);
    assert_non_null(strstr(a, "\"Epoch\": \"0\""));
    assert_non_null(strstr(a, "\"CreatedAt\": \"2026-01-02T03:04:05Z\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_cyclonedx),
            cmocka_unit_test(test_spdx),
            cmocka_unit_test(test_json_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
            cmocka_unit_test(test_deterministic), cmocka_unit_test(test_golden),
            cmocka_unit_test(test_table_width),   cmocka_unit_test(test_csv_quoting),
            cmocka_unit_test(test_json_fields),   cmocka_unit_test(test_json_one),
            cmocka_unit_test(test_sarif_rules),
            cmocka_unit_test(test_asff),
    return cmocka_run_group_tests(tests, setup, teardown);
}
