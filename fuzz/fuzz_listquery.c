/* fuzz/fuzz_listquery.c - the body of POST /findings/list and
 * /findings/aggregations (filterCriteria, sortCriteria, nextToken,
 * aggregationType) on arbitrary bytes, against a real SQLite store.
 *
 * Beyond "no crash": criteria that ks_store_filter_check() accepts must
 * compile to SQL the database accepts - a list or aggregation answers OK or
 * KS_EINVAL (a bad sort field, order or token), never a database error. */
#include "core/ks_common.h"

#include "core/arena.h"
#include "formats/json.h"
#include "store/store.h"

#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static struct ks_store *store;

static void cleanup(void)
{
    char cmd[128];

    ks_store_close(store);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd))
        fprintf(stderr, "cannot remove %s\n", dir);
}

static ks_err count(const char *id, int64_t account, const char *body,
                    const struct ks_finding_state *state, void *ctx)
{
    (void)id, (void)account, (void)body, (void)state;
    ++*(size_t *)ctx;
    return KS_OK;
}

static ks_err count_group(const char *key, const struct ks_severity_counts *c, void *ctx)
{
    (void)key, (void)c;
    ++*(size_t *)ctx;
    return KS_OK;
}

static void open_store(void)
{
    struct ks_diag d = KS_DIAG_INIT;
    char path[128];

    snprintf(dir, sizeof(dir), "/tmp/ks-fuzz-store-XXXXXX");
    if (!mkdtemp(dir))
        KS_BUG("mkdtemp failed");
    snprintf(path, sizeof(path), "%s/store.db", dir);
    if (ks_store_open(path, &store, &d))
        KS_BUG("cannot open a store: %s", d.msg);
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ks_limits lim = ks_limits_default;
    struct ks_arena a = KS_ARENA_INIT(1 << 14, 16u << 20);
    struct ks_value *body = NULL;
    struct ks_diag d = KS_DIAG_INIT;
    char next[512];
    size_t n = 0;

    if (!store)
        open_store();
    lim.max_json_depth = 64;
    if (ks_json_parse(&a, "fuzz.json", (const char *)data, size, &lim, &body, NULL))
        goto done;
    const struct ks_value *criteria = ks_value_get(body, "filterCriteria");
    if (ks_store_filter_check(criteria, &d))
        goto done;
    const struct ks_value *sort = ks_value_get(body, "sortCriteria");
    const char *order = ks_value_get_str(sort, "sortOrder");
    struct ks_list_query q = {
            .account = data[0] & 1,
            .criteria = criteria,
            .sort_field = ks_value_get_str(sort, "field"),
            .order = order && !strcmp(order, "DESC") ? KS_SORT_DESC : KS_SORT_ASC,
            .max = 10,
            .next_token = ks_value_get_str(body, "nextToken"),
    };
    ks_err err = ks_store_findings_list(store, &q, count, &n, next, sizeof(next), &d);
    if (err && err != KS_EINVAL)
        KS_BUG("accepted criteria failed to list (%s): %s", ks_err_str(err), d.msg);
    const char *type = ks_value_get_str(body, "aggregationType");
    ks_diag_clear(&d);
    err = ks_store_aggregate(store, 0, type ? type : "SEVERITY", criteria, 10, count_group, &n,
                             &d);
    if (err && err != KS_EINVAL)
        KS_BUG("accepted criteria failed to aggregate (%s): %s", ks_err_str(err), d.msg);
done:
    ks_arena_release(&a);
    return 0;
}
