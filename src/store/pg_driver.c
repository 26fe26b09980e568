/* store/pg_driver.c - the PostgreSQL backend of the store (libpq).
 *
 * Statements run with PQexecParams and text parameters; PostgreSQL infers
 * each parameter's type from the statement, which is why store.c writes
 * explicit CASTs where a value could be read as the wrong type. */
#include "core/ks_common.h"

#include "store/driver.h"

#include <libpq-fe.h>

struct conn {
    PGconn *pg;
    int64_t changes;
};

struct pgrow {
    PGresult *res;
    int row;
};

static const char *col_text(const struct ks_sqlrow *r, int col)
{
    const struct pgrow *p = r->impl;

    return PQgetisnull(p->res, p->row, col) ? NULL : PQgetvalue(p->res, p->row, col);
}

static const char *col_bytes(const struct ks_sqlrow *r, int col, size_t *len)
{
    const struct pgrow *p = r->impl;

    *len = 0;
    if (PQgetisnull(p->res, p->row, col))
        return NULL;
    *len = (size_t)PQgetlength(p->res, p->row, col);
    return PQgetvalue(p->res, p->row, col);
}

static int64_t col_int(const struct ks_sqlrow *r, int col)
{
    const char *s = col_text(r, col);

    return s ? strtoll(s, NULL, 10) : 0;
}

static double col_real(const struct ks_sqlrow *r, int col)
{
    const char *s = col_text(r, col);

    return s ? strtod(s, NULL) : 0;
}

/* The highest $N the statement uses: libpq must be given exactly that many
 * parameters. */
static size_t max_param(const char *sql)
{
    size_t max = 0;

    for (const char *p = strchr(sql, '$'); p; p = strchr(p + 1, '$')) {
        size_t n = 0;
        const char *d = p + 1;

        while (*d >= '0' && *d <= '9')
            n = n * 10 + (size_t)(*d++ - '0');
        if (n > max)
            max = n;
    }
    return max;
}

static ks_err fail(struct conn *c, PGresult *res, const char *what, struct ks_diag *diag)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    char msg[KS_DIAG_MSG_MAX];
    size_t n;

    snprintf(msg, sizeof(msg), "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    PQclear(res);
    /* 23505: unique violation, 23503: foreign key: the caller's data. */
    if (state && (!strcmp(state, "23505") || !strcmp(state, "23503")))
        return ks_diag_set(diag, KS_EINVAL, "postgresql: %s: %s", what, msg);
    return ks_diag_set(diag, KS_EDB, "postgresql: %s: %s", what, msg);
}

static ks_err query(void *vc, const char *sql, const struct ks_sqlv *args, size_t nargs,
                    ks_sqlrow_fn *fn, void *ctx, struct ks_diag *diag)
{
    struct conn *c = vc;
    size_t n = KS_MIN(nargs, max_param(sql));
    const char **values = n ? calloc(n, sizeof(*values)) : NULL;
    char (*nums)[32] = n ? calloc(n, sizeof(*nums)) : NULL;
    struct ks_sqlrow row = {NULL, col_text, col_int, col_real, col_bytes};
    struct pgrow pr;
    PGresult *res;
    ks_err err = KS_OK;

    if (n && (!values || !nums)) {
        free(values);
        free(nums);
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        switch (args[i].kind) {
        case KS_SQLV_NULL:
            values[i] = NULL;
            break;
        case KS_SQLV_TEXT:
            /* libpq wants NUL-terminated text; lengths other than the whole
             * string do not occur in store.c. */
            values[i] = args[i].text;
            break;
        case KS_SQLV_INT:
            snprintf(nums[i], sizeof(nums[i]), "%lld", (long long)args[i].i);
            values[i] = nums[i];
            break;
        case KS_SQLV_REAL:
            snprintf(nums[i], sizeof(nums[i]), "%.17g", args[i].d);
            values[i] = nums[i];
            break;
        }
    }
    res = PQexecParams(c->pg, sql, (int)n, NULL, values, NULL, NULL, 0);
    free(values);
    free(nums);
    if (!res || (PQresultStatus(res) != PGRES_TUPLES_OK &&
                 PQresultStatus(res) != PGRES_COMMAND_OK))
        return fail(c, res, "query failed", diag);
    c->changes = strtoll(PQcmdTuples(res), NULL, 10);
    pr.res = res;
    row.impl = &pr;
    for (int i = 0; fn && i < PQntuples(res) && !err; i++) {
        pr.row = i;
        err = fn(&row, ctx);
    }
    PQclear(res);
    return err;
}

static ks_err script(void *vc, const char *sql, struct ks_diag *diag)
{
    struct conn *c = vc;
    PGresult *res = PQexec(c->pg, sql);

    if (!res || (PQresultStatus(res) != PGRES_COMMAND_OK &&
                 PQresultStatus(res) != PGRES_TUPLES_OK))
        return fail(c, res, "statement failed", diag);
    PQclear(res);
    return KS_OK;
}

static ks_err begin(void *vc, struct ks_diag *diag)
{
    return script(vc, "BEGIN", diag);
}

static ks_err commit(void *vc, struct ks_diag *diag)
{
    return script(vc, "COMMIT", diag);
}

static void rollback(void *vc)
{
    script(vc, "ROLLBACK", NULL);
}

static int64_t changes(void *vc)
{
    return ((struct conn *)vc)->changes;
}

static void close_conn(void *vc)
{
    struct conn *c = vc;

    if (!c)
        return;
    PQfinish(c->pg);
    free(c);
}

static const struct ks_driver pg_driver = {
        .name = "postgresql",
        .id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        .query = query,
        .script = script,
        .begin = begin,
        .commit = commit,
        .rollback = rollback,
        .explain = "EXPLAIN ",
        .explain_col = 0,
        .changes = changes,
        .close = close_conn,
};

ks_err ks_store_pg_open(const char *conninfo, const struct ks_driver **drv, void **out,
                        struct ks_diag *diag)
{
    struct conn *c = calloc(1, sizeof(*c));
    ks_err err;

    if (!c)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    c->pg = PQconnectdb(conninfo);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        err = ks_diag_set(diag, KS_EDB, "cannot connect to PostgreSQL: %s",
                          c->pg ? PQerrorMessage(c->pg) : "out of memory");
        /* libpq messages end in a newline. */
        if (diag && diag->msg[0] && diag->msg[strlen(diag->msg) - 1] == '\n')
            diag->msg[strlen(diag->msg) - 1] = '\0';
        close_conn(c);
        return err;
    }
    /* Quiet NOTICEs such as "relation already exists, skipping". */
    err = script(c, "SET client_min_messages = warning", diag);
    if (err) {
        close_conn(c);
        return err;
    }
    *drv = &pg_driver;
    *out = c;
    return KS_OK;
}
