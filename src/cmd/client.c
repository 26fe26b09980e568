/* cmd/client.c - client commands over the HTTP API of a kensa server
 * (`kensa findings list`, `kensa push`, `kensa report`), in kensa-net with
 * the rest of libcurl's users. The server is $KENSA_URL (default
 * http://127.0.0.1:8080) and the bearer token $KENSA_TOKEN. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/log.h"
#include "formats/json.h"
#include "http/http.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"

#include <getopt.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char cmd_findings_help[] =
        "usage: kensa findings list [--severity S]... [--status S] [--vulnerability ID]\n"
        "                           [--resource ID] [--filter JSON] [--max N] [--json]\n\n"
        "Lists findings from the kensa server at $KENSA_URL (default\n"
        "http://127.0.0.1:8080) with the token in $KENSA_TOKEN, all pages, newest first.\n\n"
        "  --severity S        CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNTRIAGED (repeatable)\n"
        "  --status S          ACTIVE (default), SUPPRESSED or CLOSED\n"
        "  --vulnerability ID  one vulnerability (CVE, GHSA, ...)\n"
        "  --resource ID       one resource\n"
        "  --filter JSON       a whole filterCriteria object (replaces the options above)\n"
        "  --max N             stop after N findings\n"
        "  --json              one finding per line as the API returns it\n";

const char cmd_push_help[] =
        "usage: kensa push TARGET [--resource ID] [--type host|image|function]\n"
        "                  [--tag KEY=VALUE]...\n\n"
        "Submits an inventory to the kensa server at $KENSA_URL with $KENSA_TOKEN: TARGET\n"
        "is a CycloneDX or SPDX JSON file, or anything 'kensa sbom' reads (a root\n"
        "filesystem, an image, an archive), which is inventoried here first. Prints\n"
        "the server's answer (findings opened and closed).\n\n"
        "  --resource ID       the resource id (default: the host name for /, else the\n"
        "                      target's file name)\n"
        "  --type T            host (default), image or function\n"
        "  --tag KEY=VALUE     a resource tag (repeatable)\n";

const char cmd_report_help[] =
        "usage: kensa report [--format CSV|JSON] [--filter JSON] [-o FILE]\n\n"
        "Asks the kensa server at $KENSA_URL to write a findings report (default CSV)\n"
        "of the findings matching the filterCriteria JSON, waits until it is written,\n"
        "and prints its status (location, size, row count) as JSON.\n\n"
        "  --format F          CSV (default) or JSON\n"
        "  --filter JSON       a filterCriteria object, as 'kensa findings list --filter'\n"
        "  -o, --output FILE   also download the report into FILE\n";

struct api {
    char base[2048];
    char auth[600];
};

static int api_init(struct api *a, const char *cmd)
{
    const char *url = getenv("KENSA_URL"), *tok = getenv("KENSA_TOKEN");
    size_t n;

    if (!tok || !*tok)
        return ks_cmd_usage_error(cmd, "set KENSA_TOKEN to a token of the server");
    snprintf(a->base, sizeof(a->base), "%s", url && *url ? url : "http://127.0.0.1:8080");
    n = strlen(a->base);
    while (n && a->base[n - 1] == '/')
        a->base[--n] = '\0';
    snprintf(a->auth, sizeof(a->auth), "Authorization: Bearer %s", tok);
    return KS_CMD_CONTINUE;
}

/* Calls the API; anything but 2xx becomes an error naming the server's
 * {"code", "message"}. */
static ks_err api_call(const struct api *a, const char *method, const char *path,
                       const char *body, size_t len, struct ks_buf *out, struct ks_diag *d)
{
    const char *hdrs[] = {a->auth};
    char url[4096];
    long status;
    ks_err err;

    snprintf(url, sizeof(url), "%s%s", a->base, path);
    ks_buf_reset(out);
    err = ks_http_request(method, url, hdrs, 1, body, len, 600000, &status, out, d);
    if (err)
        return err;
    if (status < 200 || status > 299) {
        struct ks_arena ar;
        struct ks_value *v = NULL;
        struct ks_diag jd = KS_DIAG_INIT;
        const char *msg = NULL;

        ks_arena_init(&ar, 4096, 0);
        if (!ks_json_parse(&ar, "response", ks_buf_str(out), out->len, &ks_env.limits, &v, &jd))
            msg = ks_value_get_str(v, "message");
        err = ks_diag_set(d, status == 401 || status == 403 ? KS_EINVAL : KS_EIO,
                          "%s %s: HTTP %ld: %s", method, url, status, msg ? msg : "no message");
        ks_arena_release(&ar);
    }
    return err;
}

/* ---- filter criteria from options (findings list, filters) ---- */

/* --filter JSON, or criteria built from --severity (repeatable),
 * --vulnerability and --resource. */
struct criteria_opts {
    const char *sev[8];
    size_t nsev;
    const char *vuln, *resource, *filter;
};

/* Takes option `c` when it is one of the criteria options: 1 taken, 0 not
 * one of them, or an exit code (usage error) for command `cmd`. */
static int criteria_opt(struct criteria_opts *o, const char *cmd, int c, const char *arg)
{
    switch (c) {
    case 's':
        if (o->nsev == KS_ARRAY_LEN(o->sev))
            return ks_cmd_usage_error(cmd, "at most 8 --severity options");
        o->sev[o->nsev++] = arg;
        return 1;
    case 'V':
        o->vuln = arg;
        return 1;
    case 'r':
        o->resource = arg;
        return 1;
    case 'f':
        o->filter = arg;
        return 1;
    }
    return 0;
}

static bool criteria_given(const struct criteria_opts *o)
{
    return o->nsev || o->vuln || o->resource;
}

/* ---- findings list ---- */

struct list_opts {
    struct criteria_opts crit;
    const char *status;
    uint64_t max;
    bool json;
};

static int list_opt(int c, const char *arg, void *ctx)
{
    struct list_opts *o = ctx;
    int taken = criteria_opt(&o->crit, "findings", c, arg);

    if (taken)
        return taken == 1 ? 0 : taken;
    switch (c) {
    case 't':
        o->status = arg;
        break;
    case 'm':
        if (ks_parse_u64(arg, &o->max) || !o->max)
            return ks_cmd_usage_error("findings", "--max must be a positive number");
        break;
    case 'j':
        o->json = true;
        break;
    }
    return 0;
}

/* key: [{"comparison": "EQUALS", "value": v}, ...] for the `n` values. */
static void criteria(struct ks_jw *w, const char *key, const char *const *values, size_t n)
{
    if (!n || !values[0])
        return;
    ks_jw_key(w, key);
    ks_jw_arr_begin(w);
    for (size_t i = 0; i < n; i++) {
        ks_jw_obj_begin(w);
        ks_jw_kstr(w, "comparison", "EQUALS");
        ks_jw_kstr(w, "value", values[i]);
        ks_jw_obj_end(w);
    }
    ks_jw_arr_end(w);
}

/* The criteria built from the options, as members of an open object. */
static void criteria_write(struct ks_jw *w, const struct criteria_opts *o)
{
    criteria(w, "severity", o->sev, o->nsev);
    criteria(w, "vulnerabilityId", &o->vuln, 1);
    criteria(w, "resourceId", &o->resource, 1);
}

static const char *or(const char *s, const char *dflt)
{
    return s ? s : dflt;
}

static void print_row(const struct ks_value *f, bool json)
{
    const struct ks_value *in = ks_value_get(f, "finding");
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_jw w;

    if (json) {
        ks_jw_init(&w, &b, 0);
        ks_jw_value(&w, f);
        if (!ks_jw_finish(&w))
            printf("%s\n", ks_buf_str(&b));
        ks_buf_release(&b);
        return;
    }
    printf("%-14s %-10s %-22s %-24s %s %s\n", or(ks_value_get_str(in, "severity"), "-"),
           or(ks_value_get_str(f, "status"), "-"),
           or(ks_value_get_str(ks_value_get(in, "vulnerability"), "id"), "-"),
           or(ks_value_get_str(ks_value_get(in, "resource"), "id"), "-"),
           or(ks_value_get_str(ks_value_get(in, "package"), "name"), "-"),
           or(ks_value_get_str(ks_value_get(in, "package"), "version"), ""));
}

static int findings_list(int argc, char **argv)
{
    static const struct option longopts[] = {
            {"severity", required_argument, NULL, 's'}, {"status", required_argument, NULL, 't'},
            {"vulnerability", required_argument, NULL, 'V'},
            {"resource", required_argument, NULL, 'r'}, {"filter", required_argument, NULL, 'f'},
            {"max", required_argument, NULL, 'm'},      {"json", no_argument, NULL, 'j'},
            {NULL, 0, NULL, 0}};
    struct list_opts o = {.status = "ACTIVE"};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf req = KS_BUF_INIT(0), resp = KS_BUF_INIT(256u << 20);
    char next[4096] = "";
    uint64_t shown = 0;
    bool header = false;
    struct ks_arena ar;
    struct api a;
    int rc;
    ks_err err = KS_OK;

    rc = ks_cmd_getopt(argc, argv, NULL, longopts, cmd_findings_help, list_opt, &o);
    if (rc == KS_CMD_CONTINUE && optind < argc)
        rc = ks_cmd_usage_error("findings", "unexpected argument '%s'", argv[optind]);
    if (rc == KS_CMD_CONTINUE)
        rc = api_init(&a, "findings");
    if (rc != KS_CMD_CONTINUE)
        return rc;
    ks_arena_init(&ar, 65536, 0);
    do {
        struct ks_value *v;
        const struct ks_value *list;
        struct ks_jw w;

        /* --filter is the user's own JSON, spliced in as text. */
        ks_buf_reset(&req);
        ks_buf_addf(&req, "{\"maxResults\":100,\"filterCriteria\":");
        if (o.crit.filter) {
            ks_buf_adds(&req, o.crit.filter);
        } else {
            ks_jw_init(&w, &req, 0);
            ks_jw_obj_begin(&w);
            criteria(&w, "findingStatus", &o.status, 1);
            criteria_write(&w, &o.crit);
            ks_jw_obj_end(&w);
            if (ks_jw_finish(&w)) {
                err = ks_diag_set(&d, KS_ENOMEM, "out of memory");
                break;
            }
        }
        if (next[0]) {
            ks_buf_adds(&req, ",\"nextToken\":");
            ks_jw_init(&w, &req, 0);
            ks_jw_str(&w, next);
            ks_jw_finish(&w);
        }
        ks_buf_adds(&req, "}");
        err = api_call(&a, "POST", "/api/v1/findings/list", req.ptr, req.len, &resp, &d);
        if (err)
            break;
        err = ks_json_parse(&ar, "findings/list response", ks_buf_str(&resp), resp.len,
                            &ks_env.limits, &v, &d);
        if (err)
            break;
        list = ks_value_get(v, "findings");
        /* The header only once the server answered: a connection error
         * leaves nothing half-printed on stdout. */
        if (!o.json && !header) {
            printf("%-14s %-10s %-22s %-24s %s\n", "SEVERITY", "STATUS", "VULNERABILITY",
                   "RESOURCE", "PACKAGE");
            header = true;
        }
        for (size_t i = 0; i < ks_value_len(list) && (!o.max || shown < o.max); i++, shown++)
            print_row(ks_value_at(list, i), o.json);
        snprintf(next, sizeof(next), "%s", or(ks_value_get_str(v, "nextToken"), ""));
        ks_arena_reset(&ar);
    } while (next[0] && (!o.max || shown < o.max));
    ks_arena_release(&ar);
    ks_buf_release(&req);
    ks_buf_release(&resp);
    return err ? ks_cmd_fail(&d, err) : KS_EXIT_OK;
}

int cmd_findings(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "list"))
        return findings_list(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        ks_cmd_print_help(cmd_findings_help);
        return KS_EXIT_OK;
    }
    return ks_cmd_usage_error("findings", "expected 'list'");
}

/* ---- push ---- */

struct push_opts {
    const char *resource, *type;
    struct ks_buf query;
};

static int push_opt(int c, const char *arg, void *ctx)
{
    struct push_opts *o = ctx;
    const char *eq;

    switch (c) {
    case 'r':
        o->resource = arg;
        break;
    case 't':
        if (strcmp(arg, "host") && strcmp(arg, "image") && strcmp(arg, "function"))
            return ks_cmd_usage_error("push", "--type must be host, image or function");
        o->type = arg;
        break;
    case 'g':
        eq = strchr(arg, '=');
        if (!eq || eq == arg || strpbrk(arg, "&# ?"))
            return ks_cmd_usage_error("push", "--tag wants KEY=VALUE, got '%s'", arg);
        ks_buf_addf(&o->query, "&tag.%s", arg);
        break;
    }
    return 0;
}

/* True when `path` is a regular file named *.json or starting with '{' (an
 * SBOM document, submitted as it is). */
static bool is_json_file(const char *path)
{
    size_t n = strlen(path);
    struct stat st;
    FILE *f;
    int c = EOF;

    if (stat(path, &st) || !S_ISREG(st.st_mode))
        return false;
    if (n > 5 && !strcmp(path + n - 5, ".json"))
        return true;
    if (!(f = fopen(path, "rb")))
        return false;
    while ((c = fgetc(f)) != EOF && strchr(" \t\r\n", c))
        ;
    fclose(f);
    return c == '{';
}

/* Runs `kensa sbom KIND TARGET -f cyclonedx -o OUT`. KIND: an OCI layout directory or --type image file is an image,
 * another directory a root filesystem, another file an archive. */
static ks_err inventory(const char *target, const char *type, const char *out,
                        struct ks_diag *d)
{
    char kensa[4200], layout[4200];
    struct stat st;
    const char *kind;
    char *args[] = {"kensa", "sbom", NULL, (char *)(uintptr_t)target, "-f", "cyclonedx", "-o",
                    (char *)(uintptr_t)out, "-q", NULL};
    pid_t pid;
    int status;

    if (stat(target, &st))
        return ks_diag_errno(d, KS_EINVAL, "%s", target);
    snprintf(layout, sizeof(layout), "%s/oci-layout", target);
    if (S_ISDIR(st.st_mode))
        kind = access(layout, F_OK) ? "rootfs" : "image";
    else
        kind = !strcmp(type, "image") ? "image" : "archive";
    args[2] = (char *)(uintptr_t)kind;
    /* Beside this helper in the build tree; installed, kensa-net is in
     * libexecdir and kensa on the PATH. */
    if (!ks_cmd_sibling("kensa", kensa, sizeof(kensa)) || access(kensa, X_OK))
        snprintf(kensa, sizeof(kensa), "kensa");
    if (posix_spawnp(&pid, kensa, NULL, NULL, args, environ))
        return ks_diag_set(d, KS_EINTERNAL, "cannot run %s", kensa);
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
        return ks_diag_set(d, KS_EINVAL, "%s: could not be inventoried", target);
    return KS_OK;
}

int cmd_push(int argc, char **argv)
{
    static const struct option longopts[] = {{"resource", required_argument, NULL, 'r'},
                                             {"type", required_argument, NULL, 't'},
                                             {"tag", required_argument, NULL, 'g'},
                                             {NULL, 0, NULL, 0}};
    struct push_opts o = {NULL, "host", KS_BUF_INIT(0)};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf resp = KS_BUF_INIT(16u << 20), path = KS_BUF_INIT(0);
    char tmp[] = "/tmp/kensa-push-XXXXXX", host[256], rid[512], file[600];
    const char *target, *doc = NULL;
    struct ks_buf data = KS_BUF_INIT(0);
    struct api a;
    ks_err err;
    int rc;

    rc = ks_cmd_getopt(argc, argv, NULL, longopts, cmd_push_help, push_opt, &o);
    if (rc == KS_CMD_CONTINUE && optind + 1 != argc)
        rc = ks_cmd_usage_error("push", "expected one TARGET");
    if (rc == KS_CMD_CONTINUE)
        rc = api_init(&a, "push");
    if (rc != KS_CMD_CONTINUE) {
        ks_buf_release(&o.query);
        return rc;
    }
    target = argv[optind];
    if (o.resource) {
        snprintf(rid, sizeof(rid), "%s", o.resource);
    } else if (!strcmp(target, "/")) {
        gethostname(host, sizeof(host) - 1);
        host[sizeof(host) - 1] = '\0';
        snprintf(rid, sizeof(rid), "%s", host);
    } else {
        const char *base = strrchr(target, '/');
        snprintf(rid, sizeof(rid), "%s", base && base[1] ? base + 1 : target);
    }
    if (strpbrk(rid, "/?#% ") || !rid[0]) {
        ks_buf_release(&o.query);
        return ks_cmd_usage_error("push", "resource id '%s' needs --resource (no / ? # %% or space)",
                                  rid);
    }
    if (is_json_file(target)) {
        doc = target;
        err = KS_OK;
    } else if (!mkdtemp(tmp)) {
        err = ks_diag_errno(&d, KS_EIO, "cannot create a temporary directory");
    } else {
        snprintf(file, sizeof(file), "%s/inventory.cdx.json", tmp);
        doc = file;
        err = inventory(target, o.type, file, &d);
    }
    if (!err)
        err = ks_file_read(doc, (size_t)ks_env.limits.max_file_size, &data, &d);
    if (!err && doc == target) {
        /* Checked here, as the server would: a bad document is reported
         * with the local file's name, and nothing is sent. */
        struct ks_inventory inv;

        ks_inventory_init(&inv);
        err = ks_pkg_read_sbom_mem(&inv, target, ks_buf_str(&data), data.len, &ks_env.limits,
                                   &d);
        ks_inventory_release(&inv);
    }
    ks_buf_addf(&path, "/api/v1/resources/%s/inventory?type=%s%s", rid, o.type,
                o.query.len ? ks_buf_str(&o.query) : "");
    if (!err)
        err = api_call(&a, "PUT", ks_buf_str(&path), ks_buf_str(&data), data.len, &resp, &d);
    if (!err)
        printf("%s\n", ks_buf_str(&resp));
    if (doc == file) {
        unlink(file);
        rmdir(tmp);
    }
    ks_buf_release(&data);
    ks_buf_release(&resp);
    ks_buf_release(&path);
    ks_buf_release(&o.query);
    return err ? ks_cmd_fail(&d, err) : KS_EXIT_OK;
}

/* ---- report ---- */

struct report_opts {
    const char *format, *filter, *output;
};

static int report_opt(int c, const char *arg, void *ctx)
{
    struct report_opts *o = ctx;

    if (c == 'F') {
        if (strcmp(arg, "CSV") && strcmp(arg, "JSON"))
            return ks_cmd_usage_error("report", "--format must be CSV or JSON");
        o->format = arg;
    } else if (c == 'f') {
        o->filter = arg;
    } else if (c == 'o') {
        o->output = arg;
    }
    return 0;
}

/* Polls report `id` until it is no longer IN_PROGRESS (at most ten
 * minutes); `resp` holds its last status. */
static ks_err report_wait(const struct api *a, int64_t id, struct ks_buf *resp,
                          struct ks_diag *d)
{
    struct ks_arena ar;
    char path[64];
    unsigned delay_ms = 50, waited_ms = 0;
    ks_err err;

    snprintf(path, sizeof(path), "/api/v1/reports/%lld", (long long)id);
    ks_arena_init(&ar, 4096, 0);
    for (;;) {
        struct ks_value *v;
        const char *status;

        err = api_call(a, "GET", path, NULL, 0, resp, d);
        if (!err)
            err = ks_json_parse(&ar, "report status", ks_buf_str(resp), resp->len,
                                &ks_env.limits, &v, d);
        if (err)
            break;
        status = or(ks_value_get_str(v, "status"), "");
        if (!strcmp(status, "FAILED")) {
            err = ks_diag_set(d, KS_EIO, "report %lld failed: %s", (long long)id,
                              or(ks_value_get_str(v, "errorMessage"), "no message"));
            break;
        }
        if (strcmp(status, "IN_PROGRESS"))
            break;
        if (waited_ms > 600000) {
            err = ks_diag_set(d, KS_EIO, "report %lld still IN_PROGRESS after 10 minutes",
                              (long long)id);
            break;
        }
        ks_arena_reset(&ar);
        usleep(delay_ms * 1000);
        waited_ms += delay_ms;
        delay_ms = delay_ms < 1000 ? delay_ms * 2 : 1000;
    }
    ks_arena_release(&ar);
    return err;
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'F'},
                                             {"filter", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             {NULL, 0, NULL, 0}};
    struct report_opts o = {"CSV", NULL, NULL};
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf body = KS_BUF_INIT(0), resp = KS_BUF_INIT(1u << 20);
    struct ks_buf content = KS_BUF_INIT((size_t)ks_env.limits.max_file_size);
    struct ks_arena ar;
    struct ks_value *v;
    int64_t id = 0;
    struct api a;
    ks_err err;
    int rc;

    rc = ks_cmd_getopt(argc, argv, "o:", longopts, cmd_report_help, report_opt, &o);
    if (rc == KS_CMD_CONTINUE && optind < argc)
        rc = ks_cmd_usage_error("report", "unexpected argument '%s'", argv[optind]);
    if (rc == KS_CMD_CONTINUE)
        rc = api_init(&a, "report");
    if (rc != KS_CMD_CONTINUE)
        return rc;
    ks_arena_init(&ar, 4096, 0);
    ks_buf_addf(&body, "{\"reportFormat\":\"%s\",\"filterCriteria\":%s}", o.format,
                o.filter ? o.filter : "{}");
    err = api_call(&a, "POST", "/api/v1/reports", body.ptr, body.len, &resp, &d);
    if (!err)
        err = ks_json_parse(&ar, "reports response", ks_buf_str(&resp), resp.len,
                            &ks_env.limits, &v, &d);
    if (!err && (!ks_value_int(ks_value_get(v, "reportId"), &id) || id <= 0))
        err = ks_diag_set(&d, KS_EIO, "the server's answer has no reportId");
    if (!err)
        err = report_wait(&a, id, &resp, &d);
    if (!err && o.output) {
        char path[96];

        snprintf(path, sizeof(path), "/api/v1/reports/%lld/content", (long long)id);
        err = api_call(&a, "GET", path, NULL, 0, &content, &d);
        if (!err)
            err = ks_file_write_atomic(o.output, content.ptr ? content.ptr : "", content.len, &d);
    }
    if (!err)
        printf("%s\n", ks_buf_str(&resp));
    ks_arena_release(&ar);
    ks_buf_release(&body);
    ks_buf_release(&resp);
    ks_buf_release(&content);
    return err ? ks_cmd_fail(&d, err) : KS_EXIT_OK;
}

/* ---- filters ---- */

const char cmd_filters_help[] =
        "usage: kensa filters list [--json]\n"
        "       kensa filters create NAME [--action NONE|SUPPRESS] [--reason TEXT]\n"
        "                            [--description TEXT] [--filter JSON] [--severity S]...\n"
        "                            [--vulnerability ID] [--resource ID] [--json]\n"
        "       kensa filters update ID [--name NAME] [--action A] [--reason TEXT]\n"
        "                            [--description TEXT] [--filter JSON] ...\n"
        "       kensa filters delete ID\n\n"
        "Manages the saved filters of the kensa server at $KENSA_URL with $KENSA_TOKEN:\n"
        "action NONE is a saved view, SUPPRESS a suppression rule that turns matching\n"
        "findings SUPPRESSED, now and later, until it is changed or deleted. 'create'\n"
        "prints the new filter's id.\n\n"
        "  --action A          NONE (default for create) or SUPPRESS\n"
        "  --reason TEXT       why (shown with the filter)\n"
        "  --description TEXT  what it is for\n"
        "  --filter JSON       the filterCriteria object, as 'kensa findings list --filter'\n"
        "  --severity S, --vulnerability ID, --resource ID\n"
        "                      criteria built as 'kensa findings list' does (without --filter)\n"
        "  --name NAME         a new name (update)\n"
        "  --json              print the server's JSON answer\n";

struct filter_opts {
    struct criteria_opts crit;
    const char *name, *action, *reason, *description;
    bool json;
};

static int filter_opt(int c, const char *arg, void *ctx)
{
    struct filter_opts *o = ctx;
    int taken = criteria_opt(&o->crit, "filters", c, arg);

    if (taken)
        return taken == 1 ? 0 : taken;
    switch (c) {
    case 'a':
        if (strcmp(arg, "NONE") && strcmp(arg, "SUPPRESS"))
            return ks_cmd_usage_error("filters", "--action must be NONE or SUPPRESS");
        o->action = arg;
        break;
    case 'n':
        o->name = arg;
        break;
    case 'R':
        o->reason = arg;
        break;
    case 'D':
        o->description = arg;
        break;
    case 'j':
        o->json = true;
        break;
    }
    return 0;
}

/* The request body of create/update: only what was given. --filter is the
 * user's own JSON, spliced in as text (the server checks it). */
static ks_err filter_body(const struct filter_opts *o, struct ks_buf *out, struct ks_diag *d)
{
    struct ks_jw w;

    ks_jw_init(&w, out, 0);
    ks_jw_obj_begin(&w);
    ks_jw_kstr_opt(&w, "name", o->name);
    ks_jw_kstr_opt(&w, "action", o->action);
    ks_jw_kstr_opt(&w, "reason", o->reason);
    ks_jw_kstr_opt(&w, "description", o->description);
    if (!o->crit.filter && criteria_given(&o->crit)) {
        ks_jw_key(&w, "filterCriteria");
        ks_jw_obj_begin(&w);
        criteria_write(&w, &o->crit);
        ks_jw_obj_end(&w);
    }
    ks_jw_obj_end(&w);
    if (ks_jw_finish(&w))
        return ks_diag_set(d, KS_ENOMEM, "out of memory");
    if (o->crit.filter) {
        /* Replace the closing brace: {..., "filterCriteria": FILTER} */
        out->len--;
        if (out->len > 1)
            ks_buf_adds(out, ",");
        ks_buf_addf(out, "\"filterCriteria\":%s}", o->crit.filter);
    }
    return KS_OK;
}

static void print_filter(const struct ks_value *f)
{
    int64_t id = 0;

    ks_value_int(ks_value_get(f, "id"), &id);
    printf("%-6lld %-9s %-24s %s\n", (long long)id, or(ks_value_get_str(f, "action"), "-"),
           or(ks_value_get_str(f, "name"), "-"), or(ks_value_get_str(f, "reason"), ""));
}

/* A positive decimal filter id. */
static bool filter_id(const char *s, uint64_t *id)
{
    return !ks_parse_u64(s, id) && *id > 0;
}

int cmd_filters(int argc, char **argv)
{
    static const struct option longopts[] = {
            {"action", required_argument, NULL, 'a'},
            {"name", required_argument, NULL, 'n'},
            {"reason", required_argument, NULL, 'R'},
            {"description", required_argument, NULL, 'D'},
            {"filter", required_argument, NULL, 'f'},
            {"severity", required_argument, NULL, 's'},
            {"vulnerability", required_argument, NULL, 'V'},
            {"resource", required_argument, NULL, 'r'},
            {"json", no_argument, NULL, 'j'},
            {NULL, 0, NULL, 0}};
    struct filter_opts o;
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_buf body = KS_BUF_INIT(0), resp = KS_BUF_INIT(64u << 20);
    const char *verb;
    char path[128];
    uint64_t id = 0;
    struct ks_arena ar;
    struct ks_value *v = NULL;
    struct api a;
    ks_err err = KS_OK;
    int rc;

    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        ks_cmd_print_help(cmd_filters_help);
        return KS_EXIT_OK;
    }
    if (argc < 2 || (strcmp(argv[1], "list") && strcmp(argv[1], "create") &&
                     strcmp(argv[1], "update") && strcmp(argv[1], "delete")))
        return ks_cmd_usage_error("filters", "expected 'list', 'create', 'update' or 'delete'");
    /* "filters VERB ARGS" is parsed as "filters ARGS" (messages name
     * the command). */
    verb = argv[1];
    argv[1] = argv[0];
    argc--;
    argv++;
    memset(&o, 0, sizeof(o));
    rc = ks_cmd_getopt(argc, argv, NULL, longopts, cmd_filters_help, filter_opt, &o);
    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (!strcmp(verb, "list") && optind != argc)
        return ks_cmd_usage_error("filters", "'list' takes no arguments");
    if (!strcmp(verb, "create")) {
        if (optind + 1 != argc)
            return ks_cmd_usage_error("filters", "'create' wants one NAME");
        if (o.name)
            return ks_cmd_usage_error("filters", "'create' takes the NAME as its argument");
        o.name = argv[optind];
        if (!o.action)
            o.action = "NONE";
        if (!o.crit.filter && !criteria_given(&o.crit))
            o.crit.filter = "{}";
    }
    if (!strcmp(verb, "update") || !strcmp(verb, "delete")) {
        if (optind + 1 != argc || !filter_id(argv[optind], &id))
            return ks_cmd_usage_error("filters", "'%s' wants one filter ID (a number)", verb);
    }
    rc = api_init(&a, "filters");
    if (rc != KS_CMD_CONTINUE)
        return rc;
    ks_arena_init(&ar, 65536, 0);
    snprintf(path, sizeof(path), "/api/v1/filters/%llu", (unsigned long long)id);
    if (!strcmp(verb, "list")) {
        err = api_call(&a, "GET", "/api/v1/filters", NULL, 0, &resp, &d);
    } else if (!strcmp(verb, "delete")) {
        err = api_call(&a, "DELETE", path, NULL, 0, &resp, &d);
    } else {
        err = filter_body(&o, &body, &d);
        if (!err)
            err = api_call(&a, !strcmp(verb, "create") ? "POST" : "PUT",
                           !strcmp(verb, "create") ? "/api/v1/filters" : path, body.ptr,
                           body.len, &resp, &d);
    }
    if (!err && resp.len)
        err = ks_json_parse(&ar, "filters response", ks_buf_str(&resp), resp.len,
                            &ks_env.limits, &v, &d);
    if (!err && o.json && resp.len) {
        printf("%s\n", ks_buf_str(&resp));
    } else if (!err && !strcmp(verb, "list")) {
        const struct ks_value *list = ks_value_get(v, "filters");

        printf("%-6s %-9s %-24s %s\n", "ID", "ACTION", "NAME", "REASON");
        for (size_t i = 0; i < ks_value_len(list); i++)
            print_filter(ks_value_at(list, i));
    } else if (!err && !strcmp(verb, "create")) {
        int64_t nid = 0;

        ks_value_int(ks_value_get(v, "id"), &nid);
        printf("%lld\n", (long long)nid);
    }
    ks_arena_release(&ar);
    ks_buf_release(&body);
    ks_buf_release(&resp);
    return err ? ks_cmd_fail(&d, err) : KS_EXIT_OK;
}
