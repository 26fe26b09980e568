/* server/reports.c - findings reports (CSV, JSON) and SBOM exports
 * (CycloneDX, SPDX), written into the reports directory.
 *
 * A findings report is written by a worker thread after POST /reports has
 * answered; its record moves IN_PROGRESS → SUCCEEDED (with size and row
 * count) or FAILED; GET /api/v1/reports/{id} tells the status and where the
 * file is, and GET /api/v1/reports/{id}/content streams it. SBOM exports are
 * still written while the request waits. Files are written atomically under
 * <reports_dir>/<account>/, so a reader never sees half a report. */
#include "core/ks_common.h"

#include "server/server_int.h"

#include "core/file.h"
#include "core/log.h"
#include "export/findings.h"
#include "export/sbom.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Records the outcome of an SBOM export and answers with its id and status. */
static void finish(struct ks_req *req, struct ks_resp *resp, int64_t id, ks_err err,
                   const char *location, const struct ks_diag *d)
{
    struct ks_diag d2 = KS_DIAG_INIT;
    struct ks_jw w;

    if (ks_store_report_finish(req->store, id, !err, err ? NULL : location, err ? d->msg : NULL,
                               0, 0, ks_now_s(), &d2)) {
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
    int64_t rows;
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

    c->rows++;
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

/* Writes every finding matching `criteria` (all pages) into `out`; `*rows`
 * receives how many. The request arena is reset after each page, so
 * `criteria` must not live in it. */
static ks_err findings_document(struct ks_req *req, const struct ks_value *criteria, bool csv,
                                struct ks_buf *out, int64_t *rows, struct ks_diag *d)
{
    struct report_ctx c = {req, out, csv, {0}, 0};
    struct ks_list_query q;
    char next[KS_PAGE_TOKEN_MAX] = "", token[KS_PAGE_TOKEN_MAX];
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
        ks_arena_reset(req->arena);
    } while (!err && next[0]);
    if (!csv) {
        ks_jw_arr_end(&c.w);
        ks_jw_obj_end(&c.w);
        if (ks_jw_finish(&c.w) && !err)
            err = ks_diag_set(d, KS_ENOMEM, "out of memory");
    }
    if (err == KS_ENOMEM && !d->msg[0])
        ks_diag_set(d, err, "out of memory");
    *rows = c.rows;
    return err;
}

/* ---- the report worker ----
 *
 * POST /reports records the report IN_PROGRESS, queues a job and answers at
 * once; one worker thread writes the documents in order, each with its own
 * store connection and arenas. At stop the worker finishes the report it is
 * writing; queued ones stay IN_PROGRESS and are marked FAILED at the next
 * start (ks_reports_start), so no report waits forever. */

struct report_job {
    int64_t id;
    struct ks_account account;
    bool csv;
    char *criteria; /* filterCriteria JSON, or NULL */
    struct report_job *next;
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct report_job *head, *tail;
    bool stop, running;
    pthread_t thread;
    const struct ks_server_config *cfg;
} rq = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, false, false, 0, NULL};

static void job_free(struct report_job *j)
{
    if (j) {
        free(j->criteria);
        free(j);
    }
}

/* Writes one report and records its outcome. */
static void run_job(struct ks_store *st, struct report_job *j)
{
    const struct ks_server_config *cfg = rq.cfg;
    struct ks_diag d = KS_DIAG_INIT, d2 = KS_DIAG_INIT;
    struct ks_arena crit_arena, row_arena;
    struct ks_value *criteria = NULL;
    struct ks_buf doc = KS_BUF_INIT(0);
    struct ks_req req;
    char dir[1024], path[1200];
    int64_t rows = 0;
    ks_err err;

    ks_arena_init(&crit_arena, 4096, 0);
    ks_arena_init(&row_arena, 65536, 0);
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.path = "/api/v1/reports";
    req.account = j->account;
    req.store = st;
    req.arena = &row_arena;
    req.cfg = cfg;
    err = account_dir(&req, j->account.id, dir, sizeof(dir), &d);
    if (!err && j->criteria)
        err = ks_json_parse(&crit_arena, "filterCriteria", j->criteria, strlen(j->criteria),
                            &cfg->limits, &criteria, &d);
    if (!err)
        err = findings_document(&req, criteria, j->csv, &doc, &rows, &d);
    snprintf(path, sizeof(path), "%s/report-%lld.%s", dir, (long long)j->id,
             j->csv ? "csv" : "json");
    if (!err)
        err = ks_file_write_atomic(path, doc.ptr ? doc.ptr : "", doc.len, &d);
    if (err && !d.msg[0])
        ks_diag_set(&d, err, "cannot write the report");
    if (ks_store_report_finish(st, j->id, !err, err ? NULL : path, err ? d.msg : NULL,
                               (int64_t)doc.len, rows, ks_now_s(), &d2))
        ks_log_error("report %lld: %s", (long long)j->id, d2.msg);
    else if (err)
        ks_log_warn("report %lld failed: %s", (long long)j->id, d.msg);
    ks_buf_release(&doc);
    ks_arena_release(&row_arena);
    ks_arena_release(&crit_arena);
}

static void *report_worker(void *unused)
{
    struct ks_store *st = NULL;
    struct ks_diag d = KS_DIAG_INIT;

    KS_UNUSED(unused);
    pthread_mutex_lock(&rq.mu);
    for (;;) {
        struct report_job *j;

        while (!rq.stop && !rq.head)
            pthread_cond_wait(&rq.cv, &rq.mu);
        if (rq.stop)
            break;
        j = rq.head;
        rq.head = j->next;
        if (!rq.head)
            rq.tail = NULL;
        pthread_mutex_unlock(&rq.mu);
        if (!st && ks_store_open(rq.cfg->store, &st, &d)) {
            ks_log_error("report worker: %s", d.msg);
            st = NULL;
        }
        if (st)
            run_job(st, j);
        job_free(j);
        pthread_mutex_lock(&rq.mu);
    }
    pthread_mutex_unlock(&rq.mu);
    ks_store_close(st);
    return NULL;
}

ks_err ks_reports_start(const struct ks_server_config *cfg, struct ks_diag *diag)
{
    struct ks_store *st;
    int64_t n = 0;
    ks_err err = ks_store_open(cfg->store, &st, diag);

    if (err)
        return err;
    err = ks_store_reports_fail_unfinished(st, "the server stopped before the report was written",
                                           ks_now_s(), &n, diag);
    ks_store_close(st);
    if (err)
        return err;
    if (n)
        ks_log_warn("%lld unfinished reports marked FAILED (the server had stopped)",
                    (long long)n);
    rq.cfg = cfg;
    rq.stop = false;
    if (pthread_create(&rq.thread, NULL, report_worker, NULL))
        return ks_diag_set(diag, KS_EINTERNAL, "cannot start the report worker");
    rq.running = true;
    return KS_OK;
}

void ks_reports_stop(void)
{
    struct report_job *j;

    if (!rq.running)
        return;
    pthread_mutex_lock(&rq.mu);
    rq.stop = true;
    pthread_cond_broadcast(&rq.cv);
    pthread_mutex_unlock(&rq.mu);
    pthread_join(rq.thread, NULL);
    rq.running = false;
    while ((j = rq.head)) {
        rq.head = j->next;
        job_free(j);
    }
    rq.tail = NULL;
}

static bool enqueue(struct report_job *j)
{
    bool ok;

    pthread_mutex_lock(&rq.mu);
    ok = rq.running && !rq.stop;
    if (ok) {
        if (rq.tail)
            rq.tail->next = j;
        else
            rq.head = j;
        rq.tail = j;
        pthread_cond_signal(&rq.cv);
    }
    pthread_mutex_unlock(&rq.mu);
    return ok;
}

/* POST /api/v1/reports {"reportFormat": "CSV"|"JSON", "filterCriteria": {...}}:
 * checked, recorded IN_PROGRESS and queued; answers 202 at once. */
void ks_api_report_create(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *body = ks_req_json(req, resp);
    const struct ks_value *criteria;
    struct ks_buf crit = KS_BUF_INIT(16u << 20);
    struct report_job *j;
    const char *format;
    struct ks_jw w;
    int64_t id;
    ks_err err;

    if (!body)
        return;
    format = ks_value_get_str(body, "reportFormat");
    if (!format || (strcmp(format, "CSV") && strcmp(format, "JSON"))) {
        ks_resp_error(resp, 400, "ValidationError", "reportFormat must be CSV or JSON");
        return;
    }
    criteria = ks_value_get(body, "filterCriteria");
    if (criteria && criteria->type != KS_VOBJECT) {
        ks_resp_error(resp, 400, "ValidationError", "filterCriteria must be an object");
        return;
    }
    if (criteria && ks_store_filter_check(criteria, &d)) {
        ks_resp_error(resp, 400, "ValidationError", "%s", d.msg);
        return;
    }
    if (!req->cfg->reports_dir) {
        ks_resp_error(resp, 503, "ServiceUnavailable", "no reports directory is configured");
        return;
    }
    j = calloc(1, sizeof(*j));
    if (j && criteria) {
        ks_jw_init(&w, &crit, 0);
        ks_jw_value(&w, criteria);
        if (!ks_jw_finish(&w))
            j->criteria = ks_buf_detach(&crit, NULL);
        if (!j->criteria) {
            free(j);
            j = NULL;
        }
    }
    ks_buf_release(&crit);
    if (!j) {
        ks_resp_error(resp, 500, "InternalServerError", "out of memory");
        return;
    }
    err = ks_store_report_create(req->store, req->account.id, "findings", format, ks_now_s(), &id,
                                 &d);
    if (err) {
        job_free(j);
        ks_resp_store_error(resp, err, &d);
        return;
    }
    j->id = id;
    j->account = req->account;
    j->csv = !strcmp(format, "CSV");
    if (!enqueue(j)) {
        job_free(j);
        ks_store_report_finish(req->store, id, false, NULL, "the server is stopping", 0, 0,
                               ks_now_s(), &d);
        ks_resp_error(resp, 503, "ServiceUnavailable", "the server is stopping");
        return;
    }
    ks_resp_json_begin(resp, &w, 202);
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "reportId", id);
    ks_jw_kstr(&w, "status", "IN_PROGRESS");
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

/* The report named by the path's id, as the caller may see it (an
 * administrator every account's, a member only its own: else 404); false
 * when the response already holds the error. */
static bool report_of_request(struct ks_req *req, struct ks_resp *resp, struct ks_report_rec *r)
{
    struct ks_diag d = KS_DIAG_INIT;
    int64_t id;
    ks_err err;

    if (!ks_req_id(req, resp, 0, &id))
        return false;
    err = ks_store_report_get(req->store, req->account.admin ? 0 : req->account.id, id, r, &d);
    if (err)
        ks_resp_store_error(resp, err, &d);
    return !err;
}

void ks_api_report_get(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_report_rec r;
    struct ks_jw w;

    if (!report_of_request(req, resp, &r))
        return;
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
    if (!strcmp(r.kind, "findings") && !strcmp(r.status, "SUCCEEDED")) {
        char url[96];

        snprintf(url, sizeof(url), "/api/v1/reports/%lld/content", (long long)r.id);
        ks_jw_kint(&w, "size", r.size);
        ks_jw_kint(&w, "rowCount", r.rows);
        ks_jw_kstr(&w, "contentUrl", url);
    }
    if (r.error[0])
        ks_jw_kstr(&w, "errorMessage", r.error);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

/* GET /api/v1/reports/{id}/content: the file of a finished findings report,
 * streamed from disk. */
void ks_api_report_content(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_report_rec r;
    struct stat st;
    int64_t id;
    int fd;

    if (!report_of_request(req, resp, &r))
        return;
    id = r.id;
    if (strcmp(r.kind, "findings")) {
        ks_resp_error(resp, 409, "ConflictException",
                      "report %lld is an SBOM export: a directory of documents at its location",
                      (long long)id);
        return;
    }
    if (strcmp(r.status, "SUCCEEDED")) {
        ks_resp_error(resp, 409, "ConflictException", "report %lld is %s", (long long)id,
                      r.status);
        return;
    }
    fd = open(r.location, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        ks_resp_error(resp, 410, "Gone", "the file of report %lld is no longer there",
                      (long long)id);
        return;
    }
    resp->status = 200;
    resp->fd = fd;
    resp->fd_size = (uint64_t)st.st_size;
    resp->content_type = !strcmp(r.format, "CSV") ? "text/csv; charset=utf-8" : "application/json";
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
                       const char *packed, int64_t revision, void *arg)
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
    (void)revision;
    if ((!req->account.admin && account != req->account.id) || !wanted(c->ids, rid))
        return KS_OK;
    for (i = 0; rid[i] && i + 1 < sizeof(safe); i++)
        safe[i] = isalnum((unsigned char)rid[i]) || strchr("-_.", rid[i]) ? rid[i] : '_';
    safe[i] = '\0';
    snprintf(path, sizeof(path), "%s/%04zu-%lld-%s.%s.json", c->dir, ++c->n, (long long)account,
             safe, c->format == KS_SBOM_SPDX ? "spdx" : "cdx");
    ks_inventory_init(&inv);
    ks_buf_init(&doc, 0);
    err = ks_engine_inventory_read(req->cfg, req->store, account, rid, body, packed, &inv, c->d);
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
