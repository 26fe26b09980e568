/* store/store.c - the store's logic, written once for every backend. */
#include "core/ks_common.h"

#include "store/store.h"

#include "core/hash.h"
#include "core/map.h"
#include "core/vec.h"
#include "store/driver.h"
#include "store/filter.h"
#include "formats/json.h"


struct ks_store {
    const struct ks_driver *drv;
    void *conn;
    bool batch; /* in ks_store_batch_begin(): operations share its transaction */
    bool bulk;  /* the driver's bulk_sql ran */
    /* Descriptions this connection wrote (text_key -> description, in
     * `texts_arena`): each is written once, not once per finding. Kept
     * across its commits while no other connection wrote to the store
     * (`texts_version`: the backend's count of other connections'
     * commits, when it has one), forgotten on a rollback. */
    struct ks_map texts;
    struct ks_arena texts_arena;
    int64_t texts_version;
};

/* After a commit or a rollback: what the store holds is unknown again. */
static void texts_forget(struct ks_store *st)
{
    ks_map_release(&st->texts);
    ks_arena_release(&st->texts_arena);
    ks_arena_init(&st->texts_arena, 16384, 0);
}

#define Q(st, sql, args, fn, ctx, diag)                                                            \
    (st)->drv->query((st)->conn, (sql), (args), KS_ARRAY_LEN(args), (fn), (ctx), (diag))

static ks_err get_int(const struct ks_sqlrow *r, void *ctx);

/* At the start of a transaction: the descriptions known to be stored stay
 * known unless another connection committed since (or the backend cannot
 * tell). */
static void texts_check(struct ks_store *st)
{
    int64_t v = -1;

    if (st->drv->data_version_sql &&
        st->drv->query(st->conn, st->drv->data_version_sql, NULL, 0, get_int, &v, NULL))
        v = -1;
    if (v < 0 || v != st->texts_version)
        texts_forget(st);
    st->texts_version = v;
}

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
    if (version > (int64_t)ks_store_nmigrations)
        return ks_diag_set(diag, KS_EDB,
                           "store schema version %lld is newer than this kensa understands (%zu)",
                           (long long)version, ks_store_nmigrations);
    for (size_t v = (size_t)version; v < ks_store_nmigrations; v++) {
        struct ks_sqlv args[1] = {KS_SQL_INT((int64_t)v + 1)};
        struct ks_buf ddl = KS_BUF_INIT(0);
        const char *p = ks_store_migrations[v], *hit;

        /* "@ID@" becomes the backend's auto-numbered key column. */
        for (hit = strstr(p, "@ID@"); hit && !err; hit = strstr(p, "@ID@")) {
            err = ks_buf_add(&ddl, p, (size_t)(hit - p));
            if (!err)
                err = ks_buf_adds(&ddl, st->drv->id_column);
            p = hit + 4;
        }
        if (!err)
            err = ks_buf_adds(&ddl, p);
        if (err) {
            ks_buf_release(&ddl);
            return ks_diag_set(diag, err, "out of memory");
        }
        err = st->drv->begin(st->conn, diag);
        if (!err)
            err = st->drv->script(st->conn, ks_buf_str(&ddl), diag);
        ks_buf_release(&ddl);
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
    ks_arena_init(&st->texts_arena, 16384, 0);
    if (!strncmp(location, "postgresql://", 13) || !strncmp(location, "postgres://", 11))
        err = ks_store_pg_open(location, &st->drv, &st->conn, diag);
    else
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
    texts_forget(st);
    ks_arena_release(&st->texts_arena);
    free(st);
}

/* Runs `work` in one transaction: committed when it returns KS_OK, rolled
 * back otherwise. */
static ks_err in_tx(struct ks_store *st, ks_err (*work)(struct ks_store *, void *), void *ctx,
                    struct ks_diag *diag)
{
    ks_err err;

    if (st->batch) {
        /* Inside a batch: a failure takes the whole batch back (no
         * savepoint per operation: its journal, the original of every
         * page the operation changes, cost as much as the changes). */
        err = work(st, ctx);
        if (err) {
            st->drv->rollback(st->conn);
            st->batch = false;
            texts_forget(st);
        }
        return err;
    }
    err = st->drv->begin(st->conn, diag);

    if (err)
        return err;
    texts_check(st);
    err = work(st, ctx);
    if (!err)
        err = st->drv->commit(st->conn, diag);
    if (err) {
        st->drv->rollback(st->conn);
        texts_forget(st);
    }
    return err;
}

ks_err ks_store_batch_begin(struct ks_store *st, struct ks_diag *diag)
{
    ks_err err;

    if (st->batch)
        return ks_diag_set(diag, KS_EINVAL, "a store batch is already open");
    if (!st->bulk && st->drv->bulk_sql) {
        err = st->drv->script(st->conn, st->drv->bulk_sql, diag);
        if (err)
            return err;
        st->bulk = true;
    }
    err = st->drv->begin(st->conn, diag);
    st->batch = !err;
    if (!err)
        texts_check(st);
    return err;
}

ks_err ks_store_batch_end(struct ks_store *st, struct ks_diag *diag)
{
    ks_err err;

    if (!st->batch)
        return KS_OK;
    st->batch = false;
    err = st->drv->commit(st->conn, diag);
    if (err) {
        st->drv->rollback(st->conn);
        texts_forget(st);
    }
    return err;
}

ks_err ks_store_checkpoint(struct ks_store *st, struct ks_diag *diag)
{
    return st->drv->checkpoint_sql ? st->drv->script(st->conn, st->drv->checkpoint_sql, diag)
                                   : KS_OK;
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
    char hex[KS_SHA256_HEX];

    memcpy(token, "ks_", 3);
    if (ks_random_hex(token + 3, 32))
        return ks_diag_errno(diag, KS_EINTERNAL, "cannot get random bytes");
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

struct res_put {
    int64_t account;
    const char *rid, *type, *tags_json;
    const struct ks_value *tags;
    int64_t now;
    struct ks_diag *diag;
};

static ks_err resource_put_tx(struct ks_store *st, void *ctx)
{
    struct res_put *p = ctx;
    struct ks_sqlv args[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid), KS_SQL_TEXT(p->type),
                             KS_SQL_TEXT(p->tags_json), KS_SQL_INT(p->now)};
    struct ks_sqlv key[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid)};
    ks_err err = Q(st,
                   "INSERT INTO resources(account, rid, type, tags, created_at, updated_at) "
                   "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT(account, rid) DO UPDATE SET "
                   "type = excluded.type, tags = COALESCE(excluded.tags, resources.tags), "
                   "updated_at = excluded.updated_at",
                   args, NULL, NULL, p->diag);

    if (err || !p->tags)
        return err;
    err = Q(st, "DELETE FROM resource_tags WHERE account = $1 AND rid = $2", key, NULL, NULL,
            p->diag);
    for (size_t i = 0; !err && i < p->tags->u.o.len; i++) {
        struct ks_sqlv t[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid),
                              KS_SQL_TEXT(p->tags->u.o.items[i].key),
                              KS_SQL_TEXT(ks_value_str(p->tags->u.o.items[i].value))};
        err = Q(st, "INSERT INTO resource_tags(account, rid, key, value) VALUES ($1, $2, $3, $4)",
                t, NULL, NULL, p->diag);
    }
    return err;
}

ks_err ks_store_resource_put(struct ks_store *st, int64_t account, const char *rid,
                             const char *type, const char *tags_json, int64_t now,
                             struct ks_diag *diag)
{
    struct ks_arena arena = KS_ARENA_INIT(4096, 16u << 20);
    struct res_put p = {account, rid, type, tags_json, NULL, now, diag};
    struct ks_limits lim = ks_limits_default;
    struct ks_value *tags = NULL;
    ks_err err = KS_OK;

    lim.max_file_size = 1u << 20;
    lim.max_json_depth = 2;
    if (tags_json) {
        err = ks_json_parse(&arena, "tags", tags_json, strlen(tags_json), &lim, &tags, diag);
        if (!err && tags->type != KS_VOBJECT)
            err = ks_diag_set(diag, KS_EINVAL, "tags must be a JSON object");
        for (size_t i = 0; !err && i < tags->u.o.len; i++)
            if (!ks_value_str(tags->u.o.items[i].value) || !*tags->u.o.items[i].key)
                err = ks_diag_set(diag, KS_EINVAL, "tag '%s' must have a string value",
                                  tags->u.o.items[i].key);
        if (err == KS_EPARSE || err == KS_ELIMIT)
            err = KS_EINVAL;
        p.tags = tags;
    }
    if (!err)
        err = in_tx(st, resource_put_tx, &p, diag);
    ks_arena_release(&arena);
    return err;
}

struct inv_put {
    int64_t account;
    const char *rid, *digest, *body, *packed;
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
                "UPDATE resources SET last_inventory_at = $3, revision = revision + 1 "
                "WHERE account = $1 AND rid = $2",
                upd, NULL, NULL, p->diag);
    /* The packed form is the latest inventory's or none (never an older
     * inventory's). */
    if (!err && p->packed) {
        struct ks_sqlv pk[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid), KS_SQL_TEXT(p->packed)};

        err = Q(st,
                "INSERT INTO inventory_packed(account, rid, packed) VALUES ($1, $2, $3) "
                "ON CONFLICT(account, rid) DO UPDATE SET packed = excluded.packed",
                pk, NULL, NULL, p->diag);
    } else if (!err) {
        err = Q(st, "DELETE FROM inventory_packed WHERE account = $1 AND rid = $2", key, NULL,
                NULL, p->diag);
    }
    return err;
}

ks_err ks_store_inventory_put(struct ks_store *st, int64_t account, const char *rid,
                              const char *digest, const char *body, size_t len,
                              const char *packed, int64_t now, bool *changed,
                              struct ks_diag *diag)
{
    struct inv_put p = {account, rid, digest, body, packed, len, now, changed, diag};

    return in_tx(st, inventory_put_tx, &p, diag);
}

struct inv_each {
    ks_store_inventory_fn *fn;
    void *ctx;
};

static ks_err each_inventory(const struct ks_sqlrow *r, void *ctx)
{
    struct inv_each *e = ctx;

    return e->fn(r->integer(r, 0), r->text(r, 1), r->text(r, 2), r->text(r, 3), r->text(r, 4),
                 r->integer(r, 5), e->ctx);
}

/* The latest inventories' columns: (account, rid, type, body, packed,
 * revision), the body only without a packed form. */
#define LATEST_INVENTORY                                                                           \
    "SELECT i.account, i.rid, r.type, CASE WHEN p.packed IS NULL THEN i.body END, p.packed, "     \
    "r.revision "                                                                                  \
    "FROM inventories i JOIN resources r ON r.account = i.account AND r.rid = i.rid "             \
    "LEFT JOIN inventory_packed p ON p.account = i.account AND p.rid = i.rid "                    \
    "WHERE i.latest = 1"

ks_err ks_store_inventories_latest(struct ks_store *st, ks_store_inventory_fn *fn, void *ctx,
                                   struct ks_diag *diag)
{
    struct inv_each e = {fn, ctx};

    return st->drv->query(st->conn, LATEST_INVENTORY " ORDER BY i.account, i.rid", NULL, 0,
                          each_inventory, &e, diag);
}

struct keys_put {
    int64_t account;
    const char *rid;
    const struct ks_pkg_key *keys;
    size_t n;
    struct ks_diag *diag;
};

#define KEYS_PER_INSERT 32

static ks_err keys_put_tx(struct ks_store *st, void *ctx)
{
    char batch_sql[96 + KEYS_PER_INSERT * 24];
    struct keys_put *p = ctx;
    struct ks_sqlv key[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid)};
    struct ks_sqlv args[2 + 2 * KEYS_PER_INSERT];
    ks_err err = Q(st, "DELETE FROM inventory_packages WHERE account = $1 AND rid = $2", key,
                   NULL, NULL, p->diag);
    size_t i = 0;

    /* Whole batches in one statement (always the same text, so the driver
     * prepares it once). */
    {
        size_t len = (size_t)snprintf(batch_sql, sizeof(batch_sql),
                                      "INSERT INTO inventory_packages(account, rid, ecosystem, "
                                      "name) VALUES ");
        for (int k = 0; k < KEYS_PER_INSERT; k++)
            len += (size_t)snprintf(batch_sql + len, sizeof(batch_sql) - len, "%s($1, $2, $%d, $%d)",
                                    k ? ", " : "", 3 + 2 * k, 4 + 2 * k);
        snprintf(batch_sql + len, sizeof(batch_sql) - len, " ON CONFLICT DO NOTHING");
    }
    args[0] = key[0];
    args[1] = key[1];
    for (; !err && i + KEYS_PER_INSERT <= p->n; i += KEYS_PER_INSERT) {
        for (size_t k = 0; k < KEYS_PER_INSERT; k++) {
            args[2 + 2 * k] = KS_SQL_TEXT(p->keys[i + k].ecosystem);
            args[3 + 2 * k] = KS_SQL_TEXT(p->keys[i + k].name);
        }
        err = Q(st, batch_sql, args, NULL, NULL, p->diag);
    }
    for (; !err && i < p->n; i++) {
        struct ks_sqlv row[] = {KS_SQL_INT(p->account), KS_SQL_TEXT(p->rid),
                                KS_SQL_TEXT(p->keys[i].ecosystem), KS_SQL_TEXT(p->keys[i].name)};

        err = Q(st,
                "INSERT INTO inventory_packages(account, rid, ecosystem, name) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                row, NULL, NULL, p->diag);
    }
    return err;
}

static ks_err check_keys(const struct ks_pkg_key *keys, size_t n, struct ks_diag *diag)
{
    for (size_t i = 0; i < n; i++)
        if (!keys[i].ecosystem || !keys[i].name)
            return ks_diag_set(diag, KS_EINVAL, "a package key needs an ecosystem and a name");
    return KS_OK;
}

ks_err ks_store_inventory_keys_put(struct ks_store *st, int64_t account, const char *rid,
                                   const struct ks_pkg_key *keys, size_t n,
                                   struct ks_diag *diag)
{
    struct keys_put p = {account, rid, keys, n, diag};
    ks_err err = check_keys(keys, n, diag);

    return err ? err : in_tx(st, keys_put_tx, &p, diag);
}

struct with_ctx {
    struct ks_arena arena;
    struct ks_map seen; /* "account:rid" -> 1 */
    struct {
        int64_t account;
        const char *rid;
    } *items;
    size_t len, cap;
};

static ks_err collect_resource(const struct ks_sqlrow *r, void *ctx)
{
    struct with_ctx *w = ctx;
    const char *rid = r->text(r, 1);
    int64_t account = r->integer(r, 0);
    size_t n = rid ? strlen(rid) : 0;
    char stack[256], *k;

    /* The key: the account's 8 bytes, then the rid (one row per resource
     * and changed package: hundreds of thousands in a fleet's run). Only
     * a resource not seen yet is copied. */
    if (!rid)
        return KS_OK;
    k = n + sizeof(account) + 1 <= sizeof(stack) ? stack
                                                 : ks_arena_alloc(&w->arena, n + sizeof(account) + 1);
    if (!k)
        return KS_ENOMEM;
    memcpy(k, &account, sizeof(account));
    memcpy(k + sizeof(account), rid, n + 1);
    if (ks_map_get(&w->seen, k, n + sizeof(account)))
        return KS_OK;
    if (k == stack) {
        k = ks_arena_alloc(&w->arena, n + sizeof(account) + 1);
        if (!k)
            return KS_ENOMEM;
        memcpy(k, stack, n + sizeof(account) + 1);
    }
    if (ks_map_put(&w->seen, k, n + sizeof(account), (void *)1) ||
        ks_vec_reserve((void **)&w->items, &w->cap, sizeof(*w->items), w->len + 1))
        return KS_ENOMEM;
    w->items[w->len].account = account;
    w->items[w->len].rid = k + sizeof(account);
    w->len++;
    return KS_OK;
}

ks_err ks_store_resources_with(struct ks_store *st, const struct ks_pkg_key *keys, size_t n,
                               ks_store_resource_fn *fn, void *ctx, struct ks_diag *diag)
{
    struct with_ctx w;
    ks_err err = KS_OK;

    memset(&w, 0, sizeof(w));
    ks_arena_init(&w.arena, 65536, 0);
    /* One index probe per key; the resources are collected first so that
     * `fn` runs outside any statement. */
    for (size_t i = 0; !err && i < n; i++) {
        struct ks_sqlv args[] = {KS_SQL_TEXT(keys[i].ecosystem), KS_SQL_TEXT(keys[i].name)};

        err = Q(st, "SELECT account, rid FROM inventory_packages WHERE ecosystem = $1 AND name = $2",
                args, collect_resource, &w, diag);
    }
    if (err == KS_ENOMEM)
        err = ks_diag_set(diag, err, "out of memory");
    for (size_t i = 0; !err && i < w.len; i++)
        err = fn(w.items[i].account, w.items[i].rid, ctx);
    free(w.items);
    ks_map_release(&w.seen);
    ks_arena_release(&w.arena);
    return err;
}

struct latest_ctx {
    struct ks_arena *arena;
    const char **type, **body, **packed;
    int64_t *revision;
};

static ks_err read_latest(const struct ks_sqlrow *r, void *ctx)
{
    struct latest_ctx *l = ctx;
    const char *body = r->text(r, 3), *packed = r->text(r, 4);

    *l->revision = r->integer(r, 5);
    *l->type = ks_arena_strdup(l->arena, r->text(r, 2));
    if (packed)
        *l->packed = ks_arena_strdup(l->arena, packed);
    else if (body)
        *l->body = ks_arena_strdup(l->arena, body);
    return *l->type && (*l->packed || *l->body) ? KS_OK : KS_ENOMEM;
}

ks_err ks_store_inventory_latest(struct ks_store *st, int64_t account, const char *rid,
                                 struct ks_arena *arena, const char **type, const char **body,
                                 const char **packed, int64_t *revision, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account), KS_SQL_TEXT(rid)};
    struct latest_ctx l = {arena, type, body, packed, revision};
    ks_err err;

    *type = *body = *packed = NULL;
    err = Q(st, LATEST_INVENTORY " AND i.account = $1 AND i.rid = $2", args, read_latest,
            &l, diag);
    if (err == KS_ENOMEM)
        return ks_diag_set(diag, err, "out of memory");
    if (!err && !*type)
        return ks_diag_set(diag, KS_ENOTFOUND, "resource '%s' has no inventory", rid);
    return err;
}

ks_err ks_store_resource_revision(struct ks_store *st, int64_t account, const char *rid,
                                  int64_t *out, struct ks_diag *diag)
{
    struct ks_sqlv key[] = {KS_SQL_INT(account), KS_SQL_TEXT(rid)};

    *out = -1;
    return Q(st, "SELECT revision FROM resources WHERE account = $1 AND rid = $2", key, get_int,
             out, diag);
}

struct doc_ctx {
    struct ks_arena *arena;
    const char **body;
};

static ks_err read_document(const struct ks_sqlrow *r, void *ctx)
{
    struct doc_ctx *c = ctx;

    *c->body = ks_arena_strdup(c->arena, r->text(r, 0));
    return *c->body ? KS_OK : KS_ENOMEM;
}

ks_err ks_store_inventory_document(struct ks_store *st, int64_t account, const char *rid,
                                   struct ks_arena *arena, const char **body,
                                   struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account), KS_SQL_TEXT(rid)};
    struct doc_ctx c = {arena, body};
    ks_err err;

    *body = NULL;
    err = Q(st, "SELECT body FROM inventories WHERE account = $1 AND rid = $2 AND latest = 1",
            args, read_document, &c, diag);
    if (err == KS_ENOMEM)
        return ks_diag_set(diag, err, "out of memory");
    if (!err && !*body)
        return ks_diag_set(diag, KS_ENOTFOUND, "resource '%s' has no inventory", rid);
    return err;
}

ks_err ks_store_inventory_count(struct ks_store *st, int64_t *out, struct ks_diag *diag)
{
    *out = 0;
    return st->drv->query(st->conn, "SELECT count(*) FROM inventories WHERE latest = 1", NULL, 0,
                          get_int, out, diag);
}

struct meta_ctx {
    char *out;
    size_t size;
    bool too_long;
};

static ks_err read_meta(const struct ks_sqlrow *r, void *ctx)
{
    struct meta_ctx *m = ctx;
    const char *v = r->text(r, 0);

    if (v && strlen(v) >= m->size)
        m->too_long = true;
    else
        copy(m->out, m->size, v);
    return KS_OK;
}

ks_err ks_store_meta_get(struct ks_store *st, const char *key, char *out, size_t size,
                         struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_TEXT(key)};
    struct meta_ctx m = {out, size, false};
    ks_err err;

    out[0] = '\0';
    err = Q(st, "SELECT value FROM meta WHERE key = $1", args, read_meta, &m, diag);
    if (!err && m.too_long)
        return ks_diag_set(diag, KS_ELIMIT, "store value '%s' is too long", key);
    return err;
}

ks_err ks_store_meta_set(struct ks_store *st, const char *key, const char *value,
                         struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_TEXT(key), KS_SQL_TEXT(value)};

    return Q(st,
             "INSERT INTO meta(key, value) VALUES ($1, $2) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
             args, NULL, NULL, diag);
}

/* ---- findings ---- */

static ks_err suppression_refresh(struct ks_store *st, int64_t account, const char *rid,
                                  int64_t now, const char *cause, struct ks_diag *diag);

struct stored {
    char *status;
    int64_t history_head; /* its latest history row (0: none) */
    bool same_body; /* the stored body is the incoming row's (compared as read) */
    char *vuln_id, *severity; /* indexed columns (NULL when NULL) */
    bool seen;
};

/* What an apply reads of a resource's stored findings before it writes:
 * read by the apply itself, or ahead of it through another connection
 * (ks_store_findings_ahead). */
struct ks_findings_ahead {
    struct ks_arena arena;
    struct ks_map map; /* finding id -> struct stored */
    int64_t revision;  /* the resource's, read with the findings; -1: unknown */
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
    struct ks_findings_ahead own; /* read by this apply */
    struct ks_findings_ahead *ex;  /* `own`, or a read-ahead still current */
    struct ks_findings_ahead *ahead; /* given by the caller, or NULL */
    bool read_ahead; /* reading for ks_store_findings_ahead(): with the revision */
    const char *const *packages; /* the scope (NULL: every finding of the resource) */
    size_t npackages;
    bool reobserve; /* a new inventory: unchanged findings were observed again */
    struct ks_map scope; /* `packages` as a set, when read with one query */
    bool put_keys; /* replace the resource's package keys with `keys` */
    const struct ks_pkg_key *keys;
    size_t nkeys;
    bool events; /* the account has a webhook: transitions are queued as events */
    struct ks_map incoming; /* finding id -> its row in `rows` */
};

/* Both NULL or equal. */
static bool same_value(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static ks_err load_existing(const struct ks_sqlrow *r, void *ctx)
{
    struct apply *a = ctx;
    struct ks_arena *arena = &a->ex->arena;
    struct stored *s;
    const char *id, *pkg = r->text(r, 3);

    if (a->read_ahead)
        a->ex->revision = r->integer(r, 8);
    if (!r->text(r, 0))
        return KS_OK; /* the resource, without findings */
    if (a->scope.len && (!pkg || !ks_map_get(&a->scope, pkg, strlen(pkg))))
        return KS_OK; /* another package's finding: out of scope */
    s = ks_arena_calloc(arena, 1, sizeof(*s));
    id = ks_arena_strdup(arena, r->text(r, 0));
    if (!s || !id)
        return KS_ENOMEM;
    s->status = ks_arena_strdup(arena, r->text(r, 1));
    if (!s->status)
        return KS_ENOMEM;
    /* Compared here rather than copied: most bodies are unchanged. */
    {
        const struct ks_finding_row *in = ks_map_get(&a->incoming, id, strlen(id));
        size_t len, in_len = in ? (in->body_len ? in->body_len : strlen(in->body)) : 0;
        const char *body = r->bytes(r, 2, &len); /* NOT NULL: NULL is "" */

        s->same_body = in && len == in_len && (!len || !memcmp(in->body, body, len)) &&
                       same_value(in->text_key, r->text(r, 7));
    }
    if (r->text(r, 4) && !(s->vuln_id = ks_arena_strdup(arena, r->text(r, 4))))
        return KS_ENOMEM;
    if (r->text(r, 5) && !(s->severity = ks_arena_strdup(arena, r->text(r, 5))))
        return KS_ENOMEM;
    s->history_head = r->integer(r, 6);
    return ks_map_put(&a->ex->map, id, strlen(id), s);
}

/* Events are only kept for accounts with somewhere to deliver them: without
 * a webhook they would be written and drained for nothing (at fleet scale
 * that doubled the store). A webhook added later sees events from then on. */
#define NEEDS_EVENTS(account) "WHERE EXISTS (SELECT 1 FROM webhooks WHERE account = " account ")"

/* Raises the revision of resource `rid` (ks_store_resource_revision): every
 * write to a resource's findings calls this in its transaction (a new
 * inventory raises it in its own update of the resource), so that what was
 * read of them before can tell it is stale. */
static ks_err revision_up(struct ks_store *st, int64_t account, const char *rid,
                          struct ks_diag *diag)
{
    struct ks_sqlv key[] = {KS_SQL_INT(account), KS_SQL_TEXT(rid)};

    return Q(st, "UPDATE resources SET revision = revision + 1 WHERE account = $1 AND rid = $2",
             key, NULL, NULL, diag);
}

/* Appends a transition of finding `id` to its history chain (`prev` its
 * latest row so far, 0 for none); `*row` the new row, which the caller
 * stores as the finding's history_head in the same transaction. */
static ks_err history_add(struct ks_store *st, int64_t account, const char *id, int64_t prev,
                          int64_t at, const char *from, const char *to, const char *cause,
                          int64_t *row, struct ks_diag *diag)
{
    struct ks_sqlv h[] = {KS_SQL_INT(account),
                          KS_SQL_TEXT(id),
                          KS_SQL_INT(at),
                          KS_SQL_TEXT(from),
                          KS_SQL_TEXT(to),
                          KS_SQL_TEXT(cause),
                          prev ? KS_SQL_INT(prev) : KS_SQL_TEXT(NULL)};
    ks_err err;

    *row = 0;
#define HISTORY_INSERT                                                                             \
    "INSERT INTO finding_history(account, finding, at, from_status, to_status, cause, prev) "     \
    "VALUES ($1, $2, $3, $4, $5, $6, $7)"
    if (st->drv->last_id) {
        err = Q(st, HISTORY_INSERT, h, NULL, NULL, diag);
        if (!err)
            *row = st->drv->last_id(st->conn);
    } else {
        err = Q(st, HISTORY_INSERT " RETURNING id", h, get_int, row, diag);
    }
#undef HISTORY_INSERT
    if (!err && !*row)
        err = ks_diag_set(diag, KS_EDB, "no id for a history row of finding '%s'", id);
    return err;
}

/* A transition of an apply: its history row (into `*row`) and, when the
 * account takes events, its event. */
static ks_err history(struct ks_store *st, struct apply *a, const char *id, int64_t prev,
                      const char *from, const char *to, const char *kind, int64_t *row)
{
    struct ks_sqlv o[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(kind), KS_SQL_TEXT(id),
                          KS_SQL_INT(a->now)};
    ks_err err = history_add(st, a->account, id, prev, a->now, from, to, a->cause, row, a->diag);

    if (!err && a->events)
        err = Q(st,
                "INSERT INTO outbox(account, kind, subject, created_at, next_at) "
                "SELECT $1, $2, $3, $4, $4 " NEEDS_EVENTS("$1"),
                o, NULL, NULL, a->diag);
    return err;
}

/* In `texts`: the advisory has no description (no finding_texts row). */
static char no_text[1];

/* Stores the description of `f`'s advisory (none: no row), unless this
 * transaction already did; a row is only written when the text changed. */
static ks_err text_put(struct ks_store *st, const struct ks_finding_row *f, struct ks_diag *diag)
{
    const char *known = ks_map_get(&st->texts, f->text_key, strlen(f->text_key));
    struct ks_sqlv args[] = {KS_SQL_TEXT(f->text_key), KS_SQL_TEXT(f->description)};
    char *key, *text = no_text;
    ks_err err;

    if (known && (f->description ? known != no_text && !strcmp(known, f->description)
                                 : known == no_text))
        return KS_OK;
    if (f->description)
        err = Q(st,
                "INSERT INTO finding_texts(text_key, description) VALUES ($1, $2) "
                "ON CONFLICT(text_key) DO UPDATE SET description = excluded.description "
                "WHERE finding_texts.description <> excluded.description",
                args, NULL, NULL, diag);
    else
        err = Q(st, "DELETE FROM finding_texts WHERE text_key = $1", args, NULL, NULL, diag);
    if (err)
        return err;
    key = ks_arena_strdup(&st->texts_arena, f->text_key);
    if (f->description)
        text = ks_arena_strdup(&st->texts_arena, f->description);
    if (!key || !text || ks_map_put(&st->texts, key, strlen(key), text))
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    return KS_OK;
}

/* The SEVERITY sort key (indexed: see schema.c). */
static int64_t severity_rank(const char *severity)
{
    static const char *const bands[] = {"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

    for (size_t i = 0; severity && i < KS_ARRAY_LEN(bands); i++)
        if (!strcmp(severity, bands[i]))
            return (int64_t)i + 1;
    return 0;
}

/* Every column of a finding from apply_row()'s `row`, observed now. */
#define SET_WHOLE_ROW                                                                              \
    "rid = $3, type = $4, vuln_id = $5, severity = $6, score = $7, title = $8, package = $9, "   \
    "body = $10, last_observed = $11, updated_at = $11, package_version = $12, "                 \
    "fix_available = $13, exploit_available = $14, vendor_severity = $15, vuln_source = $16, "   \
    "epss = $17, severity_rank = $18, history_head = $19, text_key = $20, text_at = $21"

static ks_err apply_row(struct ks_store *st, struct apply *a, const struct ks_finding_row *f)
{
    struct stored *s = ks_map_get(&a->ex->map, f->id, strlen(f->id));
    struct ks_sqlv row[] = {KS_SQL_INT(a->account),
                            KS_SQL_TEXT(f->id),
                            KS_SQL_TEXT(a->rid),
                            KS_SQL_TEXT(f->type),
                            KS_SQL_TEXT(f->vuln_id),
                            KS_SQL_TEXT(f->severity),
                            KS_SQL_REAL(f->score),
                            KS_SQL_TEXT(f->title),
                            KS_SQL_TEXT(f->package),
                            KS_SQL_TEXT(f->body),
                            KS_SQL_INT(a->now),
                            KS_SQL_TEXT(f->package_version),
                            KS_SQL_TEXT(f->fix_available),
                            KS_SQL_TEXT(f->exploit_available),
                            KS_SQL_TEXT(f->vendor_severity),
                            KS_SQL_TEXT(f->vuln_source),
                            f->has_epss ? KS_SQL_REAL(f->epss) : KS_SQL_TEXT(NULL),
                            KS_SQL_INT(severity_rank(f->severity)),
                            KS_SQL_INT(0) /* $19: the history row, set below */,
                            KS_SQL_TEXT(f->text_key),
                            f->text_key ? KS_SQL_INT((int64_t)f->text_at) : KS_SQL_TEXT(NULL)};
    int64_t hid;
    ks_err err = KS_OK;

    /* The description first: it changes without the finding changing. */
    if (f->text_key && (err = text_put(st, f, a->diag)))
        return err;

    /* Each write below first appends the transition to the finding's
     * history, then stores the finding with that row as its head. */
    if (!s) {
        a->res->opened++;
        err = history(st, a, f->id, 0, NULL, "ACTIVE", "finding.created", &hid);
        row[18] = KS_SQL_INT(hid);
        return err ? err
                   : Q(st,
                       "INSERT INTO findings(account, id, rid, type, vuln_id, severity, score, "
                       "title, package, body, status, first_observed, last_observed, updated_at, "
                       "package_version, fix_available, exploit_available, vendor_severity, "
                       "vuln_source, epss, severity_rank, history_head, text_key, text_at) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'ACTIVE', $11, $11, "
                       "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
                       row, NULL, NULL, a->diag);
    }
    if (s->seen)
        return ks_diag_set(a->diag, KS_EINVAL, "finding '%s' given twice", f->id);
    s->seen = true;
    if (!strcmp(s->status, "CLOSED")) {
        a->res->reopened++;
        err = history(st, a, f->id, s->history_head, "CLOSED", "ACTIVE", "finding.updated", &hid);
        row[18] = KS_SQL_INT(hid);
        return err ? err
                   : Q(st,
                       "UPDATE findings SET status = 'ACTIVE', " SET_WHOLE_ROW
                       " WHERE account = $1 AND id = $2",
                       row, NULL, NULL, a->diag);
    }
    if (!s->same_body) {
        a->res->updated++;
        err = history(st, a, f->id, s->history_head, s->status, s->status, "finding.updated",
                      &hid);
        row[18] = KS_SQL_INT(hid);
    }
    if (!s->same_body && !err && !a->reobserve && same_value(s->vuln_id, f->vuln_id) &&
        same_value(s->severity, f->severity)) {
        /* New advisory data that leaves every indexed column as it is
         * (the usual case: a corrected description or reference): only
         * the row changes, none of the findings indexes. */
        struct ks_sqlv upd[] = {row[0],  row[1],  row[3],  row[6],  row[7],
                                row[9],  row[10], row[12], row[13], row[14],
                                row[15], row[16], row[18], row[19], row[20]};

        return Q(st,
                 "UPDATE findings SET type = $3, score = $4, title = $5, body = $6, "
                 "updated_at = $7, fix_available = $8, exploit_available = $9, "
                 "vendor_severity = $10, vuln_source = $11, epss = $12, history_head = $13, "
                 "text_key = $14, text_at = $15 WHERE account = $1 AND id = $2",
                 upd, NULL, NULL, a->diag);
    }
    if (!s->same_body && !err && !a->reobserve) {
        /* New advisory data for the same finding (same resource and
         * package): the resource was not observed again, and the columns
         * that cannot change are left out, sparing their indexes. */
        struct ks_sqlv upd[] = {row[0],  row[1],  row[3],  row[4],  row[5],  row[6],
                                row[7],  row[9],  row[10], row[12], row[13], row[14],
                                row[15], row[16], row[17], row[18], row[19], row[20]};

        return Q(st,
                 "UPDATE findings SET type = $3, vuln_id = $4, severity = $5, score = $6, "
                 "title = $7, body = $8, updated_at = $9, fix_available = $10, "
                 "exploit_available = $11, vendor_severity = $12, vuln_source = $13, epss = $14, "
                 "severity_rank = $15, history_head = $16, text_key = $17, text_at = $18 "
                 "WHERE account = $1 AND id = $2",
                 upd, NULL, NULL, a->diag);
    }
    if (!s->same_body) {
        return err ? err
                   : Q(st, "UPDATE findings SET " SET_WHOLE_ROW " WHERE account = $1 AND id = $2",
                       row, NULL, NULL, a->diag);
    }
    a->res->reobserved++;
    if (!a->reobserve)
        return KS_OK; /* same inventory, same finding: nothing to write */
    {
        struct ks_sqlv seen[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(f->id), KS_SQL_INT(a->now)};
        return Q(st, "UPDATE findings SET last_observed = $3 WHERE account = $1 AND id = $2",
                 seen, NULL, NULL, a->diag);
    }
}

/* The columns load_existing() reads; the resource's revision
 * after them for a read-ahead. */
#define EXISTING_COLUMNS                                                                           \
    "f.id, f.status, f.body, f.package, f.vuln_id, f.severity, f.history_head, f.text_key"

/* Reads what the apply needs of the stored findings into a->ex (the
 * incoming ids, for comparing bodies as they are read, and the scope
 * first). A read-ahead reads the resource's revision in the same
 * statement (one snapshot), and the whole resource (one statement). */
static ks_err read_existing(struct ks_store *st, struct apply *a)
{
    struct ks_sqlv key[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(a->rid)};
    ks_err err = KS_OK;

    for (size_t i = 0; !err && i < a->n; i++)
        if (ks_map_put(&a->incoming, a->rows[i].id, strlen(a->rows[i].id),
                       (void *)(uintptr_t)&a->rows[i]))
            err = ks_diag_set(a->diag, KS_ENOMEM, "out of memory");
    /* A few packages: one index probe each; many: one read of the
     * resource's findings, filtered here (fewer statements). */
    if (!err && a->packages && (a->npackages > 8 || a->read_ahead)) {
        for (size_t i = 0; !err && i < a->npackages; i++)
            if (ks_map_put(&a->scope, a->packages[i], strlen(a->packages[i]), (void *)1))
                err = KS_ENOMEM;
    }
    if (!err && a->read_ahead) {
        a->ex->revision = -1;
        err = Q(st,
                "SELECT " EXISTING_COLUMNS ", r.revision FROM resources r "
                "LEFT JOIN findings f ON f.account = r.account AND f.rid = r.rid "
                "WHERE r.account = $1 AND r.rid = $2",
                key, load_existing, a, a->diag);
    } else if (!err && (!a->packages || a->scope.len)) {
        err = Q(st,
                "SELECT " EXISTING_COLUMNS " FROM findings f WHERE f.account = $1 AND f.rid = $2",
                key, load_existing, a, a->diag);
    }
    for (size_t i = 0; a->packages && !a->scope.len && !err && i < a->npackages; i++) {
        struct ks_sqlv pk[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(a->rid),
                               KS_SQL_TEXT(a->packages[i])};

        err = Q(st,
                "SELECT " EXISTING_COLUMNS " FROM findings f "
                "WHERE f.account = $1 AND f.rid = $2 AND f.package = $3",
                pk, load_existing, a, a->diag);
    }
    if (err == KS_ENOMEM)
        return ks_diag_set(a->diag, err, "out of memory");
    return err;
}

static ks_err apply_tx(struct ks_store *st, void *ctx)
{
    struct apply *a = ctx;
    struct ks_map_slot *slot;
    size_t pos = 0;
    int64_t revision = -1;
    ks_err err = KS_OK;

    if (a->put_keys) {
        struct keys_put p = {a->account, a->rid, a->keys, a->nkeys, a->diag};
        err = keys_put_tx(st, &p);
    }
    if (!err) {
        struct ks_sqlv acc[] = {KS_SQL_INT(a->account)};
        int64_t hooks = 0;

        err = Q(st, "SELECT COUNT(*) FROM webhooks WHERE account = $1", acc, get_int, &hooks,
                a->diag);
        a->events = hooks != 0;
    }
    /* A read-ahead stands for the stored findings while the resource's
     * revision is the one it read (every change of its findings
     * counts it up, in the same transaction). */
    if (!err && a->ahead && a->ahead->revision >= 0)
        err = ks_store_resource_revision(st, a->account, a->rid, &revision, a->diag);
    if (!err && a->ahead && revision >= 0 && revision == a->ahead->revision)
        a->ex = a->ahead;
    else if (!err)
        err = read_existing(st, a);
    if (!err)
        err = revision_up(st, a->account, a->rid, a->diag);
    if (err == KS_ENOMEM)
        return ks_diag_set(a->diag, err, "out of memory");
    for (size_t i = 0; !err && i < a->n; i++)
        err = apply_row(st, a, &a->rows[i]);
    for (slot = ks_map_next(&a->ex->map, &pos); !err && slot;
         slot = ks_map_next(&a->ex->map, &pos)) {
        struct stored *s = slot->value;
        int64_t hid;

        if (s->seen || !strcmp(s->status, "CLOSED"))
            continue;
        a->res->closed++;
        err = history(st, a, slot->key, s->history_head, s->status, "CLOSED", "finding.closed",
                      &hid);
        if (!err) {
            struct ks_sqlv close[] = {KS_SQL_INT(a->account), KS_SQL_TEXT(slot->key),
                                      KS_SQL_INT(a->now), KS_SQL_INT(hid)};

            err = Q(st,
                    "UPDATE findings SET status = 'CLOSED', updated_at = $3, history_head = $4 "
                    "WHERE account = $1 AND id = $2",
                    close, NULL, NULL, a->diag);
        }
    }
    /* New and reopened findings meet the suppression rules at once. */
    return err ? err : suppression_refresh(st, a->account, a->rid, a->now, "filter", a->diag);
}

static void apply_init(struct apply *a)
{
    memset(a, 0, sizeof(*a));
    ks_arena_init(&a->own.arena, 65536, 0);
    a->own.revision = -1;
    a->ex = &a->own;
}

static void apply_release(struct apply *a)
{
    ks_map_release(&a->own.map);
    ks_arena_release(&a->own.arena);
    ks_map_release(&a->scope);
    ks_map_release(&a->incoming);
}

static ks_err findings_apply(struct ks_store *st, int64_t account, const char *rid,
                             const char *const *packages, size_t npackages, bool reobserve,
                             bool put_keys, const struct ks_pkg_key *keys, size_t nkeys,
                             struct ks_findings_ahead *ahead,
                             const struct ks_finding_row *rows, size_t n, const char *cause,
                             int64_t now, struct ks_apply_result *res, struct ks_diag *diag)
{
    struct apply a;
    ks_err err;

    apply_init(&a);
    memset(res, 0, sizeof(*res));
    a.account = account;
    a.rid = rid;
    a.rows = rows;
    a.n = n;
    a.cause = cause;
    a.now = now;
    a.res = res;
    a.diag = diag;
    a.packages = packages;
    a.npackages = npackages;
    a.reobserve = reobserve;
    a.put_keys = put_keys;
    a.keys = keys;
    a.nkeys = nkeys;
    a.ahead = ahead;
    err = in_tx(st, apply_tx, &a, diag);
    if (err)
        memset(res, 0, sizeof(*res));
    apply_release(&a);
    return err;
}

ks_err ks_store_findings_apply(struct ks_store *st, int64_t account, const char *rid,
                               const struct ks_finding_row *rows, size_t n, const char *cause,
                               int64_t now, struct ks_apply_result *res, struct ks_diag *diag)
{
    return findings_apply(st, account, rid, NULL, 0, true, false, NULL, 0, NULL, rows, n, cause,
                          now, res, diag);
}

ks_err ks_store_findings_apply_keys(struct ks_store *st, int64_t account, const char *rid,
                                    const struct ks_pkg_key *keys, size_t nkeys,
                                    const struct ks_finding_row *rows, size_t n,
                                    const char *cause, int64_t now, struct ks_apply_result *res,
                                    struct ks_diag *diag)
{
    ks_err err = check_keys(keys, nkeys, diag);

    return err ? err
               : findings_apply(st, account, rid, NULL, 0, true, true, keys, nkeys, NULL, rows,
                                n, cause, now, res, diag);
}

ks_err ks_store_findings_reapply(struct ks_store *st, int64_t account, const char *rid,
                                 const char *const *packages, size_t npackages,
                                 struct ks_findings_ahead *ahead,
                                 const struct ks_finding_row *rows, size_t n, const char *cause,
                                 int64_t now, struct ks_apply_result *res, struct ks_diag *diag)
{
    return findings_apply(st, account, rid, packages, npackages, false, false, NULL, 0, ahead,
                          rows, n, cause, now, res, diag);
}

ks_err ks_store_findings_ahead(struct ks_store *rd, int64_t account, const char *rid,
                               const char *const *packages, size_t npackages,
                               const struct ks_finding_row *rows, size_t n,
                               struct ks_findings_ahead **out, struct ks_diag *diag)
{
    struct ks_findings_ahead *ahead = calloc(1, sizeof(*ahead));
    struct apply a;
    ks_err err;

    *out = NULL;
    if (!ahead)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    ks_arena_init(&ahead->arena, 65536, 0);
    apply_init(&a);
    a.account = account;
    a.rid = rid;
    a.rows = rows;
    a.n = n;
    a.diag = diag;
    a.packages = packages;
    a.npackages = npackages;
    a.ex = ahead;
    a.read_ahead = true;
    err = read_existing(rd, &a);
    apply_release(&a);
    if (err) {
        ks_store_findings_ahead_free(ahead);
        return err;
    }
    *out = ahead;
    return KS_OK;
}

void ks_store_findings_ahead_free(struct ks_findings_ahead *ahead)
{
    if (!ahead)
        return;
    ks_map_release(&ahead->map);
    ks_arena_release(&ahead->arena);
    free(ahead);
}

/* A stored body with its description put back (see ks_finding_row):
 * columns `at` (text_at) and `at + 1` (the description) of `r`; the body
 * itself when it is whole. The result lives in `b` or in the row. */
static const char *whole_body(const struct ks_sqlrow *r, const char *body, int at,
                              struct ks_buf *b, ks_err *err)
{
    const char *text = r->text(r, at + 1);
    int64_t pos = r->integer(r, at);

    *err = KS_OK;
    if (!body || !text || pos < 1 || (size_t)pos >= strlen(body))
        return body;
    ks_buf_reset(b);
    *err = ks_buf_add(b, body, (size_t)pos);
    if (!*err)
        *err = ks_buf_adds(b, ",\"description\":");
    if (!*err)
        *err = ks_json_quote(b, text, strlen(text));
    if (!*err)
        *err = ks_buf_adds(b, body + pos);
    return *err ? NULL : ks_buf_str(b);
}

/* The columns whole_body() reads, and the join that gives them. */
#define TEXT_COLUMNS "f.text_at, t.description"
#define WITH_TEXTS "findings f LEFT JOIN finding_texts t ON t.text_key = f.text_key"

/* Finding `$1` of account `$2`, or of any account when `$2` is 0: a probe
 * of the primary key (account, id) per account, never a scan. */
#define FINDING_OF_ACCOUNT "account IN (SELECT id FROM accounts WHERE $2 = 0 OR id = $2) AND id = $1"

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
            "WHERE " FINDING_OF_ACCOUNT,
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
    struct ks_buf b = KS_BUF_INIT(0);
    const char *body;
    ks_err err;

    read_state(r, g->state);
    body = whole_body(r, r->text(r, 4), 5, &b, &err);
    *g->body = body ? ks_arena_strdup(g->arena, body) : NULL;
    ks_buf_release(&b);
    return err ? err : *g->body ? KS_OK : KS_ENOMEM;
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
            "SELECT f.status, f.first_observed, f.last_observed, f.updated_at, f.body, "
            TEXT_COLUMNS " FROM " WITH_TEXTS " WHERE " FINDING_OF_ACCOUNT,
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

ks_err ks_store_finding_history(struct ks_store *st, int64_t account, const char *id,
                                ks_store_history_fn *fn, void *ctx, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_TEXT(id), KS_SQL_INT(account)};
    struct hist_ctx h = {fn, ctx};

    /* A chain from the finding's latest row back (see schema.c). */
    return Q(st,
             "WITH RECURSIVE chain(id, prev, at, from_status, to_status, cause) AS ("
             "SELECT id, prev, at, from_status, to_status, cause FROM finding_history "
             "WHERE id IN (SELECT history_head FROM findings WHERE " FINDING_OF_ACCOUNT ") "
             "UNION ALL SELECT h.id, h.prev, h.at, h.from_status, h.to_status, h.cause "
             "FROM finding_history h JOIN chain c ON h.id = c.prev) "
             "SELECT at, from_status, to_status, cause FROM chain ORDER BY id",
             args, each_history, &h, diag);
}

ks_err ks_store_outbox_count(struct ks_store *st, int64_t *out, struct ks_diag *diag)
{
    *out = 0;
    return st->drv->query(st->conn, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL", NULL,
                          0, get_int, out, diag);
}

/* ---- filters and listing ---- */

ks_err ks_store_filter_check(const struct ks_value *criteria, struct ks_diag *diag)
{
    struct ks_sqlfrag f;
    ks_err err;

    ks_sqlfrag_init(&f);
    err = ks_filter_compile(criteria, &f, diag);
    ks_sqlfrag_release(&f);
    return err;
}

/* Page tokens: "SORT|ORDER|account|KEYLEN|RIDLEN|" then the sort key, the
 * resource id and the finding id back to back (any of them may hold '|'),
 * hex-encoded so they are opaque to clients and safe in any transport. */
static void token_encode(const char *plain, char *out, size_t n)
{
    size_t len = strlen(plain);

    if (2 * len + 1 > n) {
        out[0] = '\0';
        return;
    }
    ks_hex((const unsigned char *)plain, len, out);
}

static bool token_decode(const char *hex, char *out, size_t n)
{
    size_t len = strlen(hex);

    if (len % 2 || len / 2 + 1 > n)
        return false;
    for (size_t i = 0; i < len / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !v)
            return false;
        out[i] = (char)v;
    }
    out[len / 2] = '\0';
    return true;
}

struct list_ctx2 {
    ks_store_finding_fn *fn;
    void *ctx;
    size_t max, seen;
    bool numeric;
    char last[KS_PAGE_TOKEN_MAX / 2]; /* token of the max-th row */
    struct ks_buf body; /* a row's body with its description */
    bool too_long; /* its sort key cannot go in a token */
    const char *sort;
    enum ks_sort_order order;
};

static ks_err each_finding(const struct ks_sqlrow *r, void *vctx)
{
    struct list_ctx2 *l = vctx;
    struct ks_finding_state st;
    const char *body;
    ks_err err;

    if (++l->seen > l->max)
        return KS_OK; /* the look-ahead row: only says there is a next page */
    copy(st.status, sizeof(st.status), r->text(r, 3));
    st.first_observed = r->integer(r, 4);
    st.last_observed = r->integer(r, 5);
    st.updated = r->integer(r, 6);
    if (l->seen == l->max) {
        const char *kt = r->text(r, 7), *rid = r->text(r, 8);
        char key[64];
        int len;

        if (l->numeric)
            snprintf(key, sizeof(key), "%.17g", r->real(r, 7));
        kt = l->numeric ? key : kt ? kt : "";
        len = snprintf(l->last, sizeof(l->last), "%s|%s|%lld|%zu|%zu|%s%s%s", l->sort,
                       l->order == KS_SORT_ASC ? "ASC" : "DESC", (long long)r->integer(r, 1),
                       strlen(kt), strlen(rid), kt, rid, r->text(r, 0));
        l->too_long = len < 0 || (size_t)len >= sizeof(l->last);
    }
    body = whole_body(r, r->text(r, 2), 9, &l->body, &err);
    return err ? err : l->fn(r->text(r, 0), r->integer(r, 1), body, &st, l->ctx);
}

struct plan_ctx {
    struct ks_buf *out;
    int col;
};

static ks_err plan_line(const struct ks_sqlrow *r, void *ctx)
{
    struct plan_ctx *p = ctx;
    const char *t = r->text(r, p->col);
    ks_err err = ks_buf_adds(p->out, t ? t : "");

    return err ? err : ks_buf_addc(p->out, '\n');
}

/* The list query of `q`: run (calling `fn`), or with `plan` explained. */
static ks_err findings_list(struct ks_store *st, const struct ks_list_query *q,
                            ks_store_finding_fn *fn, void *ctx, char *next, size_t next_size,
                            struct ks_buf *plan, struct ks_diag *diag)
{
    struct list_ctx2 l;
    struct ks_sqlfrag f;
    const char *sort = q->sort_field ? q->sort_field : "LAST_OBSERVED_AT";
    const char *expr;
    const char *dir = q->order == KS_SORT_ASC ? ">" : "<";
    char plain[KS_PAGE_TOKEN_MAX / 2], parts[KS_PAGE_TOKEN_MAX / 2 + 2];
    ks_err err;

    memset(&l, 0, sizeof(l));
    next[0] = '\0';
    expr = ks_sort_expr(sort, &l.numeric);
    if (!expr)
        return ks_diag_set(diag, KS_EINVAL, "sortCriteria.field '%s' is not supported", sort);
    if (q->max < 1 || q->max > 100)
        return ks_diag_set(diag, KS_EINVAL, "maxResults must be 1 to 100");
    l.fn = fn;
    l.ctx = ctx;
    l.max = q->max;
    l.sort = sort;
    l.order = q->order;
    ks_sqlfrag_init(&f);
    err = ks_buf_addf(&f.sql,
                      "SELECT f.id, f.account, f.body, f.status, f.first_observed, "
                      "f.last_observed, f.updated_at, %s, f.rid, " TEXT_COLUMNS " FROM " WITH_TEXTS
                      " WHERE ",
                      expr);
    if (!err)
        err = ks_filter_compile(q->criteria, &f, diag);
    if (!err && q->account) {
        err = ks_buf_adds(&f.sql, " AND f.account = ");
        if (!err)
            err = ks_sqlfrag_arg(&f, KS_SQL_INT(q->account));
    }
    if (!err && q->next_token && *q->next_token) {
        /* Keyset pagination: strictly after the last row of the previous
         * page in (key, account, rid, id) order, so inserts never shift
         * pages. */
        char *fld[5], *p = plain, *end;
        size_t nf = 0, klen, rlen;

        if (!token_decode(q->next_token, plain, sizeof(plain)))
            goto bad_token;
        for (fld[nf++] = p; *p && nf < 5; p++)
            if (*p == '|') {
                *p = '\0';
                fld[nf++] = p + 1;
            }
        if (nf != 5 || strcmp(fld[0], sort) ||
            strcmp(fld[1], q->order == KS_SORT_ASC ? "ASC" : "DESC"))
            goto bad_token;
        p = strchr(fld[4], '|');
        klen = strtoul(fld[3], &end, 10);
        if (!p || *end)
            goto bad_token;
        rlen = strtoul(fld[4], &end, 10);
        /* Each length on its own first: their sum could wrap. */
        if (end != p || klen > strlen(p + 1) || rlen > strlen(p + 1) - klen)
            goto bad_token;
        {
            long long acct = strtoll(fld[2], &end, 10);
            /* The three values apart, each NUL-terminated. */
            char *kv = parts, *rid = kv + klen + 1, *id = rid + rlen + 1;
            struct ks_sqlv key;

            /* Numeric keys are compared as reals (see filter.c). A row
             * value: an index on (key, account, rid, id) seeks to it. */
            const char *cast_open = l.numeric ? "CAST(" : "";
            const char *cast_close = l.numeric ? " AS DOUBLE PRECISION)" : "";

            memcpy(kv, p + 1, klen);
            kv[klen] = '\0';
            memcpy(rid, p + 1 + klen, rlen);
            rid[rlen] = '\0';
            memcpy(id, p + 1 + klen + rlen, strlen(p + 1 + klen + rlen) + 1);
            key = l.numeric ? KS_SQL_REAL(strtod(kv, NULL)) : KS_SQL_TEXT(kv);
            err = ks_buf_addf(&f.sql, " AND (%s, f.account, f.rid, f.id) %s (%s", expr, dir,
                              cast_open);
            if (!err)
                err = ks_sqlfrag_arg(&f, key);
            if (!err)
                err = ks_buf_addf(&f.sql, "%s, ", cast_close);
            if (!err)
                err = ks_sqlfrag_arg(&f, KS_SQL_INT(acct));
            if (!err)
                err = ks_buf_adds(&f.sql, ", ");
            if (!err)
                err = ks_sqlfrag_arg(&f, KS_SQL_TEXT(rid));
            if (!err)
                err = ks_buf_adds(&f.sql, ", ");
            if (!err)
                err = ks_sqlfrag_arg(&f, KS_SQL_TEXT(id));
            if (!err)
                err = ks_buf_adds(&f.sql, ")");
        }
    }
    /* Ties go in the sort's direction too, so one ascending index serves
     * both orders (walked forwards or backwards). */
    if (!err) {
        const char *o = q->order == KS_SORT_ASC ? "ASC" : "DESC";

        err = ks_buf_addf(&f.sql, " ORDER BY %s %s, f.account %s, f.rid %s, f.id %s LIMIT %zu",
                          expr, o, o, o, o, q->max + 1);
    }
    if (!err && plan) {
        struct ks_buf ex = KS_BUF_INIT(0);
        struct plan_ctx pc = {plan, st->drv->explain_col};

        err = ks_buf_adds(&ex, st->drv->explain);
        if (!err)
            err = ks_buf_adds(&ex, ks_buf_str(&f.sql));
        if (!err)
            err = st->drv->query(st->conn, ks_buf_str(&ex), f.args, f.nargs, plan_line, &pc, diag);
        ks_buf_release(&ex);
    } else if (!err) {
        err = st->drv->query(st->conn, ks_buf_str(&f.sql), f.args, f.nargs, each_finding, &l,
                             diag);
    }
    if (!err && l.seen > l.max && l.too_long)
        err = ks_diag_set(diag, KS_EINVAL, "a sort key is too long for a page token");
    if (!err && l.seen > l.max)
        token_encode(l.last, next, next_size);
    ks_sqlfrag_release(&f);
    ks_buf_release(&l.body);
    return err;
bad_token:
    ks_sqlfrag_release(&f);
    return ks_diag_set(diag, KS_EINVAL, "nextToken is not valid for this query");
}

ks_err ks_store_findings_list(struct ks_store *st, const struct ks_list_query *q,
                              ks_store_finding_fn *fn, void *ctx, char *next, size_t next_size,
                              struct ks_diag *diag)
{
    return findings_list(st, q, fn, ctx, next, next_size, NULL, diag);
}

ks_err ks_store_findings_list_plan(struct ks_store *st, const struct ks_list_query *q,
                                   struct ks_buf *out, struct ks_diag *diag)
{
    char next[8];

    return findings_list(st, q, NULL, NULL, next, sizeof(next), out, diag);
}

/* ---- saved filters and suppression ---- */

struct rule {
    int64_t account;
    bool admin;
    char *criteria;
};

struct rules {
    struct ks_arena *arena;
    struct rule items[256];
    size_t n;
    bool too_many;
};

static ks_err load_rule(const struct ks_sqlrow *r, void *ctx)
{
    struct rules *rs = ctx;
    struct rule *ru;

    if (rs->n >= KS_ARRAY_LEN(rs->items)) {
        rs->too_many = true;
        return KS_OK;
    }
    ru = &rs->items[rs->n++];
    ru->account = r->integer(r, 0);
    ru->admin = r->integer(r, 1) != 0;
    ru->criteria = ks_arena_strdup(rs->arena, r->text(r, 2));
    return ru->criteria ? KS_OK : KS_ENOMEM;
}

struct transition {
    struct ks_store *st;
    const char *to;
    int64_t now;
    const char *cause;
    struct ks_arena *arena;
    struct {
        int64_t account;
        char *id, *rid;
        char *from;
        int64_t history_head;
    } items[4096];
    size_t n;
    bool more;
};

static ks_err collect_transition(const struct ks_sqlrow *r, void *ctx)
{
    struct transition *t = ctx;

    if (t->n >= KS_ARRAY_LEN(t->items)) {
        t->more = true;
        return KS_OK;
    }
    t->items[t->n].account = r->integer(r, 0);
    t->items[t->n].id = ks_arena_strdup(t->arena, r->text(r, 1));
    t->items[t->n].from = ks_arena_strdup(t->arena, r->text(r, 2));
    t->items[t->n].history_head = r->integer(r, 3);
    t->items[t->n].rid = ks_arena_strdup(t->arena, r->text(r, 4));
    if (!t->items[t->n].id || !t->items[t->n].from || !t->items[t->n].rid)
        return KS_ENOMEM;
    t->n++;
    return KS_OK;
}

/* Makes every finding's ACTIVE/SUPPRESSED status agree with the SUPPRESS
 * rules, recording each change; only the findings of resource `rid` of
 * `account` when `rid` is not NULL (after findings of one resource
 * changed: the rest of the table cannot have). Runs inside the caller's
 * transaction. */
static ks_err suppression_refresh(struct ks_store *st, int64_t account, const char *rid,
                                  int64_t now, const char *cause, struct ks_diag *diag)
{
    struct ks_arena arena = KS_ARENA_INIT(65536, 0);
    struct ks_limits lim = ks_limits_default;
    struct rules *rs = calloc(1, sizeof(*rs));
    struct transition *t = NULL; /* 160 KiB: only when there is a rule */
    struct ks_sqlfrag cond;
    ks_err err = KS_OK;

    ks_sqlfrag_init(&cond);
    if (!rs) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    rs->arena = &arena;
    err = st->drv->query(st->conn,
                         "SELECT fl.account, a.admin, fl.criteria FROM filters fl JOIN accounts a "
                         "ON a.id = fl.account WHERE fl.action = 'SUPPRESS' ORDER BY fl.id",
                         NULL, 0, load_rule, rs, diag);
    if (err)
        goto done;
    if (rs->too_many) {
        err = ks_diag_set(diag, KS_EINVAL, "more than %zu suppression rules",
                          KS_ARRAY_LEN(rs->items));
        goto done;
    }
    /* No rule and one resource's findings: none of them is suppressed
     * (removing the last rule refreshed every finding, this function
     * with `rid` NULL, back to ACTIVE) and none is to be. */
    if (!rs->n && rid)
        goto done;
    t = calloc(1, sizeof(*t));
    if (!t) {
        err = ks_diag_set(diag, KS_ENOMEM, "out of memory");
        goto done;
    }
    /* One condition: "matched by some rule that applies to the finding". */
    err = ks_buf_adds(&cond.sql, "(1 = 0");
    for (size_t i = 0; !err && i < rs->n; i++) {
        struct ks_value *crit;

        err = ks_json_parse(&arena, "filter", rs->items[i].criteria,
                            strlen(rs->items[i].criteria), &lim, &crit, diag);
        if (err)
            break;
        err = ks_buf_adds(&cond.sql, " OR (");
        if (!err && !rs->items[i].admin) {
            err = ks_buf_adds(&cond.sql, "f.account = ");
            if (!err)
                err = ks_sqlfrag_arg(&cond, KS_SQL_INT(rs->items[i].account));
            if (!err)
                err = ks_buf_adds(&cond.sql, " AND ");
        }
        if (!err)
            err = ks_filter_compile(crit, &cond, diag);
        if (!err)
            err = ks_buf_addc(&cond.sql, ')');
    }
    if (!err)
        err = ks_buf_addc(&cond.sql, ')');
    if (err)
        goto done;
    /* The rule condition, then the scope (NOT binds tighter than AND). */
    if (rid) {
        err = ks_buf_adds(&cond.sql, " AND f.account = ");
        if (!err)
            err = ks_sqlfrag_arg(&cond, KS_SQL_INT(account));
        if (!err)
            err = ks_buf_adds(&cond.sql, " AND f.rid = ");
        if (!err)
            err = ks_sqlfrag_arg(&cond, KS_SQL_TEXT(rid));
        if (err)
            goto done;
    }
    for (int pass = 0; pass < 2 && !err; pass++) {
        struct ks_buf q = KS_BUF_INIT(0);

        t->st = st;
        t->to = pass ? "ACTIVE" : "SUPPRESSED";
        t->arena = &arena;
        do {
            t->n = 0;
            t->more = false;
            ks_buf_reset(&q);
            err = ks_buf_addf(&q,
                              "SELECT f.account, f.id, f.status, f.history_head, f.rid "
                              "FROM findings f WHERE f.status = '%s' AND %s%s",
                              pass ? "SUPPRESSED" : "ACTIVE", pass ? "NOT " : "", cond.sql.ptr);
            if (!err)
                err = st->drv->query(st->conn, q.ptr, cond.args, cond.nargs, collect_transition, t,
                                     diag);
            for (size_t i = 0; !err && i < t->n; i++) {
                struct ks_sqlv o[] = {KS_SQL_INT(t->items[i].account), KS_SQL_TEXT(t->items[i].id),
                                      KS_SQL_INT(now)};
                int64_t hid;

                err = history_add(st, t->items[i].account, t->items[i].id,
                                  t->items[i].history_head, now, t->items[i].from, t->to, cause,
                                  &hid, diag);
                if (!err) {
                    struct ks_sqlv u[] = {KS_SQL_INT(t->items[i].account),
                                          KS_SQL_TEXT(t->items[i].id), KS_SQL_INT(now),
                                          KS_SQL_TEXT(t->to), KS_SQL_INT(hid)};

                    err = Q(st,
                            "UPDATE findings SET status = $4, updated_at = $3, history_head = $5 "
                            "WHERE account = $1 AND id = $2",
                            u, NULL, NULL, diag);
                }
                if (!err)
                    err = Q(st,
                            "INSERT INTO outbox(account, kind, subject, created_at, next_at) "
                            "SELECT $1, 'finding.updated', $2, $3, $3 " NEEDS_EVENTS("$1"),
                            o, NULL, NULL, diag);
                if (!err)
                    err = revision_up(st, t->items[i].account, t->items[i].rid, diag);
            }
        } while (!err && t->more);
        ks_buf_release(&q);
    }
done:
    if (err == KS_ENOMEM)
        ks_diag_set(diag, err, "out of memory");
    ks_sqlfrag_release(&cond);
    free(rs);
    free(t);
    ks_arena_release(&arena);
    return err;
}

struct filter_op {
    const struct ks_filter_rec *f;
    int64_t now;
    int64_t *id;
    int kind; /* 0 create, 1 update, 2 delete */
    struct ks_diag *diag;
};

static ks_err check_action(const char *action, struct ks_diag *diag)
{
    if (action && strcmp(action, "NONE") && strcmp(action, "SUPPRESS"))
        return ks_diag_set(diag, KS_EINVAL, "action must be NONE or SUPPRESS");
    return KS_OK;
}

static ks_err check_criteria(const char *json, struct ks_diag *diag)
{
    struct ks_arena arena = KS_ARENA_INIT(16384, 0);
    struct ks_limits lim = ks_limits_default;
    struct ks_value *v;
    ks_err err;

    lim.max_file_size = 1u << 20;
    err = ks_json_parse(&arena, "filterCriteria", json, strlen(json), &lim, &v, diag);
    if (!err)
        err = ks_store_filter_check(v, diag);
    ks_arena_release(&arena);
    return err ? KS_EINVAL : KS_OK;
}

static ks_err filter_tx(struct ks_store *st, void *ctx)
{
    struct filter_op *op = ctx;
    const struct ks_filter_rec *f = op->f;
    ks_err err;

    if (op->kind == 0) {
        struct ks_sqlv args[] = {KS_SQL_INT(f->account), KS_SQL_TEXT(f->name),
                                 KS_SQL_TEXT(f->action), KS_SQL_TEXT(f->criteria),
                                 KS_SQL_TEXT(f->description), KS_SQL_TEXT(f->reason),
                                 KS_SQL_INT(op->now)};
        int64_t exists = 0;
        struct ks_sqlv k[] = {KS_SQL_INT(f->account), KS_SQL_TEXT(f->name)};

        err = Q(st, "SELECT count(*) FROM filters WHERE account = $1 AND name = $2", k, get_int,
                &exists, op->diag);
        if (!err && exists)
            return ks_diag_set(op->diag, KS_EINVAL, "filter '%s' exists", f->name);
        *op->id = 0;
        if (!err)
            err = Q(st,
                    "INSERT INTO filters(account, name, action, criteria, description, reason, "
                    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                    args, get_int, op->id, op->diag);
    } else if (op->kind == 1) {
        struct ks_sqlv args[] = {KS_SQL_INT(f->id),          KS_SQL_INT(f->account),
                                 KS_SQL_TEXT(f->name),       KS_SQL_TEXT(f->action),
                                 KS_SQL_TEXT(f->criteria),   KS_SQL_TEXT(f->description),
                                 KS_SQL_TEXT(f->reason),     KS_SQL_INT(op->now)};
        err = Q(st,
                "UPDATE filters SET name = COALESCE($3, name), action = COALESCE($4, action), "
                "criteria = COALESCE($5, criteria), description = COALESCE($6, description), "
                "reason = COALESCE($7, reason), updated_at = $8 "
                "WHERE id = $1 AND ($2 = 0 OR account = $2)",
                args, NULL, NULL, op->diag);
        if (!err && st->drv->changes(st->conn) == 0)
            return ks_diag_set(op->diag, KS_ENOTFOUND, "no filter %lld", (long long)f->id);
    } else {
        struct ks_sqlv args[] = {KS_SQL_INT(f->id), KS_SQL_INT(f->account)};
        err = Q(st, "DELETE FROM filters WHERE id = $1 AND ($2 = 0 OR account = $2)", args, NULL,
                NULL, op->diag);
        if (!err && st->drv->changes(st->conn) == 0)
            return ks_diag_set(op->diag, KS_ENOTFOUND, "no filter %lld", (long long)f->id);
    }
    return err ? err : suppression_refresh(st, 0, NULL, op->now, "filter", op->diag);
}

ks_err ks_store_filter_create(struct ks_store *st, const struct ks_filter_rec *f, int64_t now,
                              int64_t *id, struct ks_diag *diag)
{
    struct filter_op op = {f, now, id, 0, diag};

    if (!f->name || !*f->name || strlen(f->name) > 128)
        return ks_diag_set(diag, KS_EINVAL, "filter names are 1 to 128 characters");
    if (!f->action || check_action(f->action, diag) || !f->criteria ||
        check_criteria(f->criteria, diag))
        return f->action && f->criteria ? KS_EINVAL
                                        : ks_diag_set(diag, KS_EINVAL,
                                                      "a filter needs 'action' and 'criteria'");
    return in_tx(st, filter_tx, &op, diag);
}

ks_err ks_store_filter_update(struct ks_store *st, const struct ks_filter_rec *f, int64_t now,
                              struct ks_diag *diag)
{
    struct filter_op op = {f, now, NULL, 1, diag};

    if (check_action(f->action, diag) || (f->criteria && check_criteria(f->criteria, diag)))
        return KS_EINVAL;
    return in_tx(st, filter_tx, &op, diag);
}

ks_err ks_store_filter_delete(struct ks_store *st, int64_t account, int64_t id, int64_t now,
                              struct ks_diag *diag)
{
    struct ks_filter_rec f;
    struct filter_op op = {&f, now, NULL, 2, diag};

    memset(&f, 0, sizeof(f));
    f.id = id;
    f.account = account;
    return in_tx(st, filter_tx, &op, diag);
}

struct flist {
    ks_store_filter_fn *fn;
    void *ctx;
};

static ks_err each_filter(const struct ks_sqlrow *r, void *ctx)
{
    struct flist *l = ctx;
    struct ks_filter_rec f;

    f.id = r->integer(r, 0);
    f.account = r->integer(r, 1);
    f.name = r->text(r, 2);
    f.action = r->text(r, 3);
    f.criteria = r->text(r, 4);
    f.description = r->text(r, 5);
    f.reason = r->text(r, 6);
    f.created_at = r->integer(r, 7);
    f.updated_at = r->integer(r, 8);
    return l->fn(&f, l->ctx);
}

ks_err ks_store_filter_list(struct ks_store *st, int64_t account, ks_store_filter_fn *fn,
                            void *ctx, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account)};
    struct flist l = {fn, ctx};

    return Q(st,
             "SELECT id, account, name, action, criteria, description, reason, created_at, "
             "updated_at FROM filters WHERE ($1 = 0 OR account = $1) ORDER BY id",
             args, each_filter, &l, diag);
}

/* ---- aggregations, coverage, usage ---- */

struct agg_ctx {
    ks_store_agg_fn *fn;
    void *ctx;
};

static ks_err each_group(const struct ks_sqlrow *r, void *ctx)
{
    struct agg_ctx *a = ctx;
    struct ks_severity_counts c;

    c.all = r->integer(r, 1);
    c.critical = r->integer(r, 2);
    c.high = r->integer(r, 3);
    c.medium = r->integer(r, 4);
    c.low = r->integer(r, 5);
    c.other = c.all - c.critical - c.high - c.medium - c.low;
    return a->fn(r->text(r, 0), &c, a->ctx);
}

ks_err ks_store_aggregate(struct ks_store *st, int64_t account, const char *type,
                          const struct ks_value *criteria, size_t max, ks_store_agg_fn *fn,
                          void *ctx, struct ks_diag *diag)
{
    static const struct {
        const char *type, *expr;
    } groups[] = {
            {"ACCOUNT", "CAST(f.account AS TEXT)"},
            {"RESOURCE", "f.rid"},
            {"RESOURCE_TYPE",
             "(SELECT r.type FROM resources r WHERE r.account = f.account AND r.rid = f.rid)"},
            {"PACKAGE", "COALESCE(f.package, '')"},
            {"TITLE", "COALESCE(f.vuln_id, '')"},
            {"SEVERITY", "f.severity"},
            {"FINDING_TYPE", "f.type"},
    };
    struct agg_ctx a = {fn, ctx};
    struct ks_sqlfrag f;
    const char *expr = NULL;
    ks_err err;

    for (size_t i = 0; i < KS_ARRAY_LEN(groups); i++)
        if (!strcmp(groups[i].type, type))
            expr = groups[i].expr;
    if (!expr)
        return ks_diag_set(diag, KS_EINVAL, "aggregationType '%s' is not supported", type);
    if (max < 1 || max > 1000)
        return ks_diag_set(diag, KS_EINVAL, "maxResults must be 1 to 1000");
    ks_sqlfrag_init(&f);
    err = ks_buf_addf(&f.sql,
                      "SELECT %s AS k, count(*), "
                      "sum(CASE WHEN f.severity = 'CRITICAL' THEN 1 ELSE 0 END), "
                      "sum(CASE WHEN f.severity = 'HIGH' THEN 1 ELSE 0 END), "
                      "sum(CASE WHEN f.severity = 'MEDIUM' THEN 1 ELSE 0 END), "
                      "sum(CASE WHEN f.severity = 'LOW' THEN 1 ELSE 0 END) "
                      "FROM findings f WHERE f.status = 'ACTIVE' AND ",
                      expr);
    if (!err)
        err = ks_filter_compile(criteria, &f, diag);
    if (!err && account) {
        err = ks_buf_adds(&f.sql, " AND f.account = ");
        if (!err)
            err = ks_sqlfrag_arg(&f, KS_SQL_INT(account));
    }
    if (!err)
        err = ks_buf_addf(&f.sql, " GROUP BY %s ORDER BY 3 DESC, 4 DESC, 2 DESC, 1 LIMIT %zu",
                          expr, max);
    if (!err)
        err = st->drv->query(st->conn, ks_buf_str(&f.sql), f.args, f.nargs, each_group, &a, diag);
    ks_sqlfrag_release(&f);
    return err;
}

struct cov_ctx {
    ks_store_coverage_fn *fn;
    void *ctx;
};

static ks_err each_coverage(const struct ks_sqlrow *r, void *ctx)
{
    struct cov_ctx *c = ctx;
    struct ks_coverage cov = {r->integer(r, 0), r->text(r, 1), r->text(r, 2), r->integer(r, 3),
                              r->text(r, 4), r->text(r, 5), r->text(r, 6)};

    return c->fn(&cov, c->ctx);
}

ks_err ks_store_coverage(struct ks_store *st, int64_t account, ks_store_coverage_fn *fn,
                         void *ctx, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account)};
    struct cov_ctx c = {fn, ctx};

    return Q(st,
             "SELECT account, rid, type, COALESCE(last_inventory_at, 0), scan_status, "
             "scan_reason, scan_detail FROM resources "
             "WHERE ($1 = 0 OR account = $1) ORDER BY account, rid",
             args, each_coverage, &c, diag);
}

struct cov_set {
    int64_t account;
    const char *rid, *status, *reason, *detail;
    int64_t now;
    bool *changed;
    bool found;
    char old[3][512]; /* status, reason, detail as recorded */
    bool old_null[3];
    struct ks_diag *diag;
};

static ks_err read_cov(const struct ks_sqlrow *r, void *ctx)
{
    struct cov_set *c = ctx;

    c->found = true;
    for (int i = 0; i < 3; i++) {
        const char *v = r->text(r, i);
        c->old_null[i] = !v;
        copy(c->old[i], sizeof(c->old[i]), v ? v : "");
    }
    return KS_OK;
}

static bool same_text(const char *a, bool a_null, const char *b)
{
    return a_null ? !b : (b && !strcmp(a, b));
}

/* Within a transaction: records the coverage and queues the event. */
static ks_err coverage_set_tx(struct ks_store *st, void *ctx)
{
    struct cov_set *c = ctx;
    struct ks_sqlv key[] = {KS_SQL_INT(c->account), KS_SQL_TEXT(c->rid)};
    struct ks_sqlv upd[] = {KS_SQL_INT(c->account), KS_SQL_TEXT(c->rid), KS_SQL_TEXT(c->status),
                            KS_SQL_TEXT(c->reason), KS_SQL_TEXT(c->detail)};
    struct ks_buf payload = KS_BUF_INIT(64 * 1024);
    struct ks_jw w;
    ks_err err;

    *c->changed = false;
    c->found = false;
    err = Q(st, "SELECT scan_status, scan_reason, scan_detail FROM resources "
                "WHERE account = $1 AND rid = $2",
            key, read_cov, c, c->diag);
    if (err)
        return err;
    if (!c->found)
        return ks_diag_set(c->diag, KS_ENOTFOUND, "no resource '%s'", c->rid);
    if (same_text(c->old[0], c->old_null[0], c->status) &&
        same_text(c->old[1], c->old_null[1], c->reason) &&
        same_text(c->old[2], c->old_null[2], c->detail))
        return KS_OK;
    *c->changed = true;
    err = Q(st, "UPDATE resources SET scan_status = $3, scan_reason = $4, scan_detail = $5 "
                "WHERE account = $1 AND rid = $2",
            upd, NULL, NULL, c->diag);
    if (err)
        return err;
    ks_jw_init(&w, &payload, 0);
    ks_jw_obj_begin(&w);
    ks_jw_key(&w, "previous");
    if (c->old_null[0]) {
        ks_jw_null(&w);
    } else {
        ks_jw_obj_begin(&w);
        ks_jw_kstr(&w, "statusCode", c->old[0]);
        ks_jw_kstr_opt(&w, "reason", c->old_null[1] ? NULL : c->old[1]);
        ks_jw_obj_end(&w);
    }
    ks_jw_key(&w, "scanStatus");
    ks_jw_obj_begin(&w);
    ks_jw_kstr(&w, "statusCode", c->status);
    ks_jw_kstr_opt(&w, "reason", c->reason);
    ks_jw_kstr_opt(&w, "detail", c->detail);
    ks_jw_obj_end(&w);
    ks_jw_obj_end(&w);
    if (ks_jw_finish(&w))
        err = ks_diag_set(c->diag, KS_ENOMEM, "out of memory");
    if (!err) {
        struct ks_sqlv ev[] = {KS_SQL_INT(c->account), KS_SQL_TEXT("coverage.changed"),
                               KS_SQL_TEXT(c->rid), KS_SQL_TEXT(ks_buf_str(&payload)),
                               KS_SQL_INT(c->now)};
        err = Q(st,
                "INSERT INTO outbox(account, kind, subject, payload, created_at, next_at) "
                "SELECT $1, $2, $3, $4, $5, $5 " NEEDS_EVENTS("$1"),
                ev, NULL, NULL, c->diag);
    }
    ks_buf_release(&payload);
    return err;
}

ks_err ks_store_coverage_set(struct ks_store *st, int64_t account, const char *rid,
                             const char *status, const char *reason, const char *detail,
                             int64_t now, bool *changed, struct ks_diag *diag)
{
    struct cov_set c = {.account = account, .rid = rid, .status = status, .reason = reason,
                        .detail = detail, .now = now, .changed = changed, .diag = diag};

    return in_tx(st, coverage_set_tx, &c, diag);
}

struct remove {
    struct apply a;
    struct cov_set c;
};

static ks_err remove_tx(struct ks_store *st, void *ctx)
{
    struct remove *r = ctx;
    struct ks_sqlv key[] = {KS_SQL_INT(r->a.account), KS_SQL_TEXT(r->a.rid)};
    ks_err err = coverage_set_tx(st, &r->c);

    /* No current findings: every open one closes. */
    if (!err)
        err = apply_tx(st, &r->a);
    if (!err)
        err = Q(st,
                "UPDATE inventories SET latest = 0 WHERE account = $1 AND rid = $2 AND latest = 1",
                key, NULL, NULL, r->a.diag);
    if (!err)
        err = Q(st, "DELETE FROM inventory_packed WHERE account = $1 AND rid = $2", key, NULL,
                NULL, r->a.diag);
    return err;
}

ks_err ks_store_resource_remove(struct ks_store *st, int64_t account, const char *rid,
                                int64_t now, struct ks_apply_result *res, struct ks_diag *diag)
{
    struct remove r;
    bool changed;
    ks_err err;

    memset(&r, 0, sizeof(r));
    apply_init(&r.a);
    memset(res, 0, sizeof(*res));
    r.a.account = account;
    r.a.rid = rid;
    r.a.cause = "resource removed";
    r.a.now = now;
    r.a.res = res;
    r.a.diag = diag;
    r.c.account = account;
    r.c.rid = rid;
    r.c.status = "INACTIVE";
    r.c.reason = "RESOURCE_REMOVED";
    r.c.now = now;
    r.c.changed = &changed;
    r.c.diag = diag;
    err = in_tx(st, remove_tx, &r, diag);
    if (err)
        memset(res, 0, sizeof(*res));
    apply_release(&r.a);
    return err;
}

struct usage_ctx {
    ks_store_usage_fn *fn;
    void *ctx;
};

static ks_err each_usage(const struct ks_sqlrow *r, void *ctx)
{
    struct usage_ctx *u = ctx;

    return u->fn(r->integer(r, 0), r->text(r, 1), r->integer(r, 2), r->integer(r, 3), u->ctx);
}

ks_err ks_store_usage(struct ks_store *st, int64_t account, ks_store_usage_fn *fn, void *ctx,
                      struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account)};
    struct usage_ctx u = {fn, ctx};

    /* Whole days since the epoch: integer division is portable SQL. */
    return Q(st,
             "SELECT i.account, r.type, i.received_at / 86400 AS day, count(DISTINCT i.rid) "
             "FROM inventories i JOIN resources r ON r.account = i.account AND r.rid = i.rid "
             "WHERE ($1 = 0 OR i.account = $1) "
             "GROUP BY i.account, r.type, i.received_at / 86400 ORDER BY 3, 1, 2",
             args, each_usage, &u, diag);
}

/* ---- events and webhooks ---- */

ks_err ks_store_outbox_add(struct ks_store *st, int64_t account, const char *kind,
                           const char *subject, const char *payload, int64_t now,
                           struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account), KS_SQL_TEXT(kind), KS_SQL_TEXT(subject),
                             KS_SQL_TEXT(payload), KS_SQL_INT(now)};

    return Q(st,
             "INSERT INTO outbox(account, kind, subject, payload, created_at, next_at) "
             "SELECT $1, $2, $3, $4, $5, $5 " NEEDS_EVENTS("$1"),
             args, NULL, NULL, diag);
}

struct event_ctx {
    ks_store_event_fn *fn;
    void *ctx;
};

static ks_err each_event(const struct ks_sqlrow *r, void *ctx)
{
    struct event_ctx *e = ctx;
    struct ks_event ev;

    ev.id = r->integer(r, 0);
    ev.account = r->integer(r, 1);
    ev.kind = r->text(r, 2);
    ev.subject = r->text(r, 3);
    ev.payload = r->text(r, 4);
    ev.created_at = r->integer(r, 5);
    ev.attempts = (int)r->integer(r, 6);
    ev.status = r->text(r, 7);
    ev.severity = r->text(r, 8);
    ev.title = r->text(r, 9);
    ev.vuln_id = r->text(r, 10);
    ev.rid = r->text(r, 11);
    return e->fn(&ev, e->ctx);
}

ks_err ks_store_outbox_due(struct ks_store *st, int64_t now, size_t max, ks_store_event_fn *fn,
                           void *ctx, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(now), KS_SQL_INT((int64_t)max)};
    struct event_ctx e = {fn, ctx};

    return Q(st,
             "SELECT o.id, o.account, o.kind, o.subject, o.payload, o.created_at, o.attempts, "
             "f.status, f.severity, f.title, f.vuln_id, f.rid FROM outbox o LEFT JOIN findings f "
             "ON f.account = o.account AND f.id = o.subject "
             "WHERE o.delivered_at IS NULL AND o.next_at <= $1 ORDER BY o.id LIMIT $2",
             args, each_event, &e, diag);
}

ks_err ks_store_outbox_result(struct ks_store *st, int64_t id, bool delivered, int64_t now,
                              int64_t next_at, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(id), KS_SQL_INT(now), KS_SQL_INT(next_at)};

    if (delivered)
        return Q(st, "UPDATE outbox SET delivered_at = $2, attempts = attempts + 1 WHERE id = $1",
                 args, NULL, NULL, diag);
    return Q(st, "UPDATE outbox SET attempts = attempts + 1, next_at = $3 WHERE id = $1 AND $2 >= 0",
             args, NULL, NULL, diag);
}

ks_err ks_store_webhook_create(struct ks_store *st, int64_t account, const char *url,
                               const char *secret, int64_t now, int64_t *id,
                               struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account), KS_SQL_TEXT(url), KS_SQL_TEXT(secret),
                             KS_SQL_INT(now)};

    if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) || strlen(url) > 2048)
        return ks_diag_set(diag, KS_EINVAL, "a webhook url is an http(s) URL of at most 2048 bytes");
    *id = 0;
    return Q(st,
             "INSERT INTO webhooks(account, url, secret, created_at) VALUES ($1, $2, $3, $4) "
             "RETURNING id",
             args, get_int, id, diag);
}

struct hook_ctx {
    ks_store_webhook_fn *fn;
    void *ctx;
};

static ks_err each_hook(const struct ks_sqlrow *r, void *ctx)
{
    struct hook_ctx *h = ctx;
    struct ks_webhook w;

    w.id = r->integer(r, 0);
    w.account = r->integer(r, 1);
    w.url = r->text(r, 2);
    w.secret = r->text(r, 3);
    w.created_at = r->integer(r, 4);
    return h->fn(&w, h->ctx);
}

ks_err ks_store_webhook_list(struct ks_store *st, int64_t account, ks_store_webhook_fn *fn,
                             void *ctx, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account)};
    struct hook_ctx h = {fn, ctx};

    return Q(st,
             "SELECT id, account, url, secret, created_at FROM webhooks "
             "WHERE ($1 = 0 OR account = $1) ORDER BY id",
             args, each_hook, &h, diag);
}

ks_err ks_store_webhooks_for(struct ks_store *st, int64_t account, ks_store_webhook_fn *fn,
                             void *ctx, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account)};
    struct hook_ctx h = {fn, ctx};

    return Q(st,
             "SELECT w.id, w.account, w.url, w.secret, w.created_at FROM webhooks w "
             "JOIN accounts a ON a.id = w.account WHERE w.account = $1 OR a.admin = 1 "
             "ORDER BY w.id",
             args, each_hook, &h, diag);
}

ks_err ks_store_webhook_delete(struct ks_store *st, int64_t account, int64_t id,
                               struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(id), KS_SQL_INT(account)};
    ks_err err = Q(st, "DELETE FROM webhooks WHERE id = $1 AND ($2 = 0 OR account = $2)", args,
                   NULL, NULL, diag);

    if (!err && st->drv->changes(st->conn) == 0)
        return ks_diag_set(diag, KS_ENOTFOUND, "no webhook %lld", (long long)id);
    return err;
}

/* ---- reports ---- */

ks_err ks_store_report_create(struct ks_store *st, int64_t account, const char *kind,
                              const char *format, int64_t now, int64_t *id,
                              struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(account), KS_SQL_TEXT(kind), KS_SQL_TEXT(format),
                             KS_SQL_INT(now)};

    *id = 0;
    return Q(st,
             "INSERT INTO reports(account, kind, format, status, created_at) "
             "VALUES ($1, $2, $3, 'IN_PROGRESS', $4) RETURNING id",
             args, get_int, id, diag);
}

ks_err ks_store_report_finish(struct ks_store *st, int64_t id, bool ok, const char *location,
                              const char *error, int64_t size, int64_t rows, int64_t now,
                              struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(id),        KS_SQL_TEXT(ok ? "SUCCEEDED" : "FAILED"),
                             KS_SQL_TEXT(location), KS_SQL_TEXT(error),
                             KS_SQL_INT(now),       KS_SQL_INT(size),
                             KS_SQL_INT(rows)};

    return Q(st,
             "UPDATE reports SET status = $2, location = $3, error = $4, finished_at = $5, "
             "size = $6, row_count = $7 WHERE id = $1",
             args, NULL, NULL, diag);
}

ks_err ks_store_reports_fail_unfinished(struct ks_store *st, const char *error, int64_t now,
                                        int64_t *n, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_TEXT(error), KS_SQL_INT(now)};
    ks_err err = Q(st,
                   "UPDATE reports SET status = 'FAILED', error = $1, finished_at = $2 "
                   "WHERE status = 'IN_PROGRESS'",
                   args, NULL, NULL, diag);

    *n = err ? 0 : st->drv->changes(st->conn);
    return err;
}

static ks_err read_report(const struct ks_sqlrow *r, void *ctx)
{
    struct ks_report_rec *o = ctx;

    o->id = r->integer(r, 0);
    o->account = r->integer(r, 1);
    copy(o->kind, sizeof(o->kind), r->text(r, 2));
    copy(o->format, sizeof(o->format), r->text(r, 3));
    copy(o->status, sizeof(o->status), r->text(r, 4));
    copy(o->location, sizeof(o->location), r->text(r, 5));
    copy(o->error, sizeof(o->error), r->text(r, 6));
    o->created_at = r->integer(r, 7);
    o->finished_at = r->integer(r, 8);
    o->size = r->integer(r, 9);
    o->rows = r->integer(r, 10);
    return KS_OK;
}

ks_err ks_store_report_get(struct ks_store *st, int64_t account, int64_t id,
                           struct ks_report_rec *out, struct ks_diag *diag)
{
    struct ks_sqlv args[] = {KS_SQL_INT(id), KS_SQL_INT(account)};
    ks_err err;

    out->id = 0;
    err = Q(st,
            "SELECT id, account, kind, format, status, location, error, created_at, "
            "COALESCE(finished_at, 0), COALESCE(size, 0), COALESCE(row_count, 0) FROM reports "
            "WHERE id = $1 AND ($2 = 0 OR account = $2)",
            args, read_report, out, diag);
    if (!err && !out->id)
        return ks_diag_set(diag, KS_ENOTFOUND, "no report %lld", (long long)id);
    return err;
}
