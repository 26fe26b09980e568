/* server/router.c - the route table, path matching and response helpers. */
#include "core/ks_common.h"

#include "server/server_int.h"

#include <stdatomic.h>
#include <time.h>


/* Every endpoint, with who may call it. The OpenAPI description is generated
 * from this table and the authorisation test walks it, so an endpoint cannot
 * exist without being described and tested. */
const struct ks_route ks_routes[] = {
        {"GET", "/healthz", KS_AUTH_NONE, ks_api_healthz, "liveness"},
        {"GET", "/metrics", KS_AUTH_NONE, ks_api_metrics, "Prometheus text-format metrics"},
        {"GET", "/api/v1/openapi.json", KS_AUTH_NONE, ks_api_openapi,
         "the OpenAPI 3 description of this API"},
        {"POST", "/api/v1/accounts", KS_AUTH_ADMIN, ks_api_account_create,
         "create a member account"},
        {"GET", "/api/v1/accounts", KS_AUTH_ADMIN, ks_api_account_list, "list accounts"},
        {"POST", "/api/v1/accounts/{id}/tokens", KS_AUTH_ADMIN, ks_api_token_create,
         "create a bearer token for an account (shown once)"},
        {"DELETE", "/api/v1/tokens/{id}", KS_AUTH_ADMIN, ks_api_token_delete, "revoke a token"},
        {"PUT", "/api/v1/resources/{id}/inventory", KS_AUTH_MEMBER, ks_api_inventory_put,
         "submit a resource's inventory (CycloneDX or SPDX JSON; ?type=host|image|function, "
         "?tag.KEY=VALUE): stored, matched, findings opened and closed"},
        {"GET", "/api/v1/findings/{id}", KS_AUTH_MEMBER, ks_api_finding_get,
         "one finding with its history"},
        {"POST", "/api/v1/findings/list", KS_AUTH_MEMBER, ks_api_findings_list,
         "findings matching filterCriteria, sorted, one page at a time (nextToken)"},
        {"POST", "/api/v1/findings/aggregations", KS_AUTH_MEMBER, ks_api_aggregations,
         "ACTIVE finding counts by account, resource, resource type, package, title, severity "
         "or finding type"},
        {"GET", "/api/v1/coverage", KS_AUTH_MEMBER, ks_api_coverage,
         "every resource: scanned or not, last scan, and why not"},
        {"GET", "/api/v1/usage", KS_AUTH_MEMBER, ks_api_usage,
         "resources scanned per account, resource type and day"},
        {"GET", "/api/v1/vulnerabilities/{id}", KS_AUTH_MEMBER, ks_api_vulnerability_get,
         "a CVE/GHSA/OSV id: aliases, affected packages and ranges, scores, KEV, EPSS"},
        {"DELETE", "/api/v1/resources/{id}", KS_AUTH_MEMBER, ks_api_resource_delete,
         "remove a resource (?accountId=N for the administrator): its findings close, its "
         "coverage becomes RESOURCE_REMOVED; a later inventory brings it back"},
        {"POST", "/api/v1/reports", KS_AUTH_MEMBER, ks_api_report_create,
         "start a findings report (reportFormat CSV or JSON, filterCriteria as for "
         "findings/list): answers 202 with its id at once, the file is written in the "
         "background into the reports directory"},
        {"GET", "/api/v1/reports/{id}", KS_AUTH_MEMBER, ks_api_report_get,
         "a report or SBOM export: status (IN_PROGRESS, SUCCEEDED, FAILED), location, size, "
         "row count, error"},
        {"GET", "/api/v1/reports/{id}/content", KS_AUTH_MEMBER, ks_api_report_content,
         "the file of a finished findings report (text/csv or application/json)"},
        {"POST", "/api/v1/sbom-exports", KS_AUTH_MEMBER, ks_api_sbom_export_create,
         "write the latest inventory of each resource (resourceIds, or all) as CycloneDX 1.6 "
         "or SPDX 2.3 documents into the reports directory"},
        {"POST", "/api/v1/webhooks", KS_AUTH_MEMBER, ks_api_webhook_create,
         "add an event destination (finding created/updated/closed, inventory processed, "
         "coverage changed); "
         "deliveries are signed with HMAC-SHA256"},
        {"GET", "/api/v1/webhooks", KS_AUTH_MEMBER, ks_api_webhook_list, "list webhooks"},
        {"DELETE", "/api/v1/webhooks/{id}", KS_AUTH_MEMBER, ks_api_webhook_delete,
         "remove a webhook"},
        {"POST", "/api/v1/filters", KS_AUTH_MEMBER, ks_api_filter_create,
         "create a saved filter (action NONE) or a suppression rule (SUPPRESS)"},
        {"GET", "/api/v1/filters", KS_AUTH_MEMBER, ks_api_filter_list, "list filters"},
        {"PUT", "/api/v1/filters/{id}", KS_AUTH_MEMBER, ks_api_filter_update, "change a filter"},
        {"DELETE", "/api/v1/filters/{id}", KS_AUTH_MEMBER, ks_api_filter_delete,
         "delete a filter (suppressed findings return to ACTIVE)"},
};
const size_t ks_nroutes = KS_ARRAY_LEN(ks_routes);

/* Matches `path` against `pattern`; copies {x} segments into `scratch`. */
static bool match(const char *pattern, const char *path, const char *params[KS_MAX_PATH_PARAMS],
                  char *scratch, size_t scratch_size)
{
    size_t np = 0, used = 0;

    while (*pattern && *path) {
        const char *pe = strchr(pattern, '/') ? strchr(pattern, '/') : pattern + strlen(pattern);
        const char *se = strchr(path, '/') ? strchr(path, '/') : path + strlen(path);
        size_t plen = (size_t)(pe - pattern), slen = (size_t)(se - path);

        if (plen && pattern[0] == '{') {
            if (!slen || np >= KS_MAX_PATH_PARAMS || used + slen + 1 > scratch_size)
                return false;
            memcpy(scratch + used, path, slen);
            scratch[used + slen] = '\0';
            params[np++] = scratch + used;
            used += slen + 1;
        } else if (plen != slen || memcmp(pattern, path, plen)) {
            return false;
        }
        pattern = *pe ? pe + 1 : pe;
        path = *se ? se + 1 : se;
        if (!*pattern != !*path)
            return false;
    }
    return !*pattern && !*path;
}

const struct ks_route *ks_route_find(const char *method, const char *path,
                                     const char *params[KS_MAX_PATH_PARAMS], char *scratch,
                                     size_t scratch_size, bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < ks_nroutes; i++) {
        if (!match(ks_routes[i].pattern, path, params, scratch, scratch_size))
            continue;
        if (!strcmp(ks_routes[i].method, method))
            return &ks_routes[i];
        *path_known = true;
    }
    return NULL;
}

void ks_resp_error(struct ks_resp *resp, unsigned status, const char *code, const char *fmt, ...)
{
    struct ks_jw w;
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    resp->status = status;
    ks_buf_reset(&resp->body);
    ks_jw_init(&w, &resp->body, 0);
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "code", code);
    ks_jw_kstr(&w, "message", msg);
    ks_jw_obj_end(&w);
    ks_jw_finish(&w);
}

int64_t ks_now_s(void)
{
    return (int64_t)time(NULL);
}

void ks_resp_json_begin(struct ks_resp *resp, struct ks_jw *w, unsigned status)
{
    resp->status = status;
    ks_buf_reset(&resp->body);
    ks_jw_init(w, &resp->body, 0);
}

void ks_resp_json_end(struct ks_resp *resp, struct ks_jw *w)
{
    if (ks_jw_finish(w))
        ks_resp_error(resp, 500, "InternalServerError", "cannot write the response");
}

void ks_resp_store_error(struct ks_resp *resp, ks_err err, const struct ks_diag *diag)
{
    if (err == KS_ENOTFOUND)
        ks_resp_error(resp, 404, "NotFound", "not found");
    else if (err == KS_EINVAL)
        ks_resp_error(resp, 400, "ValidationError", "%s", diag->msg);
    else
        ks_resp_error(resp, 500, "InternalServerError", "storage error");
}

const struct ks_value *ks_req_json(struct ks_req *req, struct ks_resp *resp)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_value *v;

    if (ks_json_parse(req->arena, "request body", req->body ? req->body : "", req->body_len,
                      &req->cfg->limits, &v, &d)) {
        ks_resp_error(resp, 400, "ValidationError", "%s", d.msg);
        return NULL;
    }
    if (v->type != KS_VOBJECT) {
        ks_resp_error(resp, 400, "ValidationError", "request body must be a JSON object");
        return NULL;
    }
    return v;
}

const char *ks_req_query(const struct ks_req *req, const char *key)
{
    for (size_t i = 0; i < req->nquery; i++)
        if (!strcmp(req->query_keys[i], key))
            return req->query_vals[i];
    return NULL;
}

bool ks_req_id(struct ks_req *req, struct ks_resp *resp, size_t i, int64_t *out)
{
    const char *s = req->params[i];
    int64_t v = 0;

    for (; s && *s; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10) {
            ks_resp_error(resp, 404, "NotFound", "not found");
            return false;
        }
        v = v * 10 + (*s - '0');
    }
    if (v <= 0) {
        ks_resp_error(resp, 404, "NotFound", "not found");
        return false;
    }
    *out = v;
    return true;
}

/* ---- metrics ---- */

static atomic_ullong requests_by_class[6];
static _Atomic double request_seconds; /* sum, updated with a CAS loop */

void ks_metrics_count(unsigned status, double seconds)
{
    double old = atomic_load(&request_seconds);

    atomic_fetch_add(&requests_by_class[status / 100 < 6 ? status / 100 : 0], 1);
    while (!atomic_compare_exchange_weak(&request_seconds, &old, old + seconds))
        ;
}

void ks_metrics_write(struct ks_buf *out)
{
    unsigned long long total = 0;

    ks_buf_adds(out, "# HELP kensa_http_requests_total HTTP requests answered, by status class.\n"
                     "# TYPE kensa_http_requests_total counter\n");
    for (unsigned c = 1; c < 6; c++) {
        unsigned long long n = atomic_load(&requests_by_class[c]);
        total += n;
        ks_buf_addf(out, "kensa_http_requests_total{code=\"%uxx\"} %llu\n", c, n);
    }
    ks_buf_addf(out,
                "# HELP kensa_http_request_seconds_total Time spent answering requests.\n"
                "# TYPE kensa_http_request_seconds_total counter\n"
                "kensa_http_request_seconds_total %.6f\n",
                atomic_load(&request_seconds));
    ks_engine_metrics_write(out);
    KS_UNUSED(total);
}
