/* server/engine.c - inventories in, findings stored: the scan engine of
 * `kensa scan` (match) applied to the store, for submitted inventories and
 * for re-evaluation when the vulnerability database changes. */
#include "core/ks_common.h"

#include "server/server_int.h"

#include "core/hash.h"
#include "core/map.h"
#include "core/vec.h"
#include "export/findings.h"
#include "match/match.h"
#include "pkg/inventory.h"
#include "pkg/scan.h"
#include "score/score.h"

#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>

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

/* How apply_with() stores what it found. */
struct scope {
    bool reapply;               /* the database changed, the inventory did not */
    const char *const *packages; /* with reapply: only these packages' findings (NULL: all) */
    size_t npackages;
};

/* Matches `inv` against `db` and applies the findings. A new inventory
 * (`sc` NULL) also records its package keys; a re-evaluation (the keys did
 * not change) leaves unchanged findings untouched, within `sc`'s packages. */
static ks_err apply_with(struct ks_vdb *db, struct ks_store *st, int64_t account, const char *rid,
                         const char *rtype, const struct ks_inventory *inv, const char *cause,
                         const struct scope *sc, struct ks_apply_result *res, size_t counts[6],
                         struct ks_diag *diag)
{
    bool keys = !sc;
    struct ks_match_result mr;
    struct ks_match_opts mo;
    struct ks_finding_row *rows = NULL;
    struct ks_buf body = KS_BUF_INIT(0);
    char **bodies = NULL;
    ks_err err;

    ks_match_result_init(&mr);
    memset(&mo, 0, sizeof(mo));
    mo.resource_type = resource_type_name(rtype);
    mo.resource_id = rid;
    err = ks_match_inventory(db, inv, &mo, &mr, diag);
    if (!err && mr.findings.len) {
        rows = calloc(mr.findings.len, sizeof(*rows));
        bodies = calloc(mr.findings.len, sizeof(*bodies));
        if (!rows || !bodies)
            err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; !err && i < mr.findings.len; i++) {
        const struct ks_finding *f = &mr.findings.items[i];
        struct ks_finding_row *r = &rows[i];

        ks_buf_reset(&body);
        err = ks_export_finding_json(f, &body);
        if (err) {
            err = ks_diag_set(diag, err, "cannot serialise finding '%s'", f->id);
            break;
        }
        bodies[i] = ks_buf_detach(&body, NULL);
        r->id = f->id;
        r->type = ks_finding_type_name(f->type);
        r->vuln_id = f->vulnerability_id;
        r->severity = ks_severity_name(f->severity);
        r->score = f->score.scored ? f->score.score10 / 10.0 : -1;
        r->title = f->title;
        r->package = f->package.name;
        r->body = bodies[i];
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
    if (!err && keys) {
        struct ks_pkg_key *k;
        size_t nk;

        err = inventory_keys(inv, &mr.arena, &k, &nk, diag);
        if (!err)
            err = ks_store_findings_apply_keys(st, account, rid, k, nk, rows, mr.findings.len,
                                               cause, (int64_t)time(NULL), res, diag);
    }
    if (!err && !keys)
        err = ks_store_findings_reapply(st, account, rid, sc->packages, sc->npackages, rows,
                                        mr.findings.len, cause, (int64_t)time(NULL), res, diag);
    for (size_t i = 0; bodies && i < mr.findings.len; i++)
        free(bodies[i]);
    free(bodies);
    free(rows);
    ks_buf_release(&body);
    ks_match_result_release(&mr);
    return err;
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

ks_err ks_engine_apply(const struct ks_server_config *cfg, struct ks_store *st, int64_t account,
                       const char *rid, const char *rtype, const struct ks_inventory *inv,
                       const char *cause, struct ks_apply_result *res, size_t counts[6],
                       struct ks_diag *diag)
{
    struct stat now;
    ks_err err = KS_OK;

    if (stat(cfg->vulndb, &now))
        memset(&now, 0, sizeof(now)); /* ks_vdb_open() says why */
    if (!tl_vdb || !now.st_ino || !same_stat(&now, &tl_vdb_stat)) {
        ks_engine_thread_end();
        err = ks_vdb_open(cfg->vulndb, &tl_vdb, diag);
        tl_vdb_stat = now;
    }
    if (!err)
        err = apply_with(tl_vdb, st, account, rid, rtype, inv, cause, NULL, res, counts, diag);
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
    return ks_arena_printf(a, "%s\x1f%s", ecosystem, name);
}

/* Re-matches the latest inventory of one resource against `db`: every
 * package (`k` NULL; also re-records the package keys, which stores from
 * before they existed lack), or only the packages with a changed key. */
static ks_err rematch_one(const struct ks_server_config *cfg, struct ks_vdb *db,
                          struct ks_store *st, int64_t account, const char *rid,
                          const char *type, const char *body, const struct keyset *k,
                          struct ks_diag *diag)
{
    struct ks_inventory inv, sub;
    struct ks_apply_result res;
    struct ks_arena arena = KS_ARENA_INIT(16384, 0);
    struct ks_map names = KS_MAP_INIT;
    KS_VEC(const char *) scope = KS_VEC_INIT;
    struct scope sc = {true, NULL, 0};
    struct ks_component *picked = NULL;
    size_t npicked = 0;
    ks_err err;

    ks_inventory_init(&inv);
    err = ks_pkg_read_sbom_mem(&inv, rid, body, strlen(body), &cfg->limits, diag);
    if (!err)
        err = ks_pkg_finish(&inv);
    if (err || !k) {
        if (!err)
            err = apply_with(db, st, account, rid, type, &inv, "vulndb", NULL, &res, NULL, diag);
        goto done;
    }
    /* The package names holding a changed key; then every component of
     * those names (findings are stored per package name, so all of a
     * name's components are matched again together). */
    for (size_t i = 0; !err && i < inv.components.len; i++) {
        const struct ks_component *c = &inv.components.items[i];
        const char *eco, *name, *version, *norm, *kt;

        if (!ks_match_lookup_key(c, &eco, &name, &version) || !c->name)
            continue;
        norm = ks_vdb_normalise_name(&arena, eco, name);
        kt = norm ? key_text(&arena, eco, norm) : NULL;
        if (!kt)
            err = KS_ENOMEM;
        else if (ks_map_get(&k->set, kt, strlen(kt)) &&
                 !ks_map_get(&names, c->name, strlen(c->name)) &&
                 (ks_map_put(&names, c->name, strlen(c->name), (void *)1) ||
                  KS_VEC_PUSH(&scope, c->name)))
            err = KS_ENOMEM;
    }
    if (!err && scope.len) {
        picked = calloc(inv.components.len, sizeof(*picked));
        if (!picked)
            err = KS_ENOMEM;
    }
    if (err || !scope.len)
        goto done; /* no changed package here (its keys were stale) */
    for (size_t i = 0; i < inv.components.len; i++) {
        const struct ks_component *c = &inv.components.items[i];

        if (c->name && ks_map_get(&names, c->name, strlen(c->name)))
            picked[npicked++] = *c;
    }
    /* A view of the inventory with only those components (borrowed). */
    sub = inv;
    sub.components.items = picked;
    sub.components.len = npicked;
    sub.components.cap = npicked;
    sc.packages = scope.items;
    sc.npackages = scope.len;
    err = apply_with(db, st, account, rid, type, &sub, "vulndb", &sc, &res, NULL, diag);
done:
    if (err == KS_ENOMEM)
        err = ks_diag_set(diag, err, "out of memory");
    free(picked);
    KS_VEC_RELEASE(&scope);
    ks_map_release(&names);
    ks_arena_release(&arena);
    ks_inventory_release(&inv);
    return err;
}

struct rematch {
    /* Inventories are collected first: the store cannot be written while
     * its query is still being read. */
    struct item {
        int64_t account;
        char *rid, *type, *body;
    } *items;
    size_t len, cap;
};

static ks_err collect_inventory(int64_t account, const char *rid, const char *type,
                                const char *body, void *ctx)
{
    struct rematch *r = ctx;
    struct item it = {account, strdup(rid), strdup(type), body ? strdup(body) : NULL};

    if (!it.rid || !it.type || (body && !it.body) ||
        ks_vec_reserve((void **)&r->items, &r->cap, sizeof(*r->items), r->len + 1)) {
        free(it.rid);
        free(it.type);
        free(it.body);
        return KS_ENOMEM;
    }
    r->items[r->len++] = it;
    return KS_OK;
}

static ks_err collect_resource(int64_t account, const char *rid, void *ctx)
{
    return collect_inventory(account, rid, "", NULL, ctx);
}

static void rematch_release(struct rematch *r)
{
    for (size_t i = 0; i < r->len; i++) {
        free(r->items[i].rid);
        free(r->items[i].type);
        free(r->items[i].body);
    }
    free(r->items);
}

/* Resources are re-evaluated in batches of this many per transaction: far
 * fewer commits, and the write lock is released between batches for the
 * submissions waiting. */
#define REEVAL_BATCH 64

/* Before resource `i`: commits the previous batch, opens the next. */
static ks_err batch_step(struct ks_store *st, size_t i, struct ks_diag *diag)
{
    ks_err err = KS_OK;

    if (i % REEVAL_BATCH)
        return KS_OK;
    if (i)
        err = ks_store_batch_end(st, diag);
    return err ? err : ks_store_batch_begin(st, diag);
}

/* Commits what the last batch did, also after a failure (every resource
 * applied all or nothing). */
static ks_err batch_done(struct ks_store *st, ks_err err, struct ks_diag *diag)
{
    struct ks_diag d = KS_DIAG_INIT;
    ks_err end = ks_store_batch_end(st, err ? &d : diag);

    return err ? err : end;
}

/* Every stored inventory (and its package keys, which a store from before
 * they existed lacks). */
static ks_err rematch_all(const struct ks_server_config *cfg, struct ks_vdb *db,
                          struct ks_store *st, size_t *n, struct ks_diag *diag)
{
    struct rematch r = {NULL, 0, 0};
    ks_err err = ks_store_inventories_latest(st, collect_inventory, &r, diag);

    if (err == KS_ENOMEM)
        err = ks_diag_set(diag, err, "out of memory");
    for (size_t i = 0; !err && i < r.len; i++) {
        err = batch_step(st, i, diag);
        if (!err)
            err = rematch_one(cfg, db, st, r.items[i].account, r.items[i].rid, r.items[i].type,
                              r.items[i].body, NULL, diag);
        if (!err)
            (*n)++;
    }
    err = batch_done(st, err, diag);
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
                           struct ks_store *st, const struct keyset *k, size_t *n,
                           struct ks_diag *diag)
{
    struct rematch r = {NULL, 0, 0};
    struct ks_arena arena = KS_ARENA_INIT(65536, 0);
    ks_err err = ks_store_resources_with(st, k->items, k->len, collect_resource, &r, diag);

    if (err == KS_ENOMEM)
        err = ks_diag_set(diag, err, "out of memory");
    for (size_t i = 0; !err && i < r.len; i++) {
        const char *type, *body;

        ks_arena_reset(&arena);
        err = ks_store_inventory_latest(st, r.items[i].account, r.items[i].rid, &arena, &type,
                                        &body, diag);
        if (err == KS_ENOTFOUND) { /* removed since: nothing to re-match */
            err = KS_OK;
            continue;
        }
        if (!err)
            err = batch_step(st, i, diag);
        if (!err)
            err = rematch_one(cfg, db, st, r.items[i].account, r.items[i].rid, type, body, k,
                              diag);
        if (!err)
            (*n)++;
    }
    err = batch_done(st, err, diag);
    ks_arena_release(&arena);
    rematch_release(&r);
    return err;
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
        err = rematch_all(cfg, db, st, &out->inventories, diag);
        atomic_fetch_add(&m_runs_full, 1);
        if (seen[0])
            atomic_fetch_add(&m_fallbacks, 1);
    } else {
        out->packages = k.len;
        out->imports = nimports;
        if (k.len)
            err = rematch_keys(cfg, db, st, &k, &out->inventories, diag);
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
