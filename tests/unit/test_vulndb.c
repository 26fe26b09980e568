/* tests/unit/test_vulndb.c - vulndb: import of every feed, alias merging,
 * advisories about several CVEs, lookup, atomicity, change sets, bad input,
 * and agreement with the PyPA sample's `versions` lists. */
#include "ks_test.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/limits.h"
#include "formats/json.h"
#include "formats/yaml.h"
#include "ingest/archive.h"
#include "sqlite/sqlite.h"
#include "version/osv.h"
#include "vulndb/vulndb.h"
#include "vulndb/internal.h"

#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];
static char dbpath[300];
static struct ks_limits lim;
static struct ks_arena arena;
static size_t stream_min; /* import(): 0 = the default threshold */

static const char *data(const char *rel)
{
    static char buf[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/tests/data/vulndb/%s", ks_test_srcdir(), rel);
    return buf[i];
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/ks-vulndb-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dbpath, sizeof(dbpath), "%s/vuln.db", tmpdir);
    ks_limits_init(&lim);
    ks_arena_init(&arena, 0, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        return -1;
    ks_arena_release(&arena);
    return 0;
}

static ks_err import(const char *const *in, size_t n, bool strict, struct ks_vdb_import_report *rep,
                     struct ks_diag *d)
{
    struct ks_vdb_import_opts o = {
            .db_path = dbpath, .strict = strict, .lim = &lim, .stream_min = stream_min};
    return ks_vdb_import(&o, in, n, rep, d);
}

static void import_ok(const char *const *in, size_t n, struct ks_vdb_import_report *rep)
{
    struct ks_diag d = KS_DIAG_INIT;
    ks_err err = import(in, n, false, rep, &d);
    if (err)
        fail_msg("import failed: %s", d.msg);
    for (size_t i = 0; i < rep->nsources; i++)
        if (rep->sources[i].rejected)
            fail_msg("'%s': %llu rejects, first: %s", rep->sources[i].name,
                     (unsigned long long)rep->sources[i].rejected, rep->sources[i].rejects[0]);
}

static void write_file(const char *path, const char *text)
{
    struct ks_diag d = KS_DIAG_INIT;
    assert_int_equal(ks_file_write_atomic(path, text, strlen(text), &d), KS_OK);
}

static const struct ks_value *search(const char *id)
{
    struct ks_vdb *v = NULL;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_value *doc = NULL;
    assert_int_equal(ks_vdb_open(dbpath, &v, &d), KS_OK);
    ks_err err = ks_vdb_search_json(v, id, 0, &out, &d);
    if (err) {
        ks_vdb_close(v);
        ks_buf_release(&out);
        return NULL;
    }
    assert_int_equal(ks_json_parse(&arena, "search", out.ptr, out.len, &lim, &doc, &d), KS_OK);
    ks_vdb_close(v);
    ks_buf_release(&out);
    return doc;
}

static size_t lookup(const char *eco, const char *pkg, const char *ver, const char *want_vuln,
                     const char *want_record)
{
    struct ks_vdb *v = NULL;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_vdb_match *m = NULL;
    size_t n = 0, hits = 0;
    assert_int_equal(ks_vdb_open(dbpath, &v, &d), KS_OK);
    assert_int_equal(ks_vdb_lookup(v, &arena, eco, pkg, ver, &m, &n, &d), KS_OK);
    for (size_t i = 0; i < n; i++)
        if ((!want_vuln || !strcmp(m[i].vuln, want_vuln)) &&
            (!want_record || !strcmp(m[i].record, want_record)))
            hits++;
    free(m);
    ks_vdb_close(v);
    return hits;
}

/* The labels (";"-joined "SOURCE:type:label:vendor") and CVSS sources
 * of the first match of `vuln`, into `out`. */
static void lookup_sevs(const char *eco, const char *pkg, const char *ver, const char *vuln,
                        char *out, size_t cap)
{
    struct ks_vdb *v = NULL;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_vdb_match *m = NULL;
    size_t n = 0, len = 0;
    out[0] = '\0';
    assert_int_equal(ks_vdb_open(dbpath, &v, &d), KS_OK);
    assert_int_equal(ks_vdb_lookup(v, &arena, eco, pkg, ver, &m, &n, &d), KS_OK);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(m[i].vuln, vuln))
            continue;
        for (size_t k = 0; k < m[i].nsevs && len < cap; k++)
            len += (size_t)snprintf(out + len, cap - len, "%s%s:%s:%s:%d", k ? ";" : "",
                                    m[i].sevs[k].source, m[i].sevs[k].type,
                                    m[i].sevs[k].cvss ? "cvss" : m[i].sevs[k].value,
                                    m[i].sevs[k].vendor);
        break;
    }
    free(m);
    ks_vdb_close(v);
}

static bool has_str(const struct ks_value *arr, const char *s)
{
    for (size_t i = 0; i < ks_value_len(arr); i++) {
        const char *x = ks_value_str(ks_value_at(arr, i));
        if (x && !strcmp(x, s))
            return true;
    }
    return false;
}

static const struct ks_value *find_record(const struct ks_value *doc, const char *list,
                                          const char *id)
{
    const struct ks_value *a = ks_value_get(doc, list);
    for (size_t i = 0; i < ks_value_len(a); i++) {
        const char *x = ks_value_get_str(ks_value_at(a, i), "id");
        if (x && !strcmp(x, id))
            return ks_value_at(a, i);
    }
    return NULL;
}

/* GHSA-jfh8-c2jp-5v3q + NVD CVE-2021-44228 + its KEV entry: one vulnerability. */
static void test_alias_merge(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    const char *in[] = {data("osv/GHSA-jfh8-c2jp-5v3q.json"), data("nvd/CVE-2021-44228.json"),
                        data("kev/kev-log4j.json"), data("epss")};
    import_ok(in, 4, &rep);
    ks_vdb_import_report_release(&rep);

    const struct ks_value *byghsa = search("GHSA-jfh8-c2jp-5v3q");
    const struct ks_value *doc = search("CVE-2021-44228");
    assert_non_null(doc);
    assert_non_null(byghsa);
    assert_string_equal(ks_value_get_str(doc, "id"), "CVE-2021-44228");
    assert_string_equal(ks_value_get_str(byghsa, "id"), "CVE-2021-44228");
    assert_true(has_str(ks_value_get(doc, "aliases"), "GHSA-jfh8-c2jp-5v3q"));
    const struct ks_value *g = find_record(doc, "records", "GHSA-jfh8-c2jp-5v3q");
    const struct ks_value *n = find_record(doc, "records", "CVE-2021-44228");
    assert_non_null(g);
    assert_non_null(n);
    assert_string_equal(ks_value_get_str(g, "feed"), "osv");
    assert_string_equal(ks_value_get_str(n, "feed"), "nvd");
    /* NVD: both CVSS vectors with scores, CWEs, the Exploit reference tag */
    const struct ks_value *sev = ks_value_get(n, "severity");
    assert_int_equal(ks_value_len(sev), 2);
    assert_string_equal(ks_value_get_str(ks_value_at(sev, 0), "vector"),
                        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
    assert_true(has_str(ks_value_get(n, "cwes"), "CWE-917"));
    assert_true(ks_value_bool(ks_value_get(n, "exploit"), false));
    /* GHSA: Maven package with its three ranges */
    assert_int_equal(ks_value_len(ks_value_get(g, "affected")), 3);
    const struct ks_value *kev = ks_value_get(doc, "kev");
    assert_non_null(kev);
    assert_string_equal(ks_value_get_str(kev, "date_added"), "2021-12-10");
    assert_string_equal(ks_value_get_str(kev, "ransomware"), "Known");
    /* the three sources are distinct */
    assert_string_not_equal(ks_value_get_str(g, "source"), ks_value_get_str(n, "source"));
    assert_string_not_equal(ks_value_get_str(kev, "source"), ks_value_get_str(n, "source"));
    /* no EPSS row for this CVE in the excerpt, one for CVE-1999-0001 */
    assert_null(ks_value_get(doc, "epss"));
    assert_null(search("CVE-1999-0001")); /* EPSS alone is no vulnerability record */
    assert_null(search("GHSA-0000-0000-0000"));
}

/* DLA-3623-1 names 44 CVEs: 44 vulnerabilities, each with the DLA as its
 * advisory, never merged with each other. USN-6622-1: its 4 CVEs. */
static void test_advisories(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    struct ks_diag d = KS_DIAG_INIT;
    const char *in[] = {data("osv"), data("nvd/CVE-2024-0727.json")};
    import_ok(in, 2, &rep);
    ks_vdb_import_report_release(&rep);

    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_value *dla = NULL;
    assert_int_equal(ks_file_read(data("osv/DLA-3623-1.json"), 1 << 20, &b, &d), KS_OK);
    assert_int_equal(ks_json_parse(&arena, "dla", b.ptr, b.len, &lim, &dla, &d), KS_OK);
    const struct ks_value *up = ks_value_get(dla, "upstream");
    assert_int_equal(ks_value_len(up), 44);
    for (size_t i = 0; i < 44; i++) {
        const char *cve = ks_value_str(ks_value_at(up, i));
        const struct ks_value *doc = search(cve);
        assert_non_null(doc);
        assert_string_equal(ks_value_get_str(doc, "id"), cve);
        assert_int_equal(ks_value_len(ks_value_get(doc, "aliases")), 0);
        const struct ks_value *adv = find_record(doc, "advisories", "DLA-3623-1");
        assert_non_null(adv);
        assert_string_equal(ks_value_get_str(adv, "role"), "advisory");
    }
    ks_buf_release(&b);
    /* the DLA itself is not a CVE's alias */
    const struct ks_value *self = search("DLA-3623-1");
    assert_non_null(self);
    assert_string_equal(ks_value_get_str(self, "id"), "DLA-3623-1");

    static const char *const usn[] = {"CVE-2023-5678", "CVE-2023-6129", "CVE-2023-6237",
                                      "CVE-2024-0727"};
    for (size_t i = 0; i < 4; i++) {
        const struct ks_value *doc = search(usn[i]);
        assert_non_null(doc);
        assert_string_equal(ks_value_get_str(doc, "id"), usn[i]);
        assert_non_null(find_record(doc, "advisories", "USN-6622-1"));
    }
    /* CVE-2024-0727: Ubuntu's CVE record and NVD's, merged; the USN beside */
    const struct ks_value *c = search("CVE-2024-0727");
    assert_non_null(find_record(c, "records", "CVE-2024-0727"));
    assert_int_equal(ks_value_len(ks_value_get(c, "records")), 2);

    /* lookup through an advisory: Ubuntu openssl before the USN's fix */
    assert_true(lookup("Ubuntu:20.04:LTS", "openssl", "1.1.1f-1ubuntu2.20", "CVE-2023-5678",
                       "USN-6622-1") == 1);
    assert_true(lookup("Ubuntu:20.04:LTS", "openssl", "1.1.1f-1ubuntu2.21", NULL, "USN-6622-1") ==
                0);
}

/* Debian tracker, Alpine secdb and updateinfo lookups, and .gz input. */
static void test_os_feeds(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    const char *in[] = {data("tracker"), data("secdb"), data("updateinfo/amzn2-updateinfo.xml"),
                        data("updateinfo/al2023-updateinfo.xml.gz")};
    import_ok(in, 4, &rep);
    assert_int_equal(rep.sources[2].imported, 3);
    assert_int_equal(rep.sources[3].imported, 2);
    ks_vdb_import_report_release(&rep);

    /* tracker: resolved in stretch (Debian:9) at 1.6.0.2-1 */
    assert_int_equal(lookup("Debian:9", "prototypejs", "1.6.0-1", "CVE-2008-7220", NULL), 1);
    assert_int_equal(lookup("Debian:9", "prototypejs", "1.7.1-3", "CVE-2008-7220", NULL), 0);
    const struct ks_value *t = search("CVE-2008-7220");
    assert_non_null(t);
    const struct ks_value *aff = ks_value_get(ks_value_at(ks_value_get(t, "records"), 0),
                                              "affected");
    assert_true(ks_value_len(aff) >= 4);

    /* ALAS2-2018-1002 names 10 CVEs; java before its fix matches all ten */
    assert_int_equal(lookup("Amazon Linux:2", "java-1.8.0-openjdk", "1:1.8.0.161-0.b14.amzn2",
                            NULL, "ALAS2-2018-1002"),
                     10);
    assert_int_equal(lookup("Amazon Linux:2", "java-1.8.0-openjdk", "1:1.8.0.171-7.b10.amzn2",
                            NULL, "ALAS2-2018-1002"),
                     0);
    const struct ks_value *a = search("CVE-2022-37434");
    assert_non_null(find_record(a, "advisories", "ALAS2023-2023-002"));

    /* labels per source: the tracker's urgency of the looked-up release
     * only (chromium CVE-2022-0456: "end-of-life" in buster, "not yet
     * assigned" in bookworm); the ALAS severity sits on the advisory */
    char sv[512];
    lookup_sevs("Debian:10", "chromium", "90.0-1", "CVE-2022-0456", sv, sizeof(sv));
    assert_string_equal(sv, "DEBIAN:debian-urgency:end-of-life:1");
    lookup_sevs("Debian:12", "chromium", "97.0-1", "CVE-2022-0456", sv, sizeof(sv));
    assert_string_equal(sv, "DEBIAN:debian-urgency:not yet assigned:1");
    lookup_sevs("Amazon Linux:2", "java-1.8.0-openjdk", "1:1.8.0.161-0.b14.amzn2",
                "CVE-2018-2790", sv, sizeof(sv));
    assert_string_equal(sv, "AMAZON:vendor:critical:1"); /* <severity> of ALAS2-2018-1002 */

    /* secdb: binutils-avr in v3.11 community, fixed in 2.32-r0 */
    const struct ks_value *s = search("CVE-2018-19931");
    assert_non_null(s);
    const struct ks_value *sr = ks_value_at(ks_value_get(s, "records"), 0);
    assert_string_equal(ks_value_get_str(sr, "feed"), "alpine-secdb");
    const struct ks_value *sa = ks_value_at(ks_value_get(sr, "affected"), 0);
    assert_string_equal(ks_value_get_str(sa, "ecosystem"), "Alpine:v3.11");
    assert_string_equal(ks_value_get_str(sa, "package"), "binutils-avr");
    assert_string_equal(ks_value_get_str(sa, "fixed"), "2.32-r0");
    assert_int_equal(lookup("Alpine:v3.11", "binutils-avr", "2.31-r0", NULL, NULL), 4);
    assert_int_equal(lookup("Alpine:v3.11", "binutils-avr", "2.32-r0", NULL, NULL), 0);
}

/* Every stored row that import decides, as text: records (with their digest),
 * affected packages, range events and severities, in a stable order. */
static void dump_db(const char *path, struct ks_buf *out)
{
    static const char *const q[] = {
            "SELECT feed||'|'||rid||'|'||hex(digest)||'|'||ifnull(summary,'') FROM records "
            "ORDER BY 1",
            "SELECT r.rid||'|'||a.ecosystem||'|'||a.package||'|'||ifnull(a.state,'')||'|'||"
            "ifnull(a.fixed,'') FROM affected a JOIN records r ON r.id=a.record ORDER BY 1",
            "SELECT r.rid||'|'||e.rng||'|'||e.seq||'|'||e.version FROM events e JOIN affected a ON "
            "a.id=e.affected JOIN records r ON r.id=a.record ORDER BY 1",
            "SELECT r.rid||'|'||s.type||'|'||ifnull(s.vector,'') FROM severities s JOIN records r "
            "ON r.id=s.record ORDER BY 1",
            "SELECT name||'|'||vuln FROM aliases ORDER BY 1",
    };
    struct ks_db *db = NULL;
    struct ks_diag d = KS_DIAG_INIT;

    assert_int_equal(ks_db_open(path, KS_DB_READONLY, &db, &d), KS_OK);
    for (size_t i = 0; i < KS_ARRAY_LEN(q); i++) {
        struct ks_stmt *st = NULL;
        bool row = true;

        assert_int_equal(ks_db_prepare(db, q[i], &st, &d), KS_OK);
        while (!ks_stmt_step(st, &row, &d) && row)
            ks_buf_addf(out, "%s\n", ks_stmt_text(st, 0));
        ks_stmt_free(st);
    }
    ks_db_close(db);
}

/* Large documents are read member by member (stream_min): the Debian tracker
 * excerpt, an NVD API 2.0 response made of the real NVD records, and an
 * array of the real OSV records give exactly the rows the whole-tree reader
 * gives; a truncated response is one reject with nothing imported from it. */
static void test_streamed_documents(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    struct ks_buf nvd = KS_BUF_INIT(0), osv = KS_BUF_INIT(0), f = KS_BUF_INIT(0);
    struct ks_buf whole = KS_BUF_INIT(0), streamed = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    const char *nvds[] = {"nvd/CVE-2021-44228.json", "nvd/CVE-2024-0727.json"};
    const char *osvs[] = {"osv/GHSA-jfh8-c2jp-5v3q.json", "osv/DLA-3623-1.json",
                          "osv/USN-6622-1.json"};
    char pn[400], po[400], pt[400], pdb[400];

    ks_buf_addf(&nvd, "{\"resultsPerPage\":2,\"startIndex\":0,\"totalResults\":2,"
                      "\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[");
    for (size_t i = 0; i < KS_ARRAY_LEN(nvds); i++) {
        ks_buf_reset(&f);
        assert_int_equal(ks_file_read(data(nvds[i]), 1 << 20, &f, &d), KS_OK);
        ks_buf_addf(&nvd, "%s{\"cve\":%.*s}", i ? "," : "", (int)f.len, f.ptr);
    }
    ks_buf_addf(&nvd, "],\"timestamp\":\"2025-01-01T00:00:00.000\"}");
    ks_buf_addf(&osv, "[");
    for (size_t i = 0; i < KS_ARRAY_LEN(osvs); i++) {
        ks_buf_reset(&f);
        assert_int_equal(ks_file_read(data(osvs[i]), 1 << 20, &f, &d), KS_OK);
        ks_buf_addf(&osv, "%s%.*s", i ? "," : "", (int)f.len, f.ptr);
    }
    ks_buf_addf(&osv, "]");
    snprintf(pn, sizeof(pn), "%s/nvd-response.json", tmpdir);
    snprintf(po, sizeof(po), "%s/osv-array.json", tmpdir);
    write_file(pn, ks_buf_str(&nvd));
    write_file(po, ks_buf_str(&osv));
    const char *in[] = {data("tracker/vunnel-debian.json"), pn, po};

    stream_min = 0;
    import_ok(in, 3, &rep);
    uint64_t counts[3][2];
    for (size_t i = 0; i < 3; i++) {
        counts[i][0] = rep.sources[i].read;
        counts[i][1] = rep.sources[i].imported;
        assert_true(rep.sources[i].imported > 0);
    }
    ks_vdb_import_report_release(&rep);
    dump_db(dbpath, &whole);
    snprintf(pdb, sizeof(pdb), "%s", dbpath);
    snprintf(dbpath, sizeof(dbpath), "%s/streamed.db", tmpdir);
    stream_min = 1;
    import_ok(in, 3, &rep);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(rep.sources[i].read, counts[i][0]);
        assert_int_equal(rep.sources[i].imported, counts[i][1]);
    }
    assert_string_equal(rep.sources[1].format, "nvd");
    assert_string_equal(rep.sources[0].format, "debian-tracker");
    ks_vdb_import_report_release(&rep);
    dump_db(dbpath, &streamed);
    assert_true(whole.len > 1000);
    assert_string_equal(ks_buf_str(&whole), ks_buf_str(&streamed));

    /* truncated in the second record: one reject, no record of that file */
    snprintf(pt, sizeof(pt), "%s/truncated.json", tmpdir);
    nvd.ptr[nvd.len * 3 / 4] = 0;
    write_file(pt, nvd.ptr);
    const char *tin[] = {pt};
    assert_int_equal(import(tin, 1, false, &rep, &d), KS_EPARSE); /* nothing but rejects */
    assert_int_equal(rep.sources[0].rejected, 1);
    assert_int_equal(rep.sources[0].imported, 0);
    assert_non_null(strstr(rep.sources[0].rejects[0], "truncated.json"));
    ks_vdb_import_report_release(&rep);
    stream_min = 0;
    snprintf(dbpath, sizeof(dbpath), "%s", pdb);
    ks_buf_release(&nvd);
    ks_buf_release(&osv);
    ks_buf_release(&f);
    ks_buf_release(&whole);
    ks_buf_release(&streamed);
}

/* A withdrawn advisory is kept (search finds it) but never matched. */
static void test_withdrawn(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    char p[400];
    snprintf(p, sizeof(p), "%s/w.json", tmpdir);
    write_file(p, "{\"id\":\"GHSA-xxxx-yyyy-zzzz\",\"modified\":\"2024-01-01T00:00:00Z\","
                  "\"withdrawn\":\"2024-01-02T00:00:00Z\",\"aliases\":[\"CVE-2099-0001\"],"
                  "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Foo_Bar\"},"
                  "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}");
    const char *in[] = {p};
    import_ok(in, 1, &rep);
    ks_vdb_import_report_release(&rep);
    const struct ks_value *doc = search("CVE-2099-0001");
    assert_non_null(doc);
    assert_non_null(ks_value_get_str(find_record(doc, "records", "GHSA-xxxx-yyyy-zzzz"),
                                     "withdrawn"));
    assert_int_equal(lookup("PyPI", "foo-bar", "1.0", NULL, NULL), 0);

    /* the same record not withdrawn: matched, name normalised (PEP 503) */
    write_file(p, "{\"id\":\"GHSA-xxxx-yyyy-zzzz\",\"modified\":\"2024-01-03T00:00:00Z\","
                  "\"aliases\":[\"CVE-2099-0001\"],"
                  "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Foo_Bar\"},"
                  "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}");
    import_ok(in, 1, &rep);
    assert_int_equal(rep.changed, 1);
    assert_int_equal(rep.added, 0);
    ks_vdb_import_report_release(&rep);
    assert_int_equal(lookup("PyPI", "foo.bar", "1.0", "CVE-2099-0001", NULL), 1);
}

static void file_digest(const char *path, char hex[KS_SHA256_HEX])
{
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    unsigned char h[KS_SHA256_LEN];
    assert_int_equal(ks_file_read(path, 1u << 30, &b, &d), KS_OK);
    ks_sha256(b.ptr, b.len, h);
    ks_hex(h, sizeof(h), hex);
    ks_buf_release(&b);
}

/* Change sets, re-import under another name, and atomicity. */
static void test_changes_and_atomicity(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    struct ks_diag d = KS_DIAG_INIT;
    char copy[400], cmd[1200], before[KS_SHA256_HEX], after[KS_SHA256_HEX];
    struct stat st1, st2;

    const char *in[] = {data("osv")};
    import_ok(in, 1, &rep);
    assert_int_equal(rep.added, 6);
    ks_vdb_import_report_release(&rep);
    assert_int_equal(stat(dbpath, &st1), 0);

    /* the same records under another name: nothing added, size grows <= 1% */
    snprintf(copy, sizeof(copy), "%s/other-name", tmpdir);
    snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", data("osv"), copy);
    assert_int_equal(system(cmd), 0);
    const char *in2[] = {copy};
    import_ok(in2, 1, &rep);
    assert_int_equal(rep.added + rep.changed + rep.removed, 0);
    ks_vdb_import_report_release(&rep);
    assert_int_equal(stat(dbpath, &st2), 0);
    assert_true(st2.st_size <= st1.st_size + st1.st_size / 100);

    /* one record removed from that source, one changed */
    snprintf(cmd, sizeof(cmd), "rm '%s/DSA-3029-1.json' && sed -i 's/2022-03-25T20:56:18Z/"
                               "2022-03-26T00:00:00Z/' '%s/GHSA-jfh8-c2jp-5v3q.json'",
             copy, copy);
    assert_int_equal(system(cmd), 0);
    import_ok(in2, 1, &rep);
    assert_int_equal(rep.removed, 1);
    assert_int_equal(rep.changed, 1);
    assert_int_equal(rep.added, 0);
    ks_vdb_import_report_release(&rep);
    assert_null(search("DSA-3029-1"));

    /* failures leave the file byte for byte: strict reject, missing input */
    file_digest(dbpath, before);
    char bad[400];
    snprintf(bad, sizeof(bad), "%s/bad.json", tmpdir);
    write_file(bad, "{\"id\": \"X-1\"}");
    const char *in3[] = {data("nvd"), bad};
    assert_int_equal(import(in3, 2, true, &rep, &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "bad.json"));
    assert_non_null(strstr(d.msg, "modified"));
    ks_vdb_import_report_release(&rep);
    const char *in4[] = {data("nvd"), "/nonexistent/feed"};
    assert_int_not_equal(import(in4, 2, false, &rep, &d), KS_OK);
    ks_vdb_import_report_release(&rep);
    file_digest(dbpath, after);
    assert_string_equal(before, after);
    /* no temporary file left behind */
    snprintf(cmd, sizeof(cmd), "test -z \"$(ls '%s' | grep tmp-)\"", tmpdir);
    assert_int_equal(system(cmd), 0);

    /* a file that is not a DB at all is refused, not overwritten */
    char notdb[400];
    struct ks_vdb *v = NULL;
    snprintf(notdb, sizeof(notdb), "%s/not.db", tmpdir);
    write_file(notdb, "hello, this is not sqlite");
    assert_int_equal(ks_vdb_open(notdb, &v, &d), KS_EPARSE);
}

static void osv_file(const char *dir, const char *id, const char *eco, const char *pkg,
                     const char *alias, const char *extra)
{
    char p[600], text[1024];

    snprintf(p, sizeof(p), "%s/%s.json", dir, id);
    snprintf(text, sizeof(text),
             "{\"id\":\"%s\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"%s\"],%s"
             "\"affected\":[{\"package\":{\"ecosystem\":\"%s\",\"name\":\"%s\"},"
             "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
             id, alias, extra, eco, pkg);
    write_file(p, text);
}

static ks_err add_change_key(const char *eco, const char *pkg, void *ctx)
{
    struct ks_buf *out = ctx;
    return ks_buf_addf(out, "%s:%s;", eco, pkg);
}

/* The keys of what changed since a digest (for a server's re-evaluation). */
static ks_err changes_since(const char *since, struct ks_buf *out, size_t *nimports,
                            struct ks_diag *d)
{
    struct ks_vdb *v = NULL;
    ks_err err = ks_vdb_open(dbpath, &v, d);

    ks_buf_reset(out);
    if (!err)
        err = ks_vdb_changes_since(v, since, add_change_key, out, nimports, d);
    ks_vdb_close(v);
    return err;
}

static void digest_of(const char *path, char out[KS_VDB_DIGEST_SIZE])
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_vdb *v = NULL;

    assert_int_equal(ks_vdb_open(path, &v, &d), KS_OK);
    assert_int_equal(ks_vdb_digest(v, out, &d), KS_OK);
    ks_vdb_close(v);
}

/* Each import records the packages its changes touch and the digest it
 * started from: a reader that saw an earlier digest gets exactly the
 * changed packages, or KS_ENOTFOUND when the history does not lead back. */
static void test_change_keys(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf keys = KS_BUF_INIT(0);
    char a[400], b[400], k[400], d1[KS_VDB_DIGEST_SIZE], d2[KS_VDB_DIGEST_SIZE],
            d3[KS_VDB_DIGEST_SIZE], other[420];
    size_t nimp = 0;

    snprintf(a, sizeof(a), "%s/a", tmpdir);
    snprintf(b, sizeof(b), "%s/b", tmpdir);
    snprintf(k, sizeof(k), "%s/kev.json", tmpdir);
    assert_int_equal(mkdir(a, 0755), 0);
    assert_int_equal(mkdir(b, 0755), 0);
    osv_file(a, "GHSA-aaaa-aaaa-aaaa", "PyPI", "Foo_Bar", "CVE-2099-0010", "");
    osv_file(a, "GHSA-bbbb-bbbb-bbbb", "PyPI", "baz", "CVE-2099-0011", "");
    osv_file(a, "GHSA-cccc-cccc-cccc", "npm", "Left-Pad", "CVE-2099-0012", "");
    osv_file(a, "PYSEC-2099-1", "PyPI", "qux", "CVE-2099-0013", "");
    const char *in1[] = {a};
    import_ok(in1, 1, &rep);
    ks_vdb_import_report_release(&rep);
    digest_of(dbpath, d1);
    /* Nothing seen before: no change set to speak of. */
    assert_int_equal(changes_since("", &keys, &nimp, &d), KS_ENOTFOUND);
    /* The same database: nothing changed. */
    assert_int_equal(changes_since(d1, &keys, &nimp, &d), KS_OK);
    assert_int_equal(keys.len, 0);

    /* baz's advisory withdrawn; a new advisory about qux's CVE on another
     * package: both packages of that vulnerability count (its findings'
     * identity and severity are per vulnerability). */
    osv_file(b, "GHSA-bbbb-bbbb-bbbb", "PyPI", "baz", "CVE-2099-0011",
             "\"withdrawn\":\"2024-02-01T00:00:00Z\",");
    osv_file(b, "GHSA-xxxx-xxxx-xxxx", "PyPI", "New.Pkg", "CVE-2099-0013", "");
    const char *in2[] = {b};
    import_ok(in2, 1, &rep);
    assert_int_equal(rep.withdrawn + rep.added, 2);
    ks_vdb_import_report_release(&rep);
    digest_of(dbpath, d2);
    assert_int_equal(changes_since(d1, &keys, &nimp, &d), KS_OK);
    assert_string_equal(ks_buf_str(&keys), "PyPI:baz;PyPI:new-pkg;PyPI:qux;");
    assert_int_equal(nimp, 1);

    /* A KEV entry about left-pad's CVE: its findings change (exploit flag). */
    write_file(k, "{\"catalogVersion\":\"1\",\"vulnerabilities\":[{\"cveID\":\"CVE-2099-0012\","
                  "\"dateAdded\":\"2024-03-01\"}]}");
    const char *in3[] = {k};
    import_ok(in3, 1, &rep);
    ks_vdb_import_report_release(&rep);
    digest_of(dbpath, d3);
    assert_int_equal(changes_since(d2, &keys, &nimp, &d), KS_OK);
    assert_string_equal(ks_buf_str(&keys), "npm:left-pad;");
    /* Over two imports: the union. */
    assert_int_equal(changes_since(d1, &keys, &nimp, &d), KS_OK);
    assert_string_equal(ks_buf_str(&keys), "PyPI:baz;PyPI:new-pkg;PyPI:qux;npm:left-pad;");
    assert_int_equal(nimp, 2);
    /* The same KEV catalogue again: nothing changed. */
    import_ok(in3, 1, &rep);
    ks_vdb_import_report_release(&rep);
    assert_int_equal(changes_since(d3, &keys, &nimp, &d), KS_OK);
    assert_int_equal(keys.len, 0);
    assert_int_equal(nimp, 0); /* the same digest: nothing to look at */

    /* A digest this database never had, and a database of another lineage
     * (built from b alone): the change cannot be trusted. */
    assert_int_equal(changes_since("0000", &keys, &nimp, &d), KS_ENOTFOUND);
    snprintf(other, sizeof(other), "%s/other.db", tmpdir);
    {
        struct ks_vdb_import_opts o = {.db_path = other, .lim = &lim};
        assert_int_equal(ks_vdb_import(&o, in2, 1, &rep, &d), KS_OK);
        ks_vdb_import_report_release(&rep);
    }
    assert_int_equal(rename(other, dbpath), 0);
    assert_int_equal(changes_since(d3, &keys, &nimp, &d), KS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "not derived"));
    ks_buf_release(&keys);
}

/* Malformed and hostile input: clear rejects naming file and record, the
 * rest imported, nothing corrupt. */
static void test_bad_input(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    struct ks_diag d = KS_DIAG_INIT;
    char dir[400], p[500];
    snprintf(dir, sizeof(dir), "%s/bad", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    static const struct {
        const char *name, *text, *reason;
    } cases[] = {
            {"a-malformed.json", "{\"id\": \"X-1\",", "a-malformed.json"},
            {"b-nomodified.json", "{\"id\": \"X-2\"}", "missing required field 'modified'"},
            {"c-unknown-eco.json",
             "{\"id\":\"X-3\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
             "{\"ecosystem\":\"NoSuchEco\",\"name\":\"p\"}}]}",
             "unknown ecosystem 'NoSuchEco'"},
            {"d-no-introduced.json",
             "{\"id\":\"X-4\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
             "{\"ecosystem\":\"PyPI\",\"name\":\"p\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
             "\"events\":[{\"fixed\":\"1\"}]}]}]}",
             "without an 'introduced' event"},
            {"e-wrong-type.json", "{\"id\":\"X-5\",\"modified\":\"x\",\"affected\":\"no\"}",
             "'affected' is not an array"},
            {"f-bad.yaml", "id: X-6\nmodified: [unclosed\n", "f-bad.yaml"},
            {"g-bad.xml", "<?xml version=\"1.0\"?><updates><update><id>A</update>", "g-bad.xml"},
            {"h-bad-epss.csv", "cve,epss,percentile\nCVE-1-1,2.5,0.1\n", "line 2"},
            {"i-unknown.json", "{\"hello\": 1}", "unrecognised document"},
            {"z-good.json",
             "{\"id\":\"X-OK\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":"
             "{\"ecosystem\":\"PyPI\",\"name\":\"okpkg\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
             "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.0\"}]}]}]}",
             NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, cases[i].name);
        write_file(p, cases[i].text);
    }
    /* nesting beyond the limit */
    struct ks_buf deep = KS_BUF_INIT(0);
    for (int i = 0; i < 600; i++)
        ks_buf_adds(&deep, "[");
    for (int i = 0; i < 600; i++)
        ks_buf_adds(&deep, "]");
    snprintf(p, sizeof(p), "%s/j-deep.json", dir);
    write_file(p, ks_buf_str(&deep));
    ks_buf_release(&deep);

    const char *in[] = {dir, data("nvd/CVE-2024-0727.json")};
    assert_int_equal(import(in, 2, false, &rep, &d), KS_OK);
    assert_int_equal(rep.sources[0].rejected, 10);
    assert_int_equal(rep.sources[0].imported, 1); /* z-good.json */
    assert_int_equal(rep.sources[1].imported, 1);
    for (size_t i = 0; i < KS_VDB_MAX_REJECTS_KEPT; i++) {
        assert_non_null(strstr(rep.sources[0].rejects[i], cases[i].reason));
        assert_non_null(strstr(rep.sources[0].rejects[i], "bad/"));
    }
    ks_vdb_import_report_release(&rep);
    assert_non_null(search("CVE-2024-0727"));

    /* zip: hostile member names rejected, the rest imported (all.zip shape) */
    const char *zin[] = {data("zip/osv-all.zip")};
    assert_int_equal(import(zin, 1, false, &rep, &d), KS_OK);
    assert_int_equal(rep.sources[0].imported, 2);
    assert_int_equal(rep.sources[0].rejected, 2);
    assert_non_null(strstr(rep.sources[0].rejects[0], ".."));
    ks_vdb_import_report_release(&rep);
    assert_non_null(search("GHSA-7rjr-3q55-vv33"));

    /* a decompression bomb and a truncated gzip: rejects, bounded */
    char trunc[400], cmd[1200];
    snprintf(trunc, sizeof(trunc), "%s/t.xml.gz", tmpdir);
    snprintf(cmd, sizeof(cmd), "head -c 1000 '%s' > '%s'",
             data("updateinfo/al2023-updateinfo.xml.gz"), trunc);
    assert_int_equal(system(cmd), 0);
    char bomb[1100];
    snprintf(bomb, sizeof(bomb), "%s/tests/data/ingest/archive/bomb.gz", ks_test_srcdir());
    const char *bin[] = {trunc, bomb};
    assert_int_equal(import(bin, 2, false, &rep, &d), KS_EPARSE);
    assert_int_equal(rep.sources[0].rejected, 1);
    ks_vdb_import_report_release(&rep);

    /* a source with nothing but rejects (say an error page served as the
     * feed) fails the import instead of removing that source's records */
    char html[400];
    snprintf(html, sizeof(html), "%s/ghsa.json", tmpdir);
    write_file(html, "<html>captive portal</html>");
    const char *hin[] = {html};
    ks_diag_clear(&d);
    assert_int_equal(import(hin, 1, false, &rep, &d), KS_EPARSE);
    assert_non_null(strstr(d.msg, "no valid record"));
    assert_non_null(strstr(d.msg, "ghsa.json"));
    ks_vdb_import_report_release(&rep);
    assert_non_null(search("GHSA-7rjr-3q55-vv33"));
    assert_non_null(search("CVE-2024-0727"));
}

/* `db lookup` agrees with the `versions` lists of the PyPA sample for every
 * listed version; ranges alone agree wherever they can be evaluated. */
/* The .deb reader of the apt importer on the fuzz seeds (made with dpkg-deb). */
static void test_deb_changelog(void **state)
{
    (void)state;
    struct ks_limits dl;
    struct ks_buf deb = KS_BUF_INIT(0), out = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    char path[512];
    static const char *const good[] = {"bar-xz.deb", "bar-gz.deb"};

    ks_limits_init(&dl);
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/fuzz/corpus/deb/%s", ks_test_srcdir(), good[i]);
        ks_buf_reset(&deb);
        ks_buf_reset(&out);
        assert_int_equal(ks_file_read(path, 1 << 20, &deb, &d), KS_OK);
        assert_int_equal(ks_vdb_deb_changelog(path, deb.ptr, deb.len, "bar", false, &dl, &out, &d),
                         KS_OK);
        assert_true(out.len > 20 && !memcmp(out.ptr, "bar (2.0-1+deb12u1) bookworm-security", 37));
        ks_buf_reset(&out);
        /* another binary's name: its doc directory is not in this .deb */
        assert_int_equal(ks_vdb_deb_changelog(path, deb.ptr, deb.len, "foo", false, &dl, &out, &d),
                         KS_ENOTFOUND);
    }
    snprintf(path, sizeof(path), "%s/fuzz/corpus/deb/truncated.deb", ks_test_srcdir());
    ks_buf_reset(&deb);
    assert_int_equal(ks_file_read(path, 1 << 20, &deb, &d), KS_OK);
    assert_int_equal(ks_vdb_deb_changelog("t.deb", deb.ptr, deb.len, "bar", false, &dl, &out, &d),
                     KS_EPARSE);
    assert_string_equal(d.msg, "'t.deb': ar member 'data.tar.xz' has a bad size");
    assert_int_equal(ks_vdb_deb_changelog("x.deb", "!<arch>\n", 8, "bar", false, &dl, &out, &d),
                     KS_EPARSE);
    assert_string_equal(d.msg, "'x.deb': no data.tar member");
    assert_int_equal(ks_vdb_deb_changelog("y.deb", "PK\3\4", 4, "bar", false, &dl, &out, &d),
                     KS_EPARSE);
    assert_string_equal(d.msg, "'y.deb': not a .deb (no ar header)");
    ks_buf_release(&deb);
    ks_buf_release(&out);
}

static void test_pypa_versions(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    struct ks_diag d = KS_DIAG_INIT;
    char pypi[1100];
    /* The PyPA advisories travel with the repository (zipped, read as an
     * OSV archive): a clone without ../shared runs this test too. */
    snprintf(pypi, sizeof(pypi), "%s/tests/data/vulndb/pypa-advisories.zip", ks_test_srcdir());
    const char *in[] = {pypi};
    import_ok(in, 1, &rep);
    assert_int_equal(rep.sources[0].imported, 2661);
    ks_vdb_import_report_release(&rep);

    /* The expected answers come from the advisories themselves (the zip
     * read again, each YAML parsed here), not from the database. */
    struct ks_vdb *v = NULL;
    struct ks_archive *ar = NULL;
    const struct ks_archive_entry *ent;
    struct ks_buf text = KS_BUF_INIT(0);
    struct ks_arena ya = KS_ARENA_INIT(1 << 16, 0);
    struct ks_arena a = KS_ARENA_INIT(1 << 16, 0);
    assert_int_equal(ks_vdb_open(dbpath, &v, &d), KS_OK);
    assert_int_equal(ks_archive_open_file(&ar, pypi, KS_ARCHIVE_ANY, &lim, NULL, &d), KS_OK);
    /* Every listed version with KS_VDB_FULL=1 (about 140,000 lookups, minutes
     * under ASan); by default every 13th. */
#ifdef __SANITIZE_ADDRESS__
    size_t stride = getenv("KS_VDB_FULL") ? 1 : 61, listed = 0; /* ASan is ~5x slower */
#else
    size_t stride = getenv("KS_VDB_FULL") ? 1 : 13, listed = 0;
#endif
    size_t checked = 0, missing = 0, files = 0, searched = 0;
    ks_err e;
    while ((e = ks_archive_next(ar, &ent, &d)) == KS_OK) {
        size_t nl = strlen(ent->name);
        if (ent->type != KS_ARCHIVE_FILE || nl < 5 || strcmp(ent->name + nl - 5, ".yaml"))
            continue;
        struct ks_value *doc = NULL;
        ks_buf_reset(&text);
        ks_arena_reset(&ya);
        assert_int_equal(ks_archive_read_all(ar, 1 << 24, &text, &d), KS_OK);
        assert_int_equal(ks_yaml_parse(&ya, ent->name, text.ptr, text.len, &lim, &doc, &d),
                         KS_OK);
        files++;
        const char *rid = ks_value_get_str(doc, "id");
        assert_non_null(rid);
        if (ks_value_get(doc, "withdrawn"))
            continue; /* kept but never matched */
        const struct ks_value *aff = ks_value_get(doc, "affected");
        /* every 50th advisory: `db search` counts the same versions */
        const struct ks_value *found_aff = NULL;
        if (files % 50 == 0) {
            const struct ks_value *sr = find_record(search(rid), "records", rid);
            assert_non_null(sr);
            found_aff = ks_value_get(sr, "affected");
            assert_int_equal(ks_value_len(found_aff), ks_value_len(aff));
        }
        for (size_t i = 0; i < ks_value_len(aff); i++) {
            const struct ks_value *one = ks_value_at(aff, i);
            const char *name = ks_value_str(ks_value_path(one, "package.name"));
            const struct ks_value *vers = ks_value_get(one, "versions");
            assert_non_null(name);
            if (found_aff) {
                size_t uniq = 0;
                for (size_t j = 0; j < ks_value_len(vers); j++) {
                    bool seen = false;
                    for (size_t k = 0; k < j && !seen; k++)
                        seen = !strcmp(ks_value_str(ks_value_at(vers, j)),
                                       ks_value_str(ks_value_at(vers, k)));
                    uniq += !seen;
                }
                const struct ks_value *vl =
                        ks_value_get(ks_value_at(found_aff, i), "versions_listed");
                int64_t listed_here = 0;
                if (vl)
                    assert_true(ks_value_int(vl, &listed_here));
                assert_int_equal(listed_here, uniq);
                searched += uniq;
            }
            for (size_t j = 0; j < ks_value_len(vers); j++) {
                const char *ver = ks_value_str(ks_value_at(vers, j));
                assert_non_null(ver);
                if (listed++ % stride)
                    continue;
                struct ks_vdb_match *m = NULL;
                size_t n = 0;
                assert_int_equal(ks_vdb_lookup(v, &a, "PyPI", name, ver, &m, &n, &d), KS_OK);
                bool found = false;
                for (size_t k = 0; k < n; k++)
                    found |= !strcmp(m[k].record, rid);
                if (!found && missing++ < 5)
                    print_message("# not matched: %s %s %s\n", rid, name, ver);
                free(m);
                ks_arena_reset(&a);
                checked++;
            }
        }
    }
    assert_int_equal(e, KS_ENOTFOUND);
    ks_archive_close(ar);
    ks_buf_release(&text);
    ks_arena_release(&ya);
    ks_arena_release(&a);
    ks_vdb_close(v);
    print_message("# %zu of %zu listed versions checked in %zu advisories\n", checked, listed,
                  files);
    assert_int_equal(files, 2661);
    assert_true(listed > 130000); /* 140,847 listed, less withdrawn records */
    assert_true(checked * stride >= listed);
    assert_int_equal(missing, 0);
    assert_true(searched > 1000); /* versions counted by `db search` */
}

/* The stored forms: front-coded version lists (round trip, order, prefixes
 * longer than a nibble, damage) and the schema version check. */
static void test_codec(void **state)
{
    (void)state;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf b = KS_BUF_INIT(0);
    struct vdb_versions_iter it;
    char longv[200];
    memset(longv, 'x', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    const char *in[] = {"1.10.4", "1.10.3", "1.2",  "1.10.3", "", "2.0.0rc1",
                        longv,    "1.10",   "0.9b", "1.10.40"};
    const char *want[] = {"", "0.9b", "1.10", "1.10.3", "1.10.4", "1.10.40", "1.2", "2.0.0rc1",
                          longv};
    assert_int_equal(vdb_versions_encode(in, KS_ARRAY_LEN(in), &b, &d), KS_OK);
    vdb_versions_iter_init(&it, b.ptr, b.len);
    for (size_t i = 0; i < KS_ARRAY_LEN(want); i++) {
        const char *got = vdb_versions_next(&it);
        assert_non_null(got);
        assert_string_equal(got, want[i]);
    }
    assert_null(vdb_versions_next(&it));
    assert_false(it.bad);
    assert_int_equal(vdb_versions_count(b.ptr, b.len), KS_ARRAY_LEN(want));
    for (size_t i = 0; i < KS_ARRAY_LEN(want); i++)
        assert_true(vdb_versions_has(b.ptr, b.len, want[i]));
    assert_false(vdb_versions_has(b.ptr, b.len, "1.10.5"));
    assert_false(vdb_versions_has(b.ptr, b.len, "1.1"));
    assert_false(vdb_versions_has(b.ptr, b.len, "9"));
    assert_false(vdb_versions_has(NULL, 0, "1.2"));
    /* "1.10.3" after "1.10": 4 shared bytes, 2 new: one header byte */
    assert_true(b.len < 2 + 5 + 5 + 3 + 3 + 4 + 4 + 9 + 200);
    /* a prefix of 15+ bytes (LEB128 continuation) */
    const char *pre[] = {"1.0.0+build.20240101", "1.0.0+build.20240102"};
    assert_int_equal(vdb_versions_encode(pre, 2, &b, &d), KS_OK);
    assert_int_equal(b.len, 1 + 1 + 20 + 1 + 1 + 1); /* h,s-ext,20 bytes; h,p-ext,1 byte */
    assert_true(vdb_versions_has(b.ptr, b.len, "1.0.0+build.20240102"));
    /* damage: truncated, a prefix longer than the previous version */
    vdb_versions_iter_init(&it, b.ptr, b.len - 1);
    assert_non_null(vdb_versions_next(&it));
    assert_null(vdb_versions_next(&it));
    assert_true(it.bad);
    const unsigned char bad[] = {0x01, 'a', 0x51, 'b'};
    vdb_versions_iter_init(&it, bad, sizeof(bad));
    assert_string_equal(vdb_versions_next(&it), "a");
    assert_null(vdb_versions_next(&it));
    assert_true(it.bad);
    const unsigned char huge[] = {0x0f, 0xff, 0xff, 0xff, 0x7f};
    vdb_versions_iter_init(&it, huge, sizeof(huge));
    assert_null(vdb_versions_next(&it));
    assert_true(it.bad);
    /* over-long versions are refused (readers reject the record first) */
    char *big = malloc(VDB_VERSION_MAX + 2);
    assert_non_null(big);
    memset(big, '1', VDB_VERSION_MAX + 1);
    big[VDB_VERSION_MAX + 1] = '\0';
    const char *one[] = {big};
    assert_int_equal(vdb_versions_encode(one, 1, &b, &d), KS_ELIMIT);
    big[VDB_VERSION_MAX] = '\0';
    assert_int_equal(vdb_versions_encode(one, 1, &b, &d), KS_OK);
    vdb_versions_iter_init(&it, b.ptr, b.len);
    assert_string_equal(vdb_versions_next(&it), big);
    free(big);

    /* blobs: stored compressed, decoded with the same dictionary */
    size_t dl;
    const char *dict = vdb_blob_dict(&dl);
    assert_true(dl > 1000 && dl < 4096);
    assert_non_null(strstr(dict, "https://nvd.nist.gov/vuln/detail/CVE-"));
    assert_int_equal(vdb_blob_decode("\x03\x00", 2, &b, &d), KS_OK); /* empty raw block */
    ks_buf_reset(&b);
    assert_int_equal(vdb_blob_decode("\xff\xff", 2, &b, &d), KS_EPARSE);
    assert_string_equal(d.msg, "stored details: corrupt deflate data");
    ks_buf_release(&b);
}

/* A database of another schema version is refused by readers and by
 * import, with a message that says what to do. */
static void test_schema_version(void **state)
{
    (void)state;
    struct ks_vdb_import_report rep;
    struct ks_diag d = KS_DIAG_INIT;
    const char *in[] = {data("osv/GHSA-jfh8-c2jp-5v3q.json")};
    import_ok(in, 1, &rep);
    ks_vdb_import_report_release(&rep);
    struct ks_db *db = NULL;
    assert_int_equal(ks_db_open(dbpath, KS_DB_CREATE, &db, &d), KS_OK);
    assert_int_equal(
            ks_db_exec(db, "UPDATE meta SET value='1' WHERE key='schema_version'", &d), KS_OK);
    ks_db_close(db);
    struct ks_vdb *v = NULL;
    assert_int_equal(ks_vdb_open(dbpath, &v, &d), KS_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "vulnerability DB schema version 1, this kensa reads 2"));
    struct ks_vdb_import_opts o = {.db_path = dbpath, .lim = &lim};
    assert_int_equal(ks_vdb_import(&o, in, 1, &rep, &d), KS_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "schema version 1, this kensa writes 2"));
    assert_non_null(strstr(d.msg, dbpath));
    assert_null(strstr(d.msg, ".tmp-"));
    ks_vdb_import_report_release(&rep);
}

/* Who published a record: by feed, id prefix, else the affected ecosystem. */
static void test_source_of(void **state)
{
    (void)state;
    assert_string_equal(ks_vdb_source_of("nvd", "CVE-2021-44228", NULL), "NVD");
    assert_string_equal(ks_vdb_source_of("osv", "GHSA-jfh8-c2jp-5v3q", "Maven"), "GHSA");
    assert_string_equal(ks_vdb_source_of("osv", "GO-2023-1840", "Go"), "GO");
    assert_string_equal(ks_vdb_source_of("osv", "DLA-3623-1", "Debian:10"), "DEBIAN");
    assert_string_equal(ks_vdb_source_of("osv", "CVE-2024-0727", "Ubuntu:22.04:LTS"), "UBUNTU");
    assert_string_equal(ks_vdb_source_of("osv", "CVE-2024-1", "GIT"), "OSV");
    assert_string_equal(ks_vdb_source_of("debian-tracker", "CVE-2022-0456/chromium", "Debian:12"),
                        "DEBIAN");
    assert_string_equal(ks_vdb_source_of("apt", "x", "Ubuntu:22.04:LTS"), "UBUNTU");
    assert_string_equal(ks_vdb_source_of("updateinfo", "ALAS2-2018-1002", NULL), "AMAZON");
    assert_string_equal(ks_vdb_source_of("alpine-secdb", "v3.11/x", NULL), "ALPINE");
    assert_string_equal(ks_vdb_source_of(NULL, NULL, NULL), "OSV");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_alias_merge, setup, teardown),
            cmocka_unit_test_setup_teardown(test_advisories, setup, teardown),
            cmocka_unit_test_setup_teardown(test_os_feeds, setup, teardown),
            cmocka_unit_test_setup_teardown(test_streamed_documents, setup, teardown),
            cmocka_unit_test(test_source_of),
            cmocka_unit_test_setup_teardown(test_withdrawn, setup, teardown),
            cmocka_unit_test_setup_teardown(test_changes_and_atomicity, setup, teardown),
            cmocka_unit_test_setup_teardown(test_change_keys, setup, teardown),
            cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pypa_versions, setup, teardown),
            cmocka_unit_test(test_codec),
            cmocka_unit_test_setup_teardown(test_schema_version, setup, teardown),
            cmocka_unit_test(test_deb_changelog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
