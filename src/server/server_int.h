/* server/server_int.h - requests, responses and routes (internal to server/). */
#ifndef KS_SERVER_SERVER_INT_H
#define KS_SERVER_SERVER_INT_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "formats/json.h"
#include "server/server.h"
#include "store/store.h"

enum ks_auth {
    KS_AUTH_NONE,   /* public (health, metrics, OpenAPI) */
    KS_AUTH_MEMBER, /* any valid token; data scoped to its account */
    KS_AUTH_ADMIN,  /* the organisation's administrator */
};

#define KS_MAX_PATH_PARAMS 4

struct ks_req {
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    const char *params[KS_MAX_PATH_PARAMS]; /* {x} segments of the route, in order */
    struct ks_account account;              /* valid when the route needs auth */
    struct ks_store *store;
    struct ks_arena *arena; /* per request, reset after it */
    const struct ks_server_config *cfg;
    const char *query_keys[16]; /* query string arguments, in order */
    const char *query_vals[16];
    size_t nquery;
};

/* The value of query argument `key`, or NULL. */
const char *ks_req_query(const struct ks_req *req, const char *key);

/* ---- the engine behind the API (engine.c) ---- */

struct ks_apply_result;
struct ks_inventory;

/* Matches `inv` against the server's vulnerability database and applies the
 * findings to resource `rid` of `account` with `cause` ("inventory",
 * "vulndb"). Thread-safe: each thread keeps its own database handle. */
ks_err ks_engine_apply(const struct ks_server_config *cfg, struct ks_store *st, int64_t account,
                       const char *rid, const char *rtype, const struct ks_inventory *inv,
                       const char *cause, struct ks_apply_result *res, size_t counts[6],
                       struct ks_diag *diag);

/* Reads the latest inventory of resource `rid` of `account` into `inv`
 * (initialised): from its packed form when the store has one, else from
 * the submitted document `body` (ks_store_inventory_latest gives one of
 * them). A packed form that does not unpack (damaged, or another layout)
 * is left for the document, read through `st`, with a warning. */
ks_err ks_engine_inventory_read(const struct ks_server_config *cfg, struct ks_store *st,
                                int64_t account, const char *rid, const char *body,
                                const char *packed, struct ks_inventory *inv,
                                struct ks_diag *diag);

/* The form the store keeps of `inv` beside its document (pkg/packed.h),
 * or NULL (out of memory, or not representable: the store then keeps the
 * document alone and readers parse it). The caller frees it. */
char *ks_engine_inventory_pack(const struct ks_inventory *inv);

/* Releases what ks_engine_apply() keeps per thread (the open database);
 * called when a worker thread ends. */
void ks_engine_thread_end(void);

/* What a re-evaluation did. */
struct ks_reeval {
    bool ran;           /* false: the findings already reflected the database */
    bool full;          /* every inventory, because of `why` */
    char why[256];
    size_t packages;    /* changed (ecosystem, package) keys (change-set mode) */
    size_t imports;     /* database imports since the last evaluation */
    size_t inventories; /* inventories re-matched */
    double seconds;
};

/* Brings the stored findings up to date with the vulnerability database
 * (continuous re-evaluation). The store remembers the digest of the
 * database they were last evaluated against; when the database's change
 * sets lead from that one to the current one, only the inventories that
 * hold a changed package are re-matched, else (another database, an import
 * without change set, new KEV/EPSS data) every inventory is, and `out->why`
 * says why. Run from one thread at a time. */
ks_err ks_engine_reevaluate(const struct ks_server_config *cfg, struct ks_store *st,
                            struct ks_reeval *out, struct ks_diag *diag);

/* Re-evaluation counters and gauges, Prometheus text format. */
void ks_engine_metrics_write(struct ks_buf *out);

struct ks_resp {
    unsigned status;
    struct ks_buf body;
    const char *content_type;
    unsigned retry_after; /* seconds, for a Retry-After header; 0: none */
    int fd;               /* >= 0: the body is this file instead (closed after sending) */
    uint64_t fd_size;     /* its size */
};

typedef void ks_handler_fn(struct ks_req *req, struct ks_resp *resp);

struct ks_route {
    const char *method;
    const char *pattern; /* "/api/v1/accounts/{id}/tokens" */
    enum ks_auth auth;
    ks_handler_fn *fn;
    const char *summary; /* for the OpenAPI description */
};

/* Handlers (api.c). */
ks_handler_fn ks_api_healthz, ks_api_metrics, ks_api_openapi, ks_api_account_create,
        ks_api_account_list, ks_api_token_create, ks_api_token_delete, ks_api_finding_get,
        ks_api_findings_list, ks_api_filter_create, ks_api_filter_list, ks_api_filter_update,
        ks_api_filter_delete, ks_api_aggregations, ks_api_coverage, ks_api_usage,
        ks_api_inventory_put, ks_api_webhook_create, ks_api_webhook_list, ks_api_webhook_delete, ks_api_vulnerability_get;
/* Handlers (reports.c). */
ks_handler_fn ks_api_report_create, ks_api_report_get, ks_api_report_content,
        ks_api_sbom_export_create, ks_api_resource_delete;

/* The findings report worker (reports.c): start marks reports left
 * IN_PROGRESS by a previous run FAILED and starts the thread; stop lets it
 * finish the report it is writing and joins it. */
ks_err ks_reports_start(const struct ks_server_config *cfg, struct ks_diag *diag);
void ks_reports_stop(void);

extern const struct ks_route ks_routes[];
extern const size_t ks_nroutes;

/* Answers {"code": code, "message": msg} with HTTP `status`. */
void ks_resp_error(struct ks_resp *resp, unsigned status, const char *code, const char *fmt, ...)
        KS_PRINTF(4, 5);
/* Starts a JSON body with HTTP `status`; ks_resp_json_end() finishes it
 * (answering 500 when it could not be written). */
void ks_resp_json_begin(struct ks_resp *resp, struct ks_jw *w, unsigned status);
void ks_resp_json_end(struct ks_resp *resp, struct ks_jw *w);

/* Writes one finding as findings/list and JSON reports show it. KS_EDB when
 * the stored body is not JSON. */
ks_err ks_api_write_finding(struct ks_req *req, struct ks_jw *w, const char *id, int64_t account,
                            const char *body, const struct ks_finding_state *st);

/* Seconds since the epoch. */
int64_t ks_now_s(void);

/* Maps a store error to a response (404 for not found, 400 for invalid, 500 else). */
void ks_resp_store_error(struct ks_resp *resp, ks_err err, const struct ks_diag *diag);

/* Parses the request body as a JSON object into the request arena; on
 * failure answers 400 and returns NULL. */
const struct ks_value *ks_req_json(struct ks_req *req, struct ks_resp *resp);

/* Parses path parameter `i` as a positive integer id; answers 404 and
 * returns false when it is not one. */
bool ks_req_id(struct ks_req *req, struct ks_resp *resp, size_t i, int64_t *out);

/* Finds the route for `method` and `path`, filling `params`. Sets
 * *path_known when some route has that path with another method (405). */
const struct ks_route *ks_route_find(const char *method, const char *path,
                                     const char *params[KS_MAX_PATH_PARAMS], char *scratch,
                                     size_t scratch_size, bool *path_known);

/* Request counters for /metrics. */
void ks_metrics_count(unsigned status, double seconds);
void ks_metrics_write(struct ks_buf *out);

#endif
