/* server/engine.c - inventories in, findings stored: the scan engine of
 * `kensa scan` (match) applied to the store, for submitted inventories and
 * for re-evaluation when the vulnerability database changes. */
#include "core/ks_common.h"

#include "server/server_int.h"

#include "core/hash.h"
#include "export/findings.h"
#include "match/match.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"
#include "score/score.h"

#include <time.h>

static const char *resource_type_name(const char *rtype)
{
    if (!strcmp(rtype, "image"))
        return "IMAGE";
    if (!strcmp(rtype, "function"))
        return "FUNCTION";
    return "HOST";
}

ks_err ks_engine_apply(const struct ks_server_config *cfg, struct ks_store *st, int64_t account,
                       const char *rid, const char *rtype, const struct ks_inventory *inv,
                       const char *cause, struct ks_apply_result *res, size_t counts[6],
                       struct ks_diag *diag)
{
    struct ks_match_result mr;
    struct ks_match_opts mo;
    struct ks_finding_row *rows = NULL;
    struct ks_buf body = KS_BUF_INIT(0);
    struct ks_vdb *db = NULL;
    char **bodies = NULL;
    ks_err err;

    ks_match_result_init(&mr);
    err = ks_vdb_open(cfg->vulndb, &db, diag);
    if (!err) {
        memset(&mo, 0, sizeof(mo));
        mo.resource_type = resource_type_name(rtype);
        mo.resource_id = rid;
        err = ks_match_inventory(db, inv, &mo, &mr, diag);
    }
    if (!err && mr.findings.len) {
        rows = calloc(mr.findings.len, sizeof(*rows));
        bodies = calloc(mr.findings.len, sizeof(*bodies));
        if (!rows || !bodies)
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; !err && i < mr.findings.len; i++) {
        const struct ks_finding *f = &mr.findings.items[i];
        struct ks_finding_row *r = &rows[i];

        ks_buf_reset(&body);
        err = ks_export_finding_json(f, &body);
        if (err) {
            err = ks_diag_set(diag, err, "cannot serialise finding '%s'", f->id);
            break;
        }
        bodies[i] = ks_buf_detach(&body, NULL);
        r->id = f->id;
        r->type = ks_finding_type_name(f->type);
        r->vuln_id = f->vulnerability_id;
        r->severity = ks_severity_name(f->severity);
        r->score = f->score.scored ? f->score.score10 / 10.0 : -1;
        r->title = f->title;
        r->package = f->package.name;
        r->body = bodies[i];
        r->package_version = f->package.version;
        r->fix_available = ks_fix_available_name(f->fix_available);
        r->exploit_available = f->exploit_available ? "YES" : "NO";
        r->vendor_severity = f->vendor_severity;
        r->vuln_source = f->source;
        r->has_epss = f->epss.known;
        r->epss = f->epss.score;
        if (counts)
            counts[f->severity <= KS_SEV_CRITICAL ? f->severity : 0]++;
    }
    if (!err)
        err = ks_store_findings_apply(st, account, rid, rows, mr.findings.len, cause,
                                      (int64_t)time(NULL), res, diag);
    for (size_t i = 0; bodies && i < mr.findings.len; i++)
        free(bodies[i]);
    free(bodies);
    free(rows);
    ks_buf_release(&body);
    ks_vdb_close(db);
    ks_match_result_release(&mr);
    return err;
}

struct rematch {
    const struct ks_server_config *cfg;
    struct ks_store *st;
    size_t n;
    /* Inventories are collected first: the store cannot be written while
     * its query is still being read. */
    struct item {
        int64_t account;
        char *rid, *type, *body;
    } *items;
    size_t len, cap;
};

static ks_err collect_inventory(int64_t account, const char *rid, const char *type,
                                const char *body, void *ctx)
{
    struct rematch *r = ctx;
    struct item it = {account, strdup(rid), strdup(type), strdup(body)};

    if (!it.rid || !it.type || !it.body ||
        ks_vec_reserve((void **)&r->items, &r->cap, sizeof(*r->items), r->len + 1)) {
        free(it.rid);
        free(it.type);
        free(it.body);
        return KS_ENOMEM;
    }
    r->items[r->len++] = it;
    return KS_OK;
}

ks_err ks_engine_rematch_all(const struct ks_server_config *cfg, struct ks_store *st, size_t *n,
                             struct ks_diag *diag)
{
    struct rematch r = {cfg, st, 0, NULL, 0, 0};
    ks_err err = ks_store_inventories_latest(st, collect_inventory, &r, diag);

    for (size_t i = 0; !err && i < r.len; i++) {
        struct ks_inventory inv;
        struct ks_apply_result res;

        ks_inventory_init(&inv);
        err = ks_pkg_read_sbom_mem(&inv, r.items[i].rid, r.items[i].body,
                                   strlen(r.items[i].body), &cfg->limits, diag);
        if (!err)
            err = ks_pkg_finish(&inv);
        if (!err)
            err = ks_engine_apply(cfg, st, r.items[i].account, r.items[i].rid, r.items[i].type,
                                  &inv, "vulndb", &res, NULL, diag);
        ks_inventory_release(&inv);
        if (!err)
            r.n++;
    }
    for (size_t i = 0; i < r.len; i++) {
        free(r.items[i].rid);
        free(r.items[i].type);
        free(r.items[i].body);
    }
    free(r.items);
    *n = r.n;
    return err == KS_ENOMEM ? ks_diag_set(diag, err, "out of memory") : err;
}
