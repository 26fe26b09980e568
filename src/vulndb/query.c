/* vulndb/query.c - opening the DB read-only; status, search and lookup. */
#include "core/ks_common.h"

#include "vulndb/vulndb.h"

#include "core/map.h"
#include "core/vec.h"
#include "formats/json.h"
#include "sqlite/sqlite.h"
#include "version/osv.h"
#include "version/version.h"
#include "vulndb/internal.h"
#include "vulndb/schema.h"

#include <time.h>
#include <unistd.h>

struct lookup_stmts {
    struct ks_stmt *aff, *ev, *vulns, *sevs, *kev, *epss;
};

struct ks_vdb {
    struct ks_db *db;
    struct lookup_stmts q; /* prepared on first lookup, reused */
    ks_vdb_scorer scorer;
    /* ks_vdb_cache_lookups(): "ecosystem\x1fpackage\x1fversion" -> struct cached,
     * everything in `carena`. */
    bool cache;
    struct ks_arena carena;
    struct ks_map cmap;
};

struct cached {
    struct ks_vdb_match *m;
    size_t n;
};

#define CACHE_MAX_ENTRIES 262144

void ks_vdb_set_scorer(struct ks_vdb *v, ks_vdb_scorer fn)
{
    v->scorer = fn;
}

static bool has_prefix(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

const char *ks_vdb_source_of(const char *feed, const char *rid, const char *ecosystem)
{
    static const struct {
        const char *prefix, *source;
    } ecos[] = {
            {"Ubuntu", "UBUNTU"},       {"Debian", "DEBIAN"}, {"Alpine", "ALPINE"},
            {"AlmaLinux", "ALMALINUX"}, {"Rocky", "ROCKY"},   {"Red Hat", "REDHAT"},
            {"SUSE", "SUSE"},           {"openSUSE", "SUSE"}, {"Amazon", "AMAZON"},
    };
    static const struct {
        const char *prefix, *source;
    } ids[] = {
            {"GHSA-", "GHSA"},       {"GO-", "GO"},          {"PYSEC-", "PYSEC"},
            {"RUSTSEC-", "RUSTSEC"}, {"DSA-", "DEBIAN"},     {"DLA-", "DEBIAN"},
            {"DTSA-", "DEBIAN"},     {"DEBIAN-", "DEBIAN"},  {"USN-", "UBUNTU"},
            {"UBUNTU-", "UBUNTU"},   {"ALPINE-", "ALPINE"},  {"ALAS", "AMAZON"},
            {"ALSA-", "ALMALINUX"},  {"ALBA-", "ALMALINUX"}, {"RLSA-", "ROCKY"},
            {"RHSA-", "REDHAT"},     {"SUSE-", "SUSE"},      {"openSUSE-", "SUSE"},
            {"MAL-", "OSSF"},        {"BIT-", "BITNAMI"},
    };
    if (!feed || !rid)
        return "OSV";
    if (!strcmp(feed, "nvd"))
        return "NVD";
    if (!strcmp(feed, "apt")) /* an apt suite: Debian's or Ubuntu's archive */
        return ecosystem && has_prefix(ecosystem, "Ubuntu") ? "UBUNTU" : "DEBIAN";
    if (!strcmp(feed, "debian-tracker"))
        return "DEBIAN";
    if (!strcmp(feed, "alpine-secdb"))
        return "ALPINE";
    if (!strcmp(feed, "updateinfo"))
        return has_prefix(rid, "ALAS") ? "AMAZON" : "VENDOR";
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        if (has_prefix(rid, ids[i].prefix))
            return ids[i].source;
    for (size_t i = 0; ecosystem && i < sizeof(ecos) / sizeof(ecos[0]); i++)
        if (has_prefix(ecosystem, ecos[i].prefix))
            return ecos[i].source;
    return "OSV";
}

ks_err ks_vdb_open(const char *path, struct ks_vdb **out, struct ks_diag *diag)
{
    struct ks_vdb *v = calloc(1, sizeof(*v));
    struct ks_stmt *st = NULL;
    bool row = false;
    ks_err err;

    *out = NULL;
    if (!v)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (access(path, R_OK)) {
        err = ks_diag_errno(diag, KS_ENOTFOUND, "cannot open vulnerability DB '%s'", path);
        goto fail;
    }
    if ((err = ks_db_open(path, KS_DB_IMMUTABLE, &v->db, diag)))
        goto fail;
    /* Lookups read the file through the page cache directly: a handle
     * opened per scan or per request then starts warm (the file is only
     * ever replaced by a rename, never written in place). */
    if ((err = ks_db_exec(v->db, "PRAGMA mmap_size=4294967296", diag)))
        goto fail;
    err = ks_db_prepare(v->db, "SELECT value FROM meta WHERE key='schema_version'", &st, diag);
    if (!err)
        err = ks_stmt_step(st, &row, diag);
    if (!err && (!row || !ks_stmt_text(st, 0)))
        err = ks_diag_set(diag, KS_EPARSE, "'%s' is not a kensa vulnerability DB", path);
    else if (!err && strcmp(ks_stmt_text(st, 0), VDB_SCHEMA_VERSION_STR))
        err = ks_diag_set(diag, KS_EUNSUPPORTED,
                          "'%s': vulnerability DB schema version %s, this kensa reads %d:"
                          " rebuild it with this kensa's 'db import'",
                          path, ks_stmt_text(st, 0), KS_VDB_SCHEMA_VERSION);
    ks_stmt_free(st);
    if (err) {
        if (err == KS_EDB) /* not SQLite at all */
            err = ks_diag_set(diag, KS_EPARSE, "'%s' is not a kensa vulnerability DB", path);
        goto fail;
    }
    *out = v;
    return KS_OK;
fail:
    if (err == KS_EDB)
        err = ks_diag_set(diag, KS_EPARSE, "'%s' is not a kensa vulnerability DB", path);
    if (v->db)
        ks_db_close(v->db);
    free(v);
    return err;
}

static void lookup_free(struct lookup_stmts *q);

void ks_vdb_close(struct ks_vdb *v)
{
    if (!v)
        return;
    lookup_free(&v->q);
    ks_db_close(v->db);
    ks_map_release(&v->cmap);
    ks_arena_release(&v->carena);
    free(v);
}

static const char *meta_get(struct ks_vdb *v, const char *key, struct ks_buf *b)
{
    struct ks_stmt *st = NULL;
    bool row = false;
    const char *res = NULL;
    ks_buf_reset(b);
    if (!ks_db_prepare(v->db, "SELECT value FROM meta WHERE key=?1", &st, NULL)) {
        ks_stmt_bind_text(st, 1, key);
        if (!ks_stmt_step(st, &row, NULL) && row && ks_stmt_text(st, 0) &&
            !ks_buf_adds(b, ks_stmt_text(st, 0)))
            res = ks_buf_str(b);
    }
    ks_stmt_free(st);
    return res;
}

/* Seconds since the epoch of an RFC 3339 date ("2024-01-26T09:15:07Z",
 * "2018-04-18 17:38", "2024-01-26"), or -1. */
static int64_t parse_date(const char *s)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) != 3)
        return -1;
    if (strlen(s) > 10 && (s[10] == 'T' || s[10] == ' '))
        sscanf(s + 11, "%2d:%2d:%2d", &h, &mi, &sec);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return (int64_t)timegm(&tm);
}

/* Age of a source: from its newest modified date, unless that is a
 * placeholder (Go vulndb writes 0001-01-01 / dates before 1990) or in the
 * future, then from its import time. */
static int64_t source_age(const char *newest, int64_t imported_at, int64_t now)
{
    int64_t t = parse_date(newest);
    if (t < 631152000 || t > now + 86400) /* before 1990 or in the future */
        t = imported_at;
    return now > t ? now - t : 0;
}

ks_err ks_vdb_status_json(struct ks_vdb *v, int indent, struct ks_buf *out, struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_jw jw;
    bool row;
    ks_err err;
    int64_t now = (int64_t)time(NULL);

    ks_jw_init(&jw, out, indent);
    ks_jw_obj_begin(&jw);
    ks_jw_kstr(&jw, "path", ks_db_path(v->db));
    ks_jw_kint(&jw, "schema_version", KS_VDB_SCHEMA_VERSION);
    const char *built = meta_get(v, "built_at", &b);
    ks_jw_kint(&jw, "built_at", built ? strtoll(built, NULL, 10) : 0);
    ks_jw_kstr_opt(&jw, "digest", meta_get(v, "digest", &b));
    const char *nv = meta_get(v, "vulnerabilities", &b);
    ks_jw_kint(&jw, "vulnerabilities", nv ? strtoll(nv, NULL, 10) : 0);
    ks_jw_key(&jw, "sources");
    ks_jw_arr_begin(&jw);
    err = ks_db_prepare(v->db,
                        "SELECT s.name, s.format, s.files, s.records_read, s.rejected,"
                        " s.newest_modified, s.digest, s.imported_at,"
                        " (SELECT count(*) FROM records r WHERE r.source=s.id)"
                        " + (SELECT count(*) FROM kev k WHERE k.source=s.id)"
                        " + (SELECT count(*) FROM epss e WHERE e.source=s.id)"
                        " FROM sources s ORDER BY s.name",
                        &st, diag);
    while (!err && !(err = ks_stmt_step(st, &row, diag)) && row) {
        ks_jw_obj_begin(&jw);
        ks_jw_kstr(&jw, "name", ks_stmt_text(st, 0));
        ks_jw_kstr_opt(&jw, "format", ks_stmt_text(st, 1));
        ks_jw_kint(&jw, "files", ks_stmt_int(st, 2));
        ks_jw_kint(&jw, "records_read", ks_stmt_int(st, 3));
        ks_jw_kint(&jw, "rejected", ks_stmt_int(st, 4));
        ks_jw_kint(&jw, "records", ks_stmt_int(st, 8));
        ks_jw_kstr_opt(&jw, "newest_modified", ks_stmt_text(st, 5));
        ks_jw_kstr_opt(&jw, "digest", ks_stmt_text(st, 6));
        ks_jw_kint(&jw, "imported_at", ks_stmt_int(st, 7));
        ks_jw_kint(&jw, "age_seconds", source_age(ks_stmt_text(st, 5), ks_stmt_int(st, 7), now));
        ks_jw_obj_end(&jw);
    }
    ks_stmt_free(st);
    st = NULL;
    ks_jw_arr_end(&jw);
    if (!err) {
        err = ks_db_prepare(v->db,
                            "SELECT id, at, added, changed, withdrawn, removed FROM imports "
                            "ORDER BY id DESC LIMIT 1",
                            &st, diag);
        if (!err && !(err = ks_stmt_step(st, &row, diag)) && row) {
            ks_jw_key(&jw, "last_import");
            ks_jw_obj_begin(&jw);
            ks_jw_kint(&jw, "id", ks_stmt_int(st, 0));
            ks_jw_kint(&jw, "at", ks_stmt_int(st, 1));
            ks_jw_kint(&jw, "added", ks_stmt_int(st, 2));
            ks_jw_kint(&jw, "changed", ks_stmt_int(st, 3));
            ks_jw_kint(&jw, "withdrawn", ks_stmt_int(st, 4));
            ks_jw_kint(&jw, "removed", ks_stmt_int(st, 5));
            ks_jw_obj_end(&jw);
        }
        ks_stmt_free(st);
    }
    ks_jw_obj_end(&jw);
    ks_buf_release(&b);
    if (err)
        return err;
    err = ks_jw_finish(&jw);
    return err ? ks_diag_set(diag, err, "cannot write status") : KS_OK;
}

ks_err ks_vdb_max_age(struct ks_vdb *v, int64_t now, int64_t *age, struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    bool row;
    ks_err err = ks_db_prepare(v->db, "SELECT newest_modified, imported_at FROM sources", &st,
                               diag);
    *age = 0;
    while (!err && !(err = ks_stmt_step(st, &row, diag)) && row) {
        int64_t a = source_age(ks_stmt_text(st, 0), ks_stmt_int(st, 1), now);
        if (a > *age)
            *age = a;
    }
    ks_stmt_free(st);
    return err;
}

/* ---- search ---- */

static ks_err write_affected(struct ks_vdb *v, struct ks_jw *jw, int64_t rec, struct ks_diag *diag)
{
    struct ks_stmt *a = NULL, *e = NULL;
    bool row, r2;
    ks_err err = ks_db_prepare(v->db,
                               "SELECT id, ecosystem, package, state, fixed, detail, versions"
                               " FROM affected WHERE record=?1 ORDER BY id",
                               &a, diag);
    if (!err)
        err = ks_db_prepare(v->db,
                            "SELECT rng, rtype, kind, version FROM events WHERE affected=?1 "
                            "ORDER BY rng, seq",
                            &e, diag);
    if (err)
        goto done;
    static const char *const kinds[] = {"introduced", "fixed", "last_affected", "limit"};
    ks_stmt_bind_int(a, 1, rec);
    ks_jw_key(jw, "affected");
    ks_jw_arr_begin(jw);
    while (!(err = ks_stmt_step(a, &row, diag)) && row) {
        int64_t id = ks_stmt_int(a, 0);
        ks_jw_obj_begin(jw);
        ks_jw_kstr(jw, "ecosystem", ks_stmt_text(a, 1));
        ks_jw_kstr(jw, "package", ks_stmt_text(a, 2));
        ks_jw_kstr_opt(jw, "state", ks_stmt_text(a, 3));
        ks_jw_kstr_opt(jw, "fixed", ks_stmt_text(a, 4));
        ks_jw_kstr_opt(jw, "detail", ks_stmt_text(a, 5));
        ks_jw_key(jw, "ranges");
        ks_jw_arr_begin(jw);
        ks_stmt_bind_int(e, 1, id);
        int64_t cur = -1;
        while (!(err = ks_stmt_step(e, &r2, diag)) && r2) {
            if (ks_stmt_int(e, 0) != cur) {
                if (cur >= 0) {
                    ks_jw_arr_end(jw);
                    ks_jw_obj_end(jw);
                }
                cur = ks_stmt_int(e, 0);
                ks_jw_obj_begin(jw);
                ks_jw_kstr(jw, "type", ks_stmt_text(e, 1));
                ks_jw_key(jw, "events");
                ks_jw_arr_begin(jw);
            }
            int64_t k = ks_stmt_int(e, 2);
            ks_jw_obj_begin(jw);
            ks_jw_kstr(jw, kinds[k >= 0 && k < 4 ? k : 0], ks_stmt_text(e, 3));
            ks_jw_obj_end(jw);
        }
        if (cur >= 0) {
            ks_jw_arr_end(jw);
            ks_jw_obj_end(jw);
        }
        ks_stmt_reset(e);
        ks_jw_arr_end(jw);
        {
            size_t vl = 0;
            const void *vb = ks_stmt_blob(a, 6, &vl);
            size_t nv = vb ? vdb_versions_count(vb, vl) : 0;
            if (nv)
                ks_jw_kint(jw, "versions_listed", (int64_t)nv);
        }
        ks_jw_obj_end(jw);
        if (err)
            break;
    }
    ks_jw_arr_end(jw);
done:
    ks_stmt_free(a);
    ks_stmt_free(e);
    return err;
}

static ks_err write_record(struct ks_vdb *v, struct ks_jw *jw, struct ks_stmt *r, bool about,
                           struct ks_diag *diag)
{
    struct ks_stmt *s = NULL, *b = NULL;
    bool row;
    int64_t rec = ks_stmt_int(r, 0);
    ks_err err;

    ks_jw_obj_begin(jw);
    ks_jw_kstr(jw, "id", ks_stmt_text(r, 2));
    ks_jw_kstr(jw, "feed", ks_stmt_text(r, 1));
    ks_jw_kstr(jw, "source", ks_stmt_text(r, 9));
    if (about)
        ks_jw_kstr(jw, "role", "advisory");
    ks_jw_kstr_opt(jw, "summary", ks_stmt_text(r, 6));
    ks_jw_kstr_opt(jw, "published", ks_stmt_text(r, 4));
    ks_jw_kstr_opt(jw, "modified", ks_stmt_text(r, 3));
    ks_jw_kstr_opt(jw, "withdrawn", ks_stmt_text(r, 5));
    err = ks_db_prepare(v->db, "SELECT type, vector, score, source FROM severities WHERE record=?1",
                        &s, diag);
    if (err)
        goto done;
    ks_stmt_bind_int(s, 1, rec);
    ks_jw_key(jw, "severity");
    ks_jw_arr_begin(jw);
    while (!(err = ks_stmt_step(s, &row, diag)) && row) {
        ks_jw_obj_begin(jw);
        ks_jw_kstr(jw, "type", ks_stmt_text(s, 0));
        ks_jw_kstr_opt(jw, "vector", ks_stmt_text(s, 1));
        if (!ks_stmt_is_null(s, 2)) {
            ks_jw_key(jw, "score");
            ks_jw_real(jw, ks_stmt_real(s, 2));
        }
        ks_jw_kstr_opt(jw, "source", ks_stmt_text(s, 3));
        ks_jw_obj_end(jw);
    }
    ks_jw_arr_end(jw);
    if (err)
        goto done;
    if ((err = write_affected(v, jw, rec, diag)))
        goto done;
    if (!ks_stmt_is_null(r, 7)) {
        err = ks_db_prepare(v->db, "SELECT data FROM blobs WHERE id=?1", &b, diag);
        if (err)
            goto done;
        ks_stmt_bind_int(b, 1, ks_stmt_int(r, 7));
        if (!(err = ks_stmt_step(b, &row, diag)) && row) {
            size_t len = 0;
            const char *data = ks_stmt_blob(b, 0, &len);
            struct ks_arena a = KS_ARENA_INIT(1 << 16, 0);
            struct ks_value *val = NULL;
            struct ks_limits lim;
            ks_limits_init(&lim);
            /* details and references are only read here: stored compressed */
            struct ks_buf text = KS_BUF_INIT(lim.max_file_size);
            if (data && !(err = vdb_blob_decode(data, len, &text, diag)) &&
                !ks_json_parse(&a, "blob", text.ptr, text.len, &lim, &val, NULL) &&
                ks_value_is(val, KS_VOBJECT))
                for (size_t i = 0; i < val->u.o.len; i++) {
                    ks_jw_key(jw, val->u.o.items[i].key);
                    ks_jw_value(jw, val->u.o.items[i].value);
                }
            ks_buf_release(&text);
            ks_arena_release(&a);
        }
    }
done:
    ks_jw_obj_end(jw);
    ks_stmt_free(s);
    ks_stmt_free(b);
    return err;
}

/* "CVSS:3.1/..." -> "3.1", "CVSS:4.0/..." -> "4.0", "CVSS:3.0/..." -> "3.0",
 * a bare vector -> "2.0". */
static const char *vector_version(const char *vec)
{
    if (has_prefix(vec, "CVSS:3.1/"))
        return "3.1";
    if (has_prefix(vec, "CVSS:3.0/"))
        return "3.0";
    if (has_prefix(vec, "CVSS:4.0/"))
        return "4.0";
    return "2.0";
}

/* "cvss" and "labels": what each source publishes for the vulnerability,
 * records and advisories alike (withdrawn records excluded). */
static ks_err write_per_source(struct ks_vdb *v, struct ks_jw *jw, const char *vuln,
                               struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    bool row;
    ks_err err = KS_OK;

    for (int labels = 0; labels < 2 && !err; labels++) {
        err = ks_db_prepare(v->db,
                            "SELECT DISTINCT s.rowid, r.feed, r.rid, s.type, s.vector, s.score,"
                            " s.source, (SELECT ecosystem FROM affected WHERE record=r.id"
                            " LIMIT 1) FROM aliases al JOIN record_ids ri ON ri.name=al.name"
                            " JOIN records r ON r.id=ri.record JOIN severities s"
                            " ON s.record=r.id WHERE al.vuln=?1 AND r.withdrawn IS NULL"
                            " AND s.vector IS NOT NULL AND (s.type LIKE 'CVSS%')=?2"
                            " ORDER BY r.feed, r.rid, s.rowid",
                            &st, diag);
        if (err)
            break;
        ks_stmt_bind_text(st, 1, vuln);
        ks_stmt_bind_int(st, 2, !labels);
        ks_jw_key(jw, labels ? "labels" : "cvss");
        ks_jw_arr_begin(jw);
        while (!(err = ks_stmt_step(st, &row, diag)) && row) {
            const char *vec = ks_stmt_text(st, 4);
            ks_jw_obj_begin(jw);
            ks_jw_kstr(jw, "source", ks_vdb_source_of(ks_stmt_text(st, 1), ks_stmt_text(st, 2),
                                                      ks_stmt_text(st, 7)));
            ks_jw_kstr(jw, "record", ks_stmt_text(st, 2));
            if (labels) {
                ks_jw_kstr(jw, "type", ks_stmt_text(st, 3));
                ks_jw_kstr(jw, "label", vec);
                /* a Debian urgency names the release it applies to */
                ks_jw_kstr_opt(jw, "release", ks_stmt_text(st, 6));
            } else {
                ks_jw_kstr(jw, "version", vector_version(vec));
                ks_jw_kstr(jw, "vector", vec);
                int b = v->scorer ? v->scorer(vec) : -1;
                if (b >= 0) {
                    ks_jw_key(jw, "base_score");
                    ks_jw_fixed(jw, b / 10.0, 1);
                }
                if (!ks_stmt_is_null(st, 5) && ks_stmt_real(st, 5) >= 0) {
                    ks_jw_key(jw, "published_score");
                    ks_jw_real(jw, ks_stmt_real(st, 5));
                }
                ks_jw_kstr_opt(jw, "scored_by", ks_stmt_text(st, 6));
            }
            ks_jw_obj_end(jw);
        }
        ks_jw_arr_end(jw);
        ks_stmt_free(st);
        st = NULL;
    }
    return err;
}

ks_err ks_vdb_search_json(struct ks_vdb *v, const char *id, int indent, struct ks_buf *out,
                          struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    struct ks_buf canon = KS_BUF_INIT(0);
    struct ks_jw jw;
    bool row;
    ks_err err;
    const char *cid = vdb_canonical_id(id);

    err = ks_db_prepare(v->db, "SELECT vuln FROM aliases WHERE name=?1 COLLATE NOCASE", &st, diag);
    if (err)
        goto done;
    ks_stmt_bind_text(st, 1, cid);
    if ((err = ks_stmt_step(st, &row, diag)))
        goto done;
    if (!row) {
        err = ks_diag_set(diag, KS_ENOTFOUND, "no source knows '%s'", id);
        goto done;
    }
    ks_buf_adds(&canon, ks_stmt_text(st, 0));
    ks_stmt_free(st);
    st = NULL;

    ks_jw_init(&jw, out, indent);
    ks_jw_obj_begin(&jw);
    ks_jw_kstr(&jw, "id", ks_buf_str(&canon));
    ks_jw_key(&jw, "aliases");
    ks_jw_arr_begin(&jw);
    if ((err = ks_db_prepare(v->db, "SELECT name FROM aliases WHERE vuln=?1 ORDER BY name", &st,
                             diag)))
        goto done;
    ks_stmt_bind_text(st, 1, ks_buf_str(&canon));
    while (!(err = ks_stmt_step(st, &row, diag)) && row)
        if (strcmp(ks_stmt_text(st, 0), ks_buf_str(&canon)))
            ks_jw_str(&jw, ks_stmt_text(st, 0));
    ks_jw_arr_end(&jw);
    ks_stmt_free(st);
    st = NULL;
    if (err)
        goto done;

    /* records that are this vulnerability, then advisories about it */
    for (int about = 0; about < 2 && !err; about++) {
        ks_jw_key(&jw, about ? "advisories" : "records");
        ks_jw_arr_begin(&jw);
        err = ks_db_prepare(v->db,
                            "SELECT DISTINCT r.id, r.feed, r.rid, r.modified, r.published,"
                            " r.withdrawn, r.summary, r.blob, r.source, s.name"
                            " FROM aliases al JOIN record_ids ri ON ri.name=al.name"
                            " JOIN records r ON r.id=ri.record JOIN sources s ON s.id=r.source"
                            " WHERE al.vuln=?1 AND ri.about=?2 ORDER BY r.feed, r.rid",
                            &st, diag);
        if (err)
            break;
        ks_stmt_bind_text(st, 1, ks_buf_str(&canon));
        ks_stmt_bind_int(st, 2, about);
        while (!(err = ks_stmt_step(st, &row, diag)) && row)
            if ((err = write_record(v, &jw, st, about, diag)))
                break;
        ks_stmt_free(st);
        st = NULL;
        ks_jw_arr_end(&jw);
    }
    if (err || (err = write_per_source(v, &jw, ks_buf_str(&canon), diag)))
        goto done;
    if ((err = ks_db_prepare(v->db,
                             "SELECT k.cve, k.vendor, k.product, k.name, k.date_added, k.due_date,"
                             " k.ransomware, k.action, s.name FROM aliases al JOIN kev k ON"
                             " k.cve=al.name JOIN sources s ON s.id=k.source WHERE al.vuln=?1",
                             &st, diag)))
        goto done;
    ks_stmt_bind_text(st, 1, ks_buf_str(&canon));
    if (!(err = ks_stmt_step(st, &row, diag)) && row) {
        ks_jw_key(&jw, "kev");
        ks_jw_obj_begin(&jw);
        static const char *const keys[] = {"cve",        "vendor",   "product",
                                           "name",       "date_added", "due_date",
                                           "ransomware", "required_action", "source"};
        for (int i = 0; i < 9; i++)
            ks_jw_kstr_opt(&jw, keys[i], ks_stmt_text(st, i));
        ks_jw_obj_end(&jw);
    }
    ks_stmt_free(st);
    st = NULL;
    if (err)
        goto done;
    if ((err = ks_db_prepare(v->db,
                             "SELECT e.epss, e.percentile, s.name FROM aliases al JOIN epss e ON"
                             " e.cve=al.name JOIN sources s ON s.id=e.source WHERE al.vuln=?1",
                             &st, diag)))
        goto done;
    ks_stmt_bind_text(st, 1, ks_buf_str(&canon));
    if (!(err = ks_stmt_step(st, &row, diag)) && row) {
        ks_jw_key(&jw, "epss");
        ks_jw_obj_begin(&jw);
        ks_jw_key(&jw, "score");
        ks_jw_real(&jw, ks_stmt_real(st, 0));
        ks_jw_key(&jw, "percentile");
        ks_jw_real(&jw, ks_stmt_real(st, 1));
        ks_jw_kstr(&jw, "source", ks_stmt_text(st, 2));
        ks_jw_obj_end(&jw);
    }
    if (err)
        goto done;
    ks_jw_obj_end(&jw);
    err = ks_jw_finish(&jw);
    if (err)
        ks_diag_set(diag, err, "cannot write search result");
done:
    ks_stmt_free(st);
    ks_buf_release(&canon);
    return err;
}

const char *ks_vdb_normalise_name(struct ks_arena *arena, const char *ecosystem,
                                  const char *name)
{
    return vdb_normalise_name(arena, ecosystem, name);
}

/* ---- lookup ---- */

/* The fix that applies to `version`: the lowest FIXED event above it among
 * the entry's ranges (an entry such as Django's lists one fix per release
 * branch, and the first of them is not the one this version needs). Sets
 * *found false when the entry has no fixed events at all, so the caller
 * keeps the stored value; *fixed NULL when no fix above `version` exists. */
static ks_err fix_for(struct lookup_stmts *q, enum ks_scheme scheme, int64_t aff_id,
                      const char *version, struct ks_arena *a, const char **fixed, bool *found,
                      struct ks_diag *diag)
{
    char *best = NULL;
    bool row;
    ks_err err;

    *found = false;
    *fixed = NULL;
    ks_stmt_bind_int(q->ev, 1, aff_id);
    while (!(err = ks_stmt_step(q->ev, &row, diag)) && row) {
        const char *v = ks_stmt_text(q->ev, 3), *rtype = ks_stmt_text(q->ev, 1);
        int c1 = 0, c2 = 0;
        /* SEMVER ranges compare as SemVer, as ks_osv_affects() does: the Go
         * vulndb writes "1.19.9" where Go's own scheme wants "v1.19.9". */
        enum ks_scheme sc = rtype && !strcmp(rtype, "SEMVER") ? KS_SCHEME_SEMVER : scheme;

        if (ks_stmt_int(q->ev, 2) != KS_OSV_FIXED || !v)
            continue;
        *found = true;
        if (ks_version_cmp(sc, v, version, &c1, NULL) || c1 <= 0)
            continue;
        if (best && (ks_version_cmp(sc, v, best, &c2, NULL) || c2 >= 0))
            continue;
        best = ks_arena_strdup(a, v);
        if (!best) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
    }
    ks_stmt_reset(q->ev);
    *fixed = best;
    return err;
}

static ks_err affected_covers(struct lookup_stmts *q, enum ks_scheme scheme, int64_t aff_id,
                              const void *listed, size_t listed_len, const char *version,
                              struct ks_arena *a, bool *hit, struct ks_diag *diag)
{
    KS_VEC(struct ks_osv_event) ev = KS_VEC_INIT;
    KS_VEC(struct ks_osv_range) rg = KS_VEC_INIT;
    KS_VEC(size_t) starts = KS_VEC_INIT;
    bool row;
    ks_err err = KS_OK;
    int64_t cur = -1;

    *hit = false;
    /* an exact listing decides without comparing versions (the list is
     * the row's own column: no statement, no JSON) */
    if (listed && vdb_versions_has(listed, listed_len, version)) {
        *hit = true;
        goto done;
    }
    ks_stmt_bind_int(q->ev, 1, aff_id);
    while (!(err = ks_stmt_step(q->ev, &row, diag)) && row) {
        int64_t r = ks_stmt_int(q->ev, 0);
        const char *t = ks_stmt_text(q->ev, 1);
        if (r != cur) {
            enum ks_osv_range_type type = KS_OSV_RANGE_ECOSYSTEM;
            ks_osv_range_type_parse(t, &type);
            if (KS_VEC_PUSH(&rg, ((struct ks_osv_range){type, NULL, 0})) ||
                KS_VEC_PUSH(&starts, ev.len)) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                break;
            }
            cur = r;
        }
        const char *ver = ks_arena_strdup(a, ks_stmt_text(q->ev, 3));
        if (!ver || KS_VEC_PUSH(&ev, ((struct ks_osv_event){
                                             (enum ks_osv_event_kind)ks_stmt_int(q->ev, 2), ver}))) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
        rg.items[rg.len - 1].nevents++;
    }
    ks_stmt_reset(q->ev);
    if (err)
        goto done;
    for (size_t i = 0; i < rg.len; i++)
        rg.items[i].events = ev.items + starts.items[i];
    /* Listed versions were matched exactly above; comparing each listed
     * version under the scheme (1.0 == 1.0.0) costs a parse per entry and the
     * ranges cover those versions anyway, so they are not passed again. */
    struct ks_osv_affected oa = {rg.items, rg.len, NULL, 0};
    struct ks_diag d = KS_DIAG_INIT;
    ks_err e = ks_osv_affects(scheme, &oa, version, hit, &d);
    if (e && e != KS_EUNSUPPORTED) {
        /* A version the scheme cannot order, or a hostile event version: the
         * advisory cannot be decided for this version; it does not match. */
        *hit = false;
    }
done:
    KS_VEC_RELEASE(&ev);
    KS_VEC_RELEASE(&rg);
    KS_VEC_RELEASE(&starts);
    return err;
}

struct sev_row {
    struct ks_vdb_severity s;
    const char *feed;
    int64_t rowid;
    double score; /* published score, -1 when none */
};

static int cmp_sev_row(const void *a, const void *b)
{
    const struct sev_row *x = a, *y = b;
    int c = strcmp(x->feed, y->feed);
    if (!c)
        c = strcmp(x->s.record, y->s.record);
    return c ? c : (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

/* Fills m->sevs (the scores and labels published for m->vuln, see the
 * `sevs` statement) in (feed, record) order, and m->severity: the
 * highest-scored CVSS vector (by published score, then CVSS version). */
static ks_err severities_of(struct lookup_stmts *q, struct ks_arena *a, struct ks_vdb_match *m,
                            const char *ecosystem, const char *pkg, int64_t record,
                            struct ks_diag *diag)
{
    KS_VEC(struct sev_row) v = KS_VEC_INIT;
    bool row;
    ks_err err;

    ks_stmt_bind_text(q->sevs, 1, m->vuln);
    ks_stmt_bind_text(q->sevs, 2, ecosystem);
    ks_stmt_bind_text(q->sevs, 3, pkg);
    ks_stmt_bind_int(q->sevs, 4, record);
    while (!(err = ks_stmt_step(q->sevs, &row, diag)) && row) {
        int64_t rowid = ks_stmt_int(q->sevs, 7);
        bool dup = false;
        for (size_t k = 0; k < v.len && !dup; k++)
            dup = v.items[k].rowid == rowid;
        if (dup)
            continue; /* a record reached under two of its names */
        const char *type = ks_stmt_text(q->sevs, 2);
        struct sev_row r = {
                .s = {.source = ks_vdb_source_of(ks_stmt_text(q->sevs, 0),
                                                 ks_stmt_text(q->sevs, 1),
                                                 ks_stmt_text(q->sevs, 5)),
                      .record = ks_arena_strdup(a, ks_stmt_text(q->sevs, 1)),
                      .type = ks_arena_strdup(a, type),
                      .value = ks_arena_strdup(a, ks_stmt_text(q->sevs, 3)),
                      .cvss = type && !strncmp(type, "CVSS_", 5),
                      .vendor = ks_stmt_int(q->sevs, 4) != 0},
                .feed = ks_arena_strdup(a, ks_stmt_text(q->sevs, 0)),
                .rowid = rowid,
                .score = ks_stmt_is_null(q->sevs, 6) ? -1 : ks_stmt_real(q->sevs, 6),
        };
        if (!r.s.record || !r.s.type || !r.s.value || !r.feed || KS_VEC_PUSH(&v, r)) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
    }
    ks_stmt_reset(q->sevs);
    if (!err && v.len) {
        struct ks_vdb_severity *copy = ks_arena_alloc(a, v.len * sizeof(*copy));
        const struct sev_row *best = NULL;
        if (!copy) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            goto done;
        }
        qsort(v.items, v.len, sizeof(*v.items), cmp_sev_row);
        for (size_t k = 0; k < v.len; k++) {
            const struct sev_row *r = &v.items[k];
            copy[k] = r->s;
            if (r->s.cvss && (!best || r->score > best->score ||
                              (r->score == best->score && strcmp(r->s.type, best->s.type) > 0)))
                best = r;
        }
        m->sevs = copy;
        m->nsevs = v.len;
        m->severity = best ? best->s.value : NULL;
    }
done:
    KS_VEC_RELEASE(&v);
    return err;
}

static int cmp_match(const void *a, const void *b)
{
    const struct ks_vdb_match *x = a, *y = b;
    int c = strcmp(x->vuln, y->vuln);
    return c ? c : strcmp(x->record, y->record);
}

static void lookup_free(struct lookup_stmts *q)
{
    struct ks_stmt **all = (struct ks_stmt **)q;
    for (size_t i = 0; i < sizeof(*q) / sizeof(struct ks_stmt *); i++)
        ks_stmt_free(all[i]);
}

void ks_vdb_cache_lookups(struct ks_vdb *v)
{
    if (!v->cache)
        ks_arena_init(&v->carena, 1u << 20, 0);
    v->cache = true;
}

static ks_err lookup(struct ks_vdb *v, struct ks_arena *arena, const char *ecosystem,
                     const char *package, const char *version, struct ks_vdb_match **out,
                     size_t *nout, struct ks_diag *diag);

ks_err ks_vdb_lookup(struct ks_vdb *v, struct ks_arena *arena, const char *ecosystem,
                     const char *package, const char *version, struct ks_vdb_match **out,
                     size_t *nout, struct ks_diag *diag)
{
    struct cached *c = NULL;
    char key[1024];
    int klen;
    ks_err err;

    klen = v->cache ? snprintf(key, sizeof(key), "%s\x1f%s\x1f%s", ecosystem, package, version)
                    : -1;
    if (klen < 0 || (size_t)klen >= sizeof(key))
        return lookup(v, arena, ecosystem, package, version, out, nout, diag);
    c = ks_map_get(&v->cmap, key, (size_t)klen);
    if (!c && v->cmap.len >= CACHE_MAX_ENTRIES)
        return lookup(v, arena, ecosystem, package, version, out, nout, diag);
    if (!c) {
        const char *kept = ks_arena_strdup(&v->carena, key);
        /* A miss: looked up into the handle's arena, kept. */
        struct ks_vdb_match *m;
        size_t n;

        err = lookup(v, &v->carena, ecosystem, package, version, &m, &n, diag);
        if (err)
            return err;
        c = ks_arena_calloc(&v->carena, 1, sizeof(*c));
        if (c && n)
            c->m = ks_arena_calloc(&v->carena, n, sizeof(*m));
        if (!kept || !c || (n && !c->m) || ks_map_put(&v->cmap, kept, (size_t)klen, c)) {
            free(m);
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        }
        if (n)
            memcpy(c->m, m, n * sizeof(*m));
        c->n = n;
        free(m);
    }
    *out = NULL;
    *nout = c->n;
    if (!c->n)
        return KS_OK;
    *out = malloc(c->n * sizeof(**out));
    if (!*out) {
        *nout = 0;
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    memcpy(*out, c->m, c->n * sizeof(**out));
    return KS_OK;
}

static ks_err lookup(struct ks_vdb *v, struct ks_arena *arena, const char *ecosystem,
                     const char *package, const char *version, struct ks_vdb_match **out,
                     size_t *nout, struct ks_diag *diag)
{
    struct lookup_stmts *q = &v->q;
    KS_VEC(struct ks_vdb_match) res = KS_VEC_INIT;
    bool row;
    ks_err err;
    enum ks_scheme scheme = ks_scheme_for_ecosystem(ecosystem);
    const char *pkg = vdb_normalise_name(arena, ecosystem, package);

    *out = NULL;
    *nout = 0;
    if (!pkg)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
#define P(f, sql)                                                                                  \
    if (!q->f && (err = ks_db_prepare(v->db, sql, &q->f, diag)))                                   \
        goto done;
    P(aff, "SELECT a.id, a.state, a.fixed, r.id, r.rid, r.feed, r.summary, r.withdrawn,"
           " a.ecosystem, a.package, a.versions FROM affected a JOIN records r ON r.id=a.record"
           " WHERE a.ecosystem=?1 AND a.package=?2")
    P(ev, "SELECT rng, rtype, kind, version FROM events WHERE affected=?1 ORDER BY rng, seq")
    /* No DISTINCT / UNION / ORDER BY in the per-match statements: each
     * would build a temporary B-tree per execution, which cost more than
     * the lookups themselves; duplicates are dropped and rows ordered in C. */
    P(vulns, "SELECT al.vuln FROM record_ids ri JOIN aliases al ON al.name=ri.name"
             " WHERE ri.record=?1 AND ri.about=(SELECT max(about) FROM record_ids"
             " WHERE record=?1)")
    /* Every score and label of the vulnerability's own records plus the
     * matched advisory's (an ALAS severity is on the advisory); "vendor":
     * the record advises on this very package. A Debian urgency is per
     * release (its `source` names the release's ecosystem). */
#define SEV_COLS                                                                                   \
    "SELECT r.feed, r.rid, s.type, s.vector, r.id=?4 OR EXISTS(SELECT 1 FROM affected a"          \
    " WHERE a.record=r.id AND a.ecosystem=?2 AND a.package=?3),"                                   \
    " (SELECT ecosystem FROM affected WHERE record=r.id LIMIT 1), s.score, s.rowid"
#define SEV_FILTER                                                                                 \
    " AND r.withdrawn IS NULL AND s.vector IS NOT NULL"                                            \
    " AND (s.type<>'debian-urgency' OR s.source IS NULL OR s.source=?2)"
    P(sevs, SEV_COLS " FROM aliases al JOIN record_ids ri ON ri.name=al.name AND ri.about=0"
                     " JOIN records r ON r.id=ri.record JOIN severities s ON s.record=r.id"
                     " WHERE al.vuln=?1" SEV_FILTER
                     " UNION ALL " SEV_COLS " FROM records r JOIN severities s ON s.record=r.id"
                     " WHERE r.id=?4" SEV_FILTER)
#undef SEV_COLS
#undef SEV_FILTER
    P(kev, "SELECT 1 FROM aliases al JOIN kev k ON k.cve=al.name WHERE al.vuln=?1 LIMIT 1")
    P(epss, "SELECT max(e.epss) FROM aliases al JOIN epss e ON e.cve=al.name WHERE al.vuln=?1")
#undef P
    ks_stmt_bind_text(q->aff, 1, ecosystem);
    ks_stmt_bind_text(q->aff, 2, pkg);
    while (!(err = ks_stmt_step(q->aff, &row, diag)) && row) {
        const char *state = ks_stmt_text(q->aff, 1);
        if (!ks_stmt_is_null(q->aff, 7) || (state && !strcmp(state, "not-affected")))
            continue; /* withdrawn advisories are kept but never matched */
        bool hit = false;
        size_t listed_len = 0;
        const void *listed = ks_stmt_blob(q->aff, 10, &listed_len);
        if ((err = affected_covers(q, scheme, ks_stmt_int(q->aff, 0), listed, listed_len, version,
                                   arena, &hit, diag)))
            break;
        if (!hit)
            continue;
        struct ks_vdb_match m = {
                .record = ks_arena_strdup(arena, ks_stmt_text(q->aff, 4)),
                .feed = ks_arena_strdup(arena, ks_stmt_text(q->aff, 5)),
                .ecosystem = ks_arena_strdup(arena, ks_stmt_text(q->aff, 8)),
                .package = ks_arena_strdup(arena, ks_stmt_text(q->aff, 9)),
                .state = ks_arena_strdup(arena, state),
                .fixed = ks_arena_strdup(arena, ks_stmt_text(q->aff, 2)),
                .summary = ks_arena_strdup(arena, ks_stmt_text(q->aff, 6)),
                .epss = -1,
        };
        {
            const char *fx;
            bool found;
            if ((err = fix_for(q, scheme, ks_stmt_int(q->aff, 0), version, arena, &fx, &found,
                               diag)))
                break;
            if (found)
                m.fixed = fx;
        }
        ks_stmt_bind_int(q->vulns, 1, ks_stmt_int(q->aff, 3));
        bool r2;
        size_t first = res.len;
        while (!(err = ks_stmt_step(q->vulns, &r2, diag)) && r2) {
            struct ks_vdb_match mm = m;
            bool dup = false;
            for (size_t k = first; k < res.len && !dup; k++)
                dup = !strcmp(res.items[k].vuln, ks_stmt_text(q->vulns, 0));
            if (dup)
                continue; /* a record with several names of one vulnerability */
            mm.vuln = ks_arena_strdup(arena, ks_stmt_text(q->vulns, 0));
            if (!mm.vuln) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                break;
            }
            if ((err = severities_of(q, arena, &mm, ecosystem, pkg, ks_stmt_int(q->aff, 3),
                                     diag)))
                break;
            ks_stmt_bind_text(q->kev, 1, mm.vuln);
            mm.kev = !ks_stmt_step(q->kev, &r2, NULL) && r2;
            ks_stmt_reset(q->kev);
            ks_stmt_bind_text(q->epss, 1, mm.vuln);
            if (!ks_stmt_step(q->epss, &r2, NULL) && r2 && !ks_stmt_is_null(q->epss, 0))
                mm.epss = ks_stmt_real(q->epss, 0);
            ks_stmt_reset(q->epss);
            if (!mm.vuln || KS_VEC_PUSH(&res, mm)) {
                err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
                break;
            }
        }
        ks_stmt_reset(q->vulns);
        if (err)
            break;
    }
done:
    if (q->aff)
        ks_stmt_reset(q->aff);
    if (err) {
        KS_VEC_RELEASE(&res);
        return err;
    }
    if (res.len)
        qsort(res.items, res.len, sizeof(*res.items), cmp_match);
    *out = res.items;
    *nout = res.len;
    return KS_OK;
}

ks_err ks_vdb_matches_json(const struct ks_vdb_match *m, size_t n, int indent, struct ks_buf *out)
{
    struct ks_jw jw;
    ks_jw_init(&jw, out, indent);
    ks_jw_arr_begin(&jw);
    for (size_t i = 0; i < n; i++) {
        ks_jw_obj_begin(&jw);
        ks_jw_kstr(&jw, "vulnerability", m[i].vuln);
        ks_jw_kstr(&jw, "record", m[i].record);
        ks_jw_kstr(&jw, "feed", m[i].feed);
        ks_jw_kstr(&jw, "ecosystem", m[i].ecosystem);
        ks_jw_kstr(&jw, "package", m[i].package);
        ks_jw_kstr_opt(&jw, "state", m[i].state);
        ks_jw_kstr_opt(&jw, "fixed", m[i].fixed);
        ks_jw_kstr_opt(&jw, "severity", m[i].severity);
        ks_jw_key(&jw, "severities");
        ks_jw_arr_begin(&jw);
        for (size_t k = 0; k < m[i].nsevs; k++) {
            const struct ks_vdb_severity *s = &m[i].sevs[k];
            ks_jw_obj_begin(&jw);
            ks_jw_kstr(&jw, "source", s->source);
            ks_jw_kstr(&jw, "record", s->record);
            ks_jw_kstr(&jw, "type", s->type);
            ks_jw_kstr(&jw, s->cvss ? "vector" : "label", s->value);
            ks_jw_kbool(&jw, "vendor", s->vendor);
            ks_jw_obj_end(&jw);
        }
        ks_jw_arr_end(&jw);
        ks_jw_kbool(&jw, "kev", m[i].kev);
        if (m[i].epss >= 0) {
            ks_jw_key(&jw, "epss");
            ks_jw_real(&jw, m[i].epss);
        }
        ks_jw_kstr_opt(&jw, "summary", m[i].summary);
        ks_jw_obj_end(&jw);
    }
    ks_jw_arr_end(&jw);
    return ks_jw_finish(&jw);
}

/* ---- change sets, for continuous re-evaluation ---- */

ks_err ks_vdb_digest(struct ks_vdb *v, char out[KS_VDB_DIGEST_SIZE], struct ks_diag *diag)
{
    struct ks_buf b = KS_BUF_INIT(0);
    const char *d = meta_get(v, "digest", &b);

    out[0] = '\0';
    if (d)
        snprintf(out, KS_VDB_DIGEST_SIZE, "%s", d);
    ks_buf_release(&b);
    if (!out[0])
        return ks_diag_set(diag, KS_ENOTFOUND, "'%s' has no digest", ks_db_path(v->db));
    return KS_OK;
}

ks_err ks_vdb_has_ecosystem(struct ks_vdb *v, const char *ecosystem, bool *out,
                            struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    ks_err err;

    *out = false;
    if ((err = ks_db_prepare(v->db, "SELECT 1 FROM affected WHERE ecosystem = ?1 LIMIT 1", &st,
                             diag)))
        return err;
    ks_stmt_bind_text(st, 1, ecosystem);
    err = ks_stmt_step(st, out, diag);
    ks_stmt_free(st);
    return err;
}

static bool has_table(struct ks_vdb *v, const char *name)
{
    struct ks_stmt *st = NULL;
    bool row = false;

    if (ks_db_prepare(v->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1", &st,
                      NULL))
        return false;
    ks_stmt_bind_text(st, 1, name);
    if (ks_stmt_step(st, &row, NULL))
        row = false;
    ks_stmt_free(st);
    return row;
}

/* The last import after which the database had digest `since`, when every
 * later import recorded its lineage from it: the imports after it are then
 * exactly the change. 0 with a reason in `diag` otherwise. */
static ks_err trusted_since(struct ks_vdb *v, const char *since, int64_t *from,
                            struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    char chain[KS_VDB_DIGEST_SIZE] = "", why[128] = "";
    bool row = false, found = false;
    ks_err err;

    *from = 0;
    if (!has_table(v, "lineage") || !has_table(v, "import_keys"))
        return ks_diag_set(diag, KS_ENOTFOUND, "the database records no change sets");
    /* Every import, with its lineage row when it wrote one. */
    err = ks_db_prepare(v->db,
                        "SELECT i.id, l.prev_digest, l.digest FROM imports i"
                        " LEFT JOIN lineage l ON l.import = i.id ORDER BY i.id",
                        &st, diag);
    while (!err && !(err = ks_stmt_step(st, &row, diag)) && row) {
        const char *prev = ks_stmt_text(st, 1), *dig = ks_stmt_text(st, 2);
        long long id = (long long)ks_stmt_int(st, 0);

        if (dig && !strcmp(dig, since)) {
            /* The last import that produced `since` is where the change
             * starts (content that came back counts as unchanged). */
            found = true;
            *from = id;
            snprintf(chain, sizeof(chain), "%s", dig);
            continue;
        }
        if (!found)
            continue;
        if (!dig)
            snprintf(why, sizeof(why), "import %lld recorded no change set", id);
        else if (!prev || strcmp(prev, chain))
            snprintf(why, sizeof(why), "import %lld was not derived from the previous database",
                     id);
        else {
            snprintf(chain, sizeof(chain), "%s", dig);
            continue;
        }
        found = false;
    }
    ks_stmt_free(st);
    if (!err && !found)
        err = ks_diag_set(diag, KS_ENOTFOUND, "%s",
                          why[0] ? why : "the database was not derived from the one last seen");
    return err;
}

ks_err ks_vdb_changes_since(struct ks_vdb *v, const char *since, ks_vdb_key_fn *fn, void *ctx,
                            size_t *nimports, struct ks_diag *diag)
{
    char now[KS_VDB_DIGEST_SIZE];
    struct ks_stmt *st = NULL;
    int64_t from = 0;
    bool row = false;
    ks_err err;

    *nimports = 0;
    if (!since || !*since)
        return ks_diag_set(diag, KS_ENOTFOUND, "no database was seen before");
    err = ks_vdb_digest(v, now, diag);
    if (err)
        return err;
    if (!strcmp(now, since))
        return KS_OK; /* the same content: nothing changed */
    err = trusted_since(v, since, &from, diag);
    if (err)
        return err;
    err = ks_db_prepare(v->db, "SELECT count(*) FROM imports WHERE id > ?1", &st, diag);
    if (!err) {
        ks_stmt_bind_int(st, 1, from);
        err = ks_stmt_step(st, &row, diag);
        if (!err && row)
            *nimports = (size_t)ks_stmt_int(st, 0);
    }
    ks_stmt_free(st);
    st = NULL;
    if (!err)
        err = ks_db_prepare(v->db,
                            "SELECT DISTINCT ecosystem, package FROM import_keys WHERE import > ?1"
                            " ORDER BY 1, 2",
                            &st, diag);
    if (!err)
        ks_stmt_bind_int(st, 1, from);
    while (!err && !(err = ks_stmt_step(st, &row, diag)) && row)
        err = fn(ks_stmt_text(st, 0), ks_stmt_text(st, 1), ctx);
    ks_stmt_free(st);
    return err;
}
