/* store/sqlite_driver.c - the SQLite backend of the store. */
#include "core/ks_common.h"

#include "store/driver.h"

#include "core/map.h"
#include "sqlite/sqlite.h"

#define MAX_CACHED 256

/* Slots of the statement cache's front: by the SQL text's address. */
#define RECENT 64

struct conn {
    struct ks_db *db;
    struct ks_map stmts; /* SQL text -> prepared statement, reused */
    /* Statements by where the caller's SQL text lives: most are string
     * literals, asked for again and again (a re-evaluation runs a few
     * statements a million times), and one comparison of the text finds
     * them without hashing it. */
    struct {
        const char *key; /* the map's copy of the text */
        struct ks_stmt *s;
    } recent[RECENT];
};

static size_t recent_slot(const char *sql)
{
    return ((uintptr_t)sql >> 3) % RECENT;
}

/* The cached statement of `sql`, or NULL. */
static struct ks_stmt *cached_stmt(struct conn *c, const char *sql)
{
    size_t i = recent_slot(sql);
    struct ks_map_slot *slot;

    if (c->recent[i].key && !strcmp(c->recent[i].key, sql))
        return c->recent[i].s;
    slot = ks_map_find(&c->stmts, sql, strlen(sql));
    if (!slot)
        return NULL;
    c->recent[i].key = slot->key;
    c->recent[i].s = slot->value;
    return slot->value;
}

static const char *col_text(const struct ks_sqlrow *r, int col)
{
    return ks_stmt_text((struct ks_stmt *)(uintptr_t)r->impl, col);
}

static const char *col_bytes(const struct ks_sqlrow *r, int col, size_t *len)
{
    return ks_stmt_blob((struct ks_stmt *)(uintptr_t)r->impl, col, len);
}

static int64_t col_int(const struct ks_sqlrow *r, int col)
{
    return ks_stmt_int((struct ks_stmt *)(uintptr_t)r->impl, col);
}

static double col_real(const struct ks_sqlrow *r, int col)
{
    return ks_stmt_real((struct ks_stmt *)(uintptr_t)r->impl, col);
}

static ks_err bind(struct ks_stmt *s, const struct ks_sqlv *args, size_t n)
{
    ks_err err = KS_OK;

    /* SQLite numbers "$N" parameters by first appearance in the text, not
     * by N: bind each argument to the index of its name. */
    for (size_t i = 0; !err && i < n; i++) {
        static const char digits[] = "0123456789";
        char name[24], *p = name + sizeof(name) - 1;
        int idx;

        /* "$N" without printf: this runs for every argument of every query. */
        *p = '\0';
        for (size_t v = i + 1; v; v /= 10)
            *--p = digits[v % 10];
        *--p = '$';
        idx = ks_stmt_param_index(s, p);
        if (!idx)
            continue; /* an argument the statement does not use */
        switch (args[i].kind) {
        case KS_SQLV_NULL:
            err = ks_stmt_bind_null(s, idx);
            break;
        case KS_SQLV_TEXT:
            err = args[i].len == SIZE_MAX ? ks_stmt_bind_text(s, idx, args[i].text)
                                          : ks_stmt_bind_textn(s, idx, args[i].text, args[i].len);
            break;
        case KS_SQLV_INT:
            err = ks_stmt_bind_int(s, idx, args[i].i);
            break;
        case KS_SQLV_REAL:
            err = ks_stmt_bind_real(s, idx, args[i].d);
            break;
        }
    }
    return err;
}

static ks_err query(void *vc, const char *sql, const struct ks_sqlv *args, size_t nargs,
                    ks_sqlrow_fn *fn, void *ctx, struct ks_diag *diag)
{
    struct conn *c = vc;
    struct ks_stmt *s = cached_stmt(c, sql);
    struct ks_sqlrow row = {NULL, col_text, col_int, col_real, col_bytes};
    bool cached = s != NULL;
    ks_err err;
    bool more;

    if (!s) {
        err = ks_db_prepare(c->db, sql, &s, diag);
        if (err)
            return err;
        /* Prepared statements are kept for reuse, up to a bound: generated
         * SQL (filters) varies without limit. */
        if (c->stmts.len < MAX_CACHED) {
            char *key = strdup(sql);
            if (!key || ks_map_put(&c->stmts, key, strlen(key), s)) {
                free(key);
                ks_stmt_free(s);
                return ks_diag_set(diag, KS_ENOMEM, "out of memory");
            }
            cached = true;
        }
    }
    err = bind(s, args, nargs);
    if (err) {
        ks_stmt_reset(s);
        if (!cached)
            ks_stmt_free(s);
        return ks_diag_set(diag, err, "'%s': cannot bind parameters", ks_db_path(c->db));
    }
    row.impl = s;
    for (;;) {
        err = ks_stmt_step(s, &more, diag);
        if (err || !more)
            break;
        if (fn) {
            err = fn(&row, ctx);
            if (err)
                break;
        }
    }
    ks_stmt_reset(s);
    if (!cached)
        ks_stmt_free(s);
    return err;
}

static ks_err script(void *vc, const char *sql, struct ks_diag *diag)
{
    return ks_db_exec(((struct conn *)vc)->db, sql, diag);
}

static int64_t changes(void *vc)
{
    return ks_db_changes(((struct conn *)vc)->db);
}

static int64_t last_id(void *vc)
{
    return ks_db_last_rowid(((struct conn *)vc)->db);
}

static void close_conn(void *vc)
{
    struct conn *c = vc;
    struct ks_map_slot *slot;
    size_t pos = 0;

    if (!c)
        return;
    for (slot = ks_map_next(&c->stmts, &pos); slot; slot = ks_map_next(&c->stmts, &pos)) {
        ks_stmt_free(slot->value);
        free((char *)(uintptr_t)slot->key);
    }
    ks_map_release(&c->stmts);
    ks_db_close(c->db);
    free(c);
}

static ks_err begin(void *vc, struct ks_diag *diag)
{
    /* IMMEDIATE takes the write lock now, so two writers never deadlock on
     * a lock upgrade half-way through a transaction. */
    return script(vc, "BEGIN IMMEDIATE", diag);
}

static ks_err commit(void *vc, struct ks_diag *diag)
{
    return script(vc, "COMMIT", diag);
}

static void rollback(void *vc)
{
    script(vc, "ROLLBACK", NULL);
}

static const struct ks_driver sqlite_driver = {
        .name = "sqlite",
        .id_column = "INTEGER PRIMARY KEY",
        .query = query,
        .script = script,
        .begin = begin,
        .commit = commit,
        .rollback = rollback,
        .explain = "EXPLAIN QUERY PLAN ",
        .explain_col = 3,
        .changes = changes,
        .last_id = last_id,
        .close = close_conn,
        /* Batches dirty many pages: the WAL is copied back every 64 MiB
         * instead of every 4 MiB, a page changed by several batches in
         * between once. */
        .bulk_sql = "PRAGMA wal_autocheckpoint=16384",
        .checkpoint_sql = "PRAGMA wal_checkpoint(PASSIVE)",
        .data_version_sql = "PRAGMA data_version",
};

ks_err ks_store_sqlite_open(const char *path, const struct ks_driver **drv, void **out,
                            struct ks_diag *diag)
{
    struct conn *c = calloc(1, sizeof(*c));
    ks_err err;

    if (!c)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    err = ks_db_open(path, KS_DB_CREATE, &c->db, diag);
    /* Reads through the page cache (mmap) rather than copies of each page,
     * and a larger private cache: at fleet scale the store is gigabytes. */
    if (!err)
        err = ks_db_exec(c->db,
                         "PRAGMA foreign_keys=ON; PRAGMA mmap_size=17179869184;"
                         " PRAGMA cache_size=-131072",
                         diag);
    if (err) {
        close_conn(c);
        return err;
    }
    *drv = &sqlite_driver;
    *out = c;
    return KS_OK;
}
