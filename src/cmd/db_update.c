/* cmd/db_update.c - `kensa db update` (in kensa-net): download the feeds of a
 * feed list conditionally, verify them, import the changed ones atomically.
 *
 * State lives beside the DB in "<db>.feeds/": per feed NAME the last good
 * download NAME<ext> and NAME.meta (ETag and Last-Modified lines). A new
 * download goes to NAME.part<ext>; only after the import succeeded does it
 * replace the old file and meta, so any failure (HTTP error, over-size body,
 * checksum mismatch, truncated archive, failed or killed import) leaves the
 * DB, its digest and the state as they were, and the next run tries again. */
#include "core/ks_common.h"

#include "cmd/cmd.h"

#include "core/buf.h"
#include "core/file.h"
#include "core/hash.h"
#include "core/str.h"
#include "core/vec.h"
#include "http/http.h"
#include "ingest/archive.h"
#include "vulndb/vulndb.h"

#include <sys/stat.h>
#include <unistd.h>

/* Entry point, called by net_main.c. */
int cmd_db_update(int argc, char **argv);

const char cmd_db_update_help[] =
        "usage: kensa db update [--db FILE] --feeds FILE [--max-size SIZE] [--timeout SECONDS]\n\n"
        "Downloads every feed of the feed list (one 'NAME URL [sha256:HEX]' per line, '#'\n"
        "comments) with If-None-Match/If-Modified-Since, checks sizes and checksums,\n"
        "and imports the feeds that changed into the database in one atomic step.\n";

enum { OPT_DB = KS_OPT_FIRST_CMD, OPT_FEEDS, OPT_MAX_SIZE, OPT_TIMEOUT };

struct upd_opts {
    const char *db, *feeds;
    uint64_t max_size;
    uint64_t timeout;
};

struct feed {
    char name[64];
    char url[2048];
    char sha256[KS_SHA256_HEX];
    char ext[16];
    char cur[4096], part[4096], meta[4096];
    char etag[256], last_modified[128];
    bool changed;
};

static int upd_opt(int c, const char *arg, void *ctx)
{
    struct upd_opts *o = ctx;
    switch (c) {
    case OPT_DB:
        o->db = arg;
        return 0;
    case OPT_FEEDS:
        o->feeds = arg;
        return 0;
    case OPT_MAX_SIZE:
        if (ks_parse_size(arg, &o->max_size) || !o->max_size)
            return ks_cmd_usage_error("db update", "bad size '%s'", arg);
        return 0;
    case OPT_TIMEOUT:
        if (ks_parse_duration(arg, &o->timeout) || !o->timeout)
            return ks_cmd_usage_error("db update", "bad timeout '%s'", arg);
        return 0;
    }
    return ks_cmd_usage_error("db update", "unknown option");
}

/* The extension that selects the reader: .json, .yaml, .xml.gz, .zip ... */
static void url_ext(const char *url, char *out, size_t cap)
{
    static const char *const exts[] = {".xml.gz", ".xml.xz", ".json.gz", ".json.xz", ".csv.gz",
                                       ".zip",    ".json",   ".yaml",    ".yml",     ".xml",
                                       ".csv",    ".gz",     ".xz",      NULL};
    char path[2048];
    snprintf(path, sizeof(path), "%s", url);
    path[strcspn(path, "?#")] = '\0';
    for (size_t i = 0; exts[i]; i++)
        if (ks_ends_with(path, exts[i])) {
            snprintf(out, cap, "%s", exts[i]);
            return;
        }
    snprintf(out, cap, ".json");
}

static bool valid_name(const char *n)
{
    if (!*n || strlen(n) >= 64 || n[0] == '.')
        return false;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

static ks_err read_feeds(const char *path, const char *dir, struct feed **out, size_t *n,
                         struct ks_diag *diag)
{
    struct ks_buf b = KS_BUF_INIT(0);
    ks_err err = ks_file_read(path, 1 << 20, &b, diag);
    KS_VEC(struct feed) v = KS_VEC_INIT;
    unsigned line = 0;
    char *save = NULL;
    for (char *l = err ? NULL : strtok_r(b.ptr ? b.ptr : (char *)"", "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        line++;
        while (*l == ' ' || *l == '\t')
            l++;
        if (!*l || *l == '#')
            continue;
        struct feed f = {0};
        char sum[128] = "";
        int k = sscanf(l, "%63s %2047s %127s", f.name, f.url, sum);
        if (k < 2 || !valid_name(f.name)) {
            err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: expected 'NAME URL [sha256:HEX]'",
                              path, line);
            break;
        }
        if (k == 3) {
            if (!ks_starts_with(sum, "sha256:") || strlen(sum) != 7 + 64) {
                err = ks_diag_set(diag, KS_EPARSE, "'%s' line %u: bad checksum '%s'", path, line,
                                  sum);
                break;
            }
            snprintf(f.sha256, sizeof(f.sha256), "%s", sum + 7);
        }
        url_ext(f.url, f.ext, sizeof(f.ext));
        snprintf(f.cur, sizeof(f.cur), "%s/%s%s", dir, f.name, f.ext);
        snprintf(f.part, sizeof(f.part), "%s/%s.part%s", dir, f.name, f.ext);
        snprintf(f.meta, sizeof(f.meta), "%s/%s.meta", dir, f.name);
        if (KS_VEC_PUSH(&v, f)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
    }
    ks_buf_release(&b);
    if (!err && v.len == 0)
        err = ks_diag_set(diag, KS_EPARSE, "'%s': no feeds listed", path);
    if (err) {
        KS_VEC_RELEASE(&v);
        return err;
    }
    *out = v.items;
    *n = v.len;
    return KS_OK;
}

static void read_meta(struct feed *f)
{
    struct ks_buf b = KS_BUF_INIT(0);
    if (access(f->cur, R_OK) || ks_file_read(f->meta, 4096, &b, NULL)) {
        ks_buf_release(&b);
        return; /* no previous good download: fetch unconditionally */
    }
    char *save = NULL;
    for (char *l = strtok_r(b.ptr ? b.ptr : (char *)"", "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        if (ks_starts_with(l, "etag "))
            snprintf(f->etag, sizeof(f->etag), "%s", l + 5);
        else if (ks_starts_with(l, "last-modified "))
            snprintf(f->last_modified, sizeof(f->last_modified), "%s", l + 14);
    }
    ks_buf_release(&b);
}

static ks_err check_sha256(const struct feed *f, struct ks_diag *diag)
{
    struct ks_buf b = KS_BUF_INIT(0);
    unsigned char d[KS_SHA256_LEN];
    char hex[KS_SHA256_HEX];
    ks_err err = ks_file_read(f->part, SIZE_MAX / 2, &b, diag);
    if (err)
        return err;
    ks_sha256(b.ptr ? b.ptr : "", b.len, d);
    ks_hex(d, sizeof(d), hex);
    ks_buf_release(&b);
    if (ks_strcasecmp_ascii(hex, f->sha256))
        return ks_diag_set(diag, KS_EPARSE, "feed '%s': SHA-256 %s, the feed list says %s",
                           f->name, hex, f->sha256);
    return KS_OK;
}

/* A truncated or corrupt compressed download must fail the update, not
 * become one rejected record. */
static ks_err check_archive(const struct feed *f, struct ks_diag *diag)
{
    ks_err err = KS_OK;
    if (ks_ends_with(f->ext, ".gz") || ks_ends_with(f->ext, ".xz")) {
        struct ks_buf b = KS_BUF_INIT(0);
        err = ks_decompress_file(f->part, &ks_env.limits, &b, diag);
        ks_buf_release(&b);
    } else if (!strcmp(f->ext, ".zip")) {
        struct ks_archive *ar = NULL;
        const struct ks_archive_entry *e;
        err = ks_archive_open_file(&ar, f->part, KS_ARCHIVE_ANY, &ks_env.limits, NULL, diag);
        while (!err && !(err = ks_archive_next(ar, &e, diag)))
            ;
        if (err == KS_ENOTFOUND)
            err = KS_OK;
        ks_archive_close(ar);
    }
    if (err)
        ks_diag_prefix(diag, "feed '%s': ", f->name);
    return err;
}

static ks_err write_meta(const struct feed *f, const struct ks_http_result *r,
                         struct ks_diag *diag)
{
    struct ks_buf b = KS_BUF_INIT(0);
    if (r->etag[0])
        ks_buf_addf(&b, "etag %s\n", r->etag);
    if (r->last_modified[0])
        ks_buf_addf(&b, "last-modified %s\n", r->last_modified);
    ks_err err = ks_file_write_atomic(f->meta, b.ptr ? b.ptr : "", b.len, diag);
    ks_buf_release(&b);
    return err;
}

int cmd_db_update(int argc, char **argv)
{
    static const struct option longopts[] = {
            {"db", required_argument, NULL, OPT_DB},
            {"feeds", required_argument, NULL, OPT_FEEDS},
            {"max-size", required_argument, NULL, OPT_MAX_SIZE},
            {"timeout", required_argument, NULL, OPT_TIMEOUT},
            {NULL, 0, NULL, 0},
    };
    struct upd_opts o = {NULL, NULL, 2ull << 30, 600};
    struct ks_diag diag = KS_DIAG_INIT;
    struct ks_buf dflt = KS_BUF_INIT(0), dir = KS_BUF_INIT(0);
    struct feed *feeds = NULL;
    struct ks_http_result *res = NULL;
    size_t n = 0;
    ks_err err = KS_OK;
    int rc;
    char name[] = "db update";

    char *saved = argv[0];
    argv[0] = name;
    rc = ks_cmd_getopt(argc, argv, NULL, longopts, cmd_db_update_help, upd_opt, &o);
    argv[0] = saved;
    if (rc != KS_CMD_CONTINUE)
        return rc;
    if (optind < argc)
        return ks_cmd_usage_error(name, "unexpected argument '%s'", argv[optind]);
    if (!o.feeds)
        return ks_cmd_usage_error(name, "--feeds FILE is required");
    if (!o.db) {
        const char *e = getenv("KENSA_DB"), *h = getenv("KENSA_HOME");
        if (e && *e)
            o.db = e;
        else {
            ks_buf_addf(&dflt, "%s/vuln.db", h && *h ? h : "/var/lib/kensa");
            o.db = ks_buf_str(&dflt);
        }
    }
    ks_buf_addf(&dir, "%s.feeds", o.db);
    if (mkdir(ks_buf_str(&dir), 0755) && errno != EEXIST) {
        err = ks_diag_errno(&diag, KS_EIO, "cannot create '%s'", ks_buf_str(&dir));
        goto done;
    }
    if ((err = read_feeds(o.feeds, ks_buf_str(&dir), &feeds, &n, &diag)) ||
        (err = ks_http_global_init(&diag)))
        goto done;
    res = calloc(n, sizeof(*res));
    if (!res) {
        err = ks_diag_set(&diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    size_t nchanged = 0;
    for (size_t i = 0; i < n; i++) {
        struct feed *f = &feeds[i];
        read_meta(f);
        struct ks_http_opts ho = {f->etag, f->last_modified, o.max_size, 30, (long)o.timeout};
        if ((err = ks_http_get_file(f->url, f->part, &ho, &res[i], &diag)))
            goto done;
        if (res[i].not_modified) {
            if (!ks_env.quiet)
                printf("%s: not modified\n", f->name);
            continue;
        }
        if ((f->sha256[0] && (err = check_sha256(f, &diag))) || (err = check_archive(f, &diag)))
            goto done;
        f->changed = true;
        nchanged++;
        if (!ks_env.quiet)
            printf("%s: downloaded %llu bytes\n", f->name, (unsigned long long)res[i].size);
    }
    if (nchanged == 0) {
        if (!ks_env.quiet)
            printf("%s: up to date, nothing imported\n", o.db);
        goto done;
    }
    {
        const char **inputs = calloc(nchanged, sizeof(char *));
        const char **names = calloc(nchanged, sizeof(char *));
        struct ks_vdb_import_report rep;
        size_t k = 0;
        if (!inputs || !names) {
            free(inputs);
            free(names);
            err = ks_diag_set(&diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (feeds[i].changed) {
                inputs[k] = feeds[i].part;
                names[k++] = feeds[i].name;
            }
        struct ks_vdb_import_opts io = {o.db, NULL, NULL, false, &ks_env.limits, false, names, NULL};
        err = ks_vdb_import(&io, inputs, k, &rep, &diag);
        for (size_t i = 0; i < rep.nsources && !ks_env.quiet; i++)
            printf("%s: %s, %llu read, %llu imported, %llu rejected\n", rep.sources[i].name,
                   rep.sources[i].format, (unsigned long long)rep.sources[i].read,
                   (unsigned long long)rep.sources[i].imported,
                   (unsigned long long)rep.sources[i].rejected);
        if (!err && !ks_env.quiet)
            printf("%s: %llu vulnerabilities; changes: %llu added, %llu changed, %llu withdrawn, "
                   "%llu removed\n",
                   o.db, (unsigned long long)rep.vulns, (unsigned long long)rep.added,
                   (unsigned long long)rep.changed, (unsigned long long)rep.withdrawn,
                   (unsigned long long)rep.removed);
        ks_vdb_import_report_release(&rep);
        free(inputs);
        free(names);
        if (err)
            goto done;
    }
    /* the import is in place: the downloads become the state */
    for (size_t i = 0; i < n && !err; i++) {
        if (!feeds[i].changed)
            continue;
        if (rename(feeds[i].part, feeds[i].cur))
            err = ks_diag_errno(&diag, KS_EIO, "cannot rename '%s'", feeds[i].part);
        else
            err = write_meta(&feeds[i], &res[i], &diag);
    }
done:
    for (size_t i = 0; feeds && i < n; i++)
        unlink(feeds[i].part);
    free(feeds);
    free(res);
    ks_buf_release(&dflt);
    ks_buf_release(&dir);
    if (err) {
        ks_diag_prefix(&diag, "update failed, '%s' left unchanged: ", o.db ? o.db : "?");
        return ks_cmd_fail(&diag, err);
    }
    return KS_EXIT_OK;
}
