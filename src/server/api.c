/* server/api.c - the endpoint handlers. */
#include "core/ks_common.h"

#include "server/server_int.h"

#include "core/hash.h"
#include "core/log.h"
#include "model/finding.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"
#include "vulndb/vulndb.h"

#include <time.h>

void ks_api_healthz(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_jw w;

    KS_UNUSED(req);
    ks_resp_json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "status", "ok");
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

void ks_api_metrics(struct ks_req *req, struct ks_resp *resp)
{
    KS_UNUSED(req);
    resp->status = 200;
    resp->content_type = "text/plain; version=0.0.4";
    ks_buf_reset(&resp->body);
    ks_metrics_write(&resp->body);
}

void ks_api_openapi(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_jw w;

    KS_UNUSED(req);
    ks_resp_json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "openapi", "3.0.3");
    ks_jw_key(&w, "info");
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "title", "kensa API");
    ks_jw_kstr(&w, "version", "1");
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "components");
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "securitySchemes");
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "bearer");
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "type", "http");
    ks_jw_kstr(&w, "scheme", "bearer");
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "paths");
    ks_jw_obj_begin(&w);
    /* Routes sharing a path are grouped under one path item. */
    for (size_t i = 0; i < ks_nroutes; i++) {
        bool first = true;

        for (size_t k = 0; k < i; k++)
            first = first && strcmp(ks_routes[k].pattern, ks_routes[i].pattern);
        if (!first)
            continue;
        ks_jw_key(&w, ks_routes[i].pattern);
        ks_jw_obj_begin(&w);
        for (size_t k = i; k < ks_nroutes; k++) {
            char method[8];
            size_t n;

            if (strcmp(ks_routes[k].pattern, ks_routes[i].pattern))
                continue;
            for (n = 0; ks_routes[k].method[n] && n + 1 < sizeof(method); n++)
                method[n] = (char)(ks_routes[k].method[n] | 0x20);
            method[n] = '\0';
            ks_jw_key(&w, method);
            ks_jw_obj_begin(&w);
            ks_jw_kstr(&w, "summary", ks_routes[k].summary);
            if (ks_routes[k].auth != KS_AUTH_NONE) {
                ks_jw_key(&w, "security");
                ks_jw_arr_begin(&w);
                ks_jw_obj_begin(&w);
                ks_jw_key(&w, "bearer");
                ks_jw_arr_begin(&w);
                ks_jw_arr_end(&w);
                ks_jw_obj_end(&w);
                ks_jw_arr_end(&w);
            }
            if (strchr(ks_routes[k].pattern, '{')) {
                ks_jw_key(&w, "parameters");
                ks_jw_arr_begin(&w);
                ks_jw_obj_begin(&w);
                ks_jw_kstr(&w, "name", "id");
                ks_jw_kstr(&w, "in", "path");
                ks_jw_kbool(&w, "required", true);
                ks_jw_key(&w, "schema");
                ks_jw_obj_begin(&w);
                ks_jw_kstr(&w, "type", "string");
                ks_jw_obj_end(&w);
                ks_jw_obj_end(&w);
                ks_jw_arr_end(&w);
            }
            ks_jw_key(&w, "responses");
            ks_jw_obj_begin(&w);
            ks_jw_key(&w, "default");
            ks_jw_obj_begin(&w);
            ks_jw_kstr(&w, "description", "JSON body; errors are {code, message}");
            ks_jw_obj_end(&w);
            ks_jw_obj_end(&w);
            ks_jw_obj_end(&w);
        }
        ks_jw_obj_end(&w);
    }
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

static void write_account(struct ks_jw *w, const struct ks_account *a)
{
    ks_jw_obj_begin(w);
    ks_jw_kint(w, "id", a->id);
    ks_jw_kstr(w, "name", a->name);
    ks_jw_kbool(w, "administrator", a->admin);
    ks_jw_kint(w, "createdAt", a->created_at);
    ks_jw_obj_end(w);
}

void ks_api_account_create(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *body = ks_req_json(req, resp);
    const char *name;
    struct ks_account a;
    struct ks_jw w;
    int64_t id;
    ks_err err;

    if (!body)
        return;
    name = ks_value_get_str(body, "name");
    if (!name) {
        ks_resp_error(resp, 400, "ValidationError", "'name' (string) is required");
        return;
    }
    err = ks_store_account_create(req->store, name, false, ks_now_s(), &id, &d);
    if (!err)
        err = ks_store_account_get(req->store, id, &a, &d);
    if (err == KS_EINVAL && strstr(d.msg, "exists")) {
        ks_resp_error(resp, 409, "ConflictException", "%s", d.msg);
        return;
    }
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_resp_json_begin(resp, &w, 201);
    write_account(&w, &a);
    ks_resp_json_end(resp, &w);
}

static ks_err list_one(const struct ks_account *a, void *ctx)
{
    write_account(ctx, a);
    return KS_OK;
}

/* A 200 answer {"KEY": [...]} whose elements a store iterator writes:
 * begin_array_response() opens it; end_array_response() closes the array
 * and the object after the iterator returned `err`, or on error answers the
 * store's error instead (the partial body is dropped). Handlers with other
 * members open the object themselves and only end with the latter. */
static void begin_array_response(struct ks_resp *resp, struct ks_jw *w, const char *key)
{
    ks_resp_json_begin(resp, w, 200);
    ks_jw_obj_begin(w);
    ks_jw_key(w, key);
    ks_jw_arr_begin(w);
}

static void end_array_response(struct ks_resp *resp, struct ks_jw *w, ks_err err,
                               const struct ks_diag *d)
{
    if (err) {
        ks_resp_store_error(resp, err, d);
        return;
    }
    ks_jw_arr_end(w);
    ks_jw_obj_end(w);
    ks_resp_json_end(resp, w);
}

void ks_api_account_list(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_jw w;
    ks_err err;

    begin_array_response(resp, &w, "accounts");
    err = ks_store_account_list(req->store, list_one, &w, &d);
    end_array_response(resp, &w, err, &d);
}

void ks_api_token_create(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *body;
    char token[KS_TOKEN_LEN];
    struct ks_account a;
    struct ks_jw w;
    int64_t account, tid;
    ks_err err;

    if (!ks_req_id(req, resp, 0, &account))
        return;
    body = req->body_len ? ks_req_json(req, resp) : NULL;
    if (req->body_len && !body)
        return;
    err = ks_store_account_get(req->store, account, &a, &d);
    if (!err)
        err = ks_store_token_create(req->store, account, ks_value_get_str(body, "label"), ks_now_s(),
                                    token, &tid, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_resp_json_begin(resp, &w, 201);
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "id", tid);
    ks_jw_kint(&w, "accountId", account);
    ks_jw_kstr(&w, "token", token);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

void ks_api_token_delete(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    int64_t id;
    ks_err err;

    if (!ks_req_id(req, resp, 0, &id))
        return;
    err = ks_store_token_delete(req->store, id, 0, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    resp->status = 204;
    ks_buf_reset(&resp->body);
}

static ks_err write_history(int64_t at, const char *from, const char *to, const char *cause,
                            void *ctx)
{
    struct ks_jw *w = ctx;

    ks_jw_obj_begin(w);
    ks_jw_kint(w, "at", at);
    ks_jw_key(w, "from");
    ks_jw_str(w, from);
    ks_jw_kstr(w, "to", to);
    ks_jw_kstr(w, "cause", cause);
    ks_jw_obj_end(w);
    return KS_OK;
}

void ks_api_finding_get(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_finding_state st;
    struct ks_value *finding;
    const char *body;
    struct ks_jw w;
    ks_err err;

    /* A member sees only its own account: any other id answers 404, never
     * the data and never "forbidden" (which would confirm it exists). */
    err = ks_store_finding_get(req->store, req->account.admin ? 0 : req->account.id,
                               req->params[0], req->arena, &body, &st, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    if (ks_json_parse(req->arena, "finding", body, strlen(body), &req->cfg->limits, &finding,
                      &d)) {
        ks_resp_error(resp, 500, "InternalServerError", "stored finding is not JSON");
        return;
    }
    ks_resp_json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "finding");
    ks_jw_value(&w, finding);
    ks_jw_kstr(&w, "status", st.status);
    ks_jw_kint(&w, "firstObservedAt", st.first_observed);
    ks_jw_kint(&w, "lastObservedAt", st.last_observed);
    ks_jw_kint(&w, "updatedAt", st.updated);
    ks_jw_key(&w, "history");
    ks_jw_arr_begin(&w);
    err = ks_store_finding_history(req->store, req->account.admin ? 0 : req->account.id,
                                   req->params[0], write_history, &w, &d);
    end_array_response(resp, &w, err, &d);
}

/* ---- findings list ---- */

ks_err ks_api_write_finding(struct ks_req *req, struct ks_jw *w, const char *id, int64_t account,
                            const char *body, const struct ks_finding_state *st)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v = NULL;
    size_t len = strlen(body);

    /* The server wrote the body itself (compact JSON object): a compact
     * page copies it, an indented document re-indents it. */
    if (len < 2 || body[0] != '{' || body[len - 1] != '}' ||
        (w->indent && ks_json_parse(req->arena, "finding", body, len, &req->cfg->limits, &v, &d)))
        return KS_EDB;
    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "findingId", id);
    ks_jw_kint(w, "accountId", account);
    ks_jw_kstr(w, "status", st->status);
    ks_jw_kint(w, "firstObservedAt", st->first_observed);
    ks_jw_kint(w, "lastObservedAt", st->last_observed);
    ks_jw_kint(w, "updatedAt", st->updated);
    ks_jw_key(w, "finding");
    if (v)
        ks_jw_value(w, v);
    else
        ks_jw_raw(w, body, len);
    ks_jw_obj_end(w);
    return KS_OK;
}

static ks_err write_finding(const char *id, int64_t account, const char *body,
                            const struct ks_finding_state *st, void *ctx)
{
    return ks_api_write_finding(((void **)ctx)[0], ((void **)ctx)[1], id, account, body, st);
}

void ks_api_findings_list(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *body = ks_req_json(req, resp);
    const struct ks_value *sort, *maxv;
    struct ks_list_query q;
    char next[KS_PAGE_TOKEN_MAX];
    struct ks_jw w;
    void *ctx[2];
    int64_t max = 50;
    ks_err err;

    if (!body)
        return;
    memset(&q, 0, sizeof(q));
    /* Members see their own account only; the administrator sees all. */
    q.account = req->account.admin ? 0 : req->account.id;
    q.criteria = ks_value_get(body, "filterCriteria");
    sort = ks_value_get(body, "sortCriteria");
    q.sort_field = ks_value_get_str(sort, "field");
    q.order = KS_SORT_DESC;
    if (ks_value_get_str(sort, "sortOrder")) {
        const char *o = ks_value_get_str(sort, "sortOrder");
        if (strcmp(o, "ASC") && strcmp(o, "DESC")) {
            ks_resp_error(resp, 400, "ValidationError", "sortOrder must be ASC or DESC");
            return;
        }
        q.order = !strcmp(o, "ASC") ? KS_SORT_ASC : KS_SORT_DESC;
    }
    maxv = ks_value_get(body, "maxResults");
    if (maxv && !ks_value_int(maxv, &max)) {
        ks_resp_error(resp, 400, "ValidationError", "maxResults must be an integer");
        return;
    }
    q.max = max < 1 || max > 100 ? 0 : (size_t)max;
    q.next_token = ks_value_get_str(body, "nextToken");
    begin_array_response(resp, &w, "findings");
    ctx[0] = req;
    ctx[1] = &w;
    err = ks_store_findings_list(req->store, &q, write_finding, ctx, next, sizeof(next), &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_jw_arr_end(&w);
    if (next[0])
        ks_jw_kstr(&w, "nextToken", next);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

/* ---- filters ---- */

static void write_filter(struct ks_jw *w, const struct ks_filter_rec *f, struct ks_req *req)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *crit = NULL;

    ks_json_parse(req->arena, "criteria", f->criteria, strlen(f->criteria), &req->cfg->limits,
                  &crit, &d);
    ks_jw_obj_begin(w);
    ks_jw_kint(w, "id", f->id);
    ks_jw_kint(w, "ownerId", f->account);
    ks_jw_kstr(w, "name", f->name);
    ks_jw_kstr(w, "action", f->action);
    ks_jw_key(w, "criteria");
    ks_jw_value(w, crit);
    ks_jw_kstr_opt(w, "description", f->description);
    ks_jw_kstr_opt(w, "reason", f->reason);
    ks_jw_kint(w, "createdAt", f->created_at);
    ks_jw_kint(w, "updatedAt", f->updated_at);
    ks_jw_obj_end(w);
}

/* Reads name/action/criteria/description/reason from a request body. */
static bool filter_from_body(struct ks_req *req, struct ks_resp *resp, struct ks_filter_rec *f)
{
    const struct ks_value *body = ks_req_json(req, resp);
    const struct ks_value *crit;
    struct ks_buf b = KS_BUF_INIT(1u << 20);
    struct ks_jw w;

    if (!body)
        return false;
    f->name = ks_value_get_str(body, "name");
    f->action = ks_value_get_str(body, "action");
    f->description = ks_value_get_str(body, "description");
    f->reason = ks_value_get_str(body, "reason");
    crit = ks_value_get(body, "filterCriteria");
    if (crit) {
        ks_jw_init(&w, &b, 0);
        ks_jw_value(&w, crit);
        if (ks_jw_finish(&w)) {
            ks_buf_release(&b);
            ks_resp_error(resp, 400, "ValidationError", "filterCriteria is too large");
            return false;
        }
        f->criteria = ks_arena_strdup(req->arena, ks_buf_str(&b));
        ks_buf_release(&b);
    }
    return true;
}

void ks_api_filter_create(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_filter_rec f;
    struct ks_jw w;
    int64_t id;
    ks_err err;

    memset(&f, 0, sizeof(f));
    if (!filter_from_body(req, resp, &f))
        return;
    f.account = req->account.id;
    err = ks_store_filter_create(req->store, &f, ks_now_s(), &id, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_resp_json_begin(resp, &w, 201);
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "id", id);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

static ks_err list_filter(const struct ks_filter_rec *f, void *ctx)
{
    write_filter(((void **)ctx)[1], f, ((void **)ctx)[0]);
    return KS_OK;
}

void ks_api_filter_list(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_jw w;
    void *ctx[2] = {req, &w};
    ks_err err;

    begin_array_response(resp, &w, "filters");
    err = ks_store_filter_list(req->store, req->account.admin ? 0 : req->account.id, list_filter,
                               ctx, &d);
    end_array_response(resp, &w, err, &d);
}

void ks_api_filter_update(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_filter_rec f;
    ks_err err;

    memset(&f, 0, sizeof(f));
    if (!ks_req_id(req, resp, 0, &f.id) || !filter_from_body(req, resp, &f))
        return;
    f.account = req->account.admin ? 0 : req->account.id;
    err = ks_store_filter_update(req->store, &f, ks_now_s(), &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    resp->status = 204;
    ks_buf_reset(&resp->body);
}

void ks_api_filter_delete(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    int64_t id;
    ks_err err;

    if (!ks_req_id(req, resp, 0, &id))
        return;
    err = ks_store_filter_delete(req->store, req->account.admin ? 0 : req->account.id, id,
                                 ks_now_s(), &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    resp->status = 204;
    ks_buf_reset(&resp->body);
}

/* ---- aggregations, coverage, usage ---- */

static ks_err write_group(const char *key, const struct ks_severity_counts *c, void *ctx)
{
    struct ks_jw *w = ctx;

    ks_jw_obj_begin(w);
    ks_jw_kstr(w, "key", key);
    ks_jw_key(w, "severityCounts");
    ks_jw_obj_begin(w);
    ks_jw_kint(w, "all", c->all);
    ks_jw_kint(w, "critical", c->critical);
    ks_jw_kint(w, "high", c->high);
    ks_jw_kint(w, "medium", c->medium);
    ks_jw_kint(w, "low", c->low);
    ks_jw_kint(w, "other", c->other);
    ks_jw_obj_end(w);
    ks_jw_obj_end(w);
    return KS_OK;
}

void ks_api_aggregations(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *body = ks_req_json(req, resp);
    const char *type;
    int64_t max = 100;
    struct ks_jw w;
    ks_err err;

    if (!body)
        return;
    type = ks_value_get_str(body, "aggregationType");
    if (!type) {
        ks_resp_error(resp, 400, "ValidationError", "'aggregationType' (string) is required");
        return;
    }
    if (ks_value_get(body, "maxResults") && !ks_value_int(ks_value_get(body, "maxResults"), &max)) {
        ks_resp_error(resp, 400, "ValidationError", "maxResults must be an integer");
        return;
    }
    ks_resp_json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "aggregationType", type);
    ks_jw_key(&w, "responses");
    ks_jw_arr_begin(&w);
    err = ks_store_aggregate(req->store, req->account.admin ? 0 : req->account.id, type,
                             ks_value_get(body, "filterCriteria"),
                             max < 1 || max > 1000 ? 0 : (size_t)max, write_group, &w, &d);
    end_array_response(resp, &w, err, &d);
}

static ks_err write_coverage(const struct ks_coverage *c, void *ctx)
{
    struct ks_jw *w = ctx;
    int64_t last = c->last_inventory_at;

    ks_jw_obj_begin(w);
    ks_jw_kint(w, "accountId", c->account);
    ks_jw_kstr(w, "resourceId", c->rid);
    ks_jw_kstr(w, "resourceType", c->type);
    ks_jw_key(w, "scanStatus");
    ks_jw_obj_begin(w);
    /* Resources inventoried before coverage was recorded have no status:
     * an inventory then means it was scanned. */
    ks_jw_kstr(w, "statusCode", c->status ? c->status : last ? "ACTIVE" : "INACTIVE");
    ks_jw_kstr(w, "reason",
               c->status ? (c->reason ? c->reason : "")
                         : last ? "SUCCESSFUL" : "PENDING_INITIAL_SCAN");
    ks_jw_kstr_opt(w, "detail", c->detail);
    ks_jw_obj_end(w);
    if (last)
        ks_jw_kint(w, "lastScannedAt", last);
    ks_jw_obj_end(w);
    return KS_OK;
}

void ks_api_coverage(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_jw w;
    ks_err err;

    begin_array_response(resp, &w, "coveredResources");
    err = ks_store_coverage(req->store, req->account.admin ? 0 : req->account.id, write_coverage,
                            &w, &d);
    end_array_response(resp, &w, err, &d);
}

static ks_err write_usage(int64_t account, const char *type, int64_t day, int64_t count,
                          void *ctx)
{
    struct ks_jw *w = ctx;
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    char date[16];

    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d", &tm);
    ks_jw_obj_begin(w);
    ks_jw_kint(w, "accountId", account);
    ks_jw_kstr(w, "resourceType", type);
    ks_jw_kstr(w, "date", date);
    ks_jw_kint(w, "resourcesScanned", count);
    ks_jw_obj_end(w);
    return KS_OK;
}

void ks_api_usage(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_jw w;
    ks_err err;

    begin_array_response(resp, &w, "usage");
    err = ks_store_usage(req->store, req->account.admin ? 0 : req->account.id, write_usage, &w,
                         &d);
    end_array_response(resp, &w, err, &d);
}

/* ---- inventories ---- */

/* Whether an inventory can be scanned: it can when it is empty or when some
 * component belongs to an ecosystem the matcher knows (an OS package of a
 * supported release, a language package). Otherwise the resource is not
 * scanned, with the reason and a sentence saying why in `detail`. */
static void coverage_of(const struct ks_inventory *inv, const char **status, const char **reason,
                        char *detail, size_t n)
{
    const struct ks_component *os_pkg = NULL;
    size_t known = 0;

    /* ks_pkg_finish() gave every component of a known ecosystem its OSV
     * ecosystem name (with the release for OS packages). */
    for (size_t i = 0; i < inv->components.len; i++) {
        const struct ks_component *c = &inv->components.items[i];

        if (c->ecosystem)
            known++;
        else if (!os_pkg && (c->type == KS_PKG_DEB || c->type == KS_PKG_RPM ||
                             c->type == KS_PKG_APK))
            os_pkg = c;
    }
    detail[0] = '\0';
    if (!inv->components.len || known) {
        *status = "ACTIVE";
        *reason = "SUCCESSFUL";
        return;
    }
    *status = "INACTIVE";
    if (os_pkg) {
        *reason = "UNSUPPORTED_OS";
        snprintf(detail, n,
                 "none of its %zu packages can be matched: no vulnerability data for the "
                 "release of OS packages such as '%s'",
                 inv->components.len, os_pkg->purl ? os_pkg->purl : os_pkg->name);
    } else {
        *reason = "UNSUPPORTED_ECOSYSTEM";
        snprintf(detail, n, "none of its %zu packages belongs to an ecosystem kensa matches",
                 inv->components.len);
    }
}

/* PUT /api/v1/resources/{id}/inventory?type=host|image|function&tag.KEY=VALUE
 * with a CycloneDX or SPDX JSON body: stored as the resource's latest
 * inventory, matched, and its findings applied. */
void ks_api_inventory_put(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const char *type = ks_req_query(req, "type");
    const char *rid = req->params[0];
    struct ks_buf tags = KS_BUF_INIT(64 * 1024);
    struct ks_apply_result res;
    struct ks_inventory inv;
    struct ks_jw w, tw;
    unsigned char dig[KS_SHA256_LEN];
    char digest[8 + KS_SHA256_HEX];
    size_t counts[6] = {0};
    bool changed = false, any_tag = false;
    ks_err err;

    if (!type)
        type = "host";
    if (strcmp(type, "host") && strcmp(type, "image") && strcmp(type, "function")) {
        ks_resp_error(resp, 400, "ValidationError", "type must be host, image or function");
        return;
    }
    if (strlen(rid) > 512) {
        ks_resp_error(resp, 400, "ValidationError", "resource ids are at most 512 bytes");
        return;
    }
    ks_jw_init(&tw, &tags, 0);
    ks_jw_obj_begin(&tw);
    for (size_t i = 0; i < req->nquery; i++) {
        if (strncmp(req->query_keys[i], "tag.", 4) || !req->query_keys[i][4])
            continue;
        ks_jw_kstr(&tw, req->query_keys[i] + 4, req->query_vals[i] ? req->query_vals[i] : "");
        any_tag = true;
    }
    ks_jw_obj_end(&tw);
    if (ks_jw_finish(&tw)) {
        ks_buf_release(&tags);
        ks_resp_error(resp, 400, "ValidationError", "too many tags");
        return;
    }
    /* Validate the body completely before anything is stored. */
    ks_inventory_init(&inv);
    err = ks_pkg_read_sbom_mem(&inv, rid, req->body ? req->body : "", req->body_len,
                               &req->cfg->limits, &d);
    if (!err)
        err = ks_pkg_finish(&inv);
    if (err) {
        ks_inventory_release(&inv);
        ks_buf_release(&tags);
        if (err == KS_ENOMEM)
            ks_resp_error(resp, 500, "InternalServerError", "out of memory");
        else
            ks_resp_error(resp, 400, "ValidationError", "%s", d.msg);
        return;
    }
    ks_sha256(req->body ? req->body : "", req->body_len, dig);
    memcpy(digest, "sha256:", 7);
    ks_hex(dig, sizeof(dig), digest + 7);
    err = ks_store_resource_put(req->store, req->account.id, rid, type,
                                any_tag ? ks_buf_str(&tags) : NULL, ks_now_s(), &d);
    if (!err) {
        char *packed = ks_engine_inventory_pack(&inv);

        err = ks_store_inventory_put(req->store, req->account.id, rid, digest, req->body,
                                     req->body_len, packed, ks_now_s(), &changed, &d);
        free(packed);
    }
    if (!err)
        err = ks_engine_apply(req->cfg, req->store, req->account.id, rid, type, &inv, "inventory",
                              &res, counts, &d);
    if (!err) {
        /* Coverage changes (first inventory, unsupported, back again) are
         * recorded and announced as coverage.changed. */
        const char *status, *reason;
        char detail[256];
        bool cov_changed;

        coverage_of(&inv, &status, &reason, detail, sizeof(detail));
        err = ks_store_coverage_set(req->store, req->account.id, rid, status, reason,
                                    detail[0] ? detail : NULL, ks_now_s(), &cov_changed, &d);
    }
    ks_buf_release(&tags);
    if (err) {
        ks_inventory_release(&inv);
        if (err == KS_EINVAL)
            ks_resp_error(resp, 400, "ValidationError", "%s", d.msg);
        else
            ks_resp_error(resp, 503, "ServiceUnavailable", "%s", d.msg);
        return;
    }
    {
        /* "Scan complete" event with the severity counts. */
        char payload[256];
        snprintf(payload, sizeof(payload),
                 "{\"resourceType\":\"%s\",\"critical\":%zu,\"high\":%zu,\"medium\":%zu,"
                 "\"low\":%zu,\"opened\":%zu,\"closed\":%zu}",
                 type, counts[KS_SEV_CRITICAL], counts[KS_SEV_HIGH], counts[KS_SEV_MEDIUM],
                 counts[KS_SEV_LOW], res.opened + res.reopened, res.closed);
        if (ks_store_outbox_add(req->store, req->account.id, "inventory.processed", rid, payload,
                                ks_now_s(), &d))
            ks_log_warn("cannot queue the inventory event: %s", d.msg);
    }
    ks_resp_json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "resourceId", rid);
    ks_jw_kstr(&w, "resourceType", type);
    ks_jw_kstr(&w, "inventoryDigest", digest);
    ks_jw_kbool(&w, "inventoryChanged", changed);
    ks_jw_kint(&w, "components", (int64_t)inv.components.len);
    ks_jw_key(&w, "findings");
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "opened", (int64_t)res.opened);
    ks_jw_kint(&w, "reopened", (int64_t)res.reopened);
    ks_jw_kint(&w, "updated", (int64_t)res.updated);
    ks_jw_kint(&w, "reobserved", (int64_t)res.reobserved);
    ks_jw_kint(&w, "closed", (int64_t)res.closed);
    ks_jw_obj_end(&w);
    ks_jw_key(&w, "severityCounts");
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "critical", (int64_t)counts[KS_SEV_CRITICAL]);
    ks_jw_kint(&w, "high", (int64_t)counts[KS_SEV_HIGH]);
    ks_jw_kint(&w, "medium", (int64_t)counts[KS_SEV_MEDIUM]);
    ks_jw_kint(&w, "low", (int64_t)counts[KS_SEV_LOW]);
    ks_jw_kint(&w, "other", (int64_t)(counts[KS_SEV_UNTRIAGED] + counts[KS_SEV_INFORMATIONAL]));
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
    ks_inventory_release(&inv);
}

/* DELETE /api/v1/resources/{id}[?accountId=N]: the resource leaves
 * evaluation; its findings close with cause "resource removed". Members
 * remove their own resources only (another account's answers 404). */
void ks_api_resource_delete(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const char *acct = ks_req_query(req, "accountId");
    struct ks_apply_result res;
    int64_t account = req->account.id;
    uint64_t v;
    struct ks_jw w;
    ks_err err;

    if (acct) {
        if (ks_parse_u64(acct, &v) || v == 0 || v > INT64_MAX ||
            (!req->account.admin && (int64_t)v != req->account.id)) {
            ks_resp_error(resp, 404, "NotFound", "not found");
            return;
        }
        account = (int64_t)v;
    }
    err = ks_store_resource_remove(req->store, account, req->params[0], ks_now_s(), &res, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_resp_json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "resourceId", req->params[0]);
    ks_jw_kint(&w, "accountId", account);
    ks_jw_key(&w, "findings");
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "closed", (int64_t)res.closed);
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

/* ---- webhooks ---- */

void ks_api_webhook_create(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    const struct ks_value *body = ks_req_json(req, resp);
    const char *url, *secret;
    char gen[KS_TOKEN_LEN];
    struct ks_jw w;
    int64_t id;
    ks_err err;

    if (!body)
        return;
    url = ks_value_get_str(body, "url");
    secret = ks_value_get_str(body, "secret");
    if (!secret) {
        /* A fresh random secret, shaped like a token. */
        if (ks_random_hex(gen + 4, 31)) {
            ks_resp_error(resp, 500, "InternalServerError", "cannot get random bytes");
            return;
        }
        memcpy(gen, "whs_", 4);
        secret = gen;
    }
    if (strlen(secret) < 16 || strlen(secret) > 256) {
        ks_resp_error(resp, 400, "ValidationError", "a webhook secret is 16 to 256 characters");
        return;
    }
    err = ks_store_webhook_create(req->store, req->account.id, url, secret, ks_now_s(), &id, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_resp_json_begin(resp, &w, 201);
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "id", id);
    ks_jw_kstr(&w, "url", url);
    ks_jw_kstr(&w, "secret", secret);
    ks_jw_obj_end(&w);
    ks_resp_json_end(resp, &w);
}

static ks_err write_webhook(const struct ks_webhook *wh, void *ctx)
{
    struct ks_jw *w = ctx;

    /* The secret is shown once, at creation. */
    ks_jw_obj_begin(w);
    ks_jw_kint(w, "id", wh->id);
    ks_jw_kint(w, "accountId", wh->account);
    ks_jw_kstr(w, "url", wh->url);
    ks_jw_kint(w, "createdAt", wh->created_at);
    ks_jw_obj_end(w);
    return KS_OK;
}

void ks_api_webhook_list(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_jw w;
    ks_err err;

    begin_array_response(resp, &w, "webhooks");
    err = ks_store_webhook_list(req->store, req->account.admin ? 0 : req->account.id,
                                write_webhook, &w, &d);
    end_array_response(resp, &w, err, &d);
}

void ks_api_webhook_delete(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    int64_t id;
    ks_err err;

    if (!ks_req_id(req, resp, 0, &id))
        return;
    err = ks_store_webhook_delete(req->store, req->account.admin ? 0 : req->account.id, id, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    resp->status = 204;
    ks_buf_reset(&resp->body);
}

/* GET /api/v1/vulnerabilities/{id}: the database search of `kensa db search`
 * (aliases, records, packages and ranges, scores, KEV, EPSS). */
void ks_api_vulnerability_get(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_vdb *db = NULL;
    ks_err err = ks_vdb_open(req->cfg->vulndb, &db, &d);

    if (err) {
        ks_resp_error(resp, 503, "ServiceUnavailable", "vulnerability database unavailable");
        return;
    }
    ks_buf_reset(&resp->body);
    err = ks_vdb_search_json(db, req->params[0], 0, &resp->body, &d);
    ks_vdb_close(db);
    if (err == KS_ENOTFOUND)
        ks_resp_error(resp, 404, "NotFound", "no source knows '%s'", req->params[0]);
    else if (err)
        ks_resp_error(resp, 500, "InternalServerError", "%s", d.msg);
    else
        resp->status = 200;
}
