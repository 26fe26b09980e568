/* server/reports.c - findings reports (CSV, JSON) and SBOM exports
 * (CycloneDX, SPDX), written into the reports directory.
 *
 * The document is produced while the request waits and its record moves
 * IN_PROGRESS → SUCCEEDED or FAILED; GET /api/v1/reports/{id} tells the
 * status and where the file is. Files are written atomically under
 * <reports_dir>/<account>/, so a reader never sees half a report. */
#include "core/ks_common.h"

#include "server/server_int.h"

#include "core/file.h"
#include "export/findings.h"
#include "export/sbom.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"

#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>

/* Creates <reports_dir>/<account> (and the directory itself). */
static ks_err account_dir(const struct ks_req *req, int64_t account, char *out, size_t n,
                          struct ks_diag *d)
{
    const char *root = req->cfg->reports_dir;

    if (!root)
        return ks_diag_set(d, KS_EINVAL, "no reports directory is configured");
    if (mkdir(root, 0750) && errno != EEXIST)
        return ks_diag_set(d, KS_EIO, "%s: %s", root, strerror(errno));
    snprintf(out, n, "%s/%lld", root, (long long)account);
    if (mkdir(out, 0750) && errno != EEXIST)
        return ks_diag_set(d, KS_EIO, "%s: %s", out, strerror(errno));
    return KS_OK;
}

/* Records the outcome and answers with the report's id and status. */
static void finish(struct ks_req *req, struct ks_resp *resp, int64_t id, ks_err err,
                   const char *location, const struct ks_diag *d)
{
    struct ks_diag d2 = KS_DIAG_INIT;
    struct ks_jw w;

    if (ks_store_report_finish(req->store, id, !err, err ? NULL : location, err ? d->msg : NULL,
                               ks_now_s(), &d2)) {
        ks_resp_store_error(resp, KS_EDB, &d2);
        return;
    }
    ks_resp_json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "reportId", id);
    ks_jw_kstr(&w, "status", err ? "FAILED" : "SUCCEEDED");
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

/* ---- findings reports ---- */

static const char *const csv_columns[][2] = {
    {"findingId", "findingId"},
    {"accountId", "accountId"},
    {"status", "status"},
    {"severity", "finding.severity"},
    {"type", "finding.type"},
    {"vulnerabilityId", "finding.vulnerability.id"},
    {"title", "finding.title"},
    {"resourceType", "finding.resource.type"},
    {"resourceId", "finding.resource.id"},
    {"packageName", "finding.package.name"},
    {"packageVersion", "finding.package.version"},
    {"fixedInVersion", "finding.package.fixedInVersion"},
    {"fixAvailable", "finding.fixAvailable"},
    {"kensaScore", "finding.kensaScore"},
    {"firstObservedAt", "firstObservedAt"},
    {"lastObservedAt", "lastObservedAt"},
};

struct report_ctx {
    struct ks_req *req;
    struct ks_buf *out;
    bool csv;
    struct ks_jw w;
};

static void scalar(const struct ks_value *v, char *out, size_t n)
{
    out[0] = '\0';
    if (!v)
        return;
    if (v->type == KS_VSTRING)
        snprintf(out, n, "%s", v->u.s.ptr);
    else if (v->type == KS_VINT)
        snprintf(out, n, "%lld", (long long)v->u.i);
    else if (v->type == KS_VREAL)
        snprintf(out, n, "%g", v->u.d);
    else if (v->type == KS_VBOOL)
        snprintf(out, n, "%s", v->u.b ? "true" : "false");
}

static ks_err report_row(const char *id, int64_t account, const char *body,
                         const struct ks_finding_state *st, void *arg)
{
    struct report_ctx *c = arg;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *f;
    ks_err err = KS_OK;

    if (!c->csv)
        return ks_api_write_finding(c->req, &c->w, id, account, body, st);
    if (ks_json_parse(c->req->arena, "finding", body, strlen(body), &c->req->cfg->limits, &f, &d))
        return KS_EDB;
    for (size_t i = 0; i < KS_ARRAY_LEN(csv_columns) && !err; i++) {
        const char *path = csv_columns[i][1];
        char v[4096];

        if (!strcmp(path, "findingId"))
            snprintf(v, sizeof(v), "%s", id);
        else if (!strcmp(path, "accountId"))
            snprintf(v, sizeof(v), "%lld", (long long)account);
        else if (!strcmp(path, "status"))
            snprintf(v, sizeof(v), "%s", st->status);
        else if (!strcmp(path, "firstObservedAt"))
            snprintf(v, sizeof(v), "%lld", (long long)st->first_observed);
        else if (!strcmp(path, "lastObservedAt"))
            snprintf(v, sizeof(v), "%lld", (long long)st->last_observed);
        else
            scalar(ks_value_path(f, path + strlen("finding.")), v, sizeof(v));
        err = ks_csv_field(c->out, v, i + 1 == KS_ARRAY_LEN(csv_columns));
    }
    return err;
}

/* Writes every finding matching `criteria` (all pages) into `out`. */
static ks_err findings_document(struct ks_req *req, const struct ks_value *criteria, bool csv,
                                struct ks_buf *out, struct ks_diag *d)
{
    struct report_ctx c = {req, out, csv, {0}};
    struct ks_list_query q;
    char next[2600] = "", token[2600];
    ks_err err = KS_OK;

    if (csv) {
        for (size_t i = 0; i < KS_ARRAY_LEN(csv_columns) && !err; i++)
            err = ks_csv_field(out, csv_columns[i][0], i + 1 == KS_ARRAY_LEN(csv_columns));
    } else {
        ks_jw_init(&c.w, out, 0);
        ks_jw_obj_begin(&c.w);
        ks_jw_key(&c.w, "findings");
        ks_jw_arr_begin(&c.w);
    }
    do {
        memset(&q, 0, sizeof(q));
        q.account = req->account.admin ? 0 : req->account.id;
        q.criteria = criteria;
        q.sort_field = "LAST_OBSERVED_AT";
        q.order = KS_SORT_DESC;
        q.max = 100;
        memcpy(token, next, sizeof(token));
        q.next_token = token[0] ? token : NULL;
        if (!err)
            err = ks_store_findings_list(req->store, &q, report_row, &c, next, sizeof(next), d);
    } while (!err && next[0]);
    if (!csv) {
        ks_jw_arr_end(&c.w);
        ks_jw_obj_end(&c.w);
        if (ks_jw_finish(&c.w) && !err)
            err = ks_diag_set(d, KS_ENOMEM, "out of memory");
    }
    if (err == KS_ENOMEM && !d->msg[0])
        ks_diag_set(d, err, "out of memory");
    return err;
}

/* POST /api/v1/reports {"reportFormat": "CSV"|"JSON", "filterCriteria": {...}} */
void ks_api_report_create(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *body = ks_req_json(req, resp);
    const char *format;
    char dir[1024], path[1200];
    struct ks_buf doc;
    int64_t id;
    ks_err err;

    if (!body)
        return;
    format = ks_value_get_str(body, "reportFormat");
    if (!format || (strcmp(format, "CSV") && strcmp(format, "JSON"))) {
        ks_resp_error(resp, 400, "ValidationError", "reportFormat must be CSV or JSON");
        return;
    }
    err = ks_store_report_create(req->store, req->account.id, "findings", format, ks_now_s(), &id,
                                 &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_buf_init(&doc, 0);
    err = account_dir(req, req->account.id, dir, sizeof(dir), &d);
    if (!err)
        err = findings_document(req, ks_value_get(body, "filterCriteria"), !strcmp(format, "CSV"),
                                &doc, &d);
    snprintf(path, sizeof(path), "%s/report-%lld.%s", dir, (long long)id,
             !strcmp(format, "CSV") ? "csv" : "json");
    if (!err)
        err = ks_file_write_atomic(path, doc.ptr ? doc.ptr : "", doc.len, &d);
    ks_buf_release(&doc);
    if (err == KS_EINVAL && !strstr(d.msg, "reports directory")) {
        /* Bad filterCriteria: say so, and leave no SUCCEEDED report behind. */
        finish(req, resp, id, err, NULL, &d);
        ks_resp_error(resp, 400, "ValidationError", "%s", d.msg);
        return;
    }
    finish(req, resp, id, err, path, &d);
}

void ks_api_report_get(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_report_rec r;
    struct ks_jw w;
    int64_t id;
    ks_err err;

    if (!ks_req_id(req, resp, 0, &id))
        return;
    err = ks_store_report_get(req->store, req->account.admin ? 0 : req->account.id, id, &r, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_resp_json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "reportId", r.id);
    ks_jw_kint(&w, "accountId", r.account);
    ks_jw_kstr(&w, "kind", r.kind);
    ks_jw_kstr(&w, "format", r.format);
    ks_jw_kstr(&w, "status", r.status);
    ks_jw_kint(&w, "createdAt", r.created_at);
    if (r.finished_at)
        ks_jw_kint(&w, "finishedAt", r.finished_at);
    if (r.location[0])
        ks_jw_kstr(&w, "location", r.location);
    if (r.error[0])
        ks_jw_kstr(&w, "errorMessage", r.error);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

/* ---- SBOM exports ---- */

struct sbom_ctx {
    struct ks_req *req;
    const struct ks_value *ids; /* resourceIds array or NULL (all) */
    enum ks_sbom_format format;
    const char *dir;
    size_t n;
    struct ks_diag *d;
};

static bool wanted(const struct ks_value *ids, const char *rid)
{
    if (!ids)
        return true;
    for (size_t i = 0; i < ks_value_len(ids); i++) {
        const char *s = ks_value_str(ks_value_at(ids, i));
        if (s && !strcmp(s, rid))
            return true;
    }
    return false;
}

/* One document per resource, named by its position and a filesystem-safe
 * form of its id (resource ids are the caller's words: no '/' or '..'). */
static ks_err sbom_one(int64_t account, const char *rid, const char *type, const char *body,
                       void *arg)
{
    struct sbom_ctx *c = arg;
    const struct ks_req *req = c->req;
    struct ks_sbom_opts o = {c->format, req->cfg->version, NULL};
    struct ks_inventory inv;
    struct ks_buf doc;
    char safe[128], path[1400];
    size_t i;
    ks_err err;

    (void)type;
    if ((!req->account.admin && account != req->account.id) || !wanted(c->ids, rid))
        return KS_OK;
    for (i = 0; rid[i] && i + 1 < sizeof(safe); i++)
        safe[i] = isalnum((unsigned char)rid[i]) || strchr("-_.", rid[i]) ? rid[i] : '_';
    safe[i] = '\0';
    snprintf(path, sizeof(path), "%s/%04zu-%lld-%s.%s.json", c->dir, ++c->n, (long long)account,
             safe, c->format == KS_SBOM_SPDX ? "spdx" : "cdx");
    ks_inventory_init(&inv);
    ks_buf_init(&doc, 0);
    err = ks_pkg_read_sbom_mem(&inv, rid, body, strlen(body), &req->cfg->limits, c->d);
    if (!err)
        err = ks_pkg_finish(&inv);
    if (!err)
        err = ks_sbom_write(&inv, &o, &doc, c->d);
    if (!err)
        err = ks_file_write_atomic(path, doc.ptr ? doc.ptr : "", doc.len, c->d);
    ks_buf_release(&doc);
    ks_inventory_release(&inv);
    return err;
}

/* POST /api/v1/sbom-exports {"format": "CYCLONEDX"|"SPDX", "resourceIds": [...]} */
void ks_api_sbom_export_create(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *body = ks_req_json(req, resp);
    struct sbom_ctx c = {req, NULL, KS_SBOM_CYCLONEDX, NULL, 0, &d};
    const char *format;
    char dir[1024], sub[1100];
    int64_t id;
    ks_err err;

    if (!body)
        return;
    format = ks_value_get_str(body, "format");
    if (!format || (strcmp(format, "CYCLONEDX") && strcmp(format, "SPDX"))) {
        ks_resp_error(resp, 400, "ValidationError", "format must be CYCLONEDX or SPDX");
        return;
    }
    c.format = !strcmp(format, "SPDX") ? KS_SBOM_SPDX : KS_SBOM_CYCLONEDX;
    c.ids = ks_value_get(body, "resourceIds");
    if (c.ids && c.ids->type != KS_VARRAY) {
        ks_resp_error(resp, 400, "ValidationError", "resourceIds must be an array of strings");
        return;
    }
    err = ks_store_report_create(req->store, req->account.id, "sbom", format, ks_now_s(), &id,
                                 &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    err = account_dir(req, req->account.id, dir, sizeof(dir), &d);
    snprintf(sub, sizeof(sub), "%s/sbom-%lld", dir, (long long)id);
    c.dir = sub;
    if (!err && mkdir(sub, 0750) && errno != EEXIST)
        err = ks_diag_set(&d, KS_EIO, "%s: %s", sub, strerror(errno));
    if (!err)
        err = ks_store_inventories_latest(req->store, sbom_one, &c, &d);
    finish(req, resp, id, err, sub, &d);
}
