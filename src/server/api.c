/* server/api.c - the endpoint handlers. */
#include "core/ks_common.h"

#include "server/server_int.h"

#include <time.h>

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static void json_begin(struct ks_resp *resp, struct ks_jw *w, unsigned status)
{
    resp->status = status;
    ks_buf_reset(&resp->body);
    ks_jw_init(w, &resp->body, 0);
}

static void json_end(struct ks_resp *resp, struct ks_jw *w)
{
    if (ks_jw_finish(w))
        ks_resp_error(resp, 500, "InternalServerError", "cannot write the response");
}

void ks_api_healthz(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_jw w;

    KS_UNUSED(req);
    json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "status", "ok");
    ks_jw_obj_end(&w);
    json_end(resp, &w);
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
    json_begin(resp, &w, 200);
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
    json_end(resp, &w);
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
    err = ks_store_account_create(req->store, name, false, now_s(), &id, &d);
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
    json_begin(resp, &w, 201);
    write_account(&w, &a);
    json_end(resp, &w);
}

static ks_err list_one(const struct ks_account *a, void *ctx)
{
    write_account(ctx, a);
    return KS_OK;
}

void ks_api_account_list(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_jw w;
    ks_err err;

    json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "accounts");
    ks_jw_arr_begin(&w);
    err = ks_store_account_list(req->store, list_one, &w, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    json_end(resp, &w);
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
        err = ks_store_token_create(req->store, account, ks_value_get_str(body, "label"), now_s(),
                                    token, &tid, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    json_begin(resp, &w, 201);
    ks_jw_obj_begin(&w);
    ks_jw_kint(&w, "id", tid);
    ks_jw_kint(&w, "accountId", account);
    ks_jw_kstr(&w, "token", token);
    ks_jw_obj_end(&w);
    json_end(resp, &w);
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
    json_begin(resp, &w, 200);
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "finding");
    ks_jw_value(&w, finding);
    ks_jw_kstr(&w, "status", st.status);
    ks_jw_kint(&w, "firstObservedAt", st.first_observed);
    ks_jw_kint(&w, "lastObservedAt", st.last_observed);
    ks_jw_kint(&w, "updatedAt", st.updated);
    ks_jw_key(&w, "history");
    ks_jw_arr_begin(&w);
    err = ks_store_finding_history(req->store, req->params[0], write_history, &w, &d);
    if (err) {
        ks_resp_store_error(resp, err, &d);
        return;
    }
    ks_jw_arr_end(&w);
    ks_jw_obj_end(&w);
    json_end(resp, &w);
}
