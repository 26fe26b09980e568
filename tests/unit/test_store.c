#include "ks_test.h"

#include "store/store.h"

#include <unistd.h>

static char dir[] = "/tmp/ks_store_XXXXXX";
static char path[128];

static struct ks_store *open_store(void)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st = NULL;

    if (ks_store_open(path, &st, &d))
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

static void test_findings_lifecycle(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st = open_store();
    struct ks_finding_row rows[3] = {
            {"f1", "PACKAGE_VULNERABILITY", "CVE-2024-0727", "MEDIUM", 5.5, "CVE-2024-0727 - openssl",
             "openssl", "{\"v\":1}"},
            {"f2", "PACKAGE_VULNERABILITY", "CVE-2023-38545", "CRITICAL", 9.8,
             "CVE-2023-38545 - curl", "curl", "{\"v\":1}"},
            {"f3", "PACKAGE_VULNERABILITY", "CVE-2024-3094", "CRITICAL", 10, "CVE-2024-3094 - xz",
             "xz-utils", "{\"v\":1}"},
    };
    struct ks_apply_result r;
    struct ks_finding_state fs;
    char hist[512] = "";
    int64_t acct = 0, other = 0, n;
    bool changed;

    (void)state;
    assert_int_equal(ks_store_account_create(st, "fleet", false, 1, &acct, &d), KS_OK);
    assert_int_equal(ks_store_account_create(st, "others", false, 1, &other, &d), KS_OK);
    assert_int_equal(ks_store_resource_put(st, acct, "host-1", "host", "{\"env\":\"prod\"}", 10, &d),
                     KS_OK);
    assert_int_equal(ks_store_inventory_put(st, acct, "host-1", "sha256:aa", "{}", 2, 10, &changed,
                                            &d),
                     KS_OK);
    assert_true(changed);
    assert_int_equal(ks_store_inventory_put(st, acct, "host-1", "sha256:aa", "{}", 2, 11, &changed,
                                            &d),
                     KS_OK);
    assert_false(changed);

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
    rows[2] = (struct ks_finding_row){"f2", "PACKAGE_VULNERABILITY", "CVE-2023-38545", "CRITICAL",
                                      9.8, "CVE-2023-38545 - curl", "curl", "{\"v\":1}"};
    assert_int_equal(ks_store_findings_apply(st, acct, "host-1", rows, 3, "inventory", 400, &r, &d),
                     KS_OK);
    assert_int_equal(r.reopened, 1);
    assert_int_equal(r.reobserved, 2);
    assert_int_equal(ks_store_finding_history(st, "f2", count_history, hist, &d), KS_OK);
    assert_string_equal(hist, "100:->ACTIVE:inventory;300:ACTIVE>CLOSED:vulndb;"
                              "400:CLOSED>ACTIVE:inventory;");
    assert_int_equal(ks_store_outbox_count(st, &n, &d), KS_OK);
    assert_int_equal(n, 2 + 3 + 1); /* created×2; updated, created, closed; reopened */

    /* Tenant isolation: another account does not see the finding. */
    assert_int_equal(ks_store_finding_state(st, other, "f1", &fs, &d), KS_ENOTFOUND);

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

static void test_bad_store(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_store *st;
    char bad[160];
    FILE *f;

    (void)state;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_accounts_tokens),
            cmocka_unit_test(test_findings_lifecycle),
            cmocka_unit_test(test_bad_store),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
