/* server/engine.c - inventories in, findings stored: the scan engine of
 * `kensa scan` (match) applied to the store, for submitted inventories and
 * for re-evaluation when the vulnerability database changes. */
#include "core/ks_common.h"

#include "server/server_int.h"

#include "core/hash.h"
#include "core/log.h"
#include "core/map.h"
#include "core/vec.h"
#include "export/findings.h"
#include "match/match.h"
#include "pkg/inventory.h"
#include "pkg/packed.h"
#include "pkg/scan.h"
#include "score/score.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *resource_type_name(const char *rtype)
{
    if (!strcmp(rtype, "image"))
        return "IMAGE";
    if (!strcmp(rtype, "function"))
        return "FUNCTION";
    return "HOST";
}

/* The package keys the matcher would look `inv` up by (see
 * ks_match_lookup_key), normalised as the database stores them. */
static ks_err inventory_keys(const struct ks_inventory *inv, struct ks_arena *arena,
                             struct ks_pkg_key **out, size_t *n, struct ks_diag *diag)
{
    struct ks_pkg_key *keys = NULL;
    size_t len = 0;

    *out = NULL;
    *n = 0;
    if (inv->components.len) {
        keys = ks_arena_calloc(arena, inv->components.len, sizeof(*keys));
        if (!keys)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < inv->components.len; i++) {
        const char *eco, *name, *version;

        if (!ks_match_lookup_key(&inv->components.items[i], &eco, &name, &version))
            continue;
        keys[len].ecosystem = eco;
        keys[len].name = ks_vdb_normalise_name(arena, eco, name);
        if (!keys[len].name)
            return ks_diag_set(diag, KS_ENOMEM, "out of memory");
        len++;
    }
    *out = keys;
    *n = len;
    return KS_OK;
}

/* How store_rows() stores what it found. */
struct scope {
    bool reapply;               /* the database changed, the inventory did not */
    const char *const *packages; /* with reapply: only these packages' findings (NULL: all) */
    size_t npackages;
    struct ks_findings_ahead *ahead; /* the stored findings read ahead, or NULL */
};

/* One inventory's findings as store rows, with what they point into (the
 * bodies too live in the result's arena). */
struct matched {
    struct ks_match_result mr;
    struct ks_finding_row *rows;
    char **bodies;
    size_t n;
};

static void matched_release(struct matched *m)
{
    free(m->bodies);
    free(m->rows);
    ks_match_result_release(&m->mr);
    memset(m, 0, sizeof(*m));
}

/* The advisory record `f`'s description comes from, as the store keys
 * descriptions (ks_finding_row): package findings with the same
 * vulnerability, aliases and source were matched through the same record,
 * and their description is its summary (if it has one). NULL for other
 * findings (end of life: a description of their own) or out of memory. */
static const char *text_key(struct ks_arena *a, const struct ks_finding *f)
{
    struct ks_buf k = KS_BUF_INIT(0);
    ks_err err;
    const char *out;

    if (f->type != KS_FINDING_PACKAGE_VULNERABILITY || !f->vulnerability_id)
        return NULL;
    err = ks_buf_adds(&k, f->source ? f->source : "");
    if (!err)
        err = ks_buf_addc(&k, '|');
    if (!err)
        err = ks_buf_adds(&k, f->vulnerability_id);
    for (size_t i = 0; !err && i < f->naliases; i++) {
        err = ks_buf_addc(&k, '|');
        if (!err)
            err = ks_buf_adds(&k, f->aliases[i]);
    }
    out = err ? NULL : ks_arena_strdup(a, ks_buf_str(&k));
    ks_buf_release(&k);
    return out;
}

/* Matches `inv` against `db` and turns the findings into store rows (the
 * part that needs no store: re-evaluation runs it on several threads). */
static ks_err match_rows(struct ks_vdb *db, const char *rid, const char *rtype,
                         const struct ks_inventory *inv, struct matched *m, size_t counts[6],
                         struct ks_diag *diag)
{
    struct ks_match_opts mo;
    struct ks_buf body = KS_BUF_INIT(0);
    ks_err err;

    memset(m, 0, sizeof(*m));
    ks_match_result_init(&m->mr);
    memset(&mo, 0, sizeof(mo));
    mo.resource_type = resource_type_name(rtype);
    mo.resource_id = rid;
    err = ks_match_inventory(db, inv, &mo, &m->mr, diag);
    if (!err && m->mr.findings.len) {
        m->rows = calloc(m->mr.findings.len, sizeof(*m->rows));
        m->bodies = calloc(m->mr.findings.len, sizeof(*m->bodies));
        if (!m->rows || !m->bodies)
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; !err && i < m->mr.findings.len; i++) {
        const struct ks_finding *f = &m->mr.findings.items[i];
        struct ks_finding_row *r = &m->rows[i];

        ks_buf_reset(&body);
        r->text_key = text_key(&m->mr.arena, f);
        /* With a text key the description is stored apart, once. */
        err = r->text_key ? ks_export_finding_json_apart(f, &body, &r->text_at)
                          : ks_export_finding_json(f, &body);
        if (err) {
            err = ks_diag_set(diag, err, "cannot serialise finding '%s'", f->id);
            break;
        }
        r->description = f->description;
        /* One buffer for every body (it grows once), each copied out. */
        m->bodies[i] = ks_arena_strndup(&m->mr.arena, body.ptr, body.len);
        if (!m->bodies[i]) {
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
            break;
        }
        m->n = i + 1;
        r->id = f->id;
        r->type = ks_finding_type_name(f->type);
        r->vuln_id = f->vulnerability_id;
        r->severity = ks_severity_name(f->severity);
        r->score = f->score.scored ? f->score.score10 / 10.0 : -1;
        r->title = f->title;
        r->package = f->package.name;
        r->body = m->bodies[i];
        r->body_len = body.len;
        r->package_version = f->package.version;
        r->fix_available = ks_fix_available_name(f->fix_available);
        r->exploit_available = f->exploit_available ? "YES" : "NO";
        r->vendor_severity = f->vendor_severity;
        r->vuln_source = f->source;
        r->has_epss = f->epss.known;
        r->epss = f->epss.score;
        if (counts)
            counts[f->severity <= KS_SEV_CRITICAL ? f->severity : 0]++;
    }
    ks_buf_release(&body);
    if (err)
        matched_release(m);
    return err;
}

/* Applies matched rows: a new inventory (`sc` NULL) also records its
 * package keys; a re-evaluation (the keys did not change) leaves unchanged
 * findings untouched, within `sc`'s packages. */
static ks_err store_rows(struct ks_store *st, int64_t account, const char *rid,
                         const struct ks_inventory *inv, struct matched *m, const char *cause,
                         const struct scope *sc, struct ks_apply_result *res,
                         struct ks_diag *diag)
{
    struct ks_pkg_key *k;
    size_t nk;
    ks_err err;

    if (sc)
        return ks_store_findings_reapply(st, account, rid, sc->packages, sc->npackages, sc->ahead,
                                         m->rows, m->n, cause, (int64_t)time(NULL), res, diag);
    err = inventory_keys(inv, &m->mr.arena, &k, &nk, diag);
    if (!err)
        err = ks_store_findings_apply_keys(st, account, rid, k, nk, m->rows, m->n, cause,
                                           (int64_t)time(NULL), res, diag);
    return err;
}

ks_err ks_engine_inventory_read(const struct ks_server_config *cfg, struct ks_store *st,
                                int64_t account, const char *rid, const char *body,
                                const char *packed, struct ks_inventory *inv,
                                struct ks_diag *diag)
{
    ks_err err;

    if (packed) {
        err = ks_inventory_unpack(inv, packed, strlen(packed), diag);
        if (err != KS_EPARSE)
            return err;
        ks_log_warn("resource '%s': %s; reading its document instead", rid, diag->msg);
        ks_inventory_release(inv);
        ks_inventory_init(inv);
        err = ks_store_inventory_document(st, account, rid, &inv->arena, &body, diag);
        if (err)
            return err;
    }
    err = ks_pkg_read_sbom_mem(inv, rid, body ? body : "", body ? strlen(body) : 0, &cfg->limits,
                               diag);
    return err ? err : ks_pkg_finish(inv);
}

char *ks_engine_inventory_pack(const struct ks_inventory *inv)
{
    struct ks_buf b = KS_BUF_INIT(0);

    if (ks_inventory_pack(inv, &b)) {
        ks_buf_release(&b);
        return NULL;
    }
    return ks_buf_detach(&b, NULL);
}

/* Each worker thread keeps the database open between requests (warm pages
 * and prepared lookups), and opens it again when the file was replaced or
 * changed (a new import is renamed into place). */
static _Thread_local struct ks_vdb *tl_vdb;
static _Thread_local struct stat tl_vdb_stat;

static bool same_stat(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

void ks_engine_thread_end(void)
{
    ks_vdb_close(tl_vdb);
    tl_vdb = NULL;
}

/* Whether the thread's database handle is not the file's current one
 * (`*now`: the file's identity). */
static bool vdb_stale(const struct ks_server_config *cfg, struct stat *now)
{
    if (stat(cfg->vulndb, now))
        memset(now, 0, sizeof(*now)); /* ks_vdb_open() says why */
    return !tl_vdb || !now->st_ino || !same_stat(now, &tl_vdb_stat);
}

/* Tries before a submission's findings are stored anyway: a database that
 * keeps changing faster than a match is not chased further. */
#define APPLY_TRIES 3

ks_err ks_engine_apply(const struct ks_server_config *cfg, struct ks_store *st, int64_t account,
                       const char *rid, const char *rtype, const struct ks_inventory *inv,
                       const char *cause, struct ks_apply_result *res, size_t counts[6],
                       struct ks_diag *diag)
{
    struct ks_apply_result one;
    struct stat now;
    ks_err err = KS_OK;

    memset(res, 0, sizeof(*res));
    for (int tries = 0; !err && tries < APPLY_TRIES; tries++) {
        bool stale = vdb_stale(cfg, &now);
        struct matched m;

        /* After the first try: the database file changed while this
         * inventory was matched (a new one renamed into place), and a
         * re-evaluation may already have passed this resource, so its
         * findings are matched and applied again with the new one (`res`
         * adds up what each apply did). */
        if (tries && !stale)
            break;
        if (stale) {
            ks_engine_thread_end();
            err = ks_vdb_open(cfg->vulndb, &tl_vdb, diag);
            tl_vdb_stat = now;
            if (err)
                break;
        }
        if (counts)
            memset(counts, 0, 6 * sizeof(*counts));
        err = match_rows(tl_vdb, rid, rtype, inv, &m, counts, diag);
        if (err)
            break;
        if (cfg->apply_delay_ms)
            usleep(cfg->apply_delay_ms * 1000u);
        err = store_rows(st, account, rid, inv, &m, cause, NULL, &one, diag);
        matched_release(&m);
        if (!err) {
            res->opened += one.opened;
            res->updated += one.updated;
            res->reopened += one.reopened;
            res->reobserved = one.reobserved;
            res->closed += one.closed;
        }
    }
    return err;
}

/* ---- re-evaluation ---- */

static atomic_ullong m_runs_changes, m_runs_full, m_fallbacks, m_inventories;
static _Atomic double m_last_seconds;
static atomic_ullong m_last_keys, m_last_inventories;

void ks_engine_metrics_write(struct ks_buf *out)
{
    ks_buf_addf(out,
                "# HELP kensa_reevaluations_total Re-evaluations after a vulnerability database "
                "change, by kind: only the changed advisories, or everything.\n"
                "# TYPE kensa_reevaluations_total counter\n"
                "kensa_reevaluations_total{mode=\"changes\"} %llu\n"
                "kensa_reevaluations_total{mode=\"full\"} %llu\n"
                "# HELP kensa_reevaluation_fallbacks_total Full re-evaluations because the "
                "database's change set could not be used.\n"
                "# TYPE kensa_reevaluation_fallbacks_total counter\n"
                "kensa_reevaluation_fallbacks_total %llu\n"
                "# HELP kensa_reevaluated_inventories_total Stored inventories re-matched after "
                "database changes.\n"
                "# TYPE kensa_reevaluated_inventories_total counter\n"
                "kensa_reevaluated_inventories_total %llu\n"
                "# HELP kensa_reevaluation_last_seconds Duration of the last re-evaluation.\n"
                "# TYPE kensa_reevaluation_last_seconds gauge\n"
                "kensa_reevaluation_last_seconds %.6f\n"
                "# HELP kensa_reevaluation_last_packages Changed packages in the last "
                "re-evaluation (0 for a full one).\n"
                "# TYPE kensa_reevaluation_last_packages gauge\n"
                "kensa_reevaluation_last_packages %llu\n"
                "# HELP kensa_reevaluation_last_inventories Inventories re-matched by the last "
                "re-evaluation.\n"
                "# TYPE kensa_reevaluation_last_inventories gauge\n"
                "kensa_reevaluation_last_inventories %llu\n",
                atomic_load(&m_runs_changes), atomic_load(&m_runs_full),
                atomic_load(&m_fallbacks), atomic_load(&m_inventories),
                atomic_load(&m_last_seconds), atomic_load(&m_last_keys),
                atomic_load(&m_last_inventories));
}

struct keyset {
    struct ks_arena arena;
    struct ks_pkg_key *items;
    size_t len, cap;
    struct ks_map set; /* "ecosystem\x1fname" */
};

static const char *key_text(struct ks_arena *a, const char *ecosystem, const char *name)
{
    size_t e = strlen(ecosystem), n = strlen(name);
    char *k = ks_arena_alloc(a, e + n + 2);

    /* "ECOSYSTEM\x1fNAME", without printf: once per component of every
     * inventory a re-evaluation reads. */
    if (k) {
        memcpy(k, ecosystem, e);
        k[e] = '\x1f';
        memcpy(k + e + 1, name, n + 1);
    }
    return k;
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the re-evaluation pipeline ----
 *
 * Producer threads read, parse and match the inventories, each with its
 * own database handle (lookup cache) and store connection; the calling
 * thread alone writes, in the items' order, REEVAL_BATCH resources per
 * transaction. Matching and serialising thus run beside the store writes,
 * on every core, and the store keeps a single writer. */

/* A resource to re-match: with its inventory (everything mode), or only
 * its id (its latest inventory is read when its turn comes). */
struct item {
    int64_t account;
    char *rid, *type, *body, *packed;
    int64_t revision; /* the resource's, read with the inventory (-1: not read yet) */
};

struct rematch {
    /* Inventories are collected first: the store cannot be written while
     * its query is still being read. */
    struct item *items;
    size_t len, cap;
};

static void item_release(struct item *it)
{
    free(it->rid);
    free(it->type);
    free(it->body);
    free(it->packed);
}

static ks_err collect_inventory(int64_t account, const char *rid, const char *type,
                                const char *body, const char *packed, int64_t revision,
                                void *ctx)
{
    struct rematch *r = ctx;
    struct item it = {account,
                      strdup(rid),
                      type ? strdup(type) : NULL,
                      body ? strdup(body) : NULL,
                      packed ? strdup(packed) : NULL,
                      revision};

    if (!it.rid || (type && !it.type) || (body && !it.body) || (packed && !it.packed) ||
        ks_vec_reserve((void **)&r->items, &r->cap, sizeof(*r->items), r->len + 1)) {
        item_release(&it);
        return KS_ENOMEM;
    }
    r->items[r->len++] = it;
    return KS_OK;
}

static ks_err collect_resource(int64_t account, const char *rid, void *ctx)
{
    return collect_inventory(account, rid, NULL, NULL, NULL, -1, ctx);
}

static void rematch_release(struct rematch *r)
{
    for (size_t i = 0; i < r->len; i++)
        item_release(&r->items[i]);
    free(r->items);
}

/* One resource's re-match, prepared by a producer and stored by the
 * writer. */
struct job {
    ks_err err;   /* of the preparation, with `diag` */
    struct ks_diag diag;
    bool removed; /* no inventory any more: nothing to re-match */
    bool none;    /* no changed package in it (its keys were stale) */
    bool full;    /* every package (also re-records the package keys) */
    int64_t revision; /* the resource's when its inventory was read */
    struct ks_arena arena;
    struct ks_inventory inv, sub;
    struct ks_map names;
    KS_VEC(const char *) scope;
    struct ks_component *picked;
    struct scope sc;
    struct matched m;
};

static void job_init(struct job *j)
{
    memset(j, 0, sizeof(*j));
    ks_arena_init(&j->arena, 16384, 0);
    ks_inventory_init(&j->inv);
}

static void job_release(struct job *j)
{
    ks_store_findings_ahead_free(j->sc.ahead);
    matched_release(&j->m);
    free(j->picked);
    KS_VEC_RELEASE(&j->scope);
    ks_map_release(&j->names);
    ks_inventory_release(&j->inv);
    ks_arena_release(&j->arena);
}

/* Reads `it`'s latest inventory (unless the item holds it) and matches
 * it: every package (`k` NULL), or all components of the package names
 * holding a changed key (findings are stored per package name, so all of
 * a name's components are matched again together). */
static ks_err job_prepare(struct job *j, const struct ks_server_config *cfg, struct ks_vdb *db,
                          struct ks_store *rd, const struct item *it, const struct keyset *k,
                          bool reread)
{
    const char *type = it->type, *body = it->body, *packed = it->packed;
    struct ks_diag *diag = &j->diag;
    size_t npicked = 0;
    ks_err err = KS_OK;

    j->revision = it->revision;
    if (reread || (!body && !packed)) {
        err = ks_store_inventory_latest(rd, it->account, it->rid, &j->arena, &type, &body, &packed,
                                        &j->revision, diag);
        if (err == KS_ENOTFOUND) { /* removed since: nothing to re-match */
            j->removed = true;
            return KS_OK;
        }
        if (err)
            return err;
    }
    err = ks_engine_inventory_read(cfg, rd, it->account, it->rid, body, packed, &j->inv, diag);
    if (err)
        return err;
    if (!k) {
        j->full = true;
        return match_rows(db, it->rid, type, &j->inv, &j->m, NULL, diag);
    }
    for (size_t i = 0; !err && i < j->inv.components.len; i++) {
        const struct ks_component *c = &j->inv.components.items[i];
        const char *eco, *name, *version, *norm, *kt;

        if (!ks_match_lookup_key(c, &eco, &name, &version) || !c->name)
            continue;
        norm = ks_vdb_normalise_name(&j->arena, eco, name);
        kt = norm ? key_text(&j->arena, eco, norm) : NULL;
        if (!kt)
            err = KS_ENOMEM;
        else if (ks_map_get(&k->set, kt, strlen(kt)) &&
                 !ks_map_get(&j->names, c->name, strlen(c->name)) &&
                 (ks_map_put(&j->names, c->name, strlen(c->name), (void *)1) ||
                  KS_VEC_PUSH(&j->scope, c->name)))
            err = KS_ENOMEM;
    }
    if (!err && j->scope.len) {
        j->picked = calloc(j->inv.components.len, sizeof(*j->picked));
        if (!j->picked)
            err = KS_ENOMEM;
    }
    if (err)
        return ks_diag_set(diag, err, "out of memory");
    if (!j->scope.len) {
        j->none = true;
        return KS_OK;
    }
    for (size_t i = 0; i < j->inv.components.len; i++) {
        const struct ks_component *c = &j->inv.components.items[i];

        if (c->name && ks_map_get(&j->names, c->name, strlen(c->name)))
            j->picked[npicked++] = *c;
    }
    /* A view of the inventory with only those components (borrowed). */
    j->sub = j->inv;
    j->sub.components.items = j->picked;
    j->sub.components.len = npicked;
    j->sub.components.cap = npicked;
    j->sc.reapply = true;
    j->sc.packages = j->scope.items;
    j->sc.npackages = j->scope.len;
    err = match_rows(db, it->rid, type, &j->sub, &j->m, NULL, diag);
    /* What the writer would read of the stored findings, read here (the
     * writer is the pipeline's bottleneck: that read was a quarter of its
     * time); it reads them again if they changed in between, or if this
     * read failed (a busy store: the writer's read says why, if it fails
     * too). */
    if (!err) {
        struct ks_diag ignored = KS_DIAG_INIT;

        if (ks_store_findings_ahead(rd, it->account, it->rid, j->sc.packages, j->sc.npackages,
                                    j->m.rows, j->m.n, &j->sc.ahead, &ignored))
            j->sc.ahead = NULL;
    }
    return err;
}

/* Resources are re-evaluated in batches of this many per transaction: far
 * fewer commits, and the write lock is released between batches for the
 * submissions waiting. */
#define REEVAL_BATCH 64
/* Jobs prepared ahead of the writer at most (bounds the memory held). */
#define REEVAL_WINDOW 128
#define REEVAL_THREADS_MAX 8

/* Before each resource: commits a full batch, opens the next. */
static ks_err batch_step(struct ks_store *st, size_t *inbatch, struct ks_diag *diag)
{
    ks_err err = KS_OK;

    if (*inbatch == REEVAL_BATCH) {
        *inbatch = 0;
        err = ks_store_batch_end(st, diag);
    }
    if (!err && !*inbatch)
        err = ks_store_batch_begin(st, diag);
    if (!err)
        (*inbatch)++;
    return err;
}

/* Commits the last batch. After a failure the store took that batch back
 * (ks_store_batch_begin): the run fails, the database's digest is not
 * recorded, and the next poll re-evaluates again (applying what is
 * already applied changes nothing). */
static ks_err batch_done(struct ks_store *st, ks_err err, struct ks_diag *diag)
{
    struct ks_diag d = KS_DIAG_INIT;
    ks_err end = ks_store_batch_end(st, err ? &d : diag);

    return err ? err : end;
}

struct pipeline {
    const struct ks_server_config *cfg;
    const struct keyset *k; /* NULL: every package */
    const struct item *items;
    size_t n;
    struct job jobs[REEVAL_WINDOW]; /* item i in jobs[i % REEVAL_WINDOW] */
    bool ready[REEVAL_WINDOW];      /* under `mu`: that job is prepared */
    pthread_mutex_t mu;
    pthread_cond_t prepared, space;
    size_t next;    /* the next item to prepare */
    size_t applied; /* items the writer is done with */
    bool stop;
    /* The checkpointer: told after each of the writer's commits. */
    pthread_cond_t committed;
    unsigned commits;
};

struct producer {
    struct pipeline *p;
    struct ks_vdb *db; /* owned unless it is the caller's */
    bool own_db;
    struct ks_store *rd;
    pthread_t thread;
    bool started;
};

/* Before the writer stores item `i` (inside its batch, so that nothing can
 * change the resource until it has): if the resource's revision is no
 * longer the one read with its inventory (a submission or a suppression
 * rule came in between), what was matched is stale, and the writer
 * prepares the item again from the store as it is now, with its own
 * database handle `own` (NULL: the database changed since the run began;
 * the run fails and the next one starts over). */
static ks_err keep_current(struct pipeline *p, struct ks_vdb *own, struct ks_store *st, size_t i,
                           size_t *redone, struct ks_diag *diag)
{
    struct job *j = &p->jobs[i % REEVAL_WINDOW];
    const struct item *it = &p->items[i];
    int64_t now;
    ks_err err;

    if (j->revision < 0)
        return KS_OK; /* removed when it was read */
    err = ks_store_resource_revision(st, it->account, it->rid, &now, diag);
    if (err || now == j->revision)
        return err;
    if (!own)
        return ks_diag_set(diag, KS_EDB, "resource '%s' changed during the re-evaluation, and "
                                         "the database too: left to the next run",
                           it->rid);
    job_release(j);
    job_init(j);
    (*redone)++;
    j->err = job_prepare(j, p->cfg, own, st, it, p->k, true);
    if (j->err) {
        *diag = j->diag;
        return j->err;
    }
    return KS_OK;
}

/* Under `mu`: takes the next item to prepare, if the window has room. */
static bool claim(struct pipeline *p, size_t *i)
{
    if (p->stop || p->next >= p->n || p->next >= p->applied + REEVAL_WINDOW)
        return false;
    *i = p->next++;
    return true;
}

/* Prepares claimed item `i` with `db` and `rd`; called and returns with
 * `mu` held. */
static void prepare(struct pipeline *p, size_t i, struct ks_vdb *db, struct ks_store *rd)
{
    struct job *j = &p->jobs[i % REEVAL_WINDOW];

    pthread_mutex_unlock(&p->mu);
    job_init(j);
    j->err = job_prepare(j, p->cfg, db, rd, &p->items[i], p->k, false);
    pthread_mutex_lock(&p->mu);
    p->ready[i % REEVAL_WINDOW] = true;
    pthread_cond_broadcast(&p->prepared);
}

static void *produce(void *arg)
{
    struct producer *w = arg;
    struct pipeline *p = w->p;
    size_t i;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next < p->n && p->next >= p->applied + REEVAL_WINDOW)
            pthread_cond_wait(&p->space, &p->mu);
        if (!claim(p, &i))
            break;
        prepare(p, i, w->db, w->rd);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Copies the writer's commits from the store's write-ahead log back into
 * the store as they come (ks_store_checkpoint), beside the writer: its own
 * checkpoints, in the commit that fills the log, then copy what is left
 * (a batch or two) instead of the whole log (9% of its time). */
struct checkpointer {
    struct pipeline *p;
    struct ks_store *st;
    pthread_t thread;
    bool started;
};

static void *checkpoint_loop(void *arg)
{
    struct checkpointer *c = arg;
    struct pipeline *p = c->p;
    unsigned seen = 0;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->commits == seen)
            pthread_cond_wait(&p->committed, &p->mu);
        if (p->stop)
            break;
        seen = p->commits;
        pthread_mutex_unlock(&p->mu);
        /* Busy (another checkpoint running) or failing: the writer's
         * own checkpoints still run; nothing is lost. */
        ks_store_checkpoint(c->st, NULL);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Another handle on the database the run started with (NULL when the file
 * changed since: its producer is left out). */
static struct ks_vdb *open_same_db(const char *path, const char *digest)
{
    struct ks_diag d = KS_DIAG_INIT;
    char now[KS_VDB_DIGEST_SIZE];
    struct ks_vdb *db = NULL;

    if (ks_vdb_open(path, &db, &d) || ks_vdb_digest(db, now, &d) || strcmp(now, digest)) {
        ks_vdb_close(db);
        return NULL;
    }
    ks_vdb_cache_lookups(db);
    return db;
}

/* Producers: as configured, else as many as the server's workers but
 * leaving a core to the writer, which sets the pace (on 2 cores, two
 * producers took CPU time from it that they then spent waiting for it:
 * 6.5-7.9 s against 5.7-6.3 s at 10,000 resources, bench/server.py). */
static unsigned reeval_threads(const struct ks_server_config *cfg)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cfg->threads ? cfg->threads : (cores > 0 ? (unsigned)cores : 1u);

    if (cores > 1 && n > (unsigned)cores - 1)
        n = (unsigned)cores - 1;
    if (cfg->reeval_threads)
        n = cfg->reeval_threads;
    return n < 1 ? 1 : n > REEVAL_THREADS_MAX ? REEVAL_THREADS_MAX : n;
}

/* Re-matches `items` (against `db`, whose digest is `digest`) and writes
 * the findings through `st`; `*count` the inventories re-matched. */
static ks_err rematch_items(const struct ks_server_config *cfg, struct ks_vdb *db,
                            const char *digest, struct ks_store *st, const struct keyset *k,
                            const struct item *items, size_t n, size_t *count,
                            struct ks_diag *diag)
{
    struct producer w[REEVAL_THREADS_MAX];
    struct checkpointer cp;
    unsigned nw = reeval_threads(cfg), started = 0;
    struct pipeline *p;
    size_t inbatch = 0, i, done, helped = 0, redone = 0;
    struct ks_vdb *own = NULL;
    double t_wait = 0, t_store = 0, t_batch = 0, t0;
    ks_err err = KS_OK;

    if (!n)
        return KS_OK;
    p = calloc(1, sizeof(*p));
    if (!p)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    p->cfg = cfg;
    p->k = k;
    p->items = items;
    p->n = n;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->prepared, NULL);
    pthread_cond_init(&p->space, NULL);
    pthread_cond_init(&p->committed, NULL);
    memset(w, 0, sizeof(w));
    memset(&cp, 0, sizeof(cp));
    cp.p = p;
    if (!ks_store_open(cfg->store, &cp.st, NULL))
        cp.started = !pthread_create(&cp.thread, NULL, checkpoint_loop, &cp);
    /* The first producer uses the caller's handle; more start when their
     * handle shows the same database. */
    for (unsigned t = 0; !err && t < nw; t++) {
        struct ks_diag d = KS_DIAG_INIT;

        w[t].p = p;
        w[t].db = t ? open_same_db(cfg->vulndb, digest) : db;
        w[t].own_db = t != 0;
        if (!w[t].db)
            continue;
        if (ks_store_open(cfg->store, &w[t].rd, t ? &d : diag)) {
            if (!t)
                err = ks_diag_prefix(diag, "re-evaluation: ");
            continue;
        }
        if (pthread_create(&w[t].thread, NULL, produce, &w[t])) {
            if (!t)
                err = ks_diag_set(diag, KS_EIO, "cannot start a re-evaluation thread");
            continue;
        }
        w[t].started = true;
        started++;
    }
    /* The writer prepares items too instead of waiting for the producers
     * (reading through its own connection, inside its batch), with a
     * database handle of its own. */
    own = open_same_db(cfg->vulndb, digest);
    ks_log_debug("re-evaluation: %zu resources to re-match on %u producer threads", n, started);
    if (cfg->reeval_write_delay_ms)
        usleep(cfg->reeval_write_delay_ms * 1000u);
    for (i = 0; !err && started && i < n; i++) {
        struct job *j = &p->jobs[i % REEVAL_WINDOW];
        struct ks_apply_result res;
        size_t ahead;

        t0 = now_seconds();
        pthread_mutex_lock(&p->mu);
        while (!p->ready[i % REEVAL_WINDOW]) {
            if (own && claim(p, &ahead)) {
                prepare(p, ahead, own, st);
                helped++;
            } else {
                pthread_cond_wait(&p->prepared, &p->mu);
            }
        }
        pthread_mutex_unlock(&p->mu);
        t_wait += now_seconds() - t0;
        if (j->err) {
            err = j->err;
            *diag = j->diag;
        }
        if (!err && !j->removed) {
            t0 = now_seconds();
            err = batch_step(st, &inbatch, diag);
            t_batch += now_seconds() - t0;
            if (!err && inbatch == 1 && i) {
                pthread_mutex_lock(&p->mu);
                p->commits++;
                pthread_cond_signal(&p->committed);
                pthread_mutex_unlock(&p->mu);
            }
            t0 = now_seconds();
            if (!err)
                err = keep_current(p, own, st, i, &redone, diag);
            if (!err && !j->removed && !j->none)
                err = store_rows(st, items[i].account, items[i].rid, j->full ? &j->inv : &j->sub,
                                 &j->m, "vulndb", j->full ? NULL : &j->sc, &res, diag);
            t_store += now_seconds() - t0;
            if (!err && !j->removed)
                (*count)++;
        }
        job_release(j);
        pthread_mutex_lock(&p->mu);
        p->ready[i % REEVAL_WINDOW] = false;
        p->applied = i + 1;
        pthread_cond_broadcast(&p->space);
        pthread_mutex_unlock(&p->mu);
    }
    done = i;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->space);
    pthread_cond_broadcast(&p->committed);
    pthread_mutex_unlock(&p->mu);
    if (cp.started)
        pthread_join(cp.thread, NULL);
    ks_store_close(cp.st);
    for (unsigned t = 0; t < nw; t++) {
        if (w[t].started)
            pthread_join(w[t].thread, NULL);
        ks_store_close(w[t].rd);
        if (w[t].own_db)
            ks_vdb_close(w[t].db);
    }
    /* Jobs prepared but not stored (after a failure). */
    for (; i < p->next; i++)
        if (p->ready[i % REEVAL_WINDOW])
            job_release(&p->jobs[i % REEVAL_WINDOW]);
    t0 = now_seconds();
    err = batch_done(st, err, diag);
    t_batch += now_seconds() - t0;
    /* Where the writer's time went: waiting for producers (matching is
     * the bottleneck), writing findings, or committing batches. */
    ks_vdb_close(own);
    ks_log_debug("re-evaluation: %zu of %zu resources passed the writer; it prepared %zu and "
                 "waited %.3f s (both together), prepared %zu again (changed meanwhile), wrote "
                 "findings %.3f s, committed %.3f s",
                 done, n, helped, t_wait, redone, t_store, t_batch);
    pthread_cond_destroy(&p->committed);
    pthread_cond_destroy(&p->space);
    pthread_cond_destroy(&p->prepared);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return err;
}

/* Every stored inventory (and its package keys, which a store from before
 * they existed lacks). */
static ks_err rematch_all(const struct ks_server_config *cfg, struct ks_vdb *db,
                          const char *digest, struct ks_store *st, size_t *n,
                          struct ks_diag *diag)
{
    struct rematch r = {NULL, 0, 0};
    ks_err err = ks_store_inventories_latest(st, collect_inventory, &r, diag);

    if (err == KS_ENOMEM)
        err = ks_diag_set(diag, err, "out of memory");
    if (!err)
        err = rematch_items(cfg, db, digest, st, NULL, r.items, r.len, n, diag);
    rematch_release(&r);
    return err;
}

static ks_err add_key(const char *ecosystem, const char *package, void *ctx)
{
    struct keyset *k = ctx;
    const char *e = ks_arena_strdup(&k->arena, ecosystem), *p = ks_arena_strdup(&k->arena, package);
    const char *kt = e && p ? key_text(&k->arena, e, p) : NULL;

    if (!kt || ks_map_put(&k->set, kt, strlen(kt), (void *)1) ||
        ks_vec_reserve((void **)&k->items, &k->cap, sizeof(*k->items), k->len + 1))
        return KS_ENOMEM;
    k->items[k->len].ecosystem = e;
    k->items[k->len].name = p;
    k->len++;
    return KS_OK;
}

/* Only the inventories holding a changed package. */
static ks_err rematch_keys(const struct ks_server_config *cfg, struct ks_vdb *db,
                           const char *digest, struct ks_store *st, const struct keyset *k,
                           size_t *n, struct ks_diag *diag)
{
    struct rematch r = {NULL, 0, 0};
    ks_err err = ks_store_resources_with(st, k->items, k->len, collect_resource, &r, diag);

    if (err == KS_ENOMEM)
        err = ks_diag_set(diag, err, "out of memory");
    if (!err)
        err = rematch_items(cfg, db, digest, st, k, r.items, r.len, n, diag);
    rematch_release(&r);
    return err;
}

#define SEEN_KEY "vulndb_digest"

ks_err ks_engine_reevaluate(const struct ks_server_config *cfg, struct ks_store *st,
                            struct ks_reeval *out, struct ks_diag *diag)
{
    struct keyset k;
    struct ks_vdb *db = NULL;
    struct ks_diag why = KS_DIAG_INIT;
    char seen[KS_VDB_DIGEST_SIZE], now[KS_VDB_DIGEST_SIZE];
    double t0 = now_seconds();
    size_t nimports = 0;
    ks_err err;

    memset(out, 0, sizeof(*out));
    memset(&k, 0, sizeof(k));
    ks_arena_init(&k.arena, 65536, 0);
    err = ks_vdb_open(cfg->vulndb, &db, diag);
    if (!err) {
        ks_vdb_cache_lookups(db); /* a fleet shares most of its packages */
        err = ks_vdb_digest(db, now, diag);
    }
    if (!err)
        err = ks_store_meta_get(st, SEEN_KEY, seen, sizeof(seen), diag);
    if (err || !strcmp(seen, now))
        goto done; /* the findings already reflect this database */
    if (!seen[0]) {
        int64_t ninv = 0;

        /* Never evaluated against any database: a new store needs nothing;
         * a store from before the digest was kept gets everything once
         * (which also records its inventories' package keys). */
        err = ks_store_inventory_count(st, &ninv, diag);
        if (err)
            goto done;
        if (!ninv) {
            err = ks_store_meta_set(st, SEEN_KEY, now, diag);
            goto done;
        }
        out->full = true;
        snprintf(out->why, sizeof(out->why), "the findings were never evaluated against a "
                                             "known database");
    } else {
        err = ks_vdb_changes_since(db, seen, add_key, &k, &nimports, &why);
        if (err == KS_ENOMEM) {
            err = ks_diag_set(diag, err, "out of memory");
            goto done;
        }
        if (err == KS_ENOTFOUND) {
            out->full = true;
            snprintf(out->why, sizeof(out->why), "%s", why.msg);
            err = KS_OK;
        } else if (err) {
            err = ks_diag_set(diag, err, "%s", why.msg);
            goto done;
        }
    }
    if (out->full) {
        err = rematch_all(cfg, db, now, st, &out->inventories, diag);
        atomic_fetch_add(&m_runs_full, 1);
        if (seen[0])
            atomic_fetch_add(&m_fallbacks, 1);
    } else {
        out->packages = k.len;
        out->imports = nimports;
        if (k.len)
            err = rematch_keys(cfg, db, now, st, &k, &out->inventories, diag);
        atomic_fetch_add(&m_runs_changes, 1);
    }
    out->ran = true;
    if (!err)
        err = ks_store_meta_set(st, SEEN_KEY, now, diag);
    out->seconds = now_seconds() - t0;
    atomic_fetch_add(&m_inventories, out->inventories);
    atomic_store(&m_last_seconds, out->seconds);
    atomic_store(&m_last_keys, (unsigned long long)out->packages);
    atomic_store(&m_last_inventories, (unsigned long long)out->inventories);
done:
    ks_vdb_close(db);
    free(k.items);
    ks_map_release(&k.set);
    ks_arena_release(&k.arena);
    return err;
}
