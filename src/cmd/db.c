/* cmd/db.c - `kensa db import|update|status|search|lookup`. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/buf.h"
#include "core/str.h"
#include "formats/json.h"
#include "score/cvss.h"
#include "vulndb/vulndb.h"

#include <time.h>


enum {
    OPT_DB = KS_OPT_FIRST_CMD,
    OPT_STRICT,
    OPT_FORMAT,
    OPT_ECOSYSTEM,
    OPT_PACKAGE,
    OPT_VERSION,
    OPT_DRY_RUN,
    OPT_APT_BASE,
};

struct db_opts {
    const char *sub;
    const char *db;
    const char *format;
    const char *ecosystem;
    const char *package;
    const char *version;
    const char *apt_base;
    bool strict;
    bool dry_run;
};

static int db_opt(int c, const char *arg, void *ctx)
{
    struct db_opts *o = ctx;
    switch (c) {
    case OPT_DB:
        o->db = arg;
        break;
    case OPT_STRICT:
        o->strict = true;
        break;
    case OPT_FORMAT:
        o->format = arg;
        break;
    case OPT_ECOSYSTEM:
        o->ecosystem = arg;
        break;
    case OPT_PACKAGE:
        o->package = arg;
        break;
    case OPT_VERSION:
        o->version = arg;
        break;
    case OPT_DRY_RUN:
        o->dry_run = true;
        break;
    case OPT_APT_BASE:
        o->apt_base = arg;
        break;
    default:
        return ks_cmd_usage_error(o->sub, "unknown option");
    }
    return 0;
}

static const char *default_db(struct ks_buf *b)
{
    const char *e = getenv("KENSA_DB");
    if (e && *e)
        return e;
    e = getenv("KENSA_HOME");
    ks_buf_addf(b, "%s/vuln.db", e && *e ? e : "/var/lib/kensa");
    return ks_buf_str(b);
}

static int output_format(const char *sub, const char *f, bool *json)
{
    *json = false;
    if (!f || !strcmp(f, "table"))
        return 0;
    if (!strcmp(f, "json")) {
        *json = true;
        return 0;
    }
    return ks_cmd_usage_error(sub, "unknown output format '%s' (table or json)", f);
}

static int do_import(struct db_opts *o, int n, char **inputs)
{
    struct ks_vdb_import_opts io = {.db_path = o->db,
                                    .format = o->format,
                                    .ecosystem = o->ecosystem,
                                    .strict = o->strict,
                                    .lim = &ks_env.limits,
                                    .dry_run = o->dry_run,
                                    .apt_base = o->apt_base};
    struct ks_vdb_import_report rep;
    struct ks_diag diag = KS_DIAG_INIT;

    if (n == 0)
        return ks_cmd_usage_error(o->sub, "no SOURCE given");
    ks_err err = ks_vdb_import(&io, (const char *const *)inputs, (size_t)n, &rep, &diag);
    for (size_t i = 0; i < rep.nsources; i++) {
        const struct ks_vdb_source_report *s = &rep.sources[i];
        if (!s->name[0])
            continue;
        if (!ks_env.quiet)
            printf("%s: %s, %llu files, %llu read, %llu imported, %llu rejected\n", s->name,
                   s->format[0] ? s->format : "-", (unsigned long long)s->files,
                   (unsigned long long)s->read, (unsigned long long)s->imported,
                   (unsigned long long)s->rejected);
        for (size_t j = 0; !ks_env.quiet && j < s->nnotes; j++)
            printf("  %s\n", s->notes[j]);
        if (s->skipped)
            fprintf(stderr, "kensa: '%s': %llu skipped (see above)\n", s->name,
                    (unsigned long long)s->skipped);
        for (size_t j = 0; j < s->nrejects_kept; j++)
            fprintf(stderr, "kensa: rejected: %s\n", s->rejects[j]);
        if (s->rejected > s->nrejects_kept)
            fprintf(stderr, "kensa: ... and %llu more rejects from '%s'\n",
                    (unsigned long long)(s->rejected - s->nrejects_kept), s->name);
    }
    if (!err && !ks_env.quiet && o->dry_run)
        printf("parsed only (--dry-run): '%s' not touched\n", o->db);
    else if (!err && !ks_env.quiet)
        printf("%s: %llu vulnerabilities; changes: %llu added, %llu changed, %llu withdrawn, "
               "%llu removed\n",
               o->db, (unsigned long long)rep.vulns, (unsigned long long)rep.added,
               (unsigned long long)rep.changed, (unsigned long long)rep.withdrawn,
               (unsigned long long)rep.removed);
    ks_vdb_import_report_release(&rep);
    if (err) {
        ks_diag_prefix(&diag, "import failed, '%s' left unchanged: ", o->db);
        return ks_cmd_fail(&diag, err);
    }
    return KS_EXIT_OK;
}

/* The table view of `db status`: the same data as the JSON, one source a line. */
static void print_table_status(const char *json_text)
{
    struct ks_arena a = KS_ARENA_INIT(1 << 16, 0);
    struct ks_value *v = NULL;
    struct ks_limits lim;
    ks_limits_init(&lim);
    if (ks_json_parse(&a, "status", json_text, strlen(json_text), &lim, &v, NULL)) {
        fputs(json_text, stdout);
        ks_arena_release(&a);
        return;
    }
    int64_t n = 0;
    ks_value_int(ks_value_get(v, "vulnerabilities"), &n);
    printf("database: %s (schema %s)\n", ks_value_get_str(v, "path"), "1");
    printf("digest:   %s\n", ks_value_get_str(v, "digest") ? ks_value_get_str(v, "digest") : "-");
    printf("vulnerabilities: %lld\n\n", (long long)n);
    printf("%-40s %-15s %9s %8s %-20s %8s\n", "SOURCE", "FORMAT", "RECORDS", "REJECTED",
           "NEWEST", "AGE");
    const struct ks_value *src = ks_value_get(v, "sources");
    for (size_t i = 0; i < ks_value_len(src); i++) {
        const struct ks_value *s = ks_value_at(src, i);
        int64_t rec = 0, rej = 0, age = 0;
        ks_value_int(ks_value_get(s, "records"), &rec);
        ks_value_int(ks_value_get(s, "rejected"), &rej);
        ks_value_int(ks_value_get(s, "age_seconds"), &age);
        const char *newest = ks_value_get_str(s, "newest_modified");
        printf("%-40s %-15s %9lld %8lld %-20.20s %7lldd\n", ks_value_get_str(s, "name"),
               ks_value_get_str(s, "format") ? ks_value_get_str(s, "format") : "-",
               (long long)rec, (long long)rej, newest ? newest : "-", (long long)(age / 86400));
    }
    ks_arena_release(&a);
}

static int do_status(struct db_opts *o)
{
    struct ks_vdb *v = NULL;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    bool json;
    int rc = output_format(o->sub, o->format, &json);
    if (rc)
        return rc;
    ks_err err = ks_vdb_open(o->db, &v, &diag);
    if (!err)
        err = ks_vdb_status_json(v, 2, &out, &diag);
    if (!err) {
        if (json)
            fputs(ks_buf_str(&out), stdout);
        else
            print_table_status(ks_buf_str(&out));
    }
    ks_vdb_close(v);
    ks_buf_release(&out);
    return err ? ks_cmd_fail(&diag, err) : KS_EXIT_OK;
}

/* Base score of a vector in tenths for search results, -1 if invalid. */
static int base_score10(const char *vector)
{
    struct ks_cvss c;
    return vector && !ks_cvss_parse(vector, strlen(vector), &c, NULL) ? c.base10 : -1;
}

/* A JSON number as a double; `dflt` for anything else. */
static double number(const struct ks_value *v, double dflt)
{
    return ks_value_is(v, KS_VREAL)  ? v->u.d
           : ks_value_is(v, KS_VINT) ? (double)v->u.i
                                      : dflt;
}

/* One search record (or advisory) for people: id, feed and file, summary,
 * the packages it affects with their fixed versions, CWEs and references. */
static void print_search_record(const struct ks_value *r)
{
    const char *summary = ks_value_get_str(r, "summary");
    const struct ks_value *aff = ks_value_get(r, "affected"), *cwes = ks_value_get(r, "cwes");
    const struct ks_value *refs = ks_value_get(r, "references");

    printf("  %s  (%s, %s)\n", ks_value_get_str(r, "id"), ks_value_get_str(r, "feed"),
           ks_value_get_str(r, "source") ? ks_value_get_str(r, "source") : "-");
    if (summary)
        printf("    %.100s%s\n", summary, strlen(summary) > 100 ? "…" : "");
    for (size_t i = 0; i < ks_value_len(aff); i++) {
        const struct ks_value *a = ks_value_at(aff, i);
        const char *fixed = ks_value_get_str(a, "fixed");

        printf("    %-16s %-36s %-12s %s%s\n", ks_value_get_str(a, "ecosystem"),
               ks_value_get_str(a, "package"),
               ks_value_get_str(a, "state") ? ks_value_get_str(a, "state") : "-",
               fixed ? "fixed in " : "no fix", fixed ? fixed : "");
    }
    if (ks_value_len(cwes)) {
        printf("    CWE:");
        for (size_t i = 0; i < ks_value_len(cwes); i++)
            printf(" %s", ks_value_str(ks_value_at(cwes, i)));
        printf("\n");
    }
    if (ks_value_len(refs))
        printf("    %zu references, first %s%s\n", ks_value_len(refs),
               ks_value_get_str(ks_value_at(refs, 0), "url"),
               ks_value_bool(ks_value_get(r, "exploit"), false) ? " (an exploit is referenced)"
                                                              : "");
}

/* `db search` for people, from its JSON document (the same data). */
static void print_table_search(const char *json_text)
{
    struct ks_arena a = KS_ARENA_INIT(1 << 16, 0);
    struct ks_value *v = NULL;
    struct ks_limits lim;

    ks_limits_init(&lim);
    if (ks_json_parse(&a, "search", json_text, strlen(json_text), &lim, &v, NULL)) {
        fputs(json_text, stdout);
        ks_arena_release(&a);
        return;
    }
    const struct ks_value *al = ks_value_get(v, "aliases"), *kev = ks_value_get(v, "kev");
    const struct ks_value *cvss = ks_value_get(v, "cvss"), *labels = ks_value_get(v, "labels");
    const struct ks_value *epss = ks_value_get(v, "epss");
    printf("%s", ks_value_get_str(v, "id"));
    for (size_t i = 0; i < ks_value_len(al); i++)
        printf("%s%s", i ? ", " : "  (aliases: ", ks_value_str(ks_value_at(al, i)));
    printf("%s\n", ks_value_len(al) ? ")" : "");
    if (kev)
        printf("known exploited (CISA KEV): added %s, due %s, ransomware use %s\n",
               ks_value_get_str(kev, "date_added"), ks_value_get_str(kev, "due_date"),
               ks_value_get_str(kev, "ransomware") ? ks_value_get_str(kev, "ransomware") : "-");
    if (epss)
        printf("EPSS: %.5f (percentile %.5f)\n", number(ks_value_get(epss, "score"), 0),
               number(ks_value_get(epss, "percentile"), 0));
    if (ks_value_len(cvss) || ks_value_len(labels)) {
        printf("\n%-8s %-28s %-7s %5s  %s\n", "SOURCE", "RECORD", "CVSS", "SCORE", "VECTOR / LABEL");
        for (size_t i = 0; i < ks_value_len(cvss); i++) {
            const struct ks_value *c = ks_value_at(cvss, i);
            double base = number(ks_value_get(c, "base_score"), -1);

            printf("%-8s %-28s %-7s %5.1f  %s\n", ks_value_get_str(c, "source"),
                   ks_value_get_str(c, "record"), ks_value_get_str(c, "version"), base,
                   ks_value_get_str(c, "vector"));
        }
        for (size_t i = 0; i < ks_value_len(labels); i++) {
            const struct ks_value *l = ks_value_at(labels, i);

            printf("%-8s %-28s %-7s %5s  %s\n", ks_value_get_str(l, "source"),
                   ks_value_get_str(l, "record"), ks_value_get_str(l, "type"), "-",
                   ks_value_get_str(l, "label"));
        }
    }
    static const char *const parts[][2] = {{"records", "RECORDS"},
                                           {"advisories", "ADVISORIES ABOUT IT"}};
    for (size_t p = 0; p < KS_ARRAY_LEN(parts); p++) {
        const struct ks_value *list = ks_value_get(v, parts[p][0]);

        if (!ks_value_len(list))
            continue;
        printf("\n%s\n", parts[p][1]);
        for (size_t i = 0; i < ks_value_len(list); i++)
            print_search_record(ks_value_at(list, i));
    }
    ks_arena_release(&a);
}

static int do_search(struct db_opts *o, int n, char **args)
{
    struct ks_vdb *v = NULL;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    bool json;
    int rc = output_format(o->sub, o->format, &json);
    if (rc)
        return rc;
    if (n != 1)
        return ks_cmd_usage_error(o->sub, "expected one ID");
    ks_err err = ks_vdb_open(o->db, &v, &diag);
    if (!err) {
        ks_vdb_set_scorer(v, base_score10);
        err = ks_vdb_search_json(v, args[0], 2, &out, &diag);
    }
    if (!err && json)
        fputs(ks_buf_str(&out), stdout);
    else if (!err)
        print_table_search(ks_buf_str(&out));
    ks_vdb_close(v);
    ks_buf_release(&out);
    if (err == KS_ENOTFOUND) {
        fprintf(stderr, "kensa: %s\n", diag.msg);
        return KS_EXIT_FAILURE;
    }
    return err ? ks_cmd_fail(&diag, err) : KS_EXIT_OK;
}

static int do_lookup(struct db_opts *o, int n)
{
    struct ks_vdb *v = NULL;
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf out = KS_BUF_INIT(0);
    struct ks_arena arena = KS_ARENA_INIT(1 << 16, 0);
    struct ks_vdb_match *m = NULL;
    size_t nm = 0;
    bool json;
    int rc = output_format(o->sub, o->format, &json);
    if (rc)
        return rc;
    if (n != 0)
        return ks_cmd_usage_error(o->sub, "unexpected argument");
    if (!o->ecosystem || !o->package || !o->version)
        return ks_cmd_usage_error(o->sub, "--ecosystem, --package and --version are required");
    ks_err err = ks_vdb_open(o->db, &v, &diag);
    if (!err)
        err = ks_vdb_lookup(v, &arena, o->ecosystem, o->package, o->version, &m, &nm, &diag);
    if (!err && json) {
        err = ks_vdb_matches_json(m, nm, 2, &out);
        fputs(ks_buf_str(&out), stdout);
    } else if (!err) {
        for (size_t i = 0; i < nm; i++)
            printf("%-20s %-22s %-14s %-12s fixed %s%s\n", m[i].vuln, m[i].record, m[i].feed,
                   m[i].state, m[i].fixed ? m[i].fixed : "-", m[i].kev ? "  KEV" : "");
    }
    free(m);
    ks_arena_release(&arena);
    ks_vdb_close(v);
    ks_buf_release(&out);
    return err ? ks_cmd_fail(&diag, err) : KS_EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
    static const struct option longopts[] = {
            {"db", required_argument, NULL, OPT_DB},
            {"strict", no_argument, NULL, OPT_STRICT},
            {"format", required_argument, NULL, OPT_FORMAT},
            {"ecosystem", required_argument, NULL, OPT_ECOSYSTEM},
            {"package", required_argument, NULL, OPT_PACKAGE},
            {"version", required_argument, NULL, OPT_VERSION},
            {"dry-run", no_argument, NULL, OPT_DRY_RUN},
            {"apt-base", required_argument, NULL, OPT_APT_BASE},
            {NULL, 0, NULL, 0},
    };
    struct db_opts o = {0};
    struct ks_buf dflt = KS_BUF_INIT(0);
    char name[32];

    if (argc < 2) {
        ks_cmd_print_help(cmd_db_help);
        return KS_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        ks_cmd_print_help(cmd_db_help);
        return KS_EXIT_OK;
    }
    if (!strcmp(argv[1], "update"))
        return ks_cmd_exec_helper("kensa-net", argc, argv);
    static const char *const subs[] = {"import", "status", "search", "lookup", NULL};
    bool known = false;
    for (size_t i = 0; subs[i]; i++)
        known |= !strcmp(subs[i], argv[1]);
    if (!known)
        return ks_cmd_usage_error("db", "unknown subcommand '%s'", argv[1]);
    snprintf(name, sizeof(name), "db %s", argv[1]);
    o.sub = name;
    char **sub_argv = argv + 1;
    char *saved = sub_argv[0];
    sub_argv[0] = name;
    int rc = ks_cmd_getopt(argc - 1, sub_argv, NULL, longopts, cmd_db_help, db_opt, &o);
    sub_argv[0] = saved;
    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (!o.db)
        o.db = default_db(&dflt);
    int n = argc - 1 - optind;
    char **rest = sub_argv + optind;
    if (!strcmp(saved, "import"))
        rc = do_import(&o, n, rest);
    else if (!strcmp(saved, "status"))
        rc = n ? ks_cmd_usage_error(name, "unexpected argument '%s'", rest[0]) : do_status(&o);
    else if (!strcmp(saved, "search"))
        rc = do_search(&o, n, rest);
    else
        rc = do_lookup(&o, n);
    ks_buf_release(&dflt);
    return rc;
}
