/* cmd/server.c - `kensa server` and `kensa server init`, in kensa-server. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/conf.h"
#include "core/log.h"
#include "http/http.h"
#include "notify/notify.h"
#include "server/server.h"
#include "store/store.h"

#include "ks_build.h"

#include <time.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static const char help[] =
        "usage: kensa server [--config FILE] [--listen ADDR:PORT] [--store FILE] [--db FILE]\n"
        "                    [--threads N] [--reevaluation-threads N] [--max-body SIZE]\n"
        "                    [--reports DIR]\n"
        "                    [--rate-limit N [--burst N]]\n"
        "       kensa server init [--store FILE] [--name NAME]\n\n"
        "Runs the kensa service: the HTTP API under /api/v1 with bearer tokens per\n"
        "account. 'init' creates the organisation's administrator account and prints its\n"
        "first token once.\n\n"
        "  --listen ADDR:PORT  address to listen on (default 127.0.0.1:8080; [::1]:8080\n"
        "                      for IPv6; port 0 picks a free port, printed at start)\n"
        "  --store FILE        the store (default $KENSA_HOME/store.db, KENSA_HOME\n"
        "                      defaulting to /var/lib/kensa)\n"
        "  --threads N         worker threads (default: one per core)\n"
        "  --reevaluation-threads N\n"
        "                      threads matching inventories again after a database\n"
        "                      change, beside the one writing the findings (default: as\n"
        "                      many as the workers, leaving one core to the writer)\n"
        "  --max-body SIZE     largest request body accepted (default 64M)\n"
        "  --db FILE           the vulnerability database submitted inventories are matched\n"
        "                      against (default $KENSA_DB, else $KENSA_HOME/vuln.db); when the\n"
        "                      file changes (kensa db import), every stored inventory is\n"
        "                      re-matched without rescanning\n"
        "  --rate-limit N      requests per second each account may make (default: no\n"
        "                      limit); more are answered 429 with Retry-After\n"
        "  --burst N           requests an account may make at once (default: the rate)\n"
        "  --reports DIR       where findings reports and SBOM exports are written\n"
        "                      (default: 'reports' beside the store; with a PostgreSQL\n"
        "                      store, $KENSA_HOME/reports)\n"
        "  --name NAME         administrator account name for 'init' (default admin)\n"
        "  --config FILE       settings from the [server] section of an INI file (default\n"
        "                      $KENSA_CONFIG, else /etc/kensa/kensa.conf when present):\n"
        "                      listen, store, db, reports, rate_limit, burst, max_body,\n"
        "                      threads, reevaluation_threads, db_poll_ms (how often the\n"
        "                      database file is checked\n"
        "                      for changes, default 2000); options given here override\n"
        "                      the file, the file overrides the environment\n";

struct opts {
    const char *db;
    const char *listen;
    const char *store;
    const char *name;
    const char *reports;
    uint64_t threads;
    uint64_t max_body;
    uint64_t rate, burst;
    uint64_t poll_ms;
    uint64_t reeval_threads;
};

static int opt(int c, const char *arg, void *ctx)
{
    struct opts *o = ctx;

    switch (c) {
    case 'l':
        o->listen = arg;
        break;
    case 'd':
        o->db = arg;
        break;
    case 's':
        o->store = arg;
        break;
    case 'n':
        o->name = arg;
        break;
    case 'r':
        o->reports = arg;
        break;
    case 'R':
        if (ks_parse_u64(arg, &o->rate) || o->rate == 0 || o->rate > 1000000)
            return ks_cmd_usage_error("server", "--rate-limit must be 1 to 1000000");
        break;
    case 'B':
        if (ks_parse_u64(arg, &o->burst) || o->burst == 0 || o->burst > 1000000)
            return ks_cmd_usage_error("server", "--burst must be 1 to 1000000");
        break;
    case 't':
        if (ks_parse_u64(arg, &o->threads) || o->threads == 0 || o->threads > 256)
            return ks_cmd_usage_error("server", "--threads must be 1 to 256");
        break;
    case 'E':
        if (ks_parse_u64(arg, &o->reeval_threads) || o->reeval_threads == 0 ||
            o->reeval_threads > 8)
            return ks_cmd_usage_error("server", "--reevaluation-threads must be 1 to 8");
        break;
    case 'b':
        if (ks_parse_size(arg, &o->max_body) || o->max_body == 0)
            return ks_cmd_usage_error("server", "--max-body: invalid size '%s'", arg);
        break;
    }
    return 0;
}

static volatile int stop_flag;

/* Event delivery, run by the server's housekeeping loop: outbox → webhooks. */
struct deliverer {
    const char *store;
    struct ks_store *st;
};

static void deliver_events(void *ctx)
{
    struct deliverer *dl = ctx;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_notify_stats stats;

    if (!dl->st && ks_store_open(dl->store, &dl->st, &d)) {
        ks_log_error("event delivery: %s", d.msg);
        return;
    }
    if (ks_notify_run_once(dl->st, (int64_t)time(NULL), 50, 5000, &stats, &d))
        ks_log_error("event delivery: %s", d.msg);
    else if (stats.events)
        ks_log_info("events: %zu delivered, %zu to retry", stats.delivered, stats.failed);
}

static void on_signal(int sig)
{
    KS_UNUSED(sig);
    stop_flag = 1;
}

static void on_ready(const char *addr, unsigned port, void *ctx)
{
    KS_UNUSED(ctx);
    printf("kensa server listening on %s%s%s:%u\n", strchr(addr, ':') ? "[" : "", addr,
           strchr(addr, ':') ? "]" : "", port);
    fflush(stdout);
}

/* Splits "ADDR:PORT", "[V6]:PORT" or "ADDR". */
static bool split_listen(const char *s, char *addr, size_t n, unsigned *port)
{
    const char *colon;
    uint64_t p = 8080;

    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || (size_t)(end - s) >= n)
            return false;
        memcpy(addr, s + 1, (size_t)(end - s - 1));
        addr[end - s - 1] = '\0';
        colon = end[1] == ':' ? end + 1 : NULL;
        if (end[1] && !colon)
            return false;
    } else {
        colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon)
            return false; /* bare IPv6 needs brackets */
        snprintf(addr, n, "%.*s", colon ? (int)(colon - s) : (int)strlen(s), s);
    }
    if (colon && (ks_parse_u64(colon + 1, &p) || p > 65535))
        return false;
    *port = (unsigned)p;
    return true;
}

/* The settings of the [server] section of the configuration file, into
 * `o` where the command line left them unset. Unknown keys and bad values
 * are errors naming the file and line. Values borrow from `conf`. */
static ks_err server_conf(struct ks_conf *conf, struct opts *o, struct ks_diag *d)
{
    const char *path = ks_env.config_path;
    struct opts f;
    ks_err err;

    if (!path || !*path)
        path = getenv("KENSA_CONFIG");
    if (!path || !*path) {
        path = "/etc/kensa/kensa.conf";
        if (access(path, F_OK))
            return KS_OK;
    }
    err = ks_conf_load(conf, path, d);
    if (err)
        return err;
    memset(&f, 0, sizeof(f));
    for (size_t i = 0; i < conf->len; i++) {
        const struct ks_conf_entry *e = &conf->entries[i];
        const char *k = e->key, *v = e->value;
        bool bad = false;

        if (strcmp(e->section, "server"))
            continue;
        if (!strcmp(k, "listen")) {
            char addr[128];
            unsigned port;
            f.listen = v;
            bad = !split_listen(v, addr, sizeof(addr), &port);
        } else if (!strcmp(k, "store")) {
            f.store = v;
            bad = !*v;
        } else if (!strcmp(k, "db")) {
            f.db = v;
            bad = !*v;
        } else if (!strcmp(k, "reports")) {
            f.reports = v;
            bad = !*v;
        } else if (!strcmp(k, "rate_limit")) {
            bad = ks_parse_u64(v, &f.rate) || !f.rate || f.rate > 1000000;
        } else if (!strcmp(k, "burst")) {
            bad = ks_parse_u64(v, &f.burst) || !f.burst || f.burst > 1000000;
        } else if (!strcmp(k, "max_body")) {
            bad = ks_parse_size(v, &f.max_body) || !f.max_body;
        } else if (!strcmp(k, "threads")) {
            bad = ks_parse_u64(v, &f.threads) || !f.threads || f.threads > 256;
        } else if (!strcmp(k, "reevaluation_threads")) {
            bad = ks_parse_u64(v, &f.reeval_threads) || !f.reeval_threads ||
                  f.reeval_threads > 8;
        } else if (!strcmp(k, "db_poll_ms")) {
            bad = ks_parse_u64(v, &f.poll_ms) || f.poll_ms < 100 || f.poll_ms > 86400000;
        } else {
            return ks_diag_set(d, KS_EINVAL, "'%s' line %u: unknown key '%s' in [server]",
                               conf->path, e->line, k);
        }
        if (bad)
            return ks_diag_set(d, KS_EINVAL, "'%s' line %u: bad value '%s' for '%s'", conf->path,
                               e->line, v, k);
    }
    o->listen = o->listen ? o->listen : f.listen;
    o->store = o->store ? o->store : f.store;
    o->db = o->db ? o->db : f.db;
    o->reports = o->reports ? o->reports : f.reports;
    o->rate = o->rate ? o->rate : f.rate;
    o->burst = o->burst ? o->burst : f.burst;
    o->max_body = o->max_body ? o->max_body : f.max_body;
    o->threads = o->threads ? o->threads : f.threads;
    o->poll_ms = o->poll_ms ? o->poll_ms : f.poll_ms;
    o->reeval_threads = o->reeval_threads ? o->reeval_threads : f.reeval_threads;
    return KS_OK;
}

static const char *default_store(char *buf, size_t n)
{
    const char *home = getenv("KENSA_HOME");

    if (!home || !*home)
        home = "/var/lib/kensa";
    mkdir(home, 0750);
    snprintf(buf, n, "%s/store.db", home);
    return buf;
}

static int run(const struct opts *o_in, bool init);

int cmd_server(int argc, char **argv)
{
    static const struct option longopts[] = {{"listen", required_argument, NULL, 'l'},
                                             {"store", required_argument, NULL, 's'},
                                             {"name", required_argument, NULL, 'n'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"reevaluation-threads", required_argument, NULL,
                                              'E'},
                                             {"max-body", required_argument, NULL, 'b'},
                                             {"db", required_argument, NULL, 'd'},
                                             {"reports", required_argument, NULL, 'r'},
                                             {"rate-limit", required_argument, NULL, 'R'},
                                             {"burst", required_argument, NULL, 'B'},
                                             {NULL, 0, NULL, 0}};
    struct opts o = {NULL, NULL, NULL, "admin", NULL, 0, 0, 0, 0, 0, 0};
    struct ks_conf conf;
    struct ks_diag d = KS_DIAG_INIT;
    bool init = false;
    int rc;
    ks_err err;

    if (argc > 1 && !strcmp(argv[1], "init")) {
        init = true;
        argv[1] = argv[0];
        argc--;
        argv++;
    }
    rc = ks_cmd_getopt(argc, argv, NULL, longopts, help, opt, &o);
    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (optind < argc)
        return ks_cmd_usage_error("server", "unexpected argument '%s'", argv[optind]);
    ks_conf_init(&conf);
    err = server_conf(&conf, &o, &d);
    if (err) {
        ks_conf_release(&conf);
        if (err != KS_EINVAL)
            return ks_cmd_fail(&d, err);
        ks_cmd_error(&d, err);
        return KS_EXIT_USAGE;
    }
    rc = run(&o, init);
    ks_conf_release(&conf);
    return rc;
}

/* Runs `kensa server` (or init) with the settings merged from the command
 * line and the configuration file. */
static int run(const struct opts *o_in, bool init)
{
    struct opts o = *o_in;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_server_config cfg;
    char addr[128], store[4096], vulndb[4096], reports[4200];
    ks_err err;

    if (!o.listen)
        o.listen = "127.0.0.1:8080";
    if (!o.max_body)
        o.max_body = 64u << 20;
    if (!o.store)
        o.store = default_store(store, sizeof(store));
    if (init) {
        char token[128];

        err = ks_server_init_admin(o.store, o.name, token, sizeof(token), &d);
        if (err)
            return ks_cmd_fail(&d, err == KS_EINVAL ? KS_EINVAL : err) == KS_EXIT_USAGE
                           ? KS_EXIT_FAILURE
                           : ks_cmd_exit_code(err);
        printf("administrator account '%s' created; its token (shown once):\n%s\n", o.name,
               token);
        return KS_EXIT_OK;
    }
    memset(&cfg, 0, sizeof(cfg));
    if (!split_listen(o.listen, addr, sizeof(addr), &cfg.port))
        return ks_cmd_usage_error("server", "--listen: expected ADDR:PORT, not '%s'", o.listen);
    cfg.listen_addr = addr;
    cfg.store = o.store;
    cfg.threads = (unsigned)o.threads;
    cfg.reeval_threads = (unsigned)o.reeval_threads;
    cfg.max_body = (size_t)o.max_body;
    cfg.limits = ks_env.limits;
    if (!o.db) {
        const char *e = getenv("KENSA_DB"), *home = getenv("KENSA_HOME");
        if (e && *e)
            o.db = e;
        else {
            snprintf(vulndb, sizeof(vulndb), "%s/vuln.db", home && *home ? home : "/var/lib/kensa");
            o.db = vulndb;
        }
    }
    cfg.vulndb = o.db;
    if (!o.reports) {
        const char *slash = strrchr(o.store, '/'), *home = getenv("KENSA_HOME");
        if (strstr(o.store, "://") || !strncmp(o.store, "postgres", 8)) {
            /* A store elsewhere: the reports in kensa's home, made as
             * for the default store (a fresh machine has none yet). */
            if (!home || !*home)
                home = "/var/lib/kensa";
            mkdir(home, 0750);
            snprintf(reports, sizeof(reports), "%s/reports", home);
        } else if (slash)
            snprintf(reports, sizeof(reports), "%.*s/reports", (int)(slash - o.store), o.store);
        else
            snprintf(reports, sizeof(reports), "reports");
        o.reports = reports;
    }
    cfg.reports_dir = o.reports;
    cfg.rate_limit = (double)o.rate;
    cfg.rate_burst = (double)o.burst;
    cfg.version = KS_VERSION;
    if (o.poll_ms)
        cfg.watch_ms = (unsigned)o.poll_ms;
    else if (getenv("KENSA_WATCH_MS"))
        cfg.watch_ms = (unsigned)strtoul(getenv("KENSA_WATCH_MS"), NULL, 10);
    if (getenv("KENSA_REEVAL_WRITE_DELAY_MS"))
        cfg.reeval_write_delay_ms =
                (unsigned)strtoul(getenv("KENSA_REEVAL_WRITE_DELAY_MS"), NULL, 10);
    if (getenv("KENSA_APPLY_DELAY_MS"))
        cfg.apply_delay_ms = (unsigned)strtoul(getenv("KENSA_APPLY_DELAY_MS"), NULL, 10);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    {
        static struct deliverer dl;
        dl.store = o.store;
        cfg.tick = deliver_events;
        cfg.tick_ctx = &dl;
        err = ks_http_global_init(&d);
        if (!err)
            err = ks_server_run(&cfg, &stop_flag, on_ready, NULL, &d);
        ks_store_close(dl.st);
        dl.st = NULL;
    }
    if (err)
        return ks_cmd_fail(&d, err);
    return KS_EXIT_OK;
}
