/* cmd/db.c - `kensa db import|update|status|search|lookup`. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/buf.h"
#include "core/str.h"
#include "vulndb/vulndb.h"

#include <time.h>

const char cmd_db_help[] =
        "usage: kensa db import [--db FILE] [--strict] [--dry-run] [--format F] [--ecosystem E]\n"
        "                      SOURCE...\n"
        "       kensa db update [--db FILE] --feeds FILE\n"
        "       kensa db status [--db FILE] [--format table|json]\n"
        "       kensa db search ID [--db FILE] [--format json]\n"
        "       kensa db lookup --ecosystem E --package N --version V [--db FILE]"
        " [--format table|json]\n\n"
        "Builds and queries the local vulnerability database, one SQLite file.\n\n"
        "  import   reads advisory files, directories, .zip, .gz and .xz (OSV JSON/YAML,\n"
        "           NVD CVE API 2.0, CISA KEV, FIRST EPSS CSV, Debian security tracker\n"
        "           JSON, Alpine secdb, yum updateinfo.xml; detected per file, or --format:\n"
        "           osv, nvd, kev, epss, debian-tracker, alpine-secdb, updateinfo) into a\n"
        "           new file renamed over the old one; prints per source the records\n"
        "           read, imported and rejected, and the first rejects\n"
        "  update   downloads the feeds listed in --feeds and imports them (kensa-net)\n"
        "  status   sources, record counts, newest dates, digests and ages\n"
        "  search   everything known about a CVE/GHSA/OSV id and its aliases\n"
        "  lookup   the advisories affecting exactly this package version\n\n"
        "  --db FILE          the database (default $KENSA_DB, else $KENSA_HOME/vuln.db,\n"
        "                     else /var/lib/kensa/vuln.db)\n"
        "  --strict           import: any rejected record fails the import\n"
        "  --dry-run          import: parse and validate only, write nothing\n"
        "  --format F         import: the input format; status/search/lookup: output\n"
        "  --ecosystem E      import: ecosystem of updateinfo data whose ids do not tell it;\n"
        "                     lookup: an OSV ecosystem name such as PyPI or Debian:12\n"
        "  --package N        lookup: package name (Debian/Ubuntu: source package)\n"
        "  --version V        lookup: the installed version\n";

enum {
    OPT_DB = KS_OPT_FIRST_CMD,
    OPT_STRICT,
    OPT_FORMAT,
    OPT_ECOSYSTEM,
    OPT_PACKAGE,
    OPT_VERSION,
    OPT_DRY_RUN,
};

struct db_opts {
    const char *sub;
    const char *db;
    const char *format;
    const char *ecosystem;
    const char *package;
    const char *version;
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
    struct ks_vdb_import_opts io = {o->db,   o->format,      o->ecosystem,
                                    o->strict, &ks_env.limits, o->dry_run};
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

static void print_table_status(const char *json_text)
{
    /* the table is the JSON's content, read back line by line: keep it simple */
    fputs(json_text, stdout);
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
    if (!err)
        err = ks_vdb_search_json(v, args[0], 2, &out, &diag);
    if (!err)
        fputs(ks_buf_str(&out), stdout);
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
