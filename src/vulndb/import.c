/* vulndb/import.c - ks_vdb_import(): sources -> records -> a new SQLite file
 * renamed over the old one. */
#include "core/ks_common.h"

#include "vulndb/vulndb.h"

#include "core/deflate.h"
#include "core/file.h"
#include "core/map.h"
#include "core/str.h"
#include "core/vec.h"
#include "formats/json.h"
#include "formats/yaml.h"
#include "ingest/archive.h"
#include "vulndb/internal.h"
#include "vulndb/schema.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const ks_vdb_formats[] = {"osv",          "nvd",        "kev", "epss", "debian-tracker",
                                      "alpine-secdb", "updateinfo", "apt",  NULL};

/* the rows that hang off a record, deleted before it is replaced or removed */
enum { NDEL = 4 };

struct vdb_stmts {
    struct ks_stmt *find, *ins_rec, *upd_rec, *touch_rec, *del_children[NDEL], *ins_blob, *get_blob,
            *ins_id, *ins_aff, *ins_ev, *ins_sev, *ins_kev, *ins_epss, *ins_change,
            *cap_keys, *cap_names, *kev_same, *epss_same, *note_name;
};

static const char *const del_children_sql[NDEL] = {
        "DELETE FROM events WHERE affected IN (SELECT id FROM affected WHERE record=?1)",
        "DELETE FROM affected WHERE record=?1",
        "DELETE FROM severities WHERE record=?1",
        "DELETE FROM record_ids WHERE record=?1",
};

static void stmts_free(struct vdb_stmts *s)
{
    struct ks_stmt **all = (struct ks_stmt **)s;
    for (size_t i = 0; i < sizeof(*s) / sizeof(struct ks_stmt *); i++)
        ks_stmt_free(all[i]);
    memset(s, 0, sizeof(*s));
}

static ks_err stmts_prepare(struct ks_db *db, struct vdb_stmts *s, struct ks_diag *diag)
{
    ks_err err;
#define P(field, sql)                                                                              \
    if ((err = ks_db_prepare(db, sql, &s->field, diag)))                                           \
        return err;
    P(find, "SELECT id, digest, withdrawn FROM records WHERE feed=?1 AND rid=?2")
    P(ins_rec, "INSERT INTO records(feed, rid, source, seen, modified, published, withdrawn,"
               " summary, blob, digest) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
    P(upd_rec, "UPDATE records SET source=?3, seen=?4, modified=?5, published=?6, withdrawn=?7,"
               " summary=?8, blob=?9, digest=?10 WHERE id=?1")
    P(touch_rec, "UPDATE records SET source=?2, seen=?3 WHERE id=?1")
    for (size_t i = 0; i < NDEL; i++)
        P(del_children[i], del_children_sql[i])
    P(ins_blob, "INSERT INTO blobs(hash, data) VALUES(?1, ?2)")
    P(get_blob, "SELECT id FROM blobs WHERE hash=?1")
    P(ins_id, "INSERT OR IGNORE INTO record_ids(name, record, about) VALUES(?1,?2,?3)")
    P(ins_aff, "INSERT INTO affected(record, ecosystem, package, state, fixed, detail, versions)"
               " VALUES(?1,?2,?3,?4,?5,?6,?7)")
    P(ins_ev, "INSERT OR REPLACE INTO events(affected, rng, seq, rtype, kind, version)"
              " VALUES(?1,?2,?3,?4,?5,?6)")
    P(ins_sev, "INSERT INTO severities(record, type, vector, score, source) VALUES(?1,?2,?3,?4,?5)")
    P(ins_kev, "INSERT OR REPLACE INTO kev(cve, source, vendor, product, name, date_added,"
               " due_date, ransomware, action) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)")
    P(ins_epss, "INSERT OR REPLACE INTO epss(cve, source, epss, percentile) VALUES(?1,?2,?3,?4)")
    P(ins_change, "INSERT INTO changes(import, feed, rid, kind) VALUES(?1,?2,?3,?4)")
    P(cap_keys, "INSERT OR IGNORE INTO import_keys(import, ecosystem, package)"
                " SELECT ?1, ecosystem, package FROM affected WHERE record=?2")
    P(cap_names, "INSERT OR IGNORE INTO temp.chg_names(name) SELECT name FROM record_ids"
                 " WHERE record=?1")
    P(kev_same, "SELECT 1 FROM kev WHERE cve=?1 AND vendor IS ?3 AND product IS ?4 AND name IS ?5"
                " AND date_added IS ?6 AND due_date IS ?7 AND ransomware IS ?8 AND action IS ?9")
    P(epss_same, "SELECT 1 FROM epss WHERE cve=?1 AND epss=?3 AND percentile=?4")
    P(note_name, "INSERT OR IGNORE INTO temp.chg_names(name) VALUES(?1)")
#undef P
    return KS_OK;
}

/* Runs a prepared statement without result rows and resets it. */
static ks_err run(struct ks_stmt *st, struct ks_diag *diag)
{
    ks_err err = ks_stmt_step(st, NULL, diag);
    ks_stmt_reset(st);
    return err;
}

struct change_counts {
    uint64_t added, changed, withdrawn, removed;
};
static struct change_counts g_changes; /* per ks_vdb_import call; imports are not concurrent */

static ks_err note_change(struct vdb_ctx *ctx, const char *feed, const char *rid,
                          const char *kind, struct ks_diag *diag)
{
    struct ks_stmt *st = ctx->st->ins_change;
    ks_stmt_bind_int(st, 1, ctx->import_id);
    ks_stmt_bind_text(st, 2, feed);
    ks_stmt_bind_text(st, 3, rid);
    ks_stmt_bind_text(st, 4, kind);
    if (!strcmp(kind, "added"))
        g_changes.added++;
    else if (!strcmp(kind, "changed"))
        g_changes.changed++;
    else if (!strcmp(kind, "withdrawn"))
        g_changes.withdrawn++;
    else
        g_changes.removed++;
    return run(st, diag);
}

/* Before a stored record is replaced or removed: the packages it affected
 * and the names it had join the import's change keys (what a server must
 * re-match), since its rows are about to go. */
static ks_err capture_old(struct vdb_ctx *ctx, int64_t rec_id, struct ks_diag *diag)
{
    ks_err err;

    ks_stmt_bind_int(ctx->st->cap_keys, 1, ctx->import_id);
    ks_stmt_bind_int(ctx->st->cap_keys, 2, rec_id);
    err = run(ctx->st->cap_keys, diag);
    if (!err) {
        ks_stmt_bind_int(ctx->st->cap_names, 1, rec_id);
        err = run(ctx->st->cap_names, diag);
    }
    return err;
}

/* Stores a blob once per content (SHA-256, first 16 bytes, of the JSON
 * text): a blob already there is only referenced, so re-imported or shared
 * texts cost neither space nor compression. New ones are stored compressed
 * (raw DEFLATE with the preset dictionary of vulndb/codec.c). */
static ks_err store_blob(struct vdb_ctx *ctx, const char *data, size_t len, int64_t *id,
                         struct ks_diag *diag)
{
    unsigned char h[KS_SHA256_LEN];
    ks_err err;
    bool row = false;

    ks_sha256(data, len, h);
    ks_stmt_bind_blob(ctx->st->get_blob, 1, h, 16);
    err = ks_stmt_step(ctx->st->get_blob, &row, diag);
    if (!err && row)
        *id = ks_stmt_int(ctx->st->get_blob, 0);
    ks_stmt_reset(ctx->st->get_blob);
    if (err || row)
        return err;
    if (!ctx->zblob) {
        size_t dl;
        const char *d = vdb_blob_dict(&dl);
        if ((err = ks_deflater_new(KS_Z_RAW, 6, d, dl, &ctx->zblob, diag)))
            return err;
    }
    ks_buf_reset(&ctx->zbuf);
    if ((err = ks_deflater_run(ctx->zblob, data, len, &ctx->zbuf, diag)))
        return err;
    ks_stmt_bind_blob(ctx->st->ins_blob, 1, h, 16);
    ks_stmt_bind_blob(ctx->st->ins_blob, 2, ctx->zbuf.ptr, ctx->zbuf.len);
    if ((err = run(ctx->st->ins_blob, diag)))
        return err;
    *id = ks_db_last_rowid(ctx->db);
    return KS_OK;
}

/* What store_blob() and write_children() keep across records of a source. */
static void ctx_release_store(struct vdb_ctx *ctx)
{
    ks_deflater_free(ctx->zblob);
    ctx->zblob = NULL;
    ks_buf_release(&ctx->zbuf);
    ks_buf_release(&ctx->vbuf);
}

static void note_modified(struct vdb_ctx *ctx, const char *m)
{
    if (m && strlen(m) < sizeof(ctx->newest_modified) && strcmp(m, ctx->newest_modified) > 0)
        snprintf(ctx->newest_modified, sizeof(ctx->newest_modified), "%s", m);
}

static ks_err write_children(struct vdb_ctx *ctx, int64_t rec_id, const struct vdb_record *r,
                             struct ks_diag *diag)
{
    struct vdb_stmts *s = ctx->st;
    ks_err err;

    for (size_t i = 0; i < r->nnames + r->nabout; i++) {
        bool about = i >= r->nnames;
        const char *name = about ? r->about[i - r->nnames] : r->names[i];
        ks_stmt_bind_text(s->ins_id, 1, name);
        ks_stmt_bind_int(s->ins_id, 2, rec_id);
        ks_stmt_bind_int(s->ins_id, 3, about);
        if ((err = run(s->ins_id, diag)))
            return err;
    }
    for (size_t i = 0; i < r->naff; i++) {
        const struct vdb_affected *a = &r->aff[i];
        ks_stmt_bind_int(s->ins_aff, 1, rec_id);
        ks_stmt_bind_text(s->ins_aff, 2, a->ecosystem);
        ks_stmt_bind_text(s->ins_aff, 3, a->package);
        ks_stmt_bind_text(s->ins_aff, 4, a->state);
        ks_stmt_bind_text(s->ins_aff, 5, a->fixed);
        ks_stmt_bind_text(s->ins_aff, 6, a->detail);
        if (a->nversions) {
            /* one sorted, front-coded column: the list is read with the
             * row, no per-version index (see vulndb/codec.c) */
            if ((err = vdb_versions_encode(a->versions, a->nversions, &ctx->vbuf, diag)))
                return err; /* readers reject over-long versions first */
            ks_stmt_bind_blob(s->ins_aff, 7, ctx->vbuf.ptr, ctx->vbuf.len);
        } else {
            ks_stmt_bind_null(s->ins_aff, 7);
        }
        if ((err = run(s->ins_aff, diag)))
            return err;
        int64_t aff_id = ks_db_last_rowid(ctx->db);
        for (size_t j = 0; j < a->nranges; j++)
            for (size_t k = 0; k < a->ranges[j].nev; k++) {
                ks_stmt_bind_int(s->ins_ev, 1, aff_id);
                ks_stmt_bind_int(s->ins_ev, 2, (int64_t)j);
                ks_stmt_bind_int(s->ins_ev, 3, (int64_t)k);
                ks_stmt_bind_text(s->ins_ev, 4, a->ranges[j].type);
                ks_stmt_bind_int(s->ins_ev, 5, a->ranges[j].ev[k].kind);
                ks_stmt_bind_text(s->ins_ev, 6, a->ranges[j].ev[k].version);
                if ((err = run(s->ins_ev, diag)))
                    return err;
            }
    }
    for (size_t i = 0; i < r->nsev; i++) {
        const struct vdb_severity *v = &r->sev[i];
        ks_stmt_bind_int(s->ins_sev, 1, rec_id);
        ks_stmt_bind_text(s->ins_sev, 2, v->type);
        ks_stmt_bind_text(s->ins_sev, 3, v->vector);
        if (v->score >= 0)
            ks_stmt_bind_real(s->ins_sev, 4, v->score);
        else
            ks_stmt_bind_null(s->ins_sev, 4);
        ks_stmt_bind_text(s->ins_sev, 5, v->source);
        if ((err = run(s->ins_sev, diag)))
            return err;
    }
    return KS_OK;
}

ks_err vdb_emit(struct vdb_ctx *ctx, struct vdb_record *r, struct ks_diag *diag)
{
    struct vdb_stmts *s = ctx->st;
    ks_err err;
    bool row = false;
    int64_t rec_id = 0, blob_id = 0;
    bool exists = false, same = false, was_withdrawn = false;

    if (!ctx->db) { /* parse-only */
        ctx->rep->imported++;
        note_modified(ctx, r->modified);
        return KS_OK;
    }
    ks_stmt_bind_text(s->find, 1, r->feed);
    ks_stmt_bind_text(s->find, 2, r->rid);
    if ((err = ks_stmt_step(s->find, &row, diag)))
        goto reset;
    if (row) {
        size_t dl = 0;
        const void *d = ks_stmt_blob(s->find, 1, &dl);
        exists = true;
        rec_id = ks_stmt_int(s->find, 0);
        same = d && dl == KS_SHA256_LEN && !memcmp(d, r->digest, KS_SHA256_LEN);
        was_withdrawn = !ks_stmt_is_null(s->find, 2);
    }
reset:
    ks_stmt_reset(s->find);
    if (err)
        return err;
    note_modified(ctx, r->modified);
    ctx->rep->imported++;
    if (same) { /* unchanged: only provenance moves */
        ks_stmt_bind_int(s->touch_rec, 1, rec_id);
        ks_stmt_bind_int(s->touch_rec, 2, ctx->source_id);
        ks_stmt_bind_int(s->touch_rec, 3, ctx->import_id);
        return run(s->touch_rec, diag);
    }
    if (r->blob && (err = store_blob(ctx, r->blob, r->blob_len, &blob_id, diag)))
        return err;
    struct ks_stmt *w = exists ? s->upd_rec : s->ins_rec;
    if (exists) {
        ks_stmt_bind_int(w, 1, rec_id);
        if ((err = capture_old(ctx, rec_id, diag)))
            return err;
        for (size_t i = 0; i < NDEL; i++) {
            ks_stmt_bind_int(s->del_children[i], 1, rec_id);
            if ((err = run(s->del_children[i], diag)))
                return err;
        }
    } else {
        ks_stmt_bind_text(w, 1, r->feed);
        ks_stmt_bind_text(w, 2, r->rid);
    }
    ks_stmt_bind_int(w, 3, ctx->source_id);
    ks_stmt_bind_int(w, 4, ctx->import_id);
    ks_stmt_bind_text(w, 5, r->modified);
    ks_stmt_bind_text(w, 6, r->published);
    ks_stmt_bind_text(w, 7, r->withdrawn);
    ks_stmt_bind_text(w, 8, r->summary);
    if (r->blob)
        ks_stmt_bind_int(w, 9, blob_id);
    else
        ks_stmt_bind_null(w, 9);
    ks_stmt_bind_blob(w, 10, r->digest, KS_SHA256_LEN);
    if ((err = run(w, diag)))
        return err;
    if (!exists)
        rec_id = ks_db_last_rowid(ctx->db);
    if ((err = write_children(ctx, rec_id, r, diag)))
        return err;
    const char *kind = !exists                          ? "added"
                       : (r->withdrawn && !was_withdrawn) ? "withdrawn"
                                                          : "changed";
    return note_change(ctx, r->feed, r->rid, kind, diag);
}

/* A KEV or EPSS entry that is new or different: its CVE's findings may
 * change (KEV flag, EPSS score), so the CVE joins the changed names. */
static ks_err note_name(struct vdb_ctx *ctx, const char *name, struct ks_diag *diag)
{
    ks_stmt_bind_text(ctx->st->note_name, 1, name);
    return run(ctx->st->note_name, diag);
}

/* Binds text or NULL. */
static void bind_opt(struct ks_stmt *st, int i, const char *t)
{
    if (t)
        ks_stmt_bind_text(st, i, t);
    else
        ks_stmt_bind_null(st, i);
}

ks_err vdb_emit_kev(struct vdb_ctx *ctx, const struct vdb_kev *k, struct ks_diag *diag)
{
    if (!ctx->db) {
        ctx->rep->imported++;
        return KS_OK;
    }
    struct ks_stmt *st = ctx->st->ins_kev;
    ks_err err;
    bool same = false;
    ks_stmt_bind_text(st, 1, k->cve);
    ks_stmt_bind_int(st, 2, ctx->source_id);
    ks_stmt_bind_text(st, 3, k->vendor);
    ks_stmt_bind_text(st, 4, k->product);
    ks_stmt_bind_text(st, 5, k->name);
    ks_stmt_bind_text(st, 6, k->date_added);
    ks_stmt_bind_text(st, 7, k->due_date);
    ks_stmt_bind_text(st, 8, k->ransomware);
    ks_stmt_bind_text(st, 9, k->action);
    note_modified(ctx, k->date_added);
    ctx->rep->imported++;
    {
        struct ks_stmt *q = ctx->st->kev_same;
        const char *f[] = {k->cve, NULL, k->vendor, k->product, k->name, k->date_added,
                           k->due_date, k->ransomware, k->action};
        for (int i = 0; i < 9; i++)
            if (i != 1)
                bind_opt(q, i + 1, f[i]);
        err = ks_stmt_step(q, &same, diag);
        ks_stmt_reset(q);
    }
    if (err || (!same && (err = note_name(ctx, k->cve, diag))))
        return err;
    return run(st, diag);
}

ks_err vdb_emit_epss(struct vdb_ctx *ctx, const char *cve, double epss, double pct,
                     struct ks_diag *diag)
{
    if (!ctx->db) {
        ctx->rep->imported++;
        return KS_OK;
    }
    struct ks_stmt *st = ctx->st->ins_epss, *q = ctx->st->epss_same;
    ks_err err;
    bool same = false;
    ks_stmt_bind_text(st, 1, cve);
    ks_stmt_bind_int(st, 2, ctx->source_id);
    ks_stmt_bind_real(st, 3, epss);
    ks_stmt_bind_real(st, 4, pct);
    ctx->rep->imported++;
    ks_stmt_bind_text(q, 1, cve);
    ks_stmt_bind_real(q, 3, epss);
    ks_stmt_bind_real(q, 4, pct);
    err = ks_stmt_step(q, &same, diag);
    ks_stmt_reset(q);
    if (err || (!same && (err = note_name(ctx, cve, diag))))
        return err;
    return run(st, diag);
}

void vdb_count_read(struct vdb_ctx *ctx)
{
    ctx->rep->read++;
}

ks_err vdb_reject(struct vdb_ctx *ctx, const char *fmt, ...)
{
    struct ks_vdb_source_report *rep = ctx->rep;
    rep->rejected++;
    if (rep->nrejects_kept < KS_VDB_MAX_REJECTS_KEPT) {
        char *m = rep->rejects[rep->nrejects_kept++];
        int n = ctx->cur_file ? snprintf(m, KS_DIAG_MSG_MAX, "'%s': ", ctx->cur_file) : 0;
        va_list ap;
        va_start(ap, fmt);
        if (n >= 0 && n < KS_DIAG_MSG_MAX)
            vsnprintf(m + n, KS_DIAG_MSG_MAX - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return ctx->strict ? KS_EPARSE : KS_OK;
}

/* ---- names ---- */

const char *vdb_canonical_id(const char *id)
{
    if (ks_starts_with(id, "UBUNTU-CVE-"))
        return id + 7;
    if (ks_starts_with(id, "DEBIAN-CVE-"))
        return id + 7;
    return id;
}

const char *vdb_normalise_name(struct ks_arena *a, const char *eco, const char *name)
{
    if (!strcmp(eco, "PyPI")) { /* PEP 503: lowercase, runs of -_. become - */
        size_t n = strlen(name);
        char *out = ks_arena_alloc(a, n + 1);
        if (!out)
            return NULL;
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            char c = name[i];
            if (c == '-' || c == '_' || c == '.') {
                if (o == 0 || out[o - 1] != '-')
                    out[o++] = '-';
                continue;
            }
            out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        }
        out[o] = '\0';
        return out;
    }
    if (!strcmp(eco, "npm") || !strcmp(eco, "NuGet") || !strcmp(eco, "Packagist")) {
        /* case-insensitive registries: compare lowercase */
        char *out = ks_arena_strdup(a, name);
        for (char *p = out; p && *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        return out;
    }
    return ks_arena_strdup(a, name);
}

ks_err vdb_digest_value(struct vdb_ctx *ctx, const struct ks_value *v,
                        unsigned char out[KS_SHA256_LEN])
{
    struct ks_jw jw;
    ks_buf_reset(&ctx->scratch);
    ks_jw_init(&jw, &ctx->scratch, 0);
    ks_jw_value(&jw, v);
    ks_err err = ks_jw_finish(&jw);
    if (!err)
        ks_sha256(ctx->scratch.ptr, ctx->scratch.len, out);
    return err;
}

/* ---- files and formats ---- */

static bool has_ext(const char *p, const char *ext)
{
    return ks_ends_with(p, ext);
}

static bool known_file(const char *p)
{
    return has_ext(p, ".json") || has_ext(p, ".yaml") || has_ext(p, ".yml") ||
           has_ext(p, ".xml") || has_ext(p, ".csv");
}

/* Picks the reader for a parsed JSON/YAML document. */
static const char *detect_tree(const struct ks_value *doc)
{
    if (ks_value_is(doc, KS_VARRAY)) {
        const struct ks_value *e = ks_value_at(doc, 0);
        if (ks_value_get(e, "cve"))
            return "nvd";
        return "osv";
    }
    if (!ks_value_is(doc, KS_VOBJECT))
        return NULL;
    if (ks_value_get(doc, "catalogVersion") && ks_value_get(doc, "vulnerabilities"))
        return "kev";
    if (ks_value_get(doc, "vulnerabilities") || ks_value_get(doc, "sourceIdentifier") ||
        ks_value_get(doc, "descriptions") || ks_value_get(doc, "cve"))
        return "nvd";
    if (ks_value_get(doc, "distroversion") && ks_value_get(doc, "packages"))
        return "alpine-secdb";
    /* OSV: an object with an "id" string (required fields are checked by
     * the reader, so a record lacking them is a clear reject, not "unknown") */
    if (ks_value_is(ks_value_get(doc, "id"), KS_VSTRING))
        return "osv";
    /* tracker: { package: { CVE-...: {...} } } */
    if (doc->u.o.len > 0) {
        const struct ks_value *p = doc->u.o.items[0].value;
        if (ks_value_is(p, KS_VOBJECT) && p->u.o.len > 0 &&
            (ks_starts_with(p->u.o.items[0].key, "CVE-") ||
             ks_starts_with(p->u.o.items[0].key, "TEMP-")))
            return "debian-tracker";
    }
    return NULL;
}

static ks_err read_tree(struct vdb_ctx *ctx, const char *fmt, const struct ks_value *doc,
                        struct ks_diag *diag)
{
    if (!strcmp(fmt, "osv"))
        return vdb_read_osv(ctx, doc, diag);
    if (!strcmp(fmt, "nvd"))
        return vdb_read_nvd(ctx, doc, diag);
    if (!strcmp(fmt, "kev"))
        return vdb_read_kev(ctx, doc, diag);
    if (!strcmp(fmt, "debian-tracker"))
        return vdb_read_tracker(ctx, doc, diag);
    if (!strcmp(fmt, "alpine-secdb"))
        return vdb_read_secdb(ctx, doc, diag);
    return ks_diag_set(diag, KS_EUNSUPPORTED, "'%s': format '%s' is not a JSON/YAML format",
                       ctx->cur_file, fmt);
}

/* Records the format of a source's document: one name when all its files
 * share it, "mixed" when a directory holds several (OSV and KEV, say). */
static void note_format(struct vdb_ctx *ctx, const char *fmt)
{
    char *f = ctx->rep->format;

    if (!f[0])
        snprintf(f, sizeof(ctx->rep->format), "%s", fmt);
    else if (strcmp(f, fmt))
        snprintf(f, sizeof(ctx->rep->format), "mixed");
}

/* ---- large JSON documents, member by member ----
 *
 * A Debian tracker export (~70 MB) or an NVD API response held as one value
 * tree would cost several times its size in memory. Documents of at least
 * ctx->stream_min bytes whose shape allows it are read one top-level member
 * (tracker: one source package) or one array element at a time, so memory is
 * bounded by the largest member. A first pass only parses (and so validates)
 * the document; records are emitted by a second pass, so a truncated or
 * malformed file is one reject with nothing imported from it, exactly as on
 * the whole-tree path. */

#define VDB_STREAM_MIN_DEFAULT ((size_t)8 << 20)

/* NVD API 2.0 response members (the envelope around "vulnerabilities"). */
static bool nvd_envelope_key(const char *k)
{
    static const char *const keys[] = {"resultsPerPage", "startIndex", "totalResults", "format",
                                       "version",        "timestamp",  "vulnerabilities"};
    for (size_t i = 0; i < KS_ARRAY_LEN(keys); i++)
        if (!strcmp(k, keys[i]))
            return true;
    return false;
}

struct streamed {
    struct vdb_ctx *ctx;
    const char *fmt; /* "debian-tracker" or "nvd" once known; NULL for arrays */
    bool emit;       /* second pass */
    bool unsure;     /* the first member did not tell the format */
    struct ks_diag *diag;
};

static ks_err streamed_member(const char *key, const struct ks_value *v, size_t index, void *arg)
{
    struct streamed *st = arg;
    struct vdb_ctx *ctx = st->ctx;

    if (!st->fmt) { /* the first member decides */
        if (nvd_envelope_key(key))
            st->fmt = "nvd";
        else if (ks_value_is(v, KS_VOBJECT) && v->u.o.len > 0 &&
                 (ks_starts_with(v->u.o.items[0].key, "CVE-") ||
                  ks_starts_with(v->u.o.items[0].key, "TEMP-")))
            st->fmt = "debian-tracker";
        else {
            st->unsure = true;
            return KS_EUNSUPPORTED;
        }
    }
    if (!st->emit)
        return KS_OK;
    ks_arena_reset(ctx->arena);
    if (!strcmp(st->fmt, "debian-tracker"))
        return vdb_read_tracker_package(ctx, key, v, st->diag);
    if (strcmp(key, "vulnerabilities"))
        return KS_OK; /* the rest of the envelope */
    if (index == KS_JSON_WHOLE && !ks_value_is(v, KS_VARRAY)) {
        vdb_count_read(ctx);
        return vdb_reject(ctx, "NVD 'vulnerabilities' is not an array");
    }
    return index == KS_JSON_WHOLE ? KS_OK : vdb_read_nvd(ctx, v, st->diag);
}

static ks_err streamed_element(const struct ks_value *e, size_t index, void *arg)
{
    struct streamed *st = arg;
    struct vdb_ctx *ctx = st->ctx;
    const char *fmt = ctx->format ? ctx->format : ks_value_get(e, "cve") ? "nvd" : "osv";

    (void)index;
    if (!st->emit)
        return KS_OK;
    ks_arena_reset(ctx->arena);
    note_format(ctx, fmt);
    return !strcmp(fmt, "nvd") ? vdb_read_nvd(ctx, e, st->diag) : vdb_read_osv(ctx, e, st->diag);
}

/* Reads a large JSON document member by member; *handled is false when its
 * shape needs the whole tree (the caller then parses it as usual). */
static ks_err import_streamed(struct vdb_ctx *ctx, const char *name, const char *text, size_t len,
                              bool *handled, struct ks_diag *diag)
{
    struct ks_arena tree = KS_ARENA_INIT(1 << 20, 0);
    struct streamed st = {ctx, NULL, false, false, diag};
    struct ks_diag pd = KS_DIAG_INIT;
    const char *fmt = ctx->format;
    size_t i = 0;
    bool array;
    ks_err err;

    *handled = false;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    array = i < len && text[i] == '[';
    if (i >= len || (!array && text[i] != '{'))
        return KS_OK;
    if (fmt && (array ? strcmp(fmt, "osv") && strcmp(fmt, "nvd")
                      : strcmp(fmt, "debian-tracker") && strcmp(fmt, "nvd")))
        return KS_OK; /* KEV, secdb, a single OSV record: small, whole tree */
    st.fmt = array ? NULL : fmt;
    err = array ? ks_json_each(&tree, name, text, len, ctx->lim, streamed_element, &st, &pd)
                : ks_json_each_member(&tree, name, text, len, ctx->lim, streamed_member, &st, &pd);
    if (st.unsure) {
        err = KS_OK; /* not handled: the whole-tree path decides */
        goto done;
    }
    *handled = true;
    if (err == KS_ENOMEM) {
        err = ks_diag_set(diag, err, "%s", pd.msg);
        goto done;
    }
    if (err) { /* malformed: one reject for the file, nothing imported from it */
        vdb_count_read(ctx);
        ctx->cur_file = NULL; /* the parser's message names the file */
        err = vdb_reject(ctx, "%s", pd.msg);
        ctx->cur_file = name;
        if (err)
            err = ks_diag_set(diag, err, "%s", pd.msg);
        goto done;
    }
    if (st.fmt)
        note_format(ctx, st.fmt);
    st.emit = true;
    err = array ? ks_json_each(&tree, name, text, len, ctx->lim, streamed_element, &st, &pd)
                : ks_json_each_member(&tree, name, text, len, ctx->lim, streamed_member, &st, &pd);
    if (err && !diag->msg[0])
        ks_diag_set(diag, err, "%s", pd.msg[0] ? pd.msg : ks_err_str(err));
done:
    ks_arena_release(&tree);
    return err;
}

/* Imports one document held in memory. Parse failures of a whole document are
 * rejects (one record lost), not fatal errors. */
static ks_err import_bytes(struct vdb_ctx *ctx, const char *name, const char *text, size_t len,
                           struct ks_diag *diag)
{
    const char *fmt = ctx->format;
    ks_err err;

    ctx->cur_file = name;
    ctx->rep->files++;
    ks_sha256_update(ctx->digest, text, len);
    bool csv = has_ext(name, ".csv") || (len > 14 && !memcmp(text, "#model_version", 14)) ||
               (len > 9 && !memcmp(text, "cve,epss,", 9));
    bool xml = has_ext(name, ".xml") || (len > 5 && !memcmp(text, "<?xml", 5));
    if ((fmt && !strcmp(fmt, "epss")) || (!fmt && csv)) {
        note_format(ctx, "epss");
        return vdb_read_epss(ctx, text, len, diag);
    }
    if ((fmt && !strcmp(fmt, "updateinfo")) || (!fmt && xml)) {
        note_format(ctx, "updateinfo");
        return vdb_read_updateinfo(ctx, text, len, diag);
    }
    bool yaml = has_ext(name, ".yaml") || has_ext(name, ".yml");
    if (!yaml && len >= (ctx->stream_min ? ctx->stream_min : VDB_STREAM_MIN_DEFAULT)) {
        bool handled;
        err = import_streamed(ctx, name, text, len, &handled, diag);
        if (err || handled)
            return err;
    }
    struct ks_value *doc = NULL;
    struct ks_diag pd = KS_DIAG_INIT;
    ks_arena_reset(ctx->arena);
    if (yaml)
        err = ks_yaml_parse(ctx->arena, name, text, len, ctx->lim, &doc, &pd);
    else
        err = ks_json_parse(ctx->arena, name, text, len, ctx->lim, &doc, &pd);
    if (err == KS_ENOMEM)
        return ks_diag_set(diag, err, "%s", pd.msg);
    if (err) {
        vdb_count_read(ctx);
        ctx->cur_file = NULL; /* the parser's message names the file */
        err = vdb_reject(ctx, "%s", pd.msg);
        ctx->cur_file = name;
        if (err)
            return ks_diag_set(diag, err, "%s", pd.msg);
        return KS_OK;
    }
    if (!fmt)
        fmt = detect_tree(doc);
    if (!fmt) {
        vdb_count_read(ctx);
        err = vdb_reject(ctx, "unrecognised document (not OSV, NVD, KEV, EPSS, tracker, "
                              "secdb or updateinfo)");
        return err ? ks_diag_set(diag, err, "'%s': unrecognised document", name) : KS_OK;
    }
    note_format(ctx, fmt);
    return read_tree(ctx, fmt, doc, diag);
}

/* The name a decompressed file is detected by: "x.xml.gz" -> "x.xml". */
static const char *strip_compression(struct ks_arena *a, const char *path)
{
    size_t n = strlen(path);
    if (has_ext(path, ".gz"))
        return ks_arena_strndup(a, path, n - 3);
    if (has_ext(path, ".xz"))
        return ks_arena_strndup(a, path, n - 3);
    return path;
}

/* Every advisory file inside a zip (osv.dev's all.zip): hostile member names
 * and members over the limits are rejects; the archive reader bounds the
 * total expansion (zip bombs). */
static ks_err import_zip(struct vdb_ctx *ctx, const char *path, struct ks_diag *diag)
{
    struct ks_archive *ar = NULL;
    const struct ks_archive_entry *e;
    struct ks_buf b = KS_BUF_INIT(0), name = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    ks_err err;
    bool any = false;

    err = ks_archive_open_file(&ar, path, KS_ARCHIVE_ANY, ctx->lim, NULL, &d);
    while (!err) {
        err = ks_archive_next(ar, &e, &d);
        if (err == KS_ENOTFOUND) {
            err = KS_OK;
            break;
        }
        if (err == KS_EPARSE || err == KS_ELIMIT) { /* one hostile member */
            ctx->cur_file = NULL; /* the reader's message names the archive */
            vdb_count_read(ctx);
            if ((err = vdb_reject(ctx, "%s", d.msg)))
                break;
            ks_diag_clear(&d);
            continue;
        }
        if (err)
            break;
        if (e->type != KS_ARCHIVE_FILE || !known_file(e->name))
            continue;
        ks_buf_reset(&b);
        ks_buf_reset(&name);
        if ((err = ks_buf_addf(&name, "%s!/%s", path, e->name)))
            break;
        any = true;
        err = ks_archive_read_all(ar, ctx->lim->max_file_size, &b, &d);
        if (err == KS_ELIMIT) {
            ctx->cur_file = ks_buf_str(&name);
            vdb_count_read(ctx);
            if ((err = vdb_reject(ctx, "%s", d.msg)))
                break;
            ks_diag_clear(&d);
            continue;
        }
        if (err)
            break;
        char *member = strdup(ks_buf_str(&name));
        if (!member) {
            err = KS_ENOMEM;
            break;
        }
        err = import_bytes(ctx, member, b.ptr ? b.ptr : "", b.len, diag);
        ctx->cur_file = NULL;
        free(member);
        if (err)
            goto done;
    }
    if (err && !diag->msg[0]) {
        if (err == KS_EPARSE || err == KS_ELIMIT) {
            /* a corrupt or hostile archive as a whole: one reject, nothing lost */
            ctx->cur_file = NULL;
            vdb_count_read(ctx);
            err = vdb_reject(ctx, "%s", d.msg[0] ? d.msg : "cannot read archive");
            if (err)
                ks_diag_set(diag, err, "%s", d.msg);
        } else {
            ks_diag_set(diag, err, "%s", d.msg[0] ? d.msg : ks_err_str(err));
        }
    }
    if (!err && !any)
        ctx->rep->files++; /* an archive without advisories is still an input */
done:
    ks_archive_close(ar);
    ks_buf_release(&b);
    ks_buf_release(&name);
    return err;
}

static ks_err import_file(struct vdb_ctx *ctx, const char *path, struct ks_diag *diag)
{
    struct ks_buf b = KS_BUF_INIT(0);
    struct ks_diag d = KS_DIAG_INIT;
    ks_err err;

    if (has_ext(path, ".zip"))
        return import_zip(ctx, path, diag);
    bool compressed = has_ext(path, ".gz") || has_ext(path, ".xz");
    if (compressed)
        err = ks_decompress_file(path, ctx->lim, &b, &d);
    else
        err = ks_file_read(path, ctx->lim->max_file_size, &b, &d);
    if (err == KS_ELIMIT || (compressed && err == KS_EPARSE)) {
        /* over a limit, a bomb or a truncated/corrupt stream: one reject */
        ctx->cur_file = NULL;
        ctx->rep->files++;
        vdb_count_read(ctx);
        err = vdb_reject(ctx, "%s", d.msg);
        if (err)
            ks_diag_set(diag, err, "%s", d.msg);
    } else if (err) {
        ks_diag_set(diag, err, "%s", d.msg);
    } else {
        /* keep the name for messages; detect by the inner name */
        struct ks_arena na = KS_ARENA_INIT(4096, 0);
        const char *inner = compressed ? strip_compression(&na, path) : path;
        if (!inner)
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        else
            err = import_bytes(ctx, inner, b.ptr ? b.ptr : "", b.len, diag);
        ctx->cur_file = NULL;
        ks_arena_release(&na);
    }
    ks_buf_release(&b);
    return err;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static ks_err import_path(struct vdb_ctx *ctx, const char *path, unsigned depth,
                          struct ks_diag *diag)
{
    struct stat sb;
    if (stat(path, &sb))
        return ks_diag_errno(diag, KS_EIO, "cannot read '%s'", path);
    if (depth == 0 && ((ctx->format && !strcmp(ctx->format, "apt")) ||
                       (!ctx->format && S_ISDIR(sb.st_mode) && vdb_is_apt_dir(path))))
        return vdb_read_apt(ctx, path, diag);
    if (!S_ISDIR(sb.st_mode))
        return import_file(ctx, path, diag);
    if (depth > 32)
        return ks_diag_set(diag, KS_ELIMIT, "'%s': directories nested too deep", path);

    KS_VEC(char *) names = KS_VEC_INIT;
    ks_err err = KS_OK;
    DIR *d = opendir(path);
    if (!d)
        return ks_diag_errno(diag, KS_EIO, "cannot open directory '%s'", path);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char *full = NULL;
        size_t n = strlen(path) + strlen(de->d_name) + 2;
        full = malloc(n);
        if (!full || KS_VEC_PUSH(&names, full)) {
            free(full);
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
        snprintf(full, n, "%s/%s", path, de->d_name);
    }
    closedir(d);
    if (!err)
        qsort(names.items, names.len, sizeof(char *), cmp_str);
    for (size_t i = 0; !err && i < names.len; i++) {
        struct stat st;
        if (stat(names.items[i], &st))
            continue;
        if (S_ISDIR(st.st_mode))
            err = import_path(ctx, names.items[i], depth + 1, diag);
        else if (known_file(names.items[i]) || has_ext(names.items[i], ".gz") ||
                 has_ext(names.items[i], ".xz") || has_ext(names.items[i], ".zip"))
            err = import_file(ctx, names.items[i], diag);
        /* other files (LICENSE, README) are not records */
    }
    for (size_t i = 0; i < names.len; i++)
        free(names.items[i]);
    KS_VEC_RELEASE(&names);
    return err;
}

/* ---- alias merging ---- */

struct uf {
    KS_VEC(size_t) parent;
    KS_VEC(const char *) name;
    struct ks_map idx;
};

static size_t uf_find(struct uf *u, size_t i)
{
    while (u->parent.items[i] != i) {
        u->parent.items[i] = u->parent.items[u->parent.items[i]];
        i = u->parent.items[i];
    }
    return i;
}

/* Rank of a name as the canonical id of its group: CVE first, then GHSA. */
static int name_rank(const char *n)
{
    if (ks_starts_with(n, "CVE-"))
        return 0;
    if (ks_starts_with(n, "GHSA-"))
        return 1;
    return 2;
}

static bool better_name(const char *a, const char *b)
{
    int ra = name_rank(a), rb = name_rank(b);
    return ra != rb ? ra < rb : strcmp(a, b) < 0;
}

static ks_err uf_add(struct uf *u, struct ks_arena *a, const char *name, size_t *out)
{
    struct ks_map_slot *s = ks_map_find(&u->idx, name, strlen(name));
    if (s) {
        *out = (size_t)(uintptr_t)s->value;
        return KS_OK;
    }
    const char *copy = ks_arena_strdup(a, name);
    size_t i = u->name.len;
    if (!copy || KS_VEC_PUSH(&u->name, copy) || KS_VEC_PUSH(&u->parent, i) ||
        ks_map_put(&u->idx, copy, strlen(copy), (void *)(uintptr_t)i))
        return KS_ENOMEM;
    *out = i;
    return KS_OK;
}

static void uf_union(struct uf *u, size_t a, size_t b)
{
    a = uf_find(u, a);
    b = uf_find(u, b);
    if (a == b)
        return;
    if (better_name(u->name.items[b], u->name.items[a]))
        u->parent.items[a] = b;
    else
        u->parent.items[b] = a;
}

static ks_err rebuild_aliases(struct ks_db *db, uint64_t *nvulns, struct ks_diag *diag)
{
    struct uf u = {KS_VEC_INIT, KS_VEC_INIT, KS_MAP_INIT};
    struct ks_arena a = KS_ARENA_INIT(1 << 20, 0);
    struct ks_stmt *q = NULL, *ins = NULL;
    ks_err err;
    bool row;
    int64_t prev_rec = -1;
    size_t prev_idx = 0;

    if ((err = ks_db_exec(db, "DELETE FROM aliases", diag)))
        goto done;
    if ((err = ks_db_prepare(db, "SELECT record, name, about FROM record_ids ORDER BY record",
                             &q, diag)))
        goto done;
    while (!(err = ks_stmt_step(q, &row, diag)) && row) {
        int64_t rec = ks_stmt_int(q, 0);
        size_t i;
        if ((err = uf_add(&u, &a, ks_stmt_text(q, 1), &i))) {
            ks_diag_set(diag, err, "out of memory");
            goto done;
        }
        if (ks_stmt_int(q, 2))
            continue; /* an advisory's CVEs stay separate vulnerabilities */
        if (rec == prev_rec)
            uf_union(&u, prev_idx, i);
        prev_rec = rec;
        prev_idx = i;
    }
    if (err)
        goto done;
    if ((err = ks_db_prepare(db, "INSERT INTO aliases(name, vuln) VALUES(?1, ?2)", &ins, diag)))
        goto done;
    *nvulns = 0;
    for (size_t i = 0; i < u.name.len; i++) {
        size_t r = uf_find(&u, i);
        if (r == i)
            (*nvulns)++;
        ks_stmt_bind_text(ins, 1, u.name.items[i]);
        ks_stmt_bind_text(ins, 2, u.name.items[r]);
        if ((err = run(ins, diag)))
            goto done;
    }
done:
    ks_stmt_free(q);
    ks_stmt_free(ins);
    KS_VEC_RELEASE(&u.parent);
    KS_VEC_RELEASE(&u.name);
    ks_map_release(&u.idx);
    ks_arena_release(&a);
    return err;
}

/* ---- the import transaction ---- */

static ks_err copy_file(const char *from, const char *to, struct ks_diag *diag)
{
    ks_err err = KS_OK;
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        if (errno == ENOENT)
            return KS_ENOTFOUND;
        return ks_diag_errno(diag, KS_EIO, "cannot open '%s'", from);
    }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        err = ks_diag_errno(diag, KS_EIO, "cannot create '%s'", to);
        close(in);
        return err;
    }
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = ks_diag_errno(diag, KS_EIO, "cannot read '%s'", from);
            break;
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                err = ks_diag_errno(diag, KS_EIO, "cannot write '%s'", to);
                break;
            }
            off += w;
        }
        if (err)
            break;
    }
    close(in);
    if (close(out) && !err)
        err = ks_diag_errno(diag, KS_EIO, "cannot write '%s'", to);
    return err;
}

static ks_err fsync_path(const char *path, struct ks_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd)) {
        ks_err err = ks_diag_errno(diag, KS_EIO, "cannot sync '%s'", path);
        if (fd >= 0)
            close(fd);
        return err;
    }
    close(fd);
    return KS_OK;
}

static ks_err meta_set(struct ks_db *db, const char *key, const char *value,
                       struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    ks_err err = ks_db_prepare(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", &st,
                               diag);
    if (!err) {
        ks_stmt_bind_text(st, 1, key);
        ks_stmt_bind_text(st, 2, value);
        err = ks_stmt_step(st, NULL, diag);
    }
    ks_stmt_free(st);
    return err;
}

/* `name`: the database as the user named it (db is its working copy). */
static ks_err check_schema(struct ks_db *db, const char *name, struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    bool row = false;
    ks_err err = ks_db_prepare(db, "SELECT value FROM meta WHERE key='schema_version'", &st, diag);
    if (!err)
        err = ks_stmt_step(st, &row, diag);
    if (!err && row && strcmp(ks_stmt_text(st, 0) ? ks_stmt_text(st, 0) : "", VDB_SCHEMA_VERSION_STR))
        err = ks_diag_set(diag, KS_EUNSUPPORTED,
                          "'%s': vulnerability DB schema version %s, this kensa writes %d:"
                          " import into a new file (all sources again)",
                          name, ks_stmt_text(st, 0), KS_VDB_SCHEMA_VERSION);
    ks_stmt_free(st);
    return err;
}

/* Starts one source: finds or creates its row. */
static ks_err begin_source(struct vdb_ctx *ctx, const char *name, struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    ks_err err = ks_db_prepare(ctx->db,
                               "INSERT INTO sources(name) VALUES(?1) ON CONFLICT(name) DO "
                               "UPDATE SET name=name RETURNING id",
                               &st, diag);
    bool row = false;
    if (!err) {
        ks_stmt_bind_text(st, 1, name);
        err = ks_stmt_step(st, &row, diag);
        if (!err && row)
            ctx->source_id = ks_stmt_int(st, 0);
    }
    ks_stmt_free(st);
    return err;
}

/* Ends one source: records not seen again are removed, counts stored. */
static ks_err end_source(struct vdb_ctx *ctx, struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    ks_err err;
    bool row;
    unsigned char d[KS_SHA256_LEN];
    char hex[KS_SHA256_HEX];

    err = ks_db_prepare(ctx->db, "SELECT id, feed, rid FROM records WHERE source=?1 AND seen<>?2",
                        &st, diag);
    if (err)
        return err;
    ks_stmt_bind_int(st, 1, ctx->source_id);
    ks_stmt_bind_int(st, 2, ctx->import_id);
    KS_VEC(int64_t) gone = KS_VEC_INIT;
    while (!(err = ks_stmt_step(st, &row, diag)) && row) {
        if (KS_VEC_PUSH(&gone, ks_stmt_int(st, 0)) ||
            note_change(ctx, ks_stmt_text(st, 1), ks_stmt_text(st, 2), "removed", diag)) {
            err = diag->code ? diag->code : KS_ENOMEM;
            break;
        }
    }
    ks_stmt_free(st);
    st = NULL;
    for (size_t i = 0; !err && i < gone.len; i++) {
        err = capture_old(ctx, gone.items[i], diag);
        for (size_t j = 0; !err && j < NDEL; j++) {
            ks_stmt_bind_int(ctx->st->del_children[j], 1, gone.items[i]);
            err = run(ctx->st->del_children[j], diag);
        }
        if (!err)
            err = ks_db_prepare(ctx->db, "DELETE FROM records WHERE id=?1", &st, diag);
        if (!err) {
            ks_stmt_bind_int(st, 1, gone.items[i]);
            err = ks_stmt_step(st, NULL, diag);
        }
        ks_stmt_free(st);
        st = NULL;
    }
    KS_VEC_RELEASE(&gone);
    if (err)
        return err;
    /* KEV / EPSS rows of this source that were not refreshed are left: a
     * catalogue only grows. */
    ks_sha256_final(ctx->digest, d);
    ks_sha256_free(ctx->digest);
    ctx->digest = NULL;
    ks_hex(d, sizeof(d), hex);
    err = ks_db_prepare(ctx->db,
                        "UPDATE sources SET format=?2, files=?3, records_read=?4, imported=?5,"
                        " rejected=?6, newest_modified=?7, digest=?8, imported_at=?9,"
                        " import_id=?10 WHERE id=?1",
                        &st, diag);
    if (!err) {
        ks_stmt_bind_int(st, 1, ctx->source_id);
        ks_stmt_bind_text(st, 2, ctx->rep->format[0] ? ctx->rep->format : NULL);
        ks_stmt_bind_int(st, 3, (int64_t)ctx->rep->files);
        ks_stmt_bind_int(st, 4, (int64_t)ctx->rep->read);
        ks_stmt_bind_int(st, 5, (int64_t)ctx->rep->imported);
        ks_stmt_bind_int(st, 6, (int64_t)ctx->rep->rejected);
        ks_stmt_bind_text(st, 7, ctx->newest_modified[0] ? ctx->newest_modified : NULL);
        ks_stmt_bind_text(st, 8, hex);
        ks_stmt_bind_int(st, 9, (int64_t)time(NULL));
        ks_stmt_bind_int(st, 10, ctx->import_id);
        err = ks_stmt_step(st, NULL, diag);
    }
    ks_stmt_free(st);
    return err;
}

/* The DB digest: SHA-256 over every source's name and input digest. */
static ks_err db_digest(struct ks_db *db, char hex[KS_SHA256_HEX], struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    struct ks_sha256 *h = ks_sha256_new();
    unsigned char d[KS_SHA256_LEN];
    bool row;
    ks_err err = h ? ks_db_prepare(db, "SELECT name, digest FROM sources ORDER BY name", &st, diag)
                   : KS_ENOMEM;
    while (!err && !(err = ks_stmt_step(st, &row, diag)) && row) {
        const char *n = ks_stmt_text(st, 0), *g = ks_stmt_text(st, 1);
        ks_sha256_update(h, n, strlen(n) + 1);
        if (g)
            ks_sha256_update(h, g, strlen(g) + 1);
    }
    ks_stmt_free(st);
    if (h) {
        ks_sha256_final(h, d);
        ks_sha256_free(h);
        ks_hex(d, sizeof(d), hex);
    }
    return err;
}

/* Runs `sql` with every "@I@" replaced by the import id. */
static ks_err exec_for_import(struct ks_db *db, const char *sql, int64_t import_id,
                              struct ks_diag *diag)
{
    struct ks_buf text = KS_BUF_INIT(0);
    const char *p = sql, *hit;
    ks_err err = KS_OK;

    for (hit = strstr(p, "@I@"); hit && !err; hit = strstr(p, "@I@")) {
        err = ks_buf_add(&text, p, (size_t)(hit - p));
        if (!err)
            err = ks_buf_addf(&text, "%lld", (long long)import_id);
        p = hit + 3;
    }
    if (!err)
        err = ks_buf_adds(&text, p);
    err = err ? ks_diag_set(diag, KS_ENOMEM, "out of memory") : ks_db_exec(db, ks_buf_str(&text), diag);
    ks_buf_release(&text);
    return err;
}

/* The change keys of an import, part 1 (before aliases are rebuilt): the
 * packages and names of the records it wrote, and the old alias groups. */
static ks_err change_keys_before(struct ks_db *db, int64_t import_id, struct ks_diag *diag)
{
    static const char *const sql[] = {
            "INSERT OR IGNORE INTO import_keys(import, ecosystem, package) SELECT @I@,"
            " a.ecosystem, a.package FROM changes c JOIN records r ON r.feed=c.feed AND"
            " r.rid=c.rid JOIN affected a ON a.record=r.id WHERE c.import=@I@",
            "INSERT OR IGNORE INTO temp.chg_names(name) SELECT ri.name FROM changes c JOIN"
            " records r ON r.feed=c.feed AND r.rid=c.rid JOIN record_ids ri ON ri.record=r.id"
            " WHERE c.import=@I@",
            "INSERT INTO temp.old_aliases(name, vuln) SELECT name, vuln FROM aliases",
    };
    ks_err err = KS_OK;

    for (size_t i = 0; !err && i < KS_ARRAY_LEN(sql); i++)
        err = exec_for_import(db, sql[i], import_id, diag);
    return err;
}

/* Part 2 (after): every vulnerability a changed record belonged to, before
 * or after, and every vulnerability whose alias group changed; then the
 * packages of every record of those vulnerabilities (a changed severity or
 * a merge changes findings on all of them). */
static ks_err change_keys_after(struct ks_db *db, int64_t import_id, struct ks_diag *diag)
{
    static const char *const sql[] = {
            "INSERT OR IGNORE INTO temp.chg_vulns(vuln) SELECT vuln FROM temp.old_aliases"
            " WHERE name IN (SELECT name FROM temp.chg_names)",
            "INSERT OR IGNORE INTO temp.chg_vulns(vuln) SELECT vuln FROM aliases"
            " WHERE name IN (SELECT name FROM temp.chg_names)",
            "INSERT OR IGNORE INTO temp.chg_vulns(vuln) SELECT o.vuln FROM temp.old_aliases o"
            " LEFT JOIN aliases n ON n.name=o.name WHERE n.vuln IS NULL OR n.vuln<>o.vuln",
            "INSERT OR IGNORE INTO temp.chg_vulns(vuln) SELECT n.vuln FROM aliases n"
            " LEFT JOIN temp.old_aliases o ON o.name=n.name WHERE o.vuln IS NULL OR n.vuln<>o.vuln",
            "INSERT OR IGNORE INTO import_keys(import, ecosystem, package) SELECT @I@,"
            " a.ecosystem, a.package FROM temp.chg_vulns v JOIN aliases al ON al.vuln=v.vuln"
            " JOIN record_ids ri ON ri.name=al.name JOIN affected a ON a.record=ri.record",
            "INSERT OR IGNORE INTO import_keys(import, ecosystem, package) SELECT @I@,"
            " a.ecosystem, a.package FROM temp.chg_vulns v JOIN temp.old_aliases al"
            " ON al.vuln=v.vuln JOIN record_ids ri ON ri.name=al.name"
            " JOIN affected a ON a.record=ri.record",
    };
    ks_err err = KS_OK;

    for (size_t i = 0; !err && i < KS_ARRAY_LEN(sql); i++)
        err = exec_for_import(db, sql[i], import_id, diag);
    return err;
}

static ks_err finish_import(struct ks_db *db, int64_t import_id, const char *prev_digest,
                            struct ks_vdb_import_report *rep, struct ks_diag *diag)
{
    struct ks_stmt *st = NULL;
    char buf[64], hex[KS_SHA256_HEX];
    ks_err err;

    if ((err = change_keys_before(db, import_id, diag)) ||
        (err = rebuild_aliases(db, &rep->vulns, diag)) ||
        (err = change_keys_after(db, import_id, diag)))
        return err;
    if ((err = ks_db_exec(db,
                          "DELETE FROM blobs WHERE id NOT IN (SELECT blob FROM records "
                          "WHERE blob IS NOT NULL)",
                          diag)))
        return err;
    if ((err = ks_db_prepare(db,
                             "UPDATE imports SET added=?2, changed=?3, withdrawn=?4, removed=?5 "
                             "WHERE id=?1",
                             &st, diag)))
        return err;
    ks_stmt_bind_int(st, 1, import_id);
    ks_stmt_bind_int(st, 2, (int64_t)rep->added);
    ks_stmt_bind_int(st, 3, (int64_t)rep->changed);
    ks_stmt_bind_int(st, 4, (int64_t)rep->withdrawn);
    ks_stmt_bind_int(st, 5, (int64_t)rep->removed);
    err = ks_stmt_step(st, NULL, diag);
    ks_stmt_free(st);
    if (err)
        return err;
    snprintf(buf, sizeof(buf), "%lld", (long long)time(NULL));
    if ((err = meta_set(db, "built_at", buf, diag)))
        return err;
    if ((err = db_digest(db, hex, diag)) || (err = meta_set(db, "digest", hex, diag)))
        return err;
    /* The lineage says which database this one was derived from, so that a
     * reader that saw `prev_digest` can trust import_keys as the change. */
    if ((err = ks_db_prepare(db,
                             "INSERT INTO lineage(import, prev_digest, digest)"
                             " VALUES(?1, ?2, ?3)",
                             &st, diag)))
        return err;
    ks_stmt_bind_int(st, 1, import_id);
    if (prev_digest && *prev_digest)
        ks_stmt_bind_text(st, 2, prev_digest);
    else
        ks_stmt_bind_null(st, 2);
    ks_stmt_bind_text(st, 3, hex);
    err = ks_stmt_step(st, NULL, diag);
    ks_stmt_free(st);
    if (err)
        return err;
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)rep->vulns);
    return meta_set(db, "vulnerabilities", buf, diag);
}

static ks_err dry_import(const struct ks_vdb_import_opts *opts, const char *const *inputs,
                         size_t ninputs, struct ks_vdb_import_report *rep, struct ks_diag *diag)
{
    ks_err err = KS_OK;
    for (size_t i = 0; !err && i < ninputs; i++) {
        struct ks_arena rec_arena = KS_ARENA_INIT(1 << 20, 0);
        struct vdb_ctx ctx = {0};
        ctx.arena = &rec_arena;
        ctx.lim = opts->lim;
        ctx.format = opts->format;
        ctx.ecosystem = opts->ecosystem;
        ctx.apt_base = opts->apt_base;
        ctx.rep = &rep->sources[i];
        ctx.strict = opts->strict;
        ctx.stream_min = opts->stream_min;
        ctx.digest = ks_sha256_new();
        ks_buf_init(&ctx.scratch, 0);
        snprintf(ctx.rep->name, sizeof(ctx.rep->name), "%s", inputs[i]);
        err = ctx.digest ? import_path(&ctx, inputs[i], 0, diag)
                         : ks_diag_set(diag, KS_ENOMEM, "out of memory");
        if (ctx.digest)
            ks_sha256_free(ctx.digest);
        ks_buf_release(&ctx.scratch);
        ctx_release_store(&ctx);
        ks_arena_release(&rec_arena);
    }
    return err;
}

ks_err ks_vdb_parse_only(const char *name, const char *format, const char *data, size_t len,
                         const struct ks_limits *lim, size_t stream_min,
                         struct ks_vdb_source_report *rep, struct ks_diag *diag)
{
    struct ks_arena rec_arena = KS_ARENA_INIT(1 << 16, 64u << 20);
    struct vdb_ctx ctx = {0};
    memset(rep, 0, sizeof(*rep));
    ctx.arena = &rec_arena;
    ctx.lim = lim;
    ctx.format = format;
    ctx.rep = rep;
    ctx.stream_min = stream_min;
    ctx.digest = ks_sha256_new();
    ks_buf_init(&ctx.scratch, 0);
    ks_err err = ctx.digest ? import_bytes(&ctx, name, data, len, diag)
                            : ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (ctx.digest)
        ks_sha256_free(ctx.digest);
    ks_buf_release(&ctx.scratch);
    ctx_release_store(&ctx);
    ks_arena_release(&rec_arena);
    return err;
}

ks_err ks_vdb_import(const struct ks_vdb_import_opts *opts, const char *const *inputs,
                     size_t ninputs, struct ks_vdb_import_report *rep, struct ks_diag *diag)
{
    struct ks_db *db = NULL;
    struct vdb_stmts st = {0};
    struct ks_arena arena = KS_ARENA_INIT(1 << 20, 0);
    struct ks_buf tmp = KS_BUF_INIT(0), packed = KS_BUF_INIT(0);
    ks_err err;
    bool in_tx = false, tmp_made = false, packed_made = false;
    char prev_digest[KS_SHA256_HEX] = "";

    memset(rep, 0, sizeof(*rep));
    memset(&g_changes, 0, sizeof(g_changes));
    if (opts->format) {
        bool ok = false;
        for (size_t i = 0; ks_vdb_formats[i]; i++)
            ok |= !strcmp(ks_vdb_formats[i], opts->format);
        if (!ok)
            return ks_diag_set(diag, KS_EINVAL, "unknown format '%s'", opts->format);
    }
    rep->sources = calloc(ninputs ? ninputs : 1, sizeof(*rep->sources));
    if (!rep->sources)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    rep->nsources = ninputs;
    if (opts->dry_run) {
        ks_arena_release(&arena);
        return dry_import(opts, inputs, ninputs, rep, diag);
    }

    if ((err = ks_buf_addf(&tmp, "%s.tmp-%ld", opts->db_path, (long)getpid())))
        goto done;
    err = copy_file(opts->db_path, ks_buf_str(&tmp), diag);
    if (err == KS_ENOTFOUND)
        err = KS_OK;
    if (err)
        goto done;
    tmp_made = true;
    if ((err = ks_db_open(ks_buf_str(&tmp), KS_DB_CREATE, &db, diag)))
        goto done;
    /* The temporary file is private until the rename: no journal needed;
     * a crash leaves only the temporary file behind. */
    if ((err = ks_db_exec(db,
                          "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                          " PRAGMA cache_size=-65536;",
                          diag)))
        goto done;
    if ((err = ks_db_exec(db, "BEGIN", diag)))
        goto done;
    in_tx = true;
    if ((err = ks_db_exec(db, VDB_SCHEMA_SQL, diag)) || (err = check_schema(db, opts->db_path, diag)) ||
        (err = meta_set(db, "schema_version", VDB_SCHEMA_VERSION_STR, diag)))
        goto done;
    if ((err = ks_db_exec(db,
                          "CREATE TEMP TABLE chg_names(name TEXT PRIMARY KEY) WITHOUT ROWID;"
                          "CREATE TEMP TABLE chg_vulns(vuln TEXT PRIMARY KEY) WITHOUT ROWID;"
                          "CREATE TEMP TABLE old_aliases(name TEXT PRIMARY KEY, vuln TEXT NOT NULL)"
                          " WITHOUT ROWID;"
                          "CREATE INDEX temp.old_aliases_vuln ON old_aliases(vuln);",
                          diag)))
        goto done;
    {
        struct ks_stmt *s = NULL;
        bool row = false;
        if ((err = ks_db_prepare(db, "SELECT value FROM meta WHERE key='digest'", &s, diag)))
            goto done;
        err = ks_stmt_step(s, &row, diag);
        if (!err && row && ks_stmt_text(s, 0))
            snprintf(prev_digest, sizeof(prev_digest), "%s", ks_stmt_text(s, 0));
        ks_stmt_free(s);
        if (err)
            goto done;
    }
    {
        struct ks_stmt *s = NULL;
        if ((err = ks_db_prepare(db, "INSERT INTO imports(at) VALUES(?1)", &s, diag)))
            goto done;
        ks_stmt_bind_int(s, 1, (int64_t)time(NULL));
        err = ks_stmt_step(s, NULL, diag);
        ks_stmt_free(s);
        if (err)
            goto done;
        rep->import_id = ks_db_last_rowid(db);
    }
    if ((err = stmts_prepare(db, &st, diag)))
        goto done;

    for (size_t i = 0; i < ninputs; i++) {
        struct ks_arena rec_arena = KS_ARENA_INIT(1 << 20, 0);
        struct vdb_ctx ctx = {0};
        ctx.db = db;
        ctx.arena = &rec_arena;
        ctx.lim = opts->lim;
        ctx.format = opts->format;
        ctx.ecosystem = opts->ecosystem;
        ctx.apt_base = opts->apt_base;
        ctx.import_id = rep->import_id;
        ctx.rep = &rep->sources[i];
        ctx.strict = opts->strict;
        ctx.stream_min = opts->stream_min;
        ctx.st = &st;
        ctx.digest = ks_sha256_new();
        ks_buf_init(&ctx.scratch, 0);
        const char *sname = opts->names ? opts->names[i] : inputs[i];
        snprintf(ctx.rep->name, sizeof(ctx.rep->name), "%s", sname);
        if (!ctx.digest)
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        if (!err)
            err = begin_source(&ctx, sname, diag);
        if (!err)
            err = import_path(&ctx, inputs[i], 0, diag);
        if (err == KS_EPARSE && !diag->msg[0] && ctx.rep->nrejects_kept)
            ks_diag_set(diag, err, "%s", ctx.rep->rejects[ctx.rep->nrejects_kept - 1]);
        if (!err && ctx.rep->files == 0)
            err = ks_diag_set(diag, KS_ENOTFOUND, "'%s': no advisory files found", inputs[i]);
        /* A source that yields nothing but rejects (an error page served as
         * the feed, the wrong file) would otherwise remove every record it
         * had: refuse it and keep the previous database. */
        if (!err && ctx.rep->imported == 0 && ctx.rep->rejected > 0)
            err = ks_diag_set(diag, KS_EPARSE,
                              "'%s': no valid record (%llu rejected, first: %s)",
                              sname, (unsigned long long)ctx.rep->rejected,
                              ctx.rep->nrejects_kept ? ctx.rep->rejects[0] : "?");
        if (!err)
            err = end_source(&ctx, diag);
        if (ctx.digest)
            ks_sha256_free(ctx.digest);
        ks_buf_release(&ctx.scratch);
        ctx_release_store(&ctx);
        ks_arena_release(&rec_arena);
        if (err)
            goto done;
    }
    rep->added = g_changes.added;
    rep->changed = g_changes.changed;
    rep->withdrawn = g_changes.withdrawn;
    rep->removed = g_changes.removed;
    stmts_free(&st);
    if ((err = finish_import(db, rep->import_id, prev_digest, rep, diag)))
        goto done;
    if ((err = ks_db_exec(db, "COMMIT", diag)))
        goto done;
    in_tx = false;
    /* The final file is written once more, compact: VACUUM INTO packs every
     * table and index (rows inserted in feed order leave B-tree pages
     * partly empty, 12% of the samples' DB; deletions leave free pages), costs well under a
     * tenth of the import (bench/README.md) and has no journal
     * (self-contained, no -wal beside it). The working copy is then
     * dropped. A small page cache keeps the copy's index sorts from
     * raising the peak RSS. */
    if ((err = ks_db_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA cache_size=-8192", diag)) ||
        (err = ks_buf_addf(&packed, "%s-packed", ks_buf_str(&tmp))))
        goto done;
    unlink(ks_buf_str(&packed)); /* a stale one from a killed import with our pid */
    packed_made = true;
    {
        struct ks_stmt *s = NULL;
        if (!(err = ks_db_prepare(db, "VACUUM INTO ?1", &s, diag))) {
            ks_stmt_bind_text(s, 1, ks_buf_str(&packed));
            err = ks_stmt_step(s, NULL, diag);
        }
        ks_stmt_free(s);
        if (err)
            goto done;
    }
    ks_db_close(db);
    db = NULL;
    unlink(ks_buf_str(&tmp));
    tmp_made = false;
    ks_buf_reset(&tmp);
    if ((err = ks_buf_add(&tmp, ks_buf_str(&packed), packed.len)))
        goto done;
    packed_made = false;
    tmp_made = true;
    if ((err = fsync_path(ks_buf_str(&tmp), diag)))
        goto done;
    if (rename(ks_buf_str(&tmp), opts->db_path)) {
        err = ks_diag_errno(diag, KS_EIO, "cannot rename '%s' to '%s'", ks_buf_str(&tmp),
                            opts->db_path);
        goto done;
    }
    tmp_made = false;
    {
        /* make the rename durable */
        char *dir = strdup(opts->db_path);
        if (dir) {
            char *slash = strrchr(dir, '/');
            const char *dn = slash ? (slash == dir ? "/" : (*slash = '\0', dir)) : ".";
            int fd = open(dn, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd >= 0) {
                fsync(fd);
                close(fd);
            }
            free(dir);
        }
    }
done:
    stmts_free(&st);
    if (db) {
        if (in_tx)
            ks_db_exec(db, "ROLLBACK", NULL);
        ks_db_close(db);
    }
    if (tmp_made)
        unlink(ks_buf_str(&tmp));
    if (packed_made)
        unlink(ks_buf_str(&packed));
    ks_buf_release(&tmp);
    ks_buf_release(&packed);
    ks_arena_release(&arena);
    return err;
}

void ks_vdb_import_report_release(struct ks_vdb_import_report *rep)
{
    free(rep->sources);
    memset(rep, 0, sizeof(*rep));
}
