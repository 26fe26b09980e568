/* store/driver.h - what a storage backend implements (internal to store/).
 *
 * Statements are written once, in portable SQL with PostgreSQL-style $1…$N
 * parameters; the SQLite driver binds each argument to its "$N" name, so the
 * same text serves both. Values are text, 64-bit integers or reals; NULL
 * text is SQL NULL. */
#ifndef KS_STORE_DRIVER_H
#define KS_STORE_DRIVER_H

#include "core/err.h"

enum ks_sqlv_kind { KS_SQLV_NULL, KS_SQLV_TEXT, KS_SQLV_INT, KS_SQLV_REAL };

struct ks_sqlv {
    enum ks_sqlv_kind kind;
    const char *text;
    size_t len; /* for text; SIZE_MAX = strlen */
    int64_t i;
    double d;
};

static inline struct ks_sqlv ks_sql_text(const char *s)
{
    return (struct ks_sqlv){s ? KS_SQLV_TEXT : KS_SQLV_NULL, s, SIZE_MAX, 0, 0};
}

static inline struct ks_sqlv ks_sql_int(int64_t v)
{
    return (struct ks_sqlv){KS_SQLV_INT, NULL, 0, v, 0};
}

static inline struct ks_sqlv ks_sql_real(double v)
{
    return (struct ks_sqlv){KS_SQLV_REAL, NULL, 0, 0, v};
}

#define KS_SQL_TEXT(s) ks_sql_text(s)
#define KS_SQL_INT(v)  ks_sql_int(v)
#define KS_SQL_REAL(v) ks_sql_real(v)

/* A result row: column accessors valid during the callback only. */
struct ks_sqlrow {
    const void *impl;
    const char *(*text)(const struct ks_sqlrow *r, int col);
    int64_t (*integer)(const struct ks_sqlrow *r, int col);
    double (*real)(const struct ks_sqlrow *r, int col);
    /* A text column's bytes as stored, `*len` of them, not necessarily
     * NUL-terminated (NULL for NULL, and maybe for ""): compared without
     * the copy that a terminator can take. */
    const char *(*bytes)(const struct ks_sqlrow *r, int col, size_t *len);
};

typedef ks_err ks_sqlrow_fn(const struct ks_sqlrow *row, void *ctx);

struct ks_driver {
    const char *name;
    /* What replaces "@ID@" in the shared DDL (schema.c). */
    const char *id_column;
    /* Runs `sql` with `args`; calls `fn` (may be NULL) per row. */
    ks_err (*query)(void *conn, const char *sql, const struct ks_sqlv *args, size_t nargs,
                    ks_sqlrow_fn *fn, void *ctx, struct ks_diag *diag);
    /* Runs several statements without parameters (migrations). */
    ks_err (*script)(void *conn, const char *sql, struct ks_diag *diag);
    ks_err (*begin)(void *conn, struct ks_diag *diag);
    ks_err (*commit)(void *conn, struct ks_diag *diag);
    void (*rollback)(void *conn);
    /* What turns a query into its plan, and the result column with the
     * plan's text ("EXPLAIN QUERY PLAN ", 3 for SQLite). */
    const char *explain;
    int explain_col;
    /* Rows changed by the last statement. */
    int64_t (*changes)(void *conn);
    /* The id the last INSERT gave its row (@ID@ column), or NULL: the
     * store asks with RETURNING instead (SQLite's RETURNING costs a
     * statement journal and a buffer of results per row). */
    int64_t (*last_id)(void *conn);
    void (*close)(void *conn);
    /* Run once on a connection before its first batch of many writes
     * (ks_store_batch_begin()), or NULL. */
    const char *bulk_sql;
    /* Copies the write-ahead log back into the database without waiting
     * for anyone (ks_store_checkpoint()), or NULL: no such log. */
    const char *checkpoint_sql;
    /* A query whose one integer changes when another connection commits
     * (not with this one's commits), or NULL: the backend cannot tell. */
    const char *data_version_sql;
};

/* The schema migrations (schema.c): entry i takes version i to i + 1. */
extern const char *const ks_store_migrations[];
extern const size_t ks_store_nmigrations;

/* The SQLite backend: opens `path` (created if needed, WAL). */
ks_err ks_store_sqlite_open(const char *path, const struct ks_driver **drv, void **conn,
                            struct ks_diag *diag);

/* The PostgreSQL backend (built with the postgres feature): connects with a
 * libpq connection string or URI ("postgresql://…"). */
ks_err ks_store_pg_open(const char *conninfo, const struct ks_driver **drv, void **conn,
                        struct ks_diag *diag);

#endif
