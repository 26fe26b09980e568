/* cmd/scan.c - `kensa scan`: inventory a target, match it, report findings. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/file.h"
#include "core/hash.h"
#include "core/log.h"
#include "code/code.h"
#include "export/findings.h"
#include "export/sbom.h"
#include "formats/json.h"
#include "match/match.h"
#include "net/aws.h"
#include "net/reach.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"
#include "score/score.h"
#include "vulndb/vulndb.h"

#include "ks_build.h"

#include <time.h>
#include <unistd.h>


enum {
    OPT_DB = KS_OPT_FIRST_CMD,
    OPT_SEVERITY,
    OPT_EXIT_CODE,
    OPT_IGNORE_FILE,
    OPT_IGNORE_UNFIXED,
    OPT_VEX,
    OPT_NO_NETWORK,
    OPT_DB_MAX_AGE,
    OPT_PLATFORM,
    OPT_EXPLAIN,
    OPT_EOL_DATA,
    OPT_NETWORK,
    OPT_INSTANCE,
    OPT_NO_OS_OWNED_FILTER,
    OPT_CACHE,
    OPT_INSECURE,
};

#define MAX_VEX 16
/* Inventory notes printed as warnings before the rest is summarised. */
#define MAX_NOTES_SHOWN 20

struct opts {
    const char *db;
    const char *format;
    const char *output;
    bool severities[KS_SEV_CRITICAL + 1];
    bool severity_filter;
    uint64_t exit_code;
    const char *ignore_file;
    bool ignore_unfixed;
    const char *vex[MAX_VEX];
    size_t nvex;
    bool no_network;
    uint64_t max_age;
    bool has_max_age;
    const char *platform;
    const char *explain;
    const char *eol_data;
    const char *network;  /* AWS describe-* directory */
    const char *instance; /* the scanned resource's instance id in it */
    bool no_os_owned_filter;
    const char *cache;    /* registry targets: the blob cache */
    bool insecure;        /* registry targets: plain http allowed */
};

static int scan_opt(int c, const char *arg, void *ctx)
{
    struct opts *o = ctx;

    switch (c) {
    case OPT_DB:
        o->db = arg;
        break;
    case 'f':
        o->format = arg;
        break;
    case 'o':
        o->output = arg;
        break;
    case OPT_SEVERITY: {
        char buf[256];
        char *save = NULL, *tok;

        snprintf(buf, sizeof(buf), "%s", arg);
        o->severity_filter = true;
        for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            enum ks_severity s;
            if (!ks_severity_parse(tok, &s))
                return ks_cmd_usage_error("scan", "unknown severity '%s'", tok);
            o->severities[s] = true;
        }
        break;
    }
    case OPT_EXIT_CODE:
        if (ks_parse_u64(arg, &o->exit_code) || o->exit_code > 255)
            return ks_cmd_usage_error("scan", "--exit-code must be 0 to 255");
        break;
    case OPT_IGNORE_FILE:
        o->ignore_file = arg;
        break;
    case OPT_IGNORE_UNFIXED:
        o->ignore_unfixed = true;
        break;
    case OPT_VEX:
        if (o->nvex >= MAX_VEX)
            return ks_cmd_usage_error("scan", "at most %d --vex documents", MAX_VEX);
        o->vex[o->nvex++] = arg;
        break;
    case OPT_NO_NETWORK:
        o->no_network = true;
        break;
    case OPT_DB_MAX_AGE:
        if (ks_parse_duration(arg, &o->max_age))
            return ks_cmd_usage_error("scan", "--db-max-age: invalid duration '%s'", arg);
        o->has_max_age = true;
        break;
    case OPT_PLATFORM:
        o->platform = arg;
        break;
    case OPT_EXPLAIN:
        o->explain = arg;
        break;
    case OPT_EOL_DATA:
        o->eol_data = arg;
        break;
    case OPT_NETWORK:
        o->network = arg;
        break;
    case OPT_NO_OS_OWNED_FILTER:
        o->no_os_owned_filter = true;
        break;
    case OPT_INSTANCE:
        o->instance = arg;
        break;
    case OPT_CACHE:
        o->cache = arg;
        break;
    case OPT_INSECURE:
        o->insecure = true;
        break;
    }
    return 0;
}

/* The resource's network path from an AWS network model (the network
 * module's analysis): YES when any internet path reaches the instance, NO
 * otherwise, so that network-borne flaws are scored for where the resource
 * really sits. */
static ks_err network_path(const char *dir, const char *instance, enum ks_netpath *out,
                           struct ks_diag *diag)
{
    struct ks_net_aws model;
    struct ks_net_result res;
    ks_err err;

    ks_net_aws_init(&model);
    ks_net_result_init(&res);
    err = ks_net_aws_load(&model, dir, &ks_env.limits, diag);
    if (!err)
        err = ks_net_analyze(&model, &res, diag);
    if (!err) {
        *out = ks_net_internet_exposed(&res, instance) ? KS_NETPATH_YES : KS_NETPATH_NO;
        ks_log_info("network: instance '%s' is %s from the internet", instance,
                    *out == KS_NETPATH_YES ? "reachable" : "not reachable");
    }
    ks_net_result_release(&res);
    ks_net_aws_release(&model);
    return err;
}

/* Code scanning of an archive target: each code finding becomes a
 * CODE_VULNERABILITY finding located by file and lines (kept in the
 * package fields, so every output format shows where it is). */
static ks_err add_code_findings(struct ks_match_result *res, const char *archive,
                                const char *rtype, const char *rid, const bool *severities,
                                struct ks_diag *diag)
{
    static const enum ks_severity sev_of[] = {KS_SEV_INFORMATIONAL, KS_SEV_LOW, KS_SEV_MEDIUM,
                                              KS_SEV_HIGH, KS_SEV_CRITICAL};
    struct ks_code_result cr;
    ks_err err;

    ks_code_result_init(&cr);
    err = ks_code_scan_archive(&cr, archive, KS_LANG_AUTO, &ks_env.limits, diag);
    for (size_t i = 0; i < cr.notes.len; i++)
        ks_log_info("coverage: code: %s: %s", cr.notes.items[i].file, cr.notes.items[i].msg);
    for (size_t i = 0; !err && i < cr.findings.len; i++) {
        const struct ks_code_finding *c = &cr.findings.items[i];
        struct ks_arena *a = &res->arena;
        unsigned char dig[KS_SHA256_LEN];
        const char *cwe_end = strchr(c->det->cwes, ',');
        struct ks_finding f;
        char *key;

        memset(&f, 0, sizeof(f));
        f.type = KS_FINDING_CODE_VULNERABILITY;
        f.status = KS_STATUS_ACTIVE;
        f.severity = sev_of[c->det->severity];
        f.score.basis = KS_BASIS_RULE;
        f.score.basis_reason = "code finding: the detector's severity";
        if (severities && !severities[f.severity])
            continue;
        f.resource_type = rtype;
        f.resource_id = rid;
        f.vulnerability_id = ks_arena_printf(a, "%s@v1.0", c->det->id);
        f.title = ks_arena_printf(a, "%.*s - %s",
                                  (int)(cwe_end ? (size_t)(cwe_end - c->det->cwes)
                                                : strlen(c->det->cwes)),
                                  c->det->cwes, c->det->name);
        f.description = ks_arena_strdup(a, c->message ? c->message : c->det->description);
        f.source = "KENSA_CODE";
        f.package.name = ks_arena_strdup(a, c->file);
        f.package.version = ks_arena_printf(a, "lines %u-%u", c->start_line, c->end_line);
        f.package.package_manager = "CODE";
        f.package.file_path = f.package.name;
        f.package.epoch = -1;
        f.fix_available = KS_FIX_NO;
        if (!f.vulnerability_id || !f.title || !f.description || !f.package.name ||
            !f.package.version) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
        /* Stable id: resource, detector, file and line range. */
        key = ks_arena_printf(a, "%s\n%s\n%s\n%u-%u", rid, f.vulnerability_id, c->file,
                              c->start_line, c->end_line);
        if (!key) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
        ks_sha256(key, strlen(key), dig);
        ks_hex(dig, sizeof(dig), f.id);
        if (KS_VEC_PUSH(&res->findings, f))
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    ks_code_result_release(&cr);
    return err;
}

static double mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *default_db(char *buf, size_t n)
{
    const char *e = getenv("KENSA_DB");

    if (e && *e)
        return e;
    e = getenv("KENSA_HOME");
    snprintf(buf, n, "%s/vuln.db", e && *e ? e : "/var/lib/kensa");
    return buf;
}

static ks_err load_file(const char *path, struct ks_buf *b, struct ks_diag *diag)
{
    ks_buf_reset(b);
    return ks_file_read(path, ks_env.limits.max_file_size, b, diag);
}

/* The end-of-life data directory: --eol-data, else the installed copy
 * (<prefix>/share/kensa/distro-info next to <prefix>/bin/kensa), else the
 * source tree's content/distro-info next to a build directory. */
static const char *eol_dir(const char *given, char *buf, size_t len)
{
    static const char *const rel[] = {"../share/kensa/distro-info", "../content/distro-info"};
    char self[4096];
    ssize_t n;
    char *slash;

    if (given)
        return given;
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return NULL;
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    for (size_t i = 0; i < 2; i++) {
        snprintf(buf, len, "%s/%s/debian.csv", self, rel[i]);
        if (!access(buf, R_OK)) {
            snprintf(buf, len, "%s/%s", self, rel[i]);
            return buf;
        }
    }
    return NULL;
}

/* Loads debian.csv and ubuntu.csv of `dir` (each optional, not both). */
static ks_err load_eol(struct ks_eol *eol, const char *dir, struct ks_buf *b, struct ks_diag *diag)
{
    static const char *const distros[] = {"debian", "ubuntu"};
    char path[4096];
    size_t loaded = 0;
    ks_err err = KS_OK;

    for (size_t i = 0; i < 2 && !err; i++) {
        snprintf(path, sizeof(path), "%s/%s.csv", dir, distros[i]);
        if (access(path, F_OK))
            continue;
        err = load_file(path, b, diag);
        if (!err)
            err = ks_eol_load(eol, distros[i], path, b->ptr, b->len, &ks_env.limits, diag);
        loaded++;
    }
    if (!err && !loaded)
        err = ks_diag_set(diag, KS_ENOTFOUND, "'%s': no debian.csv or ubuntu.csv", dir);
    return err;
}

/* CycloneDX 1.6 with the findings, and the matches VEX removed with their
 * analysis, as `vulnerabilities`. */
static ks_err write_cyclonedx(const struct ks_inventory *inv, const struct ks_match_result *res,
                              struct ks_buf *out)
{
    struct ks_sbom_opts so;
    struct ks_sbom_vuln *v = calloc(res->findings.len + res->skipped.len + 1, sizeof(*v));
    size_t n = 0;
    ks_err err;

    if (!v)
        return KS_ENOMEM;
    for (size_t i = 0; i < res->findings.len; i++)
        v[n++].finding = &res->findings.items[i];
    for (size_t i = 0; i < res->skipped.len; i++) {
        const struct ks_match_skip *s = &res->skipped.items[i];
        if (!s->vex)
            continue;
        v[n].finding = &s->finding;
        v[n].vex_status = ks_vex_status_name(s->vex->status);
        v[n].vex_justification = s->vex->justification;
        v[n++].vex_detail = s->vex->detail;
    }
    memset(&so, 0, sizeof(so));
    so.format = KS_SBOM_CYCLONEDX;
    so.tool_version = KS_VERSION;
    err = ks_sbom_write_cyclonedx_vulns(inv, &so, v, n, out);
    free(v);
    return err;
}

/* --explain: one block per (record, package, component), stable order. */
static ks_err write_explanation(const struct ks_match_explanation *ex, bool json,
                                struct ks_buf *out, struct ks_diag *diag)
{
    struct ks_jw jw;
    ks_err err;

    if (!json) {
        bool bad = false;

        bad |= ks_buf_addf(out, "%s", ex->id) != KS_OK;
        for (size_t i = 0; i < ex->naliases; i++)
            bad |= ks_buf_addf(out, "%s%s", i ? ", " : " (aliases: ", ex->aliases[i]) != KS_OK;
        bad |= ks_buf_adds(out, ex->naliases ? ")\n" : "\n") != KS_OK;
        if (!ex->entries.len)
            bad |= ks_buf_adds(out, "no advisory names an affected package\n") != KS_OK;
        for (size_t i = 0; i < ex->entries.len; i++) {
            const struct ks_match_explain_entry *e = &ex->entries.items[i];
            bad |= ks_buf_addf(out, "\n%s %s (%s): %s %s\n", e->role, e->record, e->feed,
                               e->ecosystem, e->package) != KS_OK;
            if (e->withdrawn)
                bad |= ks_buf_addf(out, "  withdrawn: %s\n", e->withdrawn) != KS_OK;
            bad |= ks_buf_addf(out, "  affected:  %s%s%s%s\n",
                               e->ranges ? e->ranges : "(no ranges)", e->state ? " [state " : "",
                               e->state ? e->state : "", e->state ? "]" : "") != KS_OK;
            if (e->component)
                bad |= ks_buf_addf(out, "  installed: %s %s%s%s\n", e->component->name,
                                   e->installed, e->component->path ? " in " : "",
                                   e->component->path ? e->component->path : "") != KS_OK;
            else if (e->installed)
                bad |= ks_buf_addf(out, "  installed: %s %s\n", e->package, e->installed) != KS_OK;
            else
                bad |= ks_buf_adds(out, "  installed: package not installed\n") != KS_OK;
            if (e->component && !e->withdrawn)
                bad |= ks_buf_addf(out, "  verdict:   %s\n  fixed:     %s\n",
                                   e->affected ? "affected" : "not affected",
                                   e->fixed ? e->fixed : "(none)") != KS_OK;
            bad |= ks_buf_addf(out, "  result:    %s\n", e->decision) != KS_OK;
            if (e->severity_basis)
                bad |= ks_buf_addf(out, "  severity:  %s\n", e->severity_basis) != KS_OK;
        }
        return bad ? ks_diag_set(diag, KS_ENOMEM, "out of memory") : KS_OK;
    }
    ks_jw_init(&jw, out, 2);
    ks_jw_obj_begin(&jw);
    ks_jw_kstr(&jw, "id", ex->id);
    ks_jw_key(&jw, "aliases");
    ks_jw_arr_begin(&jw);
    for (size_t i = 0; i < ex->naliases; i++)
        ks_jw_str(&jw, ex->aliases[i]);
    ks_jw_arr_end(&jw);
    ks_jw_key(&jw, "entries");
    ks_jw_arr_begin(&jw);
    for (size_t i = 0; i < ex->entries.len; i++) {
        const struct ks_match_explain_entry *e = &ex->entries.items[i];
        ks_jw_obj_begin(&jw);
        ks_jw_kstr(&jw, "record", e->record);
        ks_jw_kstr(&jw, "feed", e->feed);
        ks_jw_kstr(&jw, "role", e->role);
        ks_jw_kstr_opt(&jw, "withdrawn", e->withdrawn);
        ks_jw_kstr(&jw, "ecosystem", e->ecosystem);
        ks_jw_kstr(&jw, "package", e->package);
        ks_jw_kstr_opt(&jw, "state", e->state);
        ks_jw_kstr_opt(&jw, "ranges", e->ranges);
        ks_jw_key(&jw, "installed");
        if (e->component) {
            ks_jw_obj_begin(&jw);
            ks_jw_kstr(&jw, "name", e->component->name);
            ks_jw_kstr(&jw, "version", e->installed);
            ks_jw_kstr_opt(&jw, "purl", e->component->purl);
            ks_jw_kstr_opt(&jw, "path", e->component->path);
            ks_jw_obj_end(&jw);
            ks_jw_key(&jw, "affected");
            ks_jw_bool(&jw, e->affected);
            ks_jw_kstr_opt(&jw, "fixed", e->fixed);
        } else if (e->installed) { /* end of life: the OS release */
            ks_jw_obj_begin(&jw);
            ks_jw_kstr(&jw, "name", e->package);
            ks_jw_kstr(&jw, "version", e->installed);
            ks_jw_obj_end(&jw);
            ks_jw_key(&jw, "affected");
            ks_jw_bool(&jw, e->affected);
        } else {
            ks_jw_null(&jw);
        }
        ks_jw_key(&jw, "reported");
        ks_jw_bool(&jw, e->reported);
        ks_jw_kstr(&jw, "decision", e->decision);
        ks_jw_kstr_opt(&jw, "severity_basis", e->severity_basis);
        ks_jw_obj_end(&jw);
    }
    ks_jw_arr_end(&jw);
    ks_jw_obj_end(&jw);
    err = ks_jw_finish(&jw);
    return err ? ks_diag_set(diag, err, "cannot write the explanation") : KS_OK;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
            {"db", required_argument, NULL, OPT_DB},
            {"format", required_argument, NULL, 'f'},
            {"output", required_argument, NULL, 'o'},
            {"severity", required_argument, NULL, OPT_SEVERITY},
            {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
            {"ignore-file", required_argument, NULL, OPT_IGNORE_FILE},
            {"ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED},
            {"vex", required_argument, NULL, OPT_VEX},
            {"no-network-path", no_argument, NULL, OPT_NO_NETWORK},
            {"db-max-age", required_argument, NULL, OPT_DB_MAX_AGE},
            {"platform", required_argument, NULL, OPT_PLATFORM},
            {"explain", required_argument, NULL, OPT_EXPLAIN},
            {"eol-data", required_argument, NULL, OPT_EOL_DATA},
            {"network", required_argument, NULL, OPT_NETWORK},
            {"instance", required_argument, NULL, OPT_INSTANCE},
            {"no-os-owned-filter", no_argument, NULL, OPT_NO_OS_OWNED_FILTER},
            {"cache", required_argument, NULL, OPT_CACHE},
            {"insecure", no_argument, NULL, OPT_INSECURE},
            {NULL, 0, NULL, 0}};
    struct opts o;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_inventory inv;
    struct ks_match_result res;
    struct ks_match_opts mo;
    struct ks_scan_opts so;
    struct ks_export_opts eo;
    struct ks_ignore ignore;
    struct ks_vex vex;
    struct ks_buf file = KS_BUF_INIT(0), out = KS_BUF_INIT(0);
    struct ks_vdb *db = NULL;
    enum ks_target_kind kind;
    const char *kind_name, *target;
    char dbpath[4096], now[32], layout[4096];
    bool registry;
    struct ks_match_explanation ex;
    struct ks_eol eol;
    const char *eol_path, *sde;
    char eolbuf[4096], today[16];
    time_t t = time(NULL);
    struct tm tm;
    int rc;
    double t_inv = 0, t_match = 0;
    ks_err err = KS_OK;

    memset(&o, 0, sizeof(o));
    memset(&ex, 0, sizeof(ex));
    o.format = "table";
    rc = ks_cmd_getopt(argc, argv, "f:o:", longopts, cmd_scan_help, scan_opt, &o);
    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (o.network && !o.instance)
        return ks_cmd_usage_error("scan", "--network needs --instance: the scanned resource's id");
    if (o.network && o.no_network)
        return ks_cmd_usage_error("scan", "--network and --no-network-path exclude each other");
    if (argc - optind != 2)
        return ks_cmd_usage_error("scan", "expected a target kind and a target");
    kind_name = argv[optind];
    target = argv[optind + 1];
    registry = !strcmp(kind_name, "registry");
    kind = KS_TARGET_IMAGE;
    if (!registry && !ks_cmd_target_kind(kind_name, &kind))
        return ks_cmd_usage_error("scan", "unknown target kind '%s'", kind_name);
    if (strcmp(o.format, "table") && strcmp(o.format, "json") && strcmp(o.format, "sarif") &&
        strcmp(o.format, "asff") && strcmp(o.format, "csv") && strcmp(o.format, "cyclonedx"))
        return ks_cmd_usage_error("scan", "unknown format '%s'", o.format);

    /* SOURCE_DATE_EPOCH (reproducible runs, tests) stands for "now". */
    sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        uint64_t v;
        if (ks_parse_u64(sde, &v) || v > INT64_MAX)
            return ks_cmd_usage_error("scan", "SOURCE_DATE_EPOCH must be seconds since 1970");
        t = (time_t)v;
    }
    gmtime_r(&t, &tm);
    strftime(today, sizeof(today), "%Y-%m-%d", &tm);
    ks_inventory_init(&inv);
    ks_match_result_init(&res);
    ks_ignore_init(&ignore);
    ks_vex_init(&vex);
    ks_eol_init(&eol);
    if (!o.db)
        o.db = default_db(dbpath, sizeof(dbpath));
    err = ks_vdb_open(o.db, &db, &diag);
    if (!err && o.has_max_age) {
        int64_t age = 0;
        err = ks_vdb_max_age(db, (int64_t)t, &age, &diag);
        if (!err && age > (int64_t)o.max_age)
            err = ks_diag_set(&diag, KS_EPARSE,
                              "vulnerability database '%s' is %lld hours old (limit %llu hours)",
                              o.db, (long long)age / 3600, (unsigned long long)o.max_age / 3600);
    }
    if (!err && o.ignore_file) {
        err = load_file(o.ignore_file, &file, &diag);
        if (!err)
            err = ks_ignore_load(&ignore, o.ignore_file, file.ptr, file.len, t, &ks_env.limits,
                                 &diag);
        /* An id the database does not know is most likely a typo: the entry
         * can never apply, which the user should hear about. */
        for (size_t i = 0; !err && i < ignore.rules.len; i++) {
            struct ks_buf found = KS_BUF_INIT(0);
            struct ks_diag nd = KS_DIAG_INIT;

            if (ks_vdb_search_json(db, ignore.rules.items[i].id, 0, &found, &nd) == KS_ENOTFOUND)
                ks_log_warn("'%s' line %u: ignore entry for '%s', which the vulnerability "
                            "database does not know (a typo?)",
                            o.ignore_file, ignore.rules.items[i].line, ignore.rules.items[i].id);
            ks_buf_release(&found);
        }
        for (size_t i = 0; !err && i < ignore.rules.len; i++)
            if (ignore.rules.items[i].expired)
                ks_log_warn("'%s' line %u: ignore entry for '%s' expired on %s and no longer "
                            "applies",
                            o.ignore_file, ignore.rules.items[i].line, ignore.rules.items[i].id,
                            ignore.rules.items[i].expires);
    }
    eol_path = eol_dir(o.eol_data, eolbuf, sizeof(eolbuf));
    if (!err && eol_path)
        err = load_eol(&eol, eol_path, &file, &diag);
    for (size_t i = 0; !err && i < o.nvex; i++) {
        err = load_file(o.vex[i], &file, &diag);
        if (!err)
            err = ks_vex_load(&vex, o.vex[i], file.ptr, file.len, &ks_env.limits, &diag);
    }
    if (!err) {
        memset(&so, 0, sizeof(so));
        so.lim = &ks_env.limits;
        so.progress = ks_cmd_progress();
        so.platform = o.platform;
        so.xdev = true;
        t_inv = mono_ms();
        if (registry) {
            struct ks_cmd_registry r = {argv[optind + 1], o.cache, o.platform, o.insecure};
            rc = ks_cmd_registry_pull(&r, layout, sizeof(layout));
            if (rc)
                goto done;
            target = layout;
        }
        ks_cmd_one_arena();
        err = ks_pkg_scan(&inv, kind, target, &so, &diag);
        if (!err && registry)
            err = ks_cmd_registry_name(&inv, argv[optind + 1]);
        t_inv = mono_ms() - t_inv;
        ks_cmd_progress_done();
    }
    /* Files that could not be (fully) read: warnings, the first few only
     * unless -v (a whole host can have hundreds; `kensa sbom -f json` lists
     * them all under "notes"). */
    for (size_t i = 0; !err && i < inv.notes.len; i++) {
        if (i == MAX_NOTES_SHOWN && !ks_log_enabled(KS_LOG_INFO)) {
            ks_log_warn("%zu more notes about files that could not be fully read (-v shows "
                        "them)",
                        inv.notes.len - i);
            break;
        }
        ks_log_warn("%s%s%s", inv.notes.items[i].path ? inv.notes.items[i].path : "",
                    inv.notes.items[i].path ? ": " : "", inv.notes.items[i].message);
    }
    if (!err) {
        static const char *const kinds[] = {"ROOTFS", "IMAGE", "ARCHIVE", "SBOM", "HOST"};

        memset(&mo, 0, sizeof(mo));
        mo.netpath = o.no_network ? KS_NETPATH_NO : KS_NETPATH_UNKNOWN;
        if (o.network)
            err = network_path(o.network, o.instance, &mo.netpath, &diag);
        mo.ignore = o.ignore_file ? &ignore : NULL;
        mo.vex = o.nvex ? &vex : NULL;
        mo.ignore_unfixed = o.ignore_unfixed;
        mo.os_owned_upstream = o.no_os_owned_filter;
        mo.severities = o.severity_filter ? o.severities : NULL;
        mo.eol = eol_path ? &eol : NULL;
        mo.today = today;
        mo.resource_type = kinds[kind];
        mo.resource_id = inv.target.digest ? inv.target.digest : argv[optind + 1];
        t_match = mono_ms();
        err = ks_match_inventory(db, &inv, &mo, &res, &diag);
        t_match = mono_ms() - t_match;
        if (!err)
            ks_log_info("timing: inventory %.2f ms (%zu components), matching %.2f ms", t_inv,
                        inv.components.len, t_match);
        /* A function archive is also code: its findings join the package
         * findings (the original service scans Lambda code the same way). */
        if (!err && kind == KS_TARGET_ARCHIVE && !o.explain)
            err = add_code_findings(&res, argv[optind + 1], mo.resource_type, mo.resource_id,
                                    o.severity_filter ? o.severities : NULL, &diag);
    }
    if (!err) {
        for (size_t i = 0; i < res.notes.len; i++)
            ks_log_info("coverage: %s", res.notes.items[i]);
        for (size_t i = 0; i < res.skipped.len; i++)
            ks_log_info("not reported: %s in %s: %s", res.skipped.items[i].vulnerability_id,
                        res.skipped.items[i].package, res.skipped.items[i].reason);
        gmtime_r(&t, &tm);
        strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
        memset(&eo, 0, sizeof(eo));
        eo.tool_version = KS_VERSION;
        eo.target = argv[optind + 1];
        eo.now = now;
        eo.color = !o.output && ks_env.color_stdout;
        if (o.explain) {
            err = ks_match_explain(db, &inv, &mo, &res, o.explain, &ex, &diag);
            if (!err)
                err = write_explanation(&ex, !strcmp(o.format, "json"), &out, &diag);
        } else if (!strcmp(o.format, "json"))
            err = ks_export_findings_json(res.findings.items, res.findings.len, &eo, &out);
        else if (!strcmp(o.format, "sarif"))
            err = ks_export_findings_sarif(res.findings.items, res.findings.len, &eo, &out);
        else if (!strcmp(o.format, "asff"))
            err = ks_export_findings_asff(res.findings.items, res.findings.len, &eo, &out);
        else if (!strcmp(o.format, "cyclonedx"))
            err = write_cyclonedx(&inv, &res, &out);
        else if (!strcmp(o.format, "csv"))
            err = ks_export_findings_csv(res.findings.items, res.findings.len, &eo, &out);
        else
            err = ks_export_findings_table(res.findings.items, res.findings.len, &eo, &out);
        if (err && !o.explain)
            err = ks_diag_set(&diag, err, "cannot write the report: %s", ks_err_str(err));
    }
    if (!err)
        err = ks_file_write_atomic(o.output ? o.output : "-", out.ptr ? out.ptr : "", out.len,
                                   &diag);
    if (!err)
        ks_log_info("%zu components matched, %zu findings, %zu not reported", res.components,
                    res.findings.len, res.skipped.len);
    rc = err ? ks_cmd_fail(&diag, err)
             : (res.findings.len && o.exit_code && !o.explain ? (int)o.exit_code : KS_EXIT_OK);
done:
    ks_match_explanation_release(&ex);
    ks_eol_release(&eol);
    ks_vdb_close(db);
    ks_vex_release(&vex);
    ks_ignore_release(&ignore);
    ks_match_result_release(&res);
    ks_inventory_release(&inv);
    ks_buf_release(&file);
    ks_buf_release(&out);
    return rc;
}
