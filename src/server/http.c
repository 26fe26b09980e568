/* server/http.c - libmicrohttpd glue: connections, bodies, auth, dispatch. */
#include "core/ks_common.h"

#include "server/server.h"

#include "core/log.h"
#include "core/ratelimit.h"
#include "server/server_int.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Per-connection state across libmicrohttpd's calls for one request. */
struct conn_state {
    struct ks_buf body;
    bool too_big;
    struct timespec start;
};

/* Each worker thread keeps its own store connection and request arena. */
static _Thread_local struct ks_store *tl_store;
static _Thread_local struct ks_arena tl_arena;
static _Thread_local bool tl_ready;

static const struct ks_server_config *g_cfg;
static struct ks_ratelimit *g_limits; /* per account; NULL: no limit */
static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

/* Runs when a worker thread ends: closes its store and frees its arena. */
static void thread_cleanup(void *unused)
{
    KS_UNUSED(unused);
    ks_engine_thread_end();
    ks_store_close(tl_store);
    tl_store = NULL;
    ks_arena_release(&tl_arena);
    tl_ready = false;
}

static void make_key(void)
{
    if (pthread_key_create(&tl_key, thread_cleanup))
        KS_BUG("pthread_key_create failed");
}

static double elapsed(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct ks_resp *resp)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (resp->fd >= 0) {
        /* A file streamed from disk; libmicrohttpd closes it. */
        r = MHD_create_response_from_fd64(resp->fd_size, resp->fd);
        if (!r)
            close(resp->fd);
        resp->fd = -1;
    } else {
        r = MHD_create_response_from_buffer(resp->body.len,
                                            resp->body.ptr ? resp->body.ptr : (void *)"",
                                            MHD_RESPMEM_MUST_COPY);
    }
    if (!r)
        return MHD_NO;
    if (resp->body.len || resp->fd_size || resp->status != 204)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                resp->content_type ? resp->content_type : "application/json");
    if (resp->retry_after) {
        char v[16];
        snprintf(v, sizeof(v), "%u", resp->retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    ret = MHD_queue_response(c, resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Authenticates the request for `route`; on failure fills `resp`. */
static bool authenticate(struct MHD_Connection *c, const struct ks_route *route,
                         struct ks_req *req, struct ks_resp *resp)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    struct ks_diag d = KS_DIAG_INIT;
    ks_err err;

    if (route->auth == KS_AUTH_NONE)
        return true;
    if (!h || strncmp(h, "Bearer ", 7)) {
        ks_resp_error(resp, 401, "UnauthorizedException", "a bearer token is required");
        return false;
    }
    err = ks_store_token_auth(req->store, h + 7, &req->account, &d);
    if (err == KS_ENOTFOUND) {
        ks_resp_error(resp, 401, "UnauthorizedException", "invalid token");
        return false;
    }
    if (err) {
        ks_resp_error(resp, 500, "InternalServerError", "storage error");
        return false;
    }
    if (route->auth == KS_AUTH_ADMIN && !req->account.admin) {
        ks_resp_error(resp, 403, "AccessDeniedException",
                      "only the organisation's administrator may do this");
        return false;
    }
    if (g_limits) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!ks_ratelimit_take(g_limits, req->account.id,
                               (int64_t)now.tv_sec * 1000000000 + now.tv_nsec, &resp->retry_after)) {
            ks_resp_error(resp, 429, "TooManyRequestsException",
                          "more than %g requests per second; retry after %u s",
                          g_cfg->rate_limit, resp->retry_after);
            return false;
        }
    }
    return true;
}

static bool thread_setup(void)
{
    struct ks_diag d = KS_DIAG_INIT;

    if (tl_ready)
        return true;
    if (ks_store_open(g_cfg->store, &tl_store, &d)) {
        ks_log_error("%s", d.msg);
        return false;
    }
    ks_arena_init(&tl_arena, 65536, 0);
    tl_ready = true;
    /* Any non-NULL value makes the destructor run at thread exit. */
    pthread_once(&tl_once, make_key);
    pthread_setspecific(tl_key, &tl_arena);
    return true;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct ks_req *req = cls;

    KS_UNUSED(kind);
    if (req->nquery >= KS_ARRAY_LEN(req->query_keys))
        return MHD_NO;
    req->query_keys[req->nquery] = key;
    req->query_vals[req->nquery++] = value;
    return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    struct conn_state *cs = *req_cls;
    struct ks_resp resp = {500, KS_BUF_INIT(0), NULL, 0, -1, 0};
    struct ks_req req;
    const struct ks_route *route;
    char scratch[1024];
    bool path_known;
    enum MHD_Result ret;

    KS_UNUSED(cls);
    KS_UNUSED(version);
    if (!cs) {
        cs = calloc(1, sizeof(*cs));
        if (!cs)
            return MHD_NO;
        ks_buf_init(&cs->body, g_cfg->max_body);
        clock_gettime(CLOCK_MONOTONIC, &cs->start);
        *req_cls = cs;
        return MHD_YES;
    }
    if (*upload_size) {
        /* Bodies beyond the ceiling are drained and answered 413. */
        if (!cs->too_big && ks_buf_add(&cs->body, upload, *upload_size))
            cs->too_big = true;
        *upload_size = 0;
        return MHD_YES;
    }
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = url;
    req.body = cs->body.ptr;
    req.body_len = cs->body.len;
    req.cfg = g_cfg;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &req);
    route = ks_route_find(method, url, req.params, scratch, sizeof(scratch), &path_known);
    if (cs->too_big)
        ks_resp_error(&resp, 413, "PayloadTooLarge", "request body larger than %zu bytes",
                      g_cfg->max_body);
    else if (!route && path_known)
        ks_resp_error(&resp, 405, "MethodNotAllowed", "method %s not allowed here", method);
    else if (!route)
        ks_resp_error(&resp, 404, "NotFound", "no such endpoint");
    else if (!thread_setup())
        ks_resp_error(&resp, 503, "ServiceUnavailable", "store unavailable");
    else {
        req.store = tl_store;
        req.arena = &tl_arena;
        if (authenticate(c, route, &req, &resp))
            route->fn(&req, &resp);
        ks_arena_reset(&tl_arena);
    }
    ret = send_resp(c, &resp);
    ks_metrics_count(resp.status, elapsed(&cs->start));
    ks_buf_release(&resp.body);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct conn_state *cs = *req_cls;

    KS_UNUSED(cls);
    KS_UNUSED(c);
    KS_UNUSED(toe);
    if (!cs)
        return;
    ks_buf_release(&cs->body);
    free(cs);
    *req_cls = NULL;
}

/* The identity of the database file: a new import is renamed into place,
 * so the inode changes; an edit in place changes the mtime or size. */
struct file_id {
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    off_t size;
    bool exists;
};

static struct file_id file_id_of(const char *path)
{
    struct file_id f;
    struct stat st;

    memset(&f, 0, sizeof(f));
    if (path && stat(path, &st) == 0) {
        f.dev = st.st_dev;
        f.ino = st.st_ino;
        f.mtime = st.st_mtim;
        f.size = st.st_size;
        f.exists = true;
    }
    return f;
}

static bool same_file(const struct file_id *a, const struct file_id *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
           a->size == b->size;
}

static void reevaluate(const struct ks_server_config *cfg)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_reeval r;
    struct ks_store *st;

    if (ks_store_open(cfg->store, &st, &d)) {
        ks_log_error("re-evaluation: %s", d.msg);
        return;
    }
    if (ks_engine_reevaluate(cfg, st, &r, &d))
        ks_log_error("re-evaluation after a database change: %s", d.msg);
    else if (r.ran && r.full)
        ks_log_info("vulnerability database changed: every inventory re-evaluated (%s): "
                    "%zu in %.3f s",
                    r.why, r.inventories, r.seconds);
    else if (r.ran)
        ks_log_info("vulnerability database changed (%zu imports, %zu packages): %zu "
                    "inventories re-evaluated in %.3f s",
                    r.imports, r.packages, r.inventories, r.seconds);
    ks_store_close(st);
}

/* Serves until *stop; at start and whenever the vulnerability database
 * file changes, brings the findings up to date with it (continuous
 * re-evaluation, no rescanning of resources). */
static void watch_vulndb(const struct ks_server_config *cfg, volatile int *stop)
{
    struct file_id seen = file_id_of(cfg->vulndb);
    unsigned every = cfg->watch_ms ? cfg->watch_ms : 2000, waited = 0;

    /* A database imported while the server was down counts as a change. */
    if (cfg->vulndb && seen.exists)
        reevaluate(cfg);
    while (!*stop) {
        usleep(100000);
        waited += 100;
        if (cfg->tick && waited % 200 == 0)
            cfg->tick(cfg->tick_ctx);
        if (!cfg->vulndb || waited < every)
            continue;
        waited = 0;
        {
            struct file_id now = file_id_of(cfg->vulndb);

            if (same_file(&now, &seen) || !now.exists)
                continue;
            seen = now;
            reevaluate(cfg);
        }
    }
}

ks_err ks_server_init_admin(const char *store, const char *name, char *token, size_t token_size,
                            struct ks_diag *diag)
{
    struct ks_store *st;
    char tok[KS_TOKEN_LEN];
    int64_t id, tid;
    bool has;
    ks_err err = ks_store_open(store, &st, diag);

    if (err)
        return err;
    err = ks_store_has_admin(st, &has, diag);
    if (!err && has)
        err = ks_diag_set(diag, KS_EINVAL, "store '%s' already has an administrator", store);
    if (!err)
        err = ks_store_account_create(st, name, true, (int64_t)time(NULL), &id, diag);
    if (!err)
        err = ks_store_token_create(st, id, "initial", (int64_t)time(NULL), tok, &tid, diag);
    if (!err)
        snprintf(token, token_size, "%s", tok);
    ks_store_close(st);
    return err;
}

ks_err ks_server_run(const struct ks_server_config *cfg, volatile int *stop,
                     void (*ready)(const char *addr, unsigned port, void *ctx), void *ctx,
                     struct ks_diag *diag)
{
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    struct sockaddr *sa;
    const union MHD_DaemonInfo *info;
    struct MHD_Daemon *d;
    const char *addr = cfg->listen_addr ? cfg->listen_addr : "127.0.0.1";
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    unsigned threads = cfg->threads ? cfg->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    struct ks_store *st;
    ks_err err;

    /* Open the store once up front: migrations run here, and a broken store
     * is reported before the port is taken. */
    err = ks_store_open(cfg->store, &st, diag);
    if (err)
        return err;
    ks_store_close(st);
    memset(&a4, 0, sizeof(a4));
    memset(&a6, 0, sizeof(a6));
    if (inet_pton(AF_INET, addr, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)cfg->port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, addr, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)cfg->port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        return ks_diag_set(diag, KS_EINVAL, "'%s' is not an IP address", addr);
    }
    g_cfg = cfg;
    if (cfg->rate_limit > 0) {
        g_limits = ks_ratelimit_new(cfg->rate_limit, cfg->rate_burst ? cfg->rate_burst
                                                                      : cfg->rate_limit);
        if (!g_limits)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    /* The report worker runs before the first request can arrive; it also
     * marks reports a previous run left unfinished FAILED. */
    err = ks_reports_start(cfg, diag);
    if (err) {
        ks_ratelimit_free(g_limits);
        g_limits = NULL;
        return err;
    }
    d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, handle, NULL,
                         MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE,
                         threads ? threads : 1u, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (!d) {
        err = ks_diag_errno(diag, KS_EIO, "cannot listen on %s port %u", addr, cfg->port);
        ks_reports_stop();
        ks_ratelimit_free(g_limits);
        g_limits = NULL;
        return err;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (ready)
        ready(addr, info ? info->port : cfg->port, ctx);
    watch_vulndb(cfg, stop);
    MHD_stop_daemon(d);
    ks_reports_stop();
    ks_ratelimit_free(g_limits);
    g_limits = NULL;
    return KS_OK;
}
