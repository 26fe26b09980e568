/* server/server.h - `kensa server`: the HTTP API over the store.
 *
 * The only module that includes libmicrohttpd. It is linked into the
 * `kensa-server` helper executable only, so the `kensa` front does not pay
 * for loading libmicrohttpd and GnuTLS. */
#ifndef KS_SERVER_SERVER_H
#define KS_SERVER_SERVER_H

#include "core/err.h"
#include "core/limits.h"

struct ks_server_config {
    const char *listen_addr; /* IPv4 or IPv6 literal; default 127.0.0.1 */
    unsigned port;           /* 0: any free port (printed at start) */
    const char *store;       /* store location (SQLite file) */
    unsigned threads;        /* worker threads; 0: number of cores */
    unsigned reeval_threads; /* re-evaluation producers; 0: see engine.c */
    size_t max_body;         /* request body ceiling in bytes */
    struct ks_limits limits; /* for parsing request bodies */
    const char *vulndb;      /* vulnerability database file; re-matched when it changes */
    double rate_limit;       /* requests per second per account; 0: unlimited */
    double rate_burst;       /* requests at once (0: rate_limit) */
    const char *reports_dir; /* where findings reports and SBOM exports are written */
    const char *version;     /* kensa's version, named in the documents written */
    unsigned watch_ms;       /* how often the database file is checked (0: 2000) */
    /* For tests of what runs at the same time (0 in use): the
     * re-evaluation's writer waits this long before its first write
     * (KENSA_REEVAL_WRITE_DELAY_MS), a submission between matching and
     * storing (KENSA_APPLY_DELAY_MS). */
    unsigned reeval_write_delay_ms, apply_delay_ms;
    /* Called about every 200 ms from the server's housekeeping thread (event
     * delivery lives in cmd/, above both server and notify). May be NULL. */
    void (*tick)(void *ctx);
    void *tick_ctx;
};

/* Creates the organisation's administrator account in the store at
 * `store` and writes its first token into `token` (shown once). KS_EINVAL
 * when an administrator already exists. */
ks_err ks_server_init_admin(const char *store, const char *name, char *token, size_t token_size,
                            struct ks_diag *diag);

/* Starts the server and serves until `*stop` becomes true (checked every
 * 100 ms; a signal handler sets it). Once listening, calls `ready` with the
 * bound address and port (for the caller to print). */
ks_err ks_server_run(const struct ks_server_config *cfg, volatile int *stop,
                     void (*ready)(const char *addr, unsigned port, void *ctx), void *ctx,
                     struct ks_diag *diag);

#endif
