/* store/store.c - the store's logic, written once for every backend. */
#include "core/ks_common.h"

#include "store/store.h"

#include "core/hash.h"
#include "core/map.h"
#include "store/driver.h"

#include <sys/random.h>

struct ks_store {
    const struct ks_driver *drv;
    void *conn;
};

#define Q(st, sql, args, fn, ctx, diag)                                                            \
    (st)->drv->query((st)->conn, (sql), (args), KS_ARRAY_LEN(args), (fn), (ctx), (diag))

static ks_err get_int(const struct ks_sqlrow *r, void *ctx)
{
    *(int64_t *)ctx = r->integer(r, 0);
    return KS_OK;
}

/* ---- open and migrate ---- */

static ks_err migrate(struct ks_store *st, struct ks_diag *diag)
{
    static const struct ks_sqlv none[1] = {{KS_SQLV_NULL, NULL, 0, 0, 0}};
    int64_t version = 0;
    ks_err err;

    err = st->drv->script(st->conn,
                          "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)", diag);
    if (err)
        return err;
    err = st->drv->query(st->conn,
                         "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'schema_version'",
                         none, 0, get_int, &version, diag);
    if (err)
        return err;
    if (version > (int64_t)st->drv->nmigrations)
        return ks_diag_set(diag, KS_EDB,
                           "store schema version %lld is newer than this kensa understands (%zu)",
                           (long long)version, st->drv->nmigrations);
    for (size_t v = (size_t)version; v < st->drv->nmigrations; v++) {
        struct ks_sqlv args[1] = {KS_SQL_INT((int64_t)v + 1)};

        err = st->drv->begin(st->conn, diag);
        if (!err)
            err = st->drv->script(st->conn, st->drv->migrations[v], diag);
        if (!err)
            err = Q(st,
                    "INSERT INTO meta(key, value) VALUES ('schema_version', $1) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    args, NULL, NULL, diag);
        if (!err)
            err = st->drv->commit(st->conn, diag);
        if (err) {
            st->drv->rollback(st->conn);
            return ks_diag_prefix(diag, "migration to schema version %zu: ", v + 1);
        }
    }
    return KS_OK;
}

ks_err ks_store_open(const char *location, struct ks_store **out, struct ks_diag *diag)
{
    struct ks_store *st = calloc(1, sizeof(*st));
    ks_err err;

    if (!st)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    err = ks_store_sqlite_open(location, &st->drv, &st->conn, diag);
    if (!err)
        err = migrate(st, diag);
    if (err) {
        ks_store_close(st);
        return err;
    }
    *out = st;
    return KS_OK;
}

void ks_store_close(struct ks_store *st)
{
    if (!st)
        return;
    if (st->drv)
        st->drv->close(st->conn);
    free(st);
}

/* Runs `work` in one transaction: committed when it returns KS_OK, rolled
 * back otherwise. */
static ks_err in_tx(struct ks_store *st, ks_err (*work)(struct ks_store *, void *), void *ctx,
                    struct ks_diag *diag)
{
    ks_err err = st->drv->begin(st->conn, diag);

    if (err)
        return err;
    err = work(st, ctx);
    if (!err)
        err = st->drv->commit(st->conn, diag);
    if (err)
        st->drv->rollback(st->conn);
    return err;
}

/* ---- accounts ---- */

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static ks_err read_account(const struct ks_sqlrow *r, void *ctx)
{
    struct ks_account *a = ctx;

    a->id = r->integer(r, 0);
    copy(a->name, sizeof(a->name), r->text(r, 1));
    a->admin = r->integer(r, 2) != 0;
    a->created_at = r->integer(r, 3);
    return KS_OK;
}

ks_err ks_store_account_create(struct ks_store *st, const char *name, bool admin, int64_t now,
                               int64_t *id, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_TEXT(name), KS_SQL_INT(admin), KS_SQL_INT(now)};
    int64_t exists = 0;
    struct ks_sqlv q[] = {KS_SQL_TEXT(name)};
    ks_err err;

    if (!name || !*name || strlen(name) >= sizeof(((struct ks_account *)0)->name))
        return ks_diag_set(diag, KS_EINVAL, "account names are 1 to 127 bytes");
    err = Q(st, "SELECT count(*) FROM accounts WHERE name = $1", q, get_int, &exists, diag);
    if (err)
        return err;
    if (exists)
        return ks_diag_set(diag, KS_EINVAL, "account '%s' exists", name);
    *id = 0;
    return Q(st,
             "INSERT INTO accounts(name, admin, created_at) VALUES ($1, $2, $3) RETURNING id",
             args, get_int, id, diag);
}

ks_err ks_store_account_get(struct ks_store *st, int64_t id, struct ks_account *out,
                            struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(id)};
    ks_err err;

    out->id = 0;
    err = Q(st, "SELECT id, name, admin, created_at FROM accounts WHERE id = $1", args,
            read_account, out, diag);
    if (!err && !out->id)
        return ks_diag_set(diag, KS_ENOTFOUND, "no account %lld", (long long)id);
    return err;
}

struct list_ctx {
    ks_store_account_fn *fn;
    void *ctx;
};

static ks_err each_account(const struct ks_sqlrow *r, void *ctx)
{
    struct list_ctx *l = ctx;
    struct ks_account a;

    read_account(r, &a);
    return l->fn(&a, l->ctx);
}

ks_err ks_store_account_list(struct ks_store *st, ks_store_account_fn *fn, void *ctx,
                             struct ks_diag *diag)
{
    struct list_ctx l = {fn, ctx};

    return st->drv->query(st->conn, "SELECT id, name, admin, created_at FROM accounts ORDER BY id",
                          NULL, 0, each_account, &l, diag);
}

ks_err ks_store_has_admin(struct ks_store *st, bool *out, struct ks_diag *diag)
{
    int64_t n = 0;
    ks_err err = st->drv->query(st->conn, "SELECT count(*) FROM accounts WHERE admin = 1", NULL, 0,
                                get_int, &n, diag);

    *out = n > 0;
    return err;
}

/* ---- tokens ---- */

/* Tokens are 32 random bytes; only their SHA-256 is stored, so a copy of
 * the store does not hand out working credentials. */
static void token_hash(const char *token, char hex[KS_SHA256_HEX])
{
    unsigned char d[KS_SHA256_LEN];

    ks_sha256(token, strlen(token), d);
    ks_hex(d, sizeof(d), hex);
}

ks_err ks_store_token_create(struct ks_store *st, int64_t account, const char *label, int64_t now,
                             char token[KS_TOKEN_LEN], int64_t *token_id, struct ks_diag *diag)
{
    unsigned char raw[32];
    char hex[KS_SHA256_HEX];
    size_t got = 0;

    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ks_diag_errno(diag, KS_EINTERNAL, "cannot get random bytes");
        }
        got += (size_t)n;
    }
    memcpy(token, "ks_", 3);
    ks_hex(raw, sizeof(raw), token + 3);
    token_hash(token, hex);
    {
        struct ks_sqlv args[] = {KS_SQL_INT(account), KS_SQL_TEXT(hex), KS_SQL_TEXT(label),
                                 KS_SQL_INT(now)};
        *token_id = 0;
        return Q(st,
                 "INSERT INTO tokens(account, hash, label, created_at) VALUES ($1, $2, $3, $4) "
                 "RETURNING id",
                 args, get_int, token_id, diag);
    }
}

ks_err ks_store_token_auth(struct ks_store *st, const char *token, struct ks_account *out,
                           struct ks_diag *diag)
{
    char hex[KS_SHA256_HEX];
    struct ks_sqlv args[1];
    ks_err err;

    if (!token || strncmp(token, "ks_", 3) || strlen(token) != KS_TOKEN_LEN - 1)
        return KS_ENOTFOUND;
    token_hash(token, hex);
    args[0] = KS_SQL_TEXT(hex);
    out->id = 0;
    err = Q(st,
            "SELECT a.id, a.name, a.admin, a.created_at FROM tokens t JOIN accounts a "
            "ON a.id = t.account WHERE t.hash = $1 AND t.deleted_at IS NULL",
            args, read_account, out, diag);
    if (err)
        return err;
    return out->id ? KS_OK : KS_ENOTFOUND;
}

ks_err ks_store_token_delete(struct ks_store *st, int64_t id, int64_t account,
                             struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(id), KS_SQL_INT(account)};
    ks_err err = Q(st,
                   "UPDATE tokens SET deleted_at = 1 WHERE id = $1 AND deleted_at IS NULL "
                   "AND ($2 = 0 OR account = $2)",
                   args, NULL, NULL, diag);

    if (!err && st->drv->changes(st->conn) == 0)
        return ks_diag_set(diag, KS_ENOTFOUND, "no token %lld", (long long)id);
    return err;
}

/* ---- resources and inventories ---- */

ks_err ks_store_resource_put(struct ks_store *st, int64_t account, const char *rid,
                             const char *type, const char *tags_json, int64_t now,
                             struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account), KS_SQL_TEXT(rid), KS_SQL_TEXT(type),
                             KS_SQL_TEXT(tags_json), KS_SQL_INT(now)};

    return Q(st,
             "INSERT INTO resources(account, rid, type, tags, created_at, updated_at) "
             "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT(account, rid) DO UPDATE SET "
             "type = excluded.type, tags = COALESCE(excluded.tags, resources.tags), "
             "updated_at = excluded.updated_at",
             args, NULL, NULL, diag);
}

struct inv_put {
    int64_t account;
    const char *rid, *digest, *body;
    size_t len;
    int64_t now;
    bool *changed;
    struct ks_diag *diag;
};

static ks_err get_text_eq(const struct ks_sqlrow *r, void *ctx)
{
    struct inv_put *p = ctx;
    const char *d = r->text(r, 0);

    *p->changed = !d || strcmp(d, p->digest);
    return KS_OK;
}

static ks_err inventory_put_tx(struct ks_store *st, void *ctx)
{
    struct inv_put *p = ctx;
    struct ks_sqlv key[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid)};
    struct ks_sqlv ins[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid), KS_SQL_TEXT(p->digest),
                            {KS_SQLV_TEXT, p->body, p->len, 0, 0}, KS_SQL_INT(p->now)};
    struct ks_sqlv upd[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid), KS_SQL_INT(p->now)};
    ks_err err;

    *p->changed = true;
    err = Q(st, "SELECT digest FROM inventories WHERE account = $1 AND rid = $2 AND latest = 1",
            key, get_text_eq, p, p->diag);
    if (!err)
        err = Q(st, "UPDATE inventories SET latest = 0 WHERE account = $1 AND rid = $2 AND latest = 1",
                key, NULL, NULL, p->diag);
    if (!err)
        err = Q(st,
                "INSERT INTO inventories(account, rid, digest, body, received_at, latest) "
                "VALUES ($1, $2, $3, $4, $5, 1)",
                ins, NULL, NULL, p->diag);
    if (!err)
        err = Q(st,
                "UPDATE resources SET last_inventory_at = $3 WHERE account = $1 AND rid = $2", upd,
                NULL, NULL, p->diag);
    return err;
}

ks_err ks_store_inventory_put(struct ks_store *st, int64_t account, const char *rid,
                              const char *digest, const char *body, size_t len, int64_t now,
                              bool *changed, struct ks_diag *diag)
{
    struct inv_put p = {account, rid, digest, body, len, now, changed, diag};

    return in_tx(st, inventory_put_tx, &p, diag);
}

/* ---- findings ---- */

struct stored {
    char *status;
    char *body;
    bool seen;
};

struct apply {
    int64_t account;
    const char *rid;
    const struct ks_finding_row *rows;
    size_t n;
    const char *cause;
    int64_t now;
    struct ks_apply_result *res;
    struct ks_diag *diag;
    struct ks_arena arena;
    struct ks_map existing; /* finding id -> struct stored */
    ks_err oom;
};

static ks_err load_existing(const struct ks_sqlrow *r, void *ctx)
{
    struct apply *a = ctx;
    struct stored *s = ks_arena_calloc(&a->arena, 1, sizeof(*s));
    const char *id = ks_arena_strdup(&a->arena, r->text(r, 0));

    if (!s || !id)
        return KS_ENOMEM;
    s->status = ks_arena_strdup(&a->arena, r->text(r, 1));
    s->body = ks_arena_strdup(&a->arena, r->text(r, 2));
    if (!s->status || !s->body)
        return KS_ENOMEM;
    return ks_map_put(&a->existing, id, strlen(id), s);
}

static ks_err history(struct ks_store *st, struct apply *a, const char *id, const char *from,
                      const char *to, const char *kind)
{
    struct ks_sqlv h[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(id), KS_SQL_INT(a->now),
                          KS_SQL_TEXT(from), KS_SQL_TEXT(to), KS_SQL_TEXT(a->cause)};
    struct ks_sqlv o[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(kind), KS_SQL_TEXT(id),
                          KS_SQL_INT(a->now)};
    ks_err err = Q(st,
                   "INSERT INTO finding_history(account, finding, at, from_status, to_status, "
                   "cause) VALUES ($1, $2, $3, $4, $5, $6)",
                   h, NULL, NULL, a->diag);

    if (!err)
        err = Q(st,
                "INSERT INTO outbox(account, kind, subject, created_at, next_at) "
                "VALUES ($1, $2, $3, $4, $4)",
                o, NULL, NULL, a->diag);
    return err;
}

static ks_err apply_row(struct ks_store *st, struct apply *a, const struct ks_finding_row *f)
{
    struct stored *s = ks_map_get(&a->existing, f->id, strlen(f->id));
    struct ks_sqlv row[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(f->id), KS_SQL_TEXT(a->rid),
                            KS_SQL_TEXT(f->type), KS_SQL_TEXT(f->vuln_id),
                            KS_SQL_TEXT(f->severity), KS_SQL_REAL(f->score),
                            KS_SQL_TEXT(f->title), KS_SQL_TEXT(f->package),
                            KS_SQL_TEXT(f->body), KS_SQL_INT(a->now)};
    ks_err err;

    if (!s) {
        a->res->opened++;
        err = Q(st,
                "INSERT INTO findings(account, id, rid, type, vuln_id, severity, score, title, "
                "package, body, status, first_observed, last_observed, updated_at) VALUES "
                "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'ACTIVE', $11, $11, $11)",
                row, NULL, NULL, a->diag);
        return err ? err : history(st, a, f->id, NULL, "ACTIVE", "finding.created");
    }
    if (s->seen)
        return ks_diag_set(a->diag, KS_EINVAL, "finding '%s' given twice", f->id);
    s->seen = true;
    if (!strcmp(s->status, "CLOSED")) {
        a->res->reopened++;
        err = Q(st,
                "UPDATE findings SET rid = $3, type = $4, vuln_id = $5, severity = $6, "
                "score = $7, title = $8, package = $9, body = $10, status = 'ACTIVE', "
                "last_observed = $11, updated_at = $11 WHERE account = $1 AND id = $2",
                row, NULL, NULL, a->diag);
        return err ? err : history(st, a, f->id, "CLOSED", "ACTIVE", "finding.updated");
    }
    if (strcmp(s->body, f->body)) {
        a->res->updated++;
        err = Q(st,
                "UPDATE findings SET rid = $3, type = $4, vuln_id = $5, severity = $6, "
                "score = $7, title = $8, package = $9, body = $10, last_observed = $11, "
                "updated_at = $11 WHERE account = $1 AND id = $2",
                row, NULL, NULL, a->diag);
        return err ? err : history(st, a, f->id, s->status, s->status, "finding.updated");
    }
    a->res->reobserved++;
    {
        struct ks_sqlv seen[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(f->id), KS_SQL_INT(a->now)};
        return Q(st, "UPDATE findings SET last_observed = $3 WHERE account = $1 AND id = $2",
                 seen, NULL, NULL, a->diag);
    }
}

static ks_err apply_tx(struct ks_store *st, void *ctx)
{
    struct apply *a = ctx;
    struct ks_sqlv key[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(a->rid)};
    struct ks_map_slot *slot;
    size_t pos = 0;
    ks_err err;

    err = Q(st, "SELECT id, status, body FROM findings WHERE account = $1 AND rid = $2", key,
            load_existing, a, a->diag);
    if (err == KS_ENOMEM)
        return ks_diag_set(a->diag, err, "out of memory");
    for (size_t i = 0; !err && i < a->n; i++)
        err = apply_row(st, a, &a->rows[i]);
    for (slot = ks_map_next(&a->existing, &pos); !err && slot;
         slot = ks_map_next(&a->existing, &pos)) {
        struct stored *s = slot->value;
        struct ks_sqlv close[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(slot->key),
                                  KS_SQL_INT(a->now)};

        if (s->seen || !strcmp(s->status, "CLOSED"))
            continue;
        a->res->closed++;
        err = Q(st,
                "UPDATE findings SET status = 'CLOSED', updated_at = $3 "
                "WHERE account = $1 AND id = $2",
                close, NULL, NULL, a->diag);
        if (!err)
            err = history(st, a, slot->key, s->status, "CLOSED", "finding.closed");
    }
    return err;
}

ks_err ks_store_findings_apply(struct ks_store *st, int64_t account, const char *rid,
                               const struct ks_finding_row *rows, size_t n, const char *cause,
                               int64_t now, struct ks_apply_result *res, struct ks_diag *diag)
{
    struct apply a;
    ks_err err;

    memset(&a, 0, sizeof(a));
    memset(res, 0, sizeof(*res));
    a.account = account;
    a.rid = rid;
    a.rows = rows;
    a.n = n;
    a.cause = cause;
    a.now = now;
    a.res = res;
    a.diag = diag;
    ks_arena_init(&a.arena, 65536, 0);
    err = in_tx(st, apply_tx, &a, diag);
    if (err)
        memset(res, 0, sizeof(*res));
    ks_map_release(&a.existing);
    ks_arena_release(&a.arena);
    return err;
}

static ks_err read_state(const struct ks_sqlrow *r, void *ctx)
{
    struct ks_finding_state *s = ctx;

    copy(s->status, sizeof(s->status), r->text(r, 0));
    s->first_observed = r->integer(r, 1);
    s->last_observed = r->integer(r, 2);
    s->updated = r->integer(r, 3);
    return KS_OK;
}

ks_err ks_store_finding_state(struct ks_store *st, int64_t account, const char *id,
                              struct ks_finding_state *out, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_TEXT(id), KS_SQL_INT(account)};
    ks_err err;

    out->status[0] = '\0';
    err = Q(st,
            "SELECT status, first_observed, last_observed, updated_at FROM findings "
            "WHERE id = $1 AND ($2 = 0 OR account = $2)",
            args, read_state, out, diag);
    if (!err && !out->status[0])
        return ks_diag_set(diag, KS_ENOTFOUND, "no finding '%s'", id);
    return err;
}

struct get_ctx {
    struct ks_arena *arena;
    const char **body;
    struct ks_finding_state *state;
    bool oom;
};

static ks_err read_finding(const struct ks_sqlrow *r, void *ctx)
{
    struct get_ctx *g = ctx;

    read_state(r, g->state);
    *g->body = ks_arena_strdup(g->arena, r->text(r, 4));
    return *g->body ? KS_OK : KS_ENOMEM;
}

ks_err ks_store_finding_get(struct ks_store *st, int64_t account, const char *id,
                            struct ks_arena *arena, const char **body,
                            struct ks_finding_state *state, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_TEXT(id), KS_SQL_INT(account)};
    struct get_ctx g = {arena, body, state, false};
    ks_err err;

    state->status[0] = '\0';
    *body = NULL;
    err = Q(st,
            "SELECT status, first_observed, last_observed, updated_at, body FROM findings "
            "WHERE id = $1 AND ($2 = 0 OR account = $2)",
            args, read_finding, &g, diag);
    if (err == KS_ENOMEM)
        return ks_diag_set(diag, err, "out of memory");
    if (!err && !*body)
        return ks_diag_set(diag, KS_ENOTFOUND, "no finding '%s'", id);
    return err;
}

struct hist_ctx {
    ks_store_history_fn *fn;
    void *ctx;
};

static ks_err each_history(const struct ks_sqlrow *r, void *ctx)
{
    struct hist_ctx *h = ctx;

    return h->fn(r->integer(r, 0), r->text(r, 1), r->text(r, 2), r->text(r, 3), h->ctx);
}

ks_err ks_store_finding_history(struct ks_store *st, const char *id, ks_store_history_fn *fn,
                                void *ctx, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_TEXT(id)};
    struct hist_ctx h = {fn, ctx};

    return Q(st,
             "SELECT at, from_status, to_status, cause FROM finding_history "
             "WHERE finding = $1 ORDER BY id",
             args, each_history, &h, diag);
}

ks_err ks_store_outbox_count(struct ks_store *st, int64_t *out, struct ks_diag *diag)
{
    *out = 0;
    return st->drv->query(st->conn, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL", NULL,
                          0, get_int, out, diag);
}
