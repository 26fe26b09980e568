#include "ks_test.h"

#include "core/hash.h"
#include "formats/json.h"
#include "sqlite/sqlite.h"
#include "store/store.h"

#include <unistd.h>

static char dir[] = "/tmp/ks_store_XXXXXX";

static int atoi_safe(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
static char path[128];

/* With KS_TEST_PG (tests/store/with-postgres.sh) every test runs against
 * PostgreSQL instead: "dir/NAME.db" becomes the database NAME. */
static const char *location(char *buf, size_t n)
{
    const char *host = getenv("KS_TEST_PG_HOST");
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

    if (!host)
        return path;
    snprintf(buf, n, "postgresql://kensa@/%.*s?host=%s", (int)(strlen(base) - 3), base, host);
    return buf;
}

static struct ks_store *open_store(void)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st = NULL;
    char loc[512];

    if (ks_store_open(location(loc, sizeof(loc)), &st, &d))
        fail_msg("%s", d.msg);
    return st;
}

static void test_accounts_tokens(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st = open_store();
    struct ks_account a;
    char token[KS_TOKEN_LEN], other[KS_TOKEN_LEN];
    int64_t admin, member, tid, tid2;
    bool has;

    (void)state;
    assert_int_equal(ks_store_has_admin(st, &has, &d), KS_OK);
    assert_false(has);
    assert_int_equal(ks_store_account_create(st, "org-admin", true, 100, &admin, &d), KS_OK);
    assert_int_equal(ks_store_account_create(st, "team-a", false, 101, &member, &d), KS_OK);
    assert_int_equal(ks_store_account_create(st, "team-a", false, 102, &tid, &d), KS_EINVAL);
    assert_string_equal(d.msg, "account 'team-a' exists");
    assert_int_equal(ks_store_has_admin(st, &has, &d), KS_OK);
    assert_true(has);

    assert_int_equal(ks_store_token_create(st, member, "ci", 103, token, &tid, &d), KS_OK);
    assert_int_equal(strlen(token), KS_TOKEN_LEN - 1);
    assert_int_equal(ks_store_token_create(st, admin, "ops", 103, other, &tid2, &d), KS_OK);
    assert_string_not_equal(token, other);
    assert_int_equal(ks_store_token_auth(st, token, &a, &d), KS_OK);
    assert_int_equal(a.id, member);
    assert_string_equal(a.name, "team-a");
    assert_false(a.admin);
    assert_int_equal(ks_store_token_auth(st, other, &a, &d), KS_OK);
    assert_true(a.admin);
    /* Wrong tokens: a flipped character, garbage, empty. */
    token[10] = token[10] == 'a' ? 'b' : 'a';
    assert_int_equal(ks_store_token_auth(st, token, &a, &d), KS_ENOTFOUND);
    token[10] = token[10] == 'a' ? 'b' : 'a';
    assert_int_equal(ks_store_token_auth(st, "ks_nope", &a, &d), KS_ENOTFOUND);
    assert_int_equal(ks_store_token_auth(st, "", &a, &d), KS_ENOTFOUND);
    /* A member cannot delete another account's token; deletion revokes. */
    assert_int_equal(ks_store_token_delete(st, tid2, member, &d), KS_ENOTFOUND);
    assert_int_equal(ks_store_token_delete(st, tid, member, &d), KS_OK);
    assert_int_equal(ks_store_token_auth(st, token, &a, &d), KS_ENOTFOUND);
    assert_int_equal(ks_store_token_delete(st, tid, 0, &d), KS_ENOTFOUND);
    ks_store_close(st);

    /* Reopening runs no migration again and keeps the data. */
    st = open_store();
    assert_int_equal(ks_store_token_auth(st, other, &a, &d), KS_OK);
    assert_int_equal(ks_store_account_get(st, member, &a, &d), KS_OK);
    assert_string_equal(a.name, "team-a");
    assert_int_equal(ks_store_account_get(st, 999, &a, &d), KS_ENOTFOUND);
    ks_store_close(st);
}

static ks_err count_history(int64_t at, const char *from, const char *to, const char *cause,
                            void *ctx)
{
    char *out = ctx;
    size_t n = strlen(out);

    snprintf(out + n, 512 - n, "%lld:%s>%s:%s;", (long long)at, from ? from : "-", to, cause);
    return KS_OK;
}

static struct ks_finding_row row(const char *id, const char *vuln, const char *sev, double score,
                                 const char *pkg)
{
    struct ks_finding_row r;
    static char titles[8][64];
    static int n;

    memset(&r, 0, sizeof(r));
    r.id = id;
    r.type = "PACKAGE_VULNERABILITY";
    r.vuln_id = vuln;
    r.severity = sev;
    r.score = score;
    snprintf(titles[n % 8], sizeof(titles[0]), "%s - %s", vuln, pkg);
    r.title = titles[n++ % 8];
    r.package = pkg;
    r.body = "{\"v\":1}";
    return r;
}

static void test_findings_lifecycle(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st = open_store();
    struct ks_finding_row rows[3] = {
            row("f1", "CVE-2024-0727", "MEDIUM", 5.5, "openssl"),
            row("f2", "CVE-2023-38545", "CRITICAL", 9.8, "curl"),
            row("f3", "CVE-2024-3094", "CRITICAL", 10, "xz-utils"),
    };
    struct ks_apply_result r;
    struct ks_finding_state fs;
    char hist[512] = "";
    int64_t acct = 0, other = 0, n, hook = 0;
    bool changed;

    (void)state;
    assert_int_equal(ks_store_account_create(st, "fleet", false, 1, &acct, &d), KS_OK);
    assert_int_equal(ks_store_account_create(st, "others", false, 1, &other, &d), KS_OK);
    assert_int_equal(ks_store_resource_put(st, acct, "host-1", "host", "{\"env\":\"prod\"}", 10, &d),
                     KS_OK);
    assert_int_equal(ks_store_inventory_put(st, acct, "host-1", "sha256:aa", "{}", 2, NULL, 10,
                                            &changed, &d),
                     KS_OK);
    assert_true(changed);
    assert_int_equal(ks_store_inventory_put(st, acct, "host-1", "sha256:aa", "{}", 2, NULL, 11,
                                            &changed, &d),
                     KS_OK);
    assert_false(changed);

    /* Events are kept for accounts with a webhook (acct), not for others. */
    assert_int_equal(ks_store_webhook_create(st, acct, "http://127.0.0.1:9/h", "0123456789abcdef0",
                                             1, &hook, &d),
                     KS_OK);
    /* First inventory: two findings open. */
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 2, "inventory", 100, &r, &d),
                     KS_OK);
    assert_int_equal(r.opened, 2);
    /* Same set again: re-observed only. */
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 2, "inventory", 200, &r, &d),
                     KS_OK);
    assert_int_equal(r.reobserved, 2);
    assert_int_equal(r.opened + r.closed + r.updated, 0);
    assert_int_equal(ks_store_finding_state(st, acct, "f1", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "ACTIVE");
    assert_int_equal(fs.first_observed, 100);
    assert_int_equal(fs.last_observed, 200);
    assert_int_equal(fs.updated, 100);
    /* New advisory data changes f1's body; f2's package is gone; f3 is new. */
    rows[0].body = "{\"v\":2}";
    rows[1] = rows[2];
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 2, "vulndb", 300, &r, &d),
                     KS_OK);
    assert_int_equal(r.updated, 1);
    assert_int_equal(r.opened, 1);
    assert_int_equal(r.closed, 1);
    assert_int_equal(ks_store_finding_state(st, acct, "f2", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "CLOSED");
    assert_int_equal(fs.updated, 300);
    /* f2 comes back: reopened, with its whole history kept. */
    rows[2] = row("f2", "CVE-2023-38545", "CRITICAL", 9.8, "curl");
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 3, "inventory", 400, &r, &d),
                     KS_OK);
    assert_int_equal(r.reopened, 1);
    assert_int_equal(r.reobserved, 2);
    assert_int_equal(ks_store_finding_history(st, acct, "f2", count_history, hist, &d), KS_OK);
    assert_string_equal(hist, "100:->ACTIVE:inventory;300:ACTIVE>CLOSED:vulndb;"
                              "400:CLOSED>ACTIVE:inventory;");
    assert_int_equal(ks_store_outbox_count(st, &n, &d), KS_OK);
    assert_int_equal(n, 2 + 3 + 1); /* created×2; updated, created, closed; reopened */

    /* Tenant isolation: another account does not see the finding. */
    assert_int_equal(ks_store_finding_state(st, other, "f1", &fs, &d), KS_ENOTFOUND);
    /* The other account has no webhook: its findings change, no event is kept. */
    assert_int_equal(ks_store_resource_put(st, other, "host-9", "host", NULL, 1, &d), KS_OK);
    assert_int_equal(ks_store_findings_apply(st, other, "host-9", rows, 1, "inventory", 450, &r, &d),
                     KS_OK);
    assert_int_equal(r.opened, 1);
    assert_int_equal(ks_store_outbox_count(st, &n, &d), KS_OK);
    assert_int_equal(n, 6);

    /* A failing apply (the same id twice) changes nothing at all. */
    rows[1] = rows[0];
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 2, "inventory", 500, &r, &d),
                     KS_EINVAL);
    assert_string_equal(d.msg, "finding 'f1' given twice");
    assert_int_equal(ks_store_finding_state(st, acct, "f2", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "ACTIVE");
    assert_int_equal(fs.last_observed, 400);
    assert_int_equal(ks_store_outbox_count(st, &n, &d), KS_OK);
    assert_int_equal(n, 6);
    ks_store_close(st);
}

/* ---- listing with filter criteria ---- */

struct collected {
    char ids[400][16];
    size_t n;
};

static ks_err collect(const char *id, int64_t account, const char *body,
                      const struct ks_finding_state *st, void *ctx)
{
    struct collected *c = ctx;

    (void)account;
    (void)body;
    (void)st;
    if (c->n < 400)
        snprintf(c->ids[c->n++], sizeof(c->ids[0]), "%s", id);
    return KS_OK;
}

static struct ks_arena list_arena;

static size_t count(struct ks_store *st, int64_t account, const char *criteria, ks_err want)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_limits lim = ks_limits_default;
    struct ks_list_query q = {account, NULL, NULL, KS_SORT_DESC, 100, NULL};
    struct collected *c = calloc(1, sizeof(*c));
    struct ks_value *v = NULL;
    char next[2048], token[2048];
    size_t total = 0;
    ks_err err;

    assert_non_null(c);
    if (criteria)
        assert_int_equal(ks_json_parse(&list_arena, "c", criteria, strlen(criteria), &lim, &v, &d),
                         KS_OK);
    q.criteria = v;
    do {
        c->n = 0;
        err = ks_store_findings_list(st, &q, collect, c, next, sizeof(next), &d);
        if (err != want)
            fail_msg("%s: %s", criteria ? criteria : "(all)", d.msg);
        total += c->n;
        snprintf(token, sizeof(token), "%s", next);
        q.next_token = token;
    } while (!err && next[0]);
    free(c);
    return err ? 0 : total;
}

static void test_findings_list(void **state)
{
    static const char *const sev[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNTRIAGED"};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st;
    struct ks_finding_row rows[250];
    char ids[250][16], vulns[250][24], vers[250][16];
    struct ks_apply_result r;
    int64_t a1, a2;

    (void)state;
    snprintf(path, sizeof(path), "%s/list.db", dir);
    st = open_store();
    ks_arena_init(&list_arena, 0, 0);
    assert_int_equal(ks_store_account_create(st, "one", false, 1, &a1, &d), KS_OK);
    assert_int_equal(ks_store_account_create(st, "two", false, 1, &a2, &d), KS_OK);
    assert_int_equal(ks_store_resource_put(st, a1, "web-1", "host", "{\"env\":\"prod\",\"team\":\"x\"}",
                                           1, &d),
                     KS_OK);
    assert_int_equal(ks_store_resource_put(st, a1, "img-1", "image", "{\"env\":\"dev\"}", 1, &d),
                     KS_OK);
    assert_int_equal(ks_store_resource_put(st, a2, "web-2", "host", NULL, 1, &d), KS_OK);
    assert_int_equal(ks_store_resource_put(st, a2, "bad", "host", "[1]", 1, &d), KS_EINVAL);
    for (int i = 0; i < 250; i++) {
        snprintf(ids[i], sizeof(ids[i]), "f%03d", i);
        snprintf(vulns[i], sizeof(vulns[i]), "CVE-%d-%04d", 2020 + i % 5, i);
        snprintf(vers[i], sizeof(vers[i]), "1.%d", i % 3);
        rows[i] = row(ids[i], vulns[i], sev[i % 5], i % 5 == 4 ? -1 : 10.0 - (i % 50) / 5.0,
                      i % 2 ? "openssl" : "curl");
        rows[i].package_version = vers[i];
        rows[i].fix_available = i % 3 ? "YES" : "NO";
        rows[i].has_epss = i % 4 != 0;
        rows[i].epss = (i % 100) / 100.0;
    }
    /* 100 findings on web-1, 50 on img-1 (account one), 100 on web-2 (two). */
    assert_int_equal(ks_store_findings_apply(st, a1, "web-1", rows, 100, "inventory", 1000, &r, &d),
                     KS_OK);
    assert_int_equal(ks_store_findings_apply(st, a1, "img-1", rows + 100, 50, "inventory", 2000, &r,
                                             &d),
                     KS_OK);
    assert_int_equal(ks_store_findings_apply(st, a2, "web-2", rows + 150, 100, "inventory", 3000,
                                             &r, &d),
                     KS_OK);

    assert_int_equal(count(st, 0, NULL, KS_OK), 250);
    assert_int_equal(count(st, a1, NULL, KS_OK), 150);
    assert_int_equal(count(st, a2, NULL, KS_OK), 100);
    assert_int_equal(count(st, 0, "{\"severity\":[{\"comparison\":\"EQUALS\",\"value\":\"CRITICAL\"},"
                                  "{\"comparison\":\"EQUALS\",\"value\":\"HIGH\"}]}",
                           KS_OK),
                     100);
    assert_int_equal(count(st, 0, "{\"severity\":[{\"comparison\":\"NOT_EQUALS\",\"value\":\"CRITICAL\"},"
                                  "{\"comparison\":\"NOT_EQUALS\",\"value\":\"HIGH\"}]}",
                           KS_OK),
                     150);
    assert_int_equal(count(st, 0, "{\"vulnerabilityId\":[{\"comparison\":\"PREFIX\",\"value\":\"CVE-2024\"}],"
                                  "\"resourceId\":[{\"comparison\":\"EQUALS\",\"value\":\"web-1\"}]}",
                           KS_OK),
                     20);
    /* PREFIX is case-sensitive, as the API defines it. */
    assert_int_equal(count(st, 0, "{\"vulnerabilityId\":[{\"comparison\":\"PREFIX\",\"value\":\"cve-\"}]}",
                           KS_OK),
                     0);
    assert_int_equal(count(st, 0, "{\"inspectorScore\":[{\"lowerInclusive\":9.0}]}", KS_OK), 25);
    assert_int_equal(count(st, 0, "{\"epssScore\":[{\"lowerInclusive\":0.5,\"upperInclusive\":0.59}]}",
                           KS_OK),
                     16);
    assert_int_equal(count(st, 0, "{\"firstObservedAt\":[{\"startInclusive\":\"1970-01-01T00:33:20Z\"}]}",
                           KS_OK),
                     150);
    assert_int_equal(count(st, 0, "{\"firstObservedAt\":[{\"endInclusive\":1999}]}", KS_OK), 100);
    assert_int_equal(count(st, 0, "{\"resourceTags\":[{\"comparison\":\"EQUALS\",\"key\":\"env\","
                                  "\"value\":\"prod\"}]}",
                           KS_OK),
                     100);
    assert_int_equal(count(st, 0, "{\"resourceTags\":[{\"comparison\":\"EQUALS\",\"key\":\"env\"}]}",
                           KS_OK),
                     150);
    assert_int_equal(count(st, 0, "{\"resourceType\":[{\"comparison\":\"EQUALS\",\"value\":\"image\"}]}",
                           KS_OK),
                     50);
    assert_int_equal(count(st, 0, "{\"vulnerablePackages\":[{\"name\":{\"comparison\":\"EQUALS\","
                                  "\"value\":\"openssl\"},\"version\":{\"comparison\":\"EQUALS\","
                                  "\"value\":\"1.0\"}}]}",
                           KS_OK),
                     42);
    assert_int_equal(count(st, 0, "{\"fixAvailable\":[{\"comparison\":\"EQUALS\",\"value\":\"NO\"}]}",
                           KS_OK),
                     84);
    /* Bad criteria are refused, never widened. */
    count(st, 0, "{\"nope\":[]}", KS_EINVAL);
    count(st, 0, "{\"ec2InstanceVpcId\":[{\"comparison\":\"EQUALS\",\"value\":\"v\"}]}", KS_EINVAL);
    count(st, 0, "{\"severity\":[{\"comparison\":\"LIKE\",\"value\":\"x\"}]}", KS_EINVAL);
    count(st, 0, "{\"severity\":[]}", KS_EINVAL);
    count(st, 0, "{\"inspectorScore\":[{\"lowerInclusive\":\"high\"}]}", KS_EINVAL);
    count(st, 0, "{\"updatedAt\":[{\"startInclusive\":\"yesterday\"}]}", KS_EINVAL);
    ks_store_close(st);
    ks_arena_release(&list_arena);
}

static void test_pagination(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st;
    struct ks_list_query q = {0, NULL, "SEVERITY", KS_SORT_DESC, 7, NULL};
    struct collected *c = calloc(1, sizeof(*c));
    char seen[250] = {0};
    char next[2048], token[2048];
    struct ks_finding_row extra;
    struct ks_apply_result r;
    size_t total = 0, pages = 0;

    (void)state;
    assert_non_null(c);
    snprintf(path, sizeof(path), "%s/list.db", dir);
    st = open_store();
    for (;;) {
        c->n = 0;
        assert_int_equal(ks_store_findings_list(st, &q, collect, c, next, sizeof(next), &d), KS_OK);
        for (size_t i = 0; i < c->n; i++) {
            int k = atoi_safe(c->ids[i] + 1);
            if (c->ids[i][0] == 'a')
                continue; /* the row inserted between pages */
            assert_false(seen[k]);
            seen[k] = 1;
        }
        total += c->n;
        pages++;
        if (pages == 3) {
            /* An insert between pages does not shift or repeat rows (ties
             * go in the sort's direction, by account, resource and id:
             * account 2's critical rows came first, this one comes after
             * the rest of account 1's). */
            extra = row("a000", "CVE-2030-0001", "CRITICAL", 9.9, "zlib");
            assert_int_equal(ks_store_findings_apply(st, 1, "api-9", &extra, 1, "x", 5000, &r, &d),
                             KS_OK);
        }
        if (!next[0])
            break;
        snprintf(token, sizeof(token), "%s", next);
        q.next_token = token;
    }
    /* Every stored row exactly once, and the one inserted behind the
     * current position once too. */
    for (int k = 0; k < 250; k++)
        assert_true(seen[k]);
    assert_int_equal(total, 251);
    assert_int_equal(pages, 36);
    /* A token from another sort, or garbage, is refused. */
    q.sort_field = "EPSS_SCORE";
    assert_int_equal(ks_store_findings_list(st, &q, collect, c, next, sizeof(next), &d), KS_EINVAL);
    q.next_token = "zz";
    assert_int_equal(ks_store_findings_list(st, &q, collect, c, next, sizeof(next), &d), KS_EINVAL);
    /* Well-formed tokens whose lengths lie (one so large the sum wraps). */
    q.sort_field = "SEVERITY";
    {
        static const char *const lies[] = {"SEVERITY|DESC|1|18446744073709551615|2|abc",
                                           "SEVERITY|DESC|1|2|18446744073709551615|abc",
                                           "SEVERITY|DESC|1|3|1|abc", "SEVERITY|DESC|1|x|1|abc"};

        for (size_t i = 0; i < KS_ARRAY_LEN(lies); i++) {
            ks_hex((const unsigned char *)lies[i], strlen(lies[i]), token);
            q.next_token = token;
            assert_int_equal(ks_store_findings_list(st, &q, collect, c, next, sizeof(next), &d),
                             KS_EINVAL);
        }
    }
    q.next_token = NULL;
    q.sort_field = "COLOUR";
    assert_int_equal(ks_store_findings_list(st, &q, collect, c, next, sizeof(next), &d), KS_EINVAL);
    free(c);
    ks_store_close(st);
}

struct agg {
    char keys[16][32];
    struct ks_severity_counts c[16];
    size_t n;
};

static ks_err collect_agg(const char *key, const struct ks_severity_counts *c, void *ctx)
{
    struct agg *a = ctx;

    if (a->n < 16) {
        snprintf(a->keys[a->n], sizeof(a->keys[0]), "%s", key ? key : "");
        a->c[a->n++] = *c;
    }
    return KS_OK;
}

/* The common findings/list pages are index walks, not sorts of every
 * match (SQLite's plan; PostgreSQL's is only checked to exist). */
static void test_list_plan(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_limits lim = ks_limits_default;
    struct ks_list_query q = {0, NULL, "SEVERITY", KS_SORT_DESC, 5, NULL};
    struct ks_buf plan = KS_BUF_INIT(0);
    struct collected *c = calloc(1, sizeof(*c));
    struct ks_value *crit;
    struct ks_store *st;
    char next[2048];
    bool pg = getenv("KS_TEST_PG_HOST") != NULL;
    const char *json = "{\"severity\":[{\"comparison\":\"EQUALS\",\"value\":\"HIGH\"},"
                       "{\"comparison\":\"EQUALS\",\"value\":\"CRITICAL\"}],"
                       "\"findingStatus\":[{\"comparison\":\"EQUALS\",\"value\":\"ACTIVE\"}]}";

    (void)state;
    assert_non_null(c);
    snprintf(path, sizeof(path), "%s/list.db", dir);
    st = open_store();
    ks_arena_init(&list_arena, 0, 0);
    assert_int_equal(ks_json_parse(&list_arena, "c", json, strlen(json), &lim, &crit, &d), KS_OK);
    q.criteria = crit;
    /* First page, then a later one (keyset: a seek, not a scan from the top). */
    for (int page = 0; page < 2; page++) {
        ks_buf_reset(&plan);
        assert_int_equal(ks_store_findings_list_plan(st, &q, &plan, &d), KS_OK);
        assert_true(plan.len > 0);
        if (!pg) {
            assert_non_null(strstr(ks_buf_str(&plan), "findings_status_severity"));
            assert_null(strstr(ks_buf_str(&plan), "TEMP B-TREE"));
        }
        c->n = 0;
        assert_int_equal(ks_store_findings_list(st, &q, collect, c, next, sizeof(next), &d), KS_OK);
        assert_int_equal(c->n, 5);
        q.next_token = ks_arena_strdup(&list_arena, next);
    }
    if (!pg)
        assert_non_null(strstr(ks_buf_str(&plan), "(severity_rank,account,rid,id)<(?,?,?,?)"));
    /* The default sort (last observed) with a status filter. */
    q.sort_field = NULL;
    q.next_token = NULL;
    ks_buf_reset(&plan);
    assert_int_equal(ks_store_findings_list_plan(st, &q, &plan, &d), KS_OK);
    if (!pg) {
        assert_non_null(strstr(ks_buf_str(&plan), "findings_status_seen"));
        assert_null(strstr(ks_buf_str(&plan), "TEMP B-TREE"));
    }
    ks_buf_release(&plan);
    free(c);
    ks_store_close(st);
    ks_arena_release(&list_arena);
}

struct rids {
    char text[512];
};

static ks_err collect_rid(int64_t account, const char *rid, void *ctx)
{
    struct rids *r = ctx;
    size_t n = strlen(r->text);

    snprintf(r->text + n, sizeof(r->text) - n, "%lld:%s;", (long long)account, rid);
    return KS_OK;
}

/* What re-evaluation after a database change relies on: the package keys
 * of each latest inventory, the digest last evaluated, and re-applying
 * part of a resource's findings without touching the rest. */
static void test_reevaluation(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_arena arena = KS_ARENA_INIT(0, 0);
    struct ks_pkg_key k1[] = {{"PyPI", "requests"}, {"PyPI", "urllib3"}, {"PyPI", "requests"}};
    struct ks_pkg_key k2[] = {{"npm", "lodash"}, {"PyPI", "urllib3"}};
    struct ks_pkg_key q1[] = {{"PyPI", "urllib3"}}, q2[] = {{"PyPI", "requests"}},
                      q3[] = {{"npm", "lodash"}, {"Go", "nope"}}, q4[] = {{"npm", "Lodash"}};
    struct ks_finding_row rows[3] = {
            row("r1", "CVE-2023-1", "HIGH", 7.5, "requests"),
            row("r2", "CVE-2023-2", "LOW", 3.1, "requests"),
            row("u1", "CVE-2023-3", "MEDIUM", 5.0, "urllib3"),
    };
    const char *scope[] = {"requests"};
    struct ks_finding_state fs;
    struct ks_apply_result r;
    struct rids got;
    const char *type, *body, *packed;
    int64_t rev = -1, rev2 = -1, first;
    char value[80];
    int64_t acct = 0, n;
    bool changed;

    (void)state;
    snprintf(path, sizeof(path), "%s/reeval.db", dir);
    struct ks_store *st = open_store();
    assert_int_equal(ks_store_account_create(st, "fleet", false, 1, &acct, &d), KS_OK);
    assert_int_equal(ks_store_inventory_count(st, &n, &d), KS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ks_store_resource_put(st, acct, "h1", "host", NULL, 1, &d), KS_OK);
    assert_int_equal(ks_store_resource_put(st, acct, "h2", "image", NULL, 1, &d), KS_OK);
    assert_int_equal(
            ks_store_inventory_put(st, acct, "h1", "d1", "{\"a\":1}", 7, "P1", 5, &changed, &d),
            KS_OK);
    assert_int_equal(
            ks_store_inventory_put(st, acct, "h2", "d2", "{\"b\":2}", 7, NULL, 5, &changed, &d),
            KS_OK);
    assert_int_equal(ks_store_inventory_count(st, &n, &d), KS_OK);
    assert_int_equal(n, 2);
    /* The packed form when there is one, else the document. */
    assert_int_equal(ks_store_inventory_latest(st, acct, "h2", &arena, &type, &body, &packed, &rev,
                                               &d),
                     KS_OK);
    assert_string_equal(type, "image");
    assert_string_equal(body, "{\"b\":2}");
    assert_null(packed);
    assert_int_equal(ks_store_inventory_latest(st, acct, "h1", &arena, &type, &body, &packed, &rev,
                                               &d),
                     KS_OK);
    assert_null(body);
    assert_string_equal(packed, "P1");
    /* The resource's revision comes with it; an inventory raises it. */
    assert_int_equal(ks_store_resource_revision(st, acct, "h1", &rev2, &d), KS_OK);
    assert_int_equal(rev2, rev);
    assert_true(rev >= 1);
    assert_int_equal(ks_store_resource_revision(st, acct, "h3", &rev2, &d), KS_OK);
    assert_int_equal(rev2, -1);
    first = rev;
    assert_int_equal(ks_store_inventory_latest(st, acct, "h3", &arena, &type, &body, &packed, &rev,
                                               &d),
                     KS_ENOTFOUND);
    /* A later inventory without one leaves none (never an older one's). */
    assert_int_equal(
            ks_store_inventory_put(st, acct, "h1", "d1b", "{\"a\":2}", 7, NULL, 6, &changed, &d),
            KS_OK);
    assert_int_equal(ks_store_inventory_latest(st, acct, "h1", &arena, &type, &body, &packed, &rev,
                                               &d),
                     KS_OK);
    assert_string_equal(body, "{\"a\":2}");
    assert_null(packed);
    assert_int_equal(ks_store_resource_revision(st, acct, "h1", &rev2, &d), KS_OK);
    assert_int_equal(rev2, rev);
    assert_int_equal(rev, first + 1);
    assert_int_equal(
            ks_store_inventory_put(st, acct, "h1", "d1", "{\"a\":1}", 7, "P1", 7, &changed, &d),
            KS_OK);

    /* Keys (duplicates ignored), looked up by key. */
    assert_int_equal(ks_store_inventory_keys_put(st, acct, "h1", k1, 3, &d), KS_OK);
    assert_int_equal(ks_store_inventory_keys_put(st, acct, "h2", k2, 2, &d), KS_OK);
    memset(&got, 0, sizeof(got));
    assert_int_equal(ks_store_resources_with(st, q1, 1, collect_rid, &got, &d), KS_OK);
    assert_true(!strcmp(got.text, "1:h1;1:h2;") || !strcmp(got.text, "1:h2;1:h1;"));
    memset(&got, 0, sizeof(got));
    assert_int_equal(ks_store_resources_with(st, q2, 1, collect_rid, &got, &d), KS_OK);
    assert_string_equal(got.text, "1:h1;");
    memset(&got, 0, sizeof(got));
    assert_int_equal(ks_store_resources_with(st, q3, 2, collect_rid, &got, &d), KS_OK);
    assert_string_equal(got.text, "1:h2;");
    memset(&got, 0, sizeof(got)); /* keys are compared exactly (names come normalised) */
    assert_int_equal(ks_store_resources_with(st, q4, 1, collect_rid, &got, &d), KS_OK);
    assert_string_equal(got.text, "");
    /* A new inventory's keys replace the old ones. */
    assert_int_equal(ks_store_inventory_keys_put(st, acct, "h1", k1 + 1, 1, &d), KS_OK);
    memset(&got, 0, sizeof(got));
    assert_int_equal(ks_store_resources_with(st, q2, 1, collect_rid, &got, &d), KS_OK);
    assert_string_equal(got.text, "");

    /* The digest the findings reflect. */
    assert_int_equal(ks_store_meta_get(st, "vulndb_digest", value, sizeof(value), &d), KS_OK);
    assert_string_equal(value, "");
    assert_int_equal(ks_store_meta_set(st, "vulndb_digest", "abc", &d), KS_OK);
    assert_int_equal(ks_store_meta_set(st, "vulndb_digest", "def", &d), KS_OK);
    assert_int_equal(ks_store_meta_get(st, "vulndb_digest", value, sizeof(value), &d), KS_OK);
    assert_string_equal(value, "def");
    assert_int_equal(ks_store_meta_get(st, "vulndb_digest", value, 3, &d), KS_ELIMIT);

    /* Re-applying only the findings of "requests": r1 changes, r2 is gone,
     * u1 (urllib3) is left alone although absent from the rows. */
    assert_int_equal(ks_store_findings_apply(st, acct, "h1", rows, 3, "inventory", 100, &r, &d),
                     KS_OK);
    assert_int_equal(r.opened, 3);
    rows[0].body = "{\"v\":2}";
    assert_int_equal(ks_store_findings_reapply(st, acct, "h1", scope, 1, NULL, rows, 1, "vulndb",
                                               200, &r, &d),
                     KS_OK);
    assert_int_equal(r.updated, 1);
    assert_int_equal(r.closed, 1);
    assert_int_equal(ks_store_finding_state(st, acct, "u1", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "ACTIVE");
    assert_int_equal(fs.last_observed, 100);
    assert_int_equal(ks_store_finding_state(st, acct, "r2", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "CLOSED");
    /* Unchanged findings are not rewritten: lastObservedAt stays at the
     * last inventory's time. */
    assert_int_equal(ks_store_findings_reapply(st, acct, "h1", NULL, 0, NULL, rows, 1, "vulndb",
                                               300, &r, &d),
                     KS_OK);
    assert_int_equal(r.reobserved, 1);
    assert_int_equal(r.closed, 1); /* u1: the whole resource this time */
    assert_int_equal(ks_store_finding_state(st, acct, "r1", &fs, &d), KS_OK);
    assert_int_equal(fs.last_observed, 100); /* neither re-evaluation observed h1 */
    assert_int_equal(fs.updated, 200);

    /* A new inventory's findings with its keys, in one transaction: more
     * keys than one insert statement takes. */
    {
        static char names[70][16];
        struct ks_pkg_key many[70];
        struct ks_finding_row one = row("k1", "CVE-2023-4", "LOW", 2.0, "pkg-00");
        for (int i = 0; i < 70; i++) {
            snprintf(names[i], sizeof(names[i]), "pkg-%02d", i);
            many[i].ecosystem = "npm";
            many[i].name = names[i];
        }
        assert_int_equal(ks_store_findings_apply_keys(st, acct, "h2", many, 70, &one, 1,
                                                      "inventory", 400, &r, &d),
                         KS_OK);
        for (int i = 0; i < 70; i += 23) {
            memset(&got, 0, sizeof(got));
            assert_int_equal(ks_store_resources_with(st, many + i, 1, collect_rid, &got, &d),
                             KS_OK);
            assert_string_equal(got.text, "1:h2;");
        }
        memset(&got, 0, sizeof(got)); /* h2's earlier keys are gone */
        assert_int_equal(ks_store_resources_with(st, k2, 1, collect_rid, &got, &d), KS_OK);
        assert_string_equal(got.text, "");
    }

    /* A batch: one transaction for its operations. */
    assert_int_equal(ks_store_batch_begin(st, &d), KS_OK);
    assert_int_equal(ks_store_batch_begin(st, &d), KS_EINVAL);
    rows[0].body = "{\"v\":3}";
    assert_int_equal(ks_store_findings_reapply(st, acct, "h1", NULL, 0, NULL, rows, 1, "vulndb",
                                               500, &r, &d),
                     KS_OK);
    assert_int_equal(ks_store_batch_end(st, &d), KS_OK);
    assert_int_equal(ks_store_finding_state(st, acct, "r1", &fs, &d), KS_OK);
    assert_int_equal(fs.updated, 500);
    assert_int_equal(ks_store_batch_end(st, &d), KS_OK); /* none open: nothing to do */
    /* A failed operation takes its whole batch back, and ends it. */
    assert_int_equal(ks_store_batch_begin(st, &d), KS_OK);
    rows[0].body = "{\"v\":5}";
    assert_int_equal(ks_store_findings_reapply(st, acct, "h1", NULL, 0, NULL, rows, 1, "vulndb",
                                               550, &r, &d),
                     KS_OK);
    rows[1] = rows[0];
    rows[1].body = "{\"v\":4}";
    assert_int_equal(ks_store_findings_reapply(st, acct, "h1", NULL, 0, NULL, rows, 2, "vulndb",
                                               600, &r, &d),
                     KS_EINVAL); /* r1 twice */
    assert_int_equal(ks_store_batch_end(st, &d), KS_OK);
    assert_int_equal(ks_store_finding_state(st, acct, "r1", &fs, &d), KS_OK);
    assert_int_equal(fs.updated, 500);
    rows[0].body = "{\"v\":3}";

    /* A wide scope (read in one query, filtered by package): urllib3 is
     * outside it and stays ACTIVE although absent from the rows. */
    {
        const char *wide[] = {"a", "b", "c", "requests", "d", "e", "f", "g", "h"};
        struct ks_finding_row two[2] = {rows[0], row("u1", "CVE-2023-3", "MEDIUM", 5.0, "urllib3")};

        assert_int_equal(ks_store_findings_apply(st, acct, "h1", two, 2, "inventory", 700, &r, &d),
                         KS_OK);
        assert_int_equal(r.reopened, 1);
        two[0].body = "{\"v\":5}";
        assert_int_equal(ks_store_findings_reapply(st, acct, "h1", wide, 9, NULL, two, 1, "vulndb",
                                                   800, &r, &d),
                         KS_OK);
        assert_int_equal(r.updated, 1);
        assert_int_equal(r.closed, 0);
        assert_int_equal(ks_store_finding_state(st, acct, "u1", &fs, &d), KS_OK);
        assert_string_equal(fs.status, "ACTIVE");
        assert_int_equal(fs.updated, 700);
    }
    ks_arena_release(&arena);
    ks_store_close(st);
}

static ks_err collect_cov(const struct ks_coverage *c, void *ctx)
{
    char *out = ctx;
    size_t n = strlen(out);

    snprintf(out + n, 256 - n, "%lld:%s:%s:%lld;", (long long)c->account, c->rid, c->type,
             (long long)c->last_inventory_at);
    return KS_OK;
}

static ks_err collect_usage(int64_t account, const char *type, int64_t day, int64_t count,
                            void *ctx)
{
    char *out = ctx;
    size_t n = strlen(out);

    snprintf(out + n, 256 - n, "%lld:%s:%lld:%lld;", (long long)account, type, (long long)day,
             (long long)count);
    return KS_OK;
}

static void test_aggregate(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_limits lim = ks_limits_default;
    struct ks_value *crit;
    struct ks_store *st;
    struct agg a;
    char text[256] = "";

    (void)state;
    snprintf(path, sizeof(path), "%s/list.db", dir);
    st = open_store();
    ks_arena_init(&list_arena, 0, 0);
    memset(&a, 0, sizeof(a));
    assert_int_equal(ks_store_aggregate(st, 0, "SEVERITY", NULL, 100, collect_agg, &a, &d), KS_OK);
    assert_int_equal(a.n, 5);
    assert_string_equal(a.keys[0], "CRITICAL");
    assert_int_equal(a.c[0].all, 51);
    assert_int_equal(a.c[0].critical, 51);
    memset(&a, 0, sizeof(a));
    assert_int_equal(ks_store_aggregate(st, 1, "RESOURCE", NULL, 100, collect_agg, &a, &d), KS_OK);
    assert_int_equal(a.n, 3); /* web-1, img-1, and api-9 of test_pagination */
    assert_string_equal(a.keys[2], "api-9");
    assert_string_equal(a.keys[0], "web-1");
    assert_int_equal(a.c[0].all, 100);
    assert_int_equal(a.c[0].critical, 20);
    assert_int_equal(a.c[0].high, 20);
    assert_int_equal(a.c[0].other, 20); /* UNTRIAGED */
    assert_string_equal(a.keys[1], "img-1");
    memset(&a, 0, sizeof(a));
    assert_int_equal(ks_json_parse(&list_arena, "c",
                                   "{\"severity\":[{\"comparison\":\"EQUALS\",\"value\":\"CRITICAL\"}]}",
                                   57, &lim, &crit, &d),
                     KS_OK);
    assert_int_equal(ks_store_aggregate(st, 0, "PACKAGE", crit, 100, collect_agg, &a, &d), KS_OK);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.c[0].all + a.c[1].all + a.c[2].all, 51);
    assert_string_equal(a.keys[2], "zlib");
    assert_int_equal(ks_store_aggregate(st, 0, "COLOUR", NULL, 100, collect_agg, &a, &d),
                     KS_EINVAL);
    assert_int_equal(ks_store_coverage(st, 1, collect_cov, text, &d), KS_OK);
    assert_string_equal(text, "1:img-1:image:0;1:web-1:host:0;");
    ks_store_close(st);
    ks_arena_release(&list_arena);

    snprintf(path, sizeof(path), "%s/store.db", dir);
    st = open_store();
    text[0] = '\0';
    assert_int_equal(ks_store_usage(st, 0, collect_usage, text, &d), KS_OK);
    assert_string_equal(text, "3:host:0:1;");
    ks_store_close(st);
}

static size_t with_status(struct ks_store *st, int64_t account, const char *status)
{
    char crit[128];

    snprintf(crit, sizeof(crit),
             "{\"findingStatus\":[{\"comparison\":\"EQUALS\",\"value\":\"%s\"}]}", status);
    return count(st, account, crit, KS_OK);
}

static void test_suppression(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_filter_rec f;
    struct ks_finding_state fs;
    struct ks_finding_row extra;
    struct ks_apply_result r;
    struct ks_store *st;
    int64_t low_rule, org_rule, admin, dummy;

    (void)state;
    snprintf(path, sizeof(path), "%s/list.db", dir);
    st = open_store();
    ks_arena_init(&list_arena, 0, 0);
    memset(&f, 0, sizeof(f));
    /* Account 1 suppresses its LOW findings: 30 of its 150. */
    f.account = 1;
    f.name = "low-noise";
    f.action = "SUPPRESS";
    f.criteria = "{\"severity\":[{\"comparison\":\"EQUALS\",\"value\":\"LOW\"}]}";
    f.reason = "accepted";
    assert_int_equal(ks_store_filter_create(st, &f, 6000, &low_rule, &d), KS_OK);
    assert_int_equal(with_status(st, 1, "SUPPRESSED"), 30);
    assert_int_equal(with_status(st, 2, "SUPPRESSED"), 0);
    assert_int_equal(ks_store_filter_create(st, &f, 6000, &dummy, &d), KS_EINVAL);
    assert_string_equal(d.msg, "filter 'low-noise' exists");
    /* A saved view (NONE) changes nothing. */
    f.name = "view";
    f.action = "NONE";
    assert_int_equal(ks_store_filter_create(st, &f, 6000, &dummy, &d), KS_OK);
    assert_int_equal(with_status(st, 0, "SUPPRESSED"), 30);
    /* An administrator's rule applies to every account. */
    assert_int_equal(ks_store_account_create(st, "org", true, 1, &admin, &d), KS_OK);
    f.account = admin;
    f.name = "old-cves";
    f.action = "SUPPRESS";
    f.criteria = "{\"vulnerabilityId\":[{\"comparison\":\"PREFIX\",\"value\":\"CVE-2020-\"}]}";
    assert_int_equal(ks_store_filter_create(st, &f, 6100, &org_rule, &d), KS_OK);
    assert_int_equal(with_status(st, 2, "SUPPRESSED"), 20);
    /* New findings meet the rules as they arrive. */
    extra = row("n001", "CVE-2020-9999", "HIGH", 7.0, "zlib");
    assert_int_equal(ks_store_findings_apply(st, 2, "web-3", &extra, 1, "inventory", 6200, &r, &d),
                     KS_OK);
    assert_int_equal(ks_store_finding_state(st, 2, "n001", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "SUPPRESSED");
    /* Removing a rule returns its findings to ACTIVE. */
    assert_int_equal(ks_store_filter_delete(st, 0, org_rule, 6300, &d), KS_OK);
    assert_int_equal(with_status(st, 2, "SUPPRESSED"), 0);
    assert_int_equal(ks_store_finding_state(st, 2, "n001", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "ACTIVE");
    /* Updating the account-1 rule to MEDIUM moves the suppression. */
    memset(&f, 0, sizeof(f));
    f.id = low_rule;
    f.account = 1;
    f.criteria = "{\"severity\":[{\"comparison\":\"EQUALS\",\"value\":\"MEDIUM\"}]}";
    assert_int_equal(ks_store_filter_update(st, &f, 6400, &d), KS_OK);
    assert_int_equal(with_status(st, 1, "SUPPRESSED"), 30);
    assert_int_equal(count(st, 1, "{\"findingStatus\":[{\"comparison\":\"EQUALS\",\"value\":"
                                  "\"SUPPRESSED\"}],\"severity\":[{\"comparison\":\"EQUALS\","
                                  "\"value\":\"MEDIUM\"}]}",
                           KS_OK),
                     30);
    /* Another account cannot touch the rule; bad criteria are refused. */
    f.account = 2;
    assert_int_equal(ks_store_filter_update(st, &f, 6500, &d), KS_ENOTFOUND);
    assert_int_equal(ks_store_filter_delete(st, 2, low_rule, 6500, &d), KS_ENOTFOUND);
    f.account = 1;
    f.criteria = "{\"colour\":[]}";
    assert_int_equal(ks_store_filter_update(st, &f, 6500, &d), KS_EINVAL);
    f.criteria = NULL;
    f.action = "HIDE";
    assert_int_equal(ks_store_filter_update(st, &f, 6500, &d), KS_EINVAL);
    ks_store_close(st);
    ks_arena_release(&list_arena);
}

struct cov_find {
    const char *rid;
    char status[32], reason[32];
};

static ks_err find_cov(const struct ks_coverage *c, void *ctx)
{
    struct cov_find *f = ctx;

    if (!strcmp(c->rid, f->rid)) {
        snprintf(f->status, sizeof(f->status), "%s", c->status ? c->status : "-");
        snprintf(f->reason, sizeof(f->reason), "%s", c->reason ? c->reason : "-");
    }
    return KS_OK;
}

static ks_err count_latest(int64_t account, const char *rid, const char *type, const char *body,
                           const char *packed, int64_t revision, void *ctx)
{
    (void)account;
    (void)type;
    (void)revision;
    /* Stored with a packed form: no body. */
    if (!strcmp(rid, "cov-1") && !body && packed && !strcmp(packed, "packed"))
        ++*(int *)ctx;
    return KS_OK;
}

/* Coverage changes are recorded once and announced; a removed resource's
 * findings close and it leaves re-evaluation; unfinished reports fail. */
static void test_coverage_reports(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st = open_store();
    struct ks_finding_row rows[1] = {row("cv1", "CVE-2024-0727", "MEDIUM", 5.5, "openssl")};
    struct cov_find cf = {"cov-1", "", ""};
    struct ks_apply_result r;
    struct ks_finding_state fs;
    struct ks_report_rec rep;
    int64_t acct = 0, hook = 0, before, after, rep1 = 0, rep2 = 0, n = 0;
    bool changed = false;
    int latest = 0;

    (void)state;
    assert_int_equal(ks_store_account_create(st, "coverage", false, 1, &acct, &d), KS_OK);
    assert_int_equal(ks_store_webhook_create(st, acct, "http://127.0.0.1:9/h", "0123456789abcdef0",
                                             1, &hook, &d),
                     KS_OK);
    assert_int_equal(ks_store_coverage_set(st, acct, "nope", "ACTIVE", "SUCCESSFUL", NULL, 5,
                                           &changed, &d),
                     KS_ENOTFOUND);
    assert_int_equal(ks_store_resource_put(st, acct, "cov-1", "host", NULL, 10, &d), KS_OK);
    assert_int_equal(ks_store_inventory_put(st, acct, "cov-1", "sha256:bb", "{}", 2, "packed", 10,
                                            &changed, &d),
                     KS_OK);
    assert_int_equal(ks_store_outbox_count(st, &before, &d), KS_OK);
    assert_int_equal(ks_store_coverage_set(st, acct, "cov-1", "ACTIVE", "SUCCESSFUL", NULL, 11,
                                           &changed, &d),
                     KS_OK);
    assert_true(changed);
    assert_int_equal(ks_store_coverage_set(st, acct, "cov-1", "ACTIVE", "SUCCESSFUL", NULL, 12,
                                           &changed, &d),
                     KS_OK);
    assert_false(changed);
    assert_int_equal(ks_store_coverage_set(st, acct, "cov-1", "INACTIVE", "UNSUPPORTED_OS",
                                           "no ecosystem", 13, &changed, &d),
                     KS_OK);
    assert_true(changed);
    assert_int_equal(ks_store_outbox_count(st, &after, &d), KS_OK);
    assert_int_equal(after - before, 2);
    assert_int_equal(ks_store_coverage(st, acct, find_cov, &cf, &d), KS_OK);
    assert_string_equal(cf.status, "INACTIVE");
    assert_string_equal(cf.reason, "UNSUPPORTED_OS");

    assert_int_equal(ks_store_findings_apply(st, acct, "cov-1", rows, 1, "inventory", 20, &r, &d),
                     KS_OK);
    assert_int_equal(ks_store_inventories_latest(st, count_latest, &latest, &d), KS_OK);
    assert_int_equal(latest, 1);
    assert_int_equal(ks_store_resource_remove(st, acct, "cov-1", 30, &r, &d), KS_OK);
    assert_int_equal(r.closed, 1);
    assert_int_equal(ks_store_finding_state(st, acct, "cv1", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "CLOSED");
    latest = 0;
    assert_int_equal(ks_store_inventories_latest(st, count_latest, &latest, &d), KS_OK);
    assert_int_equal(latest, 0);
    assert_int_equal(ks_store_coverage(st, acct, find_cov, &cf, &d), KS_OK);
    assert_string_equal(cf.reason, "RESOURCE_REMOVED");
    assert_int_equal(ks_store_resource_remove(st, acct, "nope", 30, &r, &d), KS_ENOTFOUND);

    assert_int_equal(ks_store_report_create(st, acct, "findings", "CSV", 40, &rep1, &d), KS_OK);
    assert_int_equal(ks_store_report_create(st, acct, "findings", "JSON", 40, &rep2, &d), KS_OK);
    assert_int_equal(ks_store_report_finish(st, rep1, true, "/r/1.csv", NULL, 1234, 7, 41, &d),
                     KS_OK);
    assert_int_equal(ks_store_reports_fail_unfinished(st, "server stopped", 50, &n, &d), KS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ks_store_report_get(st, acct, rep1, &rep, &d), KS_OK);
    assert_string_equal(rep.status, "SUCCEEDED");
    assert_int_equal(rep.size, 1234);
    assert_int_equal(rep.rows, 7);
    assert_int_equal(ks_store_report_get(st, acct, rep2, &rep, &d), KS_OK);
    assert_string_equal(rep.status, "FAILED");
    assert_string_equal(rep.error, "server stopped");
    assert_int_equal(ks_store_report_get(st, acct + 1000, rep2, &rep, &d), KS_ENOTFOUND);
    ks_store_close(st);
}

static ks_err collect_bodies(const char *id, int64_t account, const char *body,
                             const struct ks_finding_state *st, void *ctx)
{
    char *out = ctx;
    size_t n = strlen(out);

    (void)account;
    (void)st;
    snprintf(out + n, 1024 - n, "%s=%s;", id, body);
    return KS_OK;
}

/* Advisory descriptions are stored once per text key and put back into
 * every finding's body when read; a corrected description changes no
 * finding (nothing updated, no history), yet every finding shows it. */
static void test_descriptions(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_list_query q = {0, NULL, NULL, KS_SORT_ASC, 10, NULL};
    struct ks_finding_row rows[2];
    struct ks_apply_result r;
    struct ks_store *st;
    struct ks_arena a = KS_ARENA_INIT(4096, 0);
    struct ks_finding_state fs;
    const char *body;
    const char *const pkgs[] = {"zlib"};
    int64_t acct;
    char out[1024] = "", hist[512] = "", next[KS_PAGE_TOKEN_MAX];

    (void)state;
    snprintf(path, sizeof(path), "%s/texts.db", dir);
    st = open_store();
    assert_int_equal(ks_store_account_create(st, "texts", false, 1, &acct, &d), KS_OK);
    rows[0] = row("t1", "CVE-2023-0001", "HIGH", 7.5, "zlib");
    rows[0].body = "{\"id\":\"t1\",\"title\":\"T\",\"severity\":\"HIGH\"}";
    rows[0].text_key = "OSV|CVE-2023-0001";
    rows[0].description = "old";
    rows[0].text_at = strlen("{\"id\":\"t1\",\"title\":\"T\"");
    rows[1] = rows[0];
    rows[1].id = "t2";
    rows[1].body = "{\"id\":\"t2\",\"title\":\"T\",\"severity\":\"HIGH\"}";
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", &rows[0], 1, "inventory", 100, &r,
                                             &d),
                     KS_OK);
    assert_int_equal(ks_store_findings_apply(st, acct, "host-2", &rows[1], 1, "inventory", 100, &r,
                                             &d),
                     KS_OK);
    q.account = acct;
    assert_int_equal(ks_store_findings_list(st, &q, collect_bodies, out, next, sizeof(next), &d),
                     KS_OK);
    assert_string_equal(out, "t1={\"id\":\"t1\",\"title\":\"T\",\"description\":\"old\","
                             "\"severity\":\"HIGH\"};t2={\"id\":\"t2\",\"title\":\"T\","
                             "\"description\":\"old\",\"severity\":\"HIGH\"};");
    /* The advisory's description is corrected: host-1 is re-evaluated. */
    rows[0].description = "new \"quoted\"";
    assert_int_equal(ks_store_findings_reapply(st, acct, "host-1", pkgs, 1, NULL, &rows[0], 1,
                                               "vulndb", 200, &r, &d),
                     KS_OK);
    assert_int_equal(r.updated + r.opened + r.closed, 0);
    /* host-2's finding shows it too, and neither finding changed. */
    assert_int_equal(ks_store_finding_get(st, acct, "t2", &a, &body, &fs, &d), KS_OK);
    assert_string_equal(body, "{\"id\":\"t2\",\"title\":\"T\",\"description\":"
                              "\"new \\\"quoted\\\"\",\"severity\":\"HIGH\"}");
    assert_int_equal(fs.updated, 100);
    assert_int_equal(ks_store_finding_history(st, acct, "t1", count_history, hist, &d), KS_OK);
    assert_string_equal(hist, "100:->ACTIVE:inventory;");
    /* An advisory without a description: none in the body; one added
     * later, and removed again, changes no finding either. */
    rows[1].id = "t3";
    rows[1].body = "{\"id\":\"t3\",\"title\":\"U\",\"severity\":\"LOW\"}";
    rows[1].text_key = "OSV|CVE-2023-0002";
    rows[1].description = NULL;
    assert_int_equal(ks_store_findings_apply(st, acct, "host-3", &rows[1], 1, "inventory", 100, &r,
                                             &d),
                     KS_OK);
    assert_int_equal(ks_store_finding_get(st, acct, "t3", &a, &body, &fs, &d), KS_OK);
    assert_string_equal(body, rows[1].body);
    rows[1].description = "added";
    assert_int_equal(ks_store_findings_reapply(st, acct, "host-3", pkgs, 1, NULL, &rows[1], 1,
                                               "vulndb", 200, &r, &d),
                     KS_OK);
    assert_int_equal(r.updated, 0);
    assert_int_equal(ks_store_finding_get(st, acct, "t3", &a, &body, &fs, &d), KS_OK);
    assert_string_equal(body, "{\"id\":\"t3\",\"title\":\"U\",\"description\":\"added\","
                              "\"severity\":\"LOW\"}");
    rows[1].description = NULL;
    assert_int_equal(ks_store_findings_reapply(st, acct, "host-3", pkgs, 1, NULL, &rows[1], 1,
                                               "vulndb", 300, &r, &d),
                     KS_OK);
    assert_int_equal(r.updated, 0);
    assert_int_equal(ks_store_finding_get(st, acct, "t3", &a, &body, &fs, &d), KS_OK);
    assert_string_equal(body, rows[1].body);
    /* A body without a text key is served as stored. */
    rows[1] = rows[0];
    rows[1].id = "t2";
    rows[1].body = "{\"id\":\"t2\",\"title\":\"T\",\"severity\":\"HIGH\"}";
    rows[1].text_key = NULL;
    rows[1].description = NULL;
    assert_int_equal(ks_store_findings_apply(st, acct, "host-2", &rows[1], 1, "inventory", 300, &r,
                                             &d),
                     KS_OK);
    assert_int_equal(r.updated, 1);
    assert_int_equal(ks_store_finding_get(st, acct, "t2", &a, &body, &fs, &d), KS_OK);
    assert_string_equal(body, rows[1].body);
    /* A connection remembers the descriptions it wrote across its own
     * commits, but not across another connection's: st wrote "new
     * \"quoted\"" for t1's advisory, `other` writes "elsewhere", st then
     * applies t1 with its description again and it must be stored again. */
    {
        struct ks_store *other = open_store();

        rows[0].description = "elsewhere";
        assert_int_equal(ks_store_findings_reapply(other, acct, "host-1", pkgs, 1, NULL, &rows[0],
                                                   1, "vulndb", 400, &r, &d),
                         KS_OK);
        rows[0].description = "new \"quoted\"";
        assert_int_equal(ks_store_findings_reapply(st, acct, "host-1", pkgs, 1, NULL, &rows[0], 1,
                                                   "vulndb", 500, &r, &d),
                         KS_OK);
        assert_int_equal(ks_store_finding_get(other, acct, "t1", &a, &body, &fs, &d), KS_OK);
        assert_non_null(strstr(body, "\"description\":\"new \\\"quoted\\\"\""));
        ks_store_close(other);
    }
    ks_arena_release(&a);
    ks_store_close(st);
}

/* A store of schema 5 (history indexed by finding, not chained) keeps
 * every finding's history through migrations 6 and 7, in order, and goes
 * on from there. The store is taken back to version 5 with
 * SQLite's own SQL: with PostgreSQL this test has nothing to do (and is
 * not reported as skipped, which TAP would count as a failure). */
static void test_upgrade_history(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_finding_row rows[2];
    struct ks_apply_result r;
    struct ks_store *st;
    struct ks_db *db;
    int64_t acct;
    char hist[512] = "";

    (void)state;
    if (getenv("KS_TEST_PG_HOST"))
        return;
    snprintf(path, sizeof(path), "%s/upgrade.db", dir);
    st = open_store();
    assert_int_equal(ks_store_account_create(st, "old", false, 1, &acct, &d), KS_OK);
    assert_int_equal(ks_store_resource_put(st, acct, "host-1", "host", NULL, 1, &d), KS_OK);
    rows[0] = row("f1", "CVE-2023-0001", "HIGH", 7.5, "zlib");
    rows[1] = row("f2", "CVE-2023-0002", "LOW", 2.0, "zlib");
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 2, "inventory", 100, &r, &d),
                     KS_OK);
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 1, "inventory", 200, &r, &d),
                     KS_OK);
    ks_store_close(st);
    assert_int_equal(ks_db_open(path, KS_DB_CREATE, &db, &d), KS_OK);
    assert_int_equal(
            ks_db_exec(db,
                       "ALTER TABLE finding_history DROP COLUMN prev;"
                       "ALTER TABLE findings DROP COLUMN history_head;"
                       "ALTER TABLE findings DROP COLUMN text_key;"
                       "ALTER TABLE findings DROP COLUMN text_at;"
                       "DROP TABLE finding_texts;"
                       "CREATE INDEX finding_history_finding ON finding_history(account, finding);"
                       "DROP TABLE inventory_packed;"
                       "DROP INDEX inventory_packages_key;"
                       "CREATE INDEX inventory_packages_key ON inventory_packages(ecosystem, name);"
                       "ALTER TABLE resources DROP COLUMN revision;"
                       "UPDATE meta SET value = '5' WHERE key = 'schema_version';",
                       &d),
            KS_OK);
    ks_db_close(db);
    st = open_store();
    assert_int_equal(ks_store_finding_history(st, acct, "f1", count_history, hist, &d), KS_OK);
    assert_string_equal(hist, "100:->ACTIVE:inventory;");
    hist[0] = '\0';
    assert_int_equal(ks_store_finding_history(st, acct, "f2", count_history, hist, &d), KS_OK);
    assert_string_equal(hist, "100:->ACTIVE:inventory;200:ACTIVE>CLOSED:inventory;");
    /* f2 comes back: its chain goes on from the migrated rows. */
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 2, "inventory", 300, &r, &d),
                     KS_OK);
    hist[0] = '\0';
    assert_int_equal(ks_store_finding_history(st, acct, "f2", count_history, hist, &d), KS_OK);
    assert_string_equal(hist, "100:->ACTIVE:inventory;200:ACTIVE>CLOSED:inventory;"
                              "300:CLOSED>ACTIVE:inventory;");
    ks_store_close(st);
}

static void test_bad_store(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st;
    char bad[512];
    FILE *f;

    (void)state;
    if (getenv("KS_TEST_PG_HOST")) {
        snprintf(bad, sizeof(bad), "postgresql://kensa@/no_such_db?host=%s",
                 getenv("KS_TEST_PG_HOST"));
        assert_int_equal(ks_store_open(bad, &st, &d), KS_EDB);
        assert_non_null(strstr(d.msg, "no_such_db"));
        return;
    }
    snprintf(bad, sizeof(bad), "%s/garbage.db", dir);
    f = fopen(bad, "w");
    assert_non_null(f);
    fputs("definitely not a database file, but long enough to look like a header....", f);
    fclose(f);
    assert_int_equal(ks_store_open(bad, &st, &d), KS_EDB);
    assert_non_null(strstr(d.msg, "garbage.db"));
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/store.db", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[160];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Reapplies `row` (package "a") to `rid` through `st` with what `rd` read
 * of its findings ahead before `between` (may be NULL) changed the store. */
static struct ks_apply_result reapply_ahead(struct ks_store *st, struct ks_store *rd, int64_t acct,
                                            const char *rid, const struct ks_finding_row *row,
                                            int64_t at, void (*between)(struct ks_store *))
{
    static const char *const scope[] = {"a"};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_findings_ahead *ahead;
    struct ks_apply_result r;

    assert_int_equal(ks_store_findings_ahead(rd, acct, rid, scope, 1, row, 1, &ahead, &d), KS_OK);
    if (between)
        between(st);
    assert_int_equal(ks_store_findings_reapply(st, acct, rid, scope, 1, ahead, row, 1, "vulndb",
                                               at, &r, &d),
                     KS_OK);
    ks_store_findings_ahead_free(ahead);
    return r;
}

static struct ks_finding_row ahead_rows[3];

/* Between a read-ahead and its reapply: a new inventory for "h". */
static void new_inventory(struct ks_store *st)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_apply_result r;

    assert_int_equal(ks_store_findings_apply(st, 1, "h", ahead_rows, 3, "inventory", 300, &r, &d),
                     KS_OK);
    assert_int_equal(r.reopened, 1);
}

/* Between a read-ahead and its reapply: a rule that suppresses a1. */
static void new_rule(struct ks_store *st)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_filter_rec f;
    int64_t rule;

    memset(&f, 0, sizeof(f));
    f.account = 1;
    f.name = "quiet";
    f.action = "SUPPRESS";
    f.criteria = "{\"vulnerabilityId\":[{\"comparison\":\"EQUALS\",\"value\":\"CVE-2024-0001\"}]}";
    assert_int_equal(ks_store_filter_create(st, &f, 500, &rule, &d), KS_OK);
}

/* What a re-evaluation's producer reads ahead of the writer stands for
 * the stored findings only while they did not change: a read-ahead made
 * stale by an inventory or a suppression rule in between is not used (the
 * reapply reads them again), and a current one gives what reading gives. */
static void test_findings_ahead(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_finding_row *rows = ahead_rows, changed, loose[2];
    struct ks_apply_result r;
    struct ks_finding_state fs;
    struct ks_store *st, *rd;
    int64_t acct;
    char hist[512] = "";

    (void)state;
    snprintf(path, sizeof(path), "%s/ahead.db", dir);
    st = open_store();
    rd = open_store();
    assert_int_equal(ks_store_account_create(st, "ahead", false, 1, &acct, &d), KS_OK);
    assert_int_equal(acct, 1); /* new_inventory() and new_rule() use it */
    assert_int_equal(ks_store_resource_put(st, acct, "h", "host", NULL, 1, &d), KS_OK);
    rows[0] = row("a1", "CVE-2024-0001", "HIGH", 7.5, "a");
    rows[1] = row("a2", "CVE-2024-0002", "LOW", 2.0, "a");
    rows[2] = row("b1", "CVE-2024-0003", "HIGH", 7.5, "b");
    changed = rows[0];
    changed.body = "{\"v\":2}";
    assert_int_equal(ks_store_findings_apply(st, acct, "h", rows, 3, "inventory", 100, &r, &d),
                     KS_OK);

    /* Current: a1 updated, a2 closed, b1 (another package) untouched. */
    r = reapply_ahead(st, rd, acct, "h", &changed, 200, NULL);
    assert_int_equal(r.updated, 1);
    assert_int_equal(r.closed, 1);
    assert_int_equal(ks_store_finding_state(st, acct, "b1", &fs, &d), KS_OK);
    assert_string_equal(fs.status, "ACTIVE");

    /* Stale after an inventory: a2 came back in between; the read-ahead
     * (a2 CLOSED, a1 with body 2) must not be used: a1's body is 1 again,
     * so it is updated, and a2 is closed once more only because it is
     * ACTIVE now. */
    r = reapply_ahead(st, rd, acct, "h", &changed, 400, new_inventory);
    assert_int_equal(r.updated, 1);
    assert_int_equal(r.closed, 1);
    assert_int_equal(ks_store_finding_history(st, acct, "a2", count_history, hist, &d), KS_OK);
    assert_string_equal(hist, "100:->ACTIVE:inventory;200:ACTIVE>CLOSED:vulndb;"
                              "300:CLOSED>ACTIVE:inventory;400:ACTIVE>CLOSED:vulndb;");

    /* Stale after a suppression rule: a1 is SUPPRESSED now, and its
     * update is recorded as such (not from the ACTIVE read ahead). */
    changed.body = "{\"v\":3}";
    r = reapply_ahead(st, rd, acct, "h", &changed, 600, new_rule);
    assert_int_equal(r.updated, 1);
    hist[0] = '\0';
    assert_int_equal(ks_store_finding_history(st, acct, "a1", count_history, hist, &d), KS_OK);
    assert_non_null(strstr(hist, "500:ACTIVE>SUPPRESSED:filter;600:SUPPRESSED>SUPPRESSED:vulndb;"));

    /* A resource without a row (findings applied directly): never trusted,
     * still right. */
    loose[0] = row("l1", "CVE-2024-0001", "HIGH", 7.5, "a");
    loose[1] = row("l2", "CVE-2024-0002", "LOW", 2.0, "a");
    changed = loose[0];
    changed.body = "{\"v\":2}";
    assert_int_equal(ks_store_findings_apply(st, acct, "loose", loose, 2, "inventory", 700, &r, &d),
                     KS_OK);
    r = reapply_ahead(st, rd, acct, "loose", &changed, 800, NULL);
    assert_int_equal(r.updated, 1);
    assert_int_equal(r.closed, 1);
    ks_store_close(rd);
    ks_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_accounts_tokens), cmocka_unit_test(test_findings_lifecycle),
            cmocka_unit_test(test_findings_list),   cmocka_unit_test(test_pagination),
            cmocka_unit_test(test_list_plan),       cmocka_unit_test(test_aggregate),
            cmocka_unit_test(test_reevaluation),    cmocka_unit_test(test_findings_ahead),
            cmocka_unit_test(test_suppression),     cmocka_unit_test(test_coverage_reports),
            cmocka_unit_test(test_bad_store),       cmocka_unit_test(test_upgrade_history),
            cmocka_unit_test(test_descriptions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
