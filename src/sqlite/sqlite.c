#include "core/ks_common.h"

#include "sqlite/sqlite.h"

#include "core/buf.h"
#include "core/dl.h"

#include <pthread.h>
#include <sqlite3.h>

/* libsqlite3, loaded on first use (core/dl.h): only a target that needs it pays for it */
#define KS_SQLITE_FNS(X) \
    X(sqlite3_bind_blob64) \
    X(sqlite3_bind_double) \
    X(sqlite3_bind_int64) \
    X(sqlite3_bind_null) \
    X(sqlite3_bind_parameter_index) \
    X(sqlite3_bind_text) \
    X(sqlite3_bind_text64) \
    X(sqlite3_busy_timeout) \
    X(sqlite3_changes64) \
    X(sqlite3_clear_bindings) \
    X(sqlite3_close_v2) \
    X(sqlite3_column_blob) \
    X(sqlite3_column_bytes) \
    X(sqlite3_column_count) \
    X(sqlite3_column_double) \
    X(sqlite3_column_int64) \
    X(sqlite3_column_text) \
    X(sqlite3_column_type) \
    X(sqlite3_config) \
    X(sqlite3_deserialize) \
    X(sqlite3_errmsg) \
    X(sqlite3_errstr) \
    X(sqlite3_exec) \
    X(sqlite3_extended_result_codes) \
    X(sqlite3_finalize) \
    X(sqlite3_free) \
    X(sqlite3_last_insert_rowid) \
    X(sqlite3_libversion) \
    X(sqlite3_malloc64) \
    X(sqlite3_open_v2) \
    X(sqlite3_prepare_v3) \
    X(sqlite3_reset) \
    X(sqlite3_step)

KS_DL_LIBRARY(lib_sqlite, KS_SQLITE_FNS, "libsqlite3.so.0",
              "read SQLite databases");

#define sqlite3_bind_blob64 (lib_sqlite.sqlite3_bind_blob64)
#define sqlite3_bind_double (lib_sqlite.sqlite3_bind_double)
#define sqlite3_bind_int64 (lib_sqlite.sqlite3_bind_int64)
#define sqlite3_bind_null (lib_sqlite.sqlite3_bind_null)
#define sqlite3_bind_parameter_index (lib_sqlite.sqlite3_bind_parameter_index)
#define sqlite3_bind_text (lib_sqlite.sqlite3_bind_text)
#define sqlite3_bind_text64 (lib_sqlite.sqlite3_bind_text64)
#define sqlite3_busy_timeout (lib_sqlite.sqlite3_busy_timeout)
#define sqlite3_changes64 (lib_sqlite.sqlite3_changes64)
#define sqlite3_clear_bindings (lib_sqlite.sqlite3_clear_bindings)
#define sqlite3_close_v2 (lib_sqlite.sqlite3_close_v2)
#define sqlite3_column_blob (lib_sqlite.sqlite3_column_blob)
#define sqlite3_column_bytes (lib_sqlite.sqlite3_column_bytes)
#define sqlite3_column_count (lib_sqlite.sqlite3_column_count)
#define sqlite3_column_double (lib_sqlite.sqlite3_column_double)
#define sqlite3_column_int64 (lib_sqlite.sqlite3_column_int64)
#define sqlite3_column_text (lib_sqlite.sqlite3_column_text)
#define sqlite3_column_type (lib_sqlite.sqlite3_column_type)
#define sqlite3_config (lib_sqlite.sqlite3_config)
#define sqlite3_deserialize (lib_sqlite.sqlite3_deserialize)
#define sqlite3_errmsg (lib_sqlite.sqlite3_errmsg)
#define sqlite3_errstr (lib_sqlite.sqlite3_errstr)
#define sqlite3_exec (lib_sqlite.sqlite3_exec)
#define sqlite3_extended_result_codes (lib_sqlite.sqlite3_extended_result_codes)
#define sqlite3_finalize (lib_sqlite.sqlite3_finalize)
#define sqlite3_free (lib_sqlite.sqlite3_free)
#define sqlite3_last_insert_rowid (lib_sqlite.sqlite3_last_insert_rowid)
#define sqlite3_libversion (lib_sqlite.sqlite3_libversion)
#define sqlite3_malloc64 (lib_sqlite.sqlite3_malloc64)
#define sqlite3_open_v2 (lib_sqlite.sqlite3_open_v2)
#define sqlite3_prepare_v3 (lib_sqlite.sqlite3_prepare_v3)
#define sqlite3_reset (lib_sqlite.sqlite3_reset)
#define sqlite3_step (lib_sqlite.sqlite3_step)

struct ks_db {
    sqlite3 *h;
    char *path;
};

struct ks_stmt {
    sqlite3_stmt *h;
    struct ks_db *db;
};

static ks_err db_error(struct ks_db *db, struct ks_diag *diag, const char *what)
{
    return ks_diag_set(diag, KS_EDB, "'%s': %s: %s", db->path, what, sqlite3_errmsg(db->h));
}

/* Percent-encodes the characters that would end or alter the path part of
 * a file: URI, so any file name opens as itself. */
static ks_err uri_for(struct ks_buf *b, const char *path, const char *query)
{
    ks_err err = ks_buf_adds(b, "file:");

    for (const char *p = path; !err && *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            err = ks_buf_addf(b, "%%%02X", (unsigned char)*p);
        else
            err = ks_buf_addc(b, *p);
    }
    if (!err && query)
        err = ks_buf_addf(b, "?%s", query);
    return err;
}

ks_err ks_db_open(const char *path, enum ks_db_mode mode, struct ks_db **out,
                  struct ks_diag *diag)
{
    struct ks_buf uri = KS_BUF_INIT(0);
    struct ks_db *db;
    int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    ks_err err = ks_sqlite_load(diag);
    int rc;

    if (err)
        return err;
    db = calloc(1, sizeof(*db));
    if (!db)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    db->path = strdup(path);
    if (!db->path) {
        free(db);
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    switch (mode) {
    case KS_DB_IMMUTABLE:
        flags |= SQLITE_OPEN_READONLY;
        err = uri_for(&uri, path, "immutable=1");
        break;
    case KS_DB_READONLY:
        flags |= SQLITE_OPEN_READONLY;
        err = uri_for(&uri, path, NULL);
        break;
    case KS_DB_CREATE:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        err = uri_for(&uri, path, NULL);
        break;
    }
    if (err) {
        err = ks_diag_set(diag, err, "out of memory");
        goto done;
    }
    rc = sqlite3_open_v2(ks_buf_str(&uri), &db->h, flags, NULL);
    if (rc != SQLITE_OK) {
        err = ks_diag_set(diag, rc == SQLITE_CANTOPEN ? KS_ENOTFOUND : KS_EDB,
                          "cannot open database '%s': %s", path,
                          db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        goto done;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, 5000);
    if (mode == KS_DB_CREATE)
        err = ks_db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", diag);
    else
        /* Refuse anything that is not a database before the caller's first
         * query, with a message that names the file. */
        err = ks_db_exec(db, "SELECT count(*) FROM sqlite_schema", diag);
done:
    ks_buf_release(&uri);
    if (err) {
        ks_db_close(db);
        return err;
    }
    *out = db;
    return KS_OK;
}

ks_err ks_db_open_memory(const void *data, size_t len, const char *name, struct ks_db **out,
                         struct ks_diag *diag)
{
    struct ks_db *db;
    ks_err err;
    int rc;

    *out = NULL;
    if ((err = ks_sqlite_load(diag)))
        return err;
    db = calloc(1, sizeof(*db));
    if (!db || !(db->path = strdup(name))) {
        free(db);
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    }
    rc = sqlite3_open_v2(":memory:", &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        /* A private copy that SQLite frees: a database in WAL mode (header
         * bytes 18-19 = 2, as rpm writes rpmdb.sqlite) cannot be opened from
         * memory, so the copy is marked rollback-journal (1) - the content
         * of the main file is the same, a WAL next to it is not read. */
        unsigned char *copy = sqlite3_malloc64(len ? len : 1);
        if (!copy) {
            rc = SQLITE_NOMEM;
        } else {
            memcpy(copy, data, len);
            if (len > 19 && copy[18] == 2 && copy[19] == 2)
                copy[18] = copy[19] = 1;
            rc = sqlite3_deserialize(db->h, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                                     SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE);
        }
    }
    if (rc != SQLITE_OK) {
        err = ks_diag_set(diag, KS_EDB, "cannot open database '%s': %s", name,
                          db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        ks_db_close(db);
        return err;
    }
    sqlite3_extended_result_codes(db->h, 1);
    err = ks_db_exec(db, "SELECT count(*) FROM sqlite_schema", diag);
    if (err) {
        ks_db_close(db);
        return err;
    }
    *out = db;
    return KS_OK;
}

void ks_db_close(struct ks_db *db)
{
    if (!db)
        return;
    sqlite3_close_v2(db->h);
    free(db->path);
    free(db);
}

ks_err ks_db_exec(struct ks_db *db, const char *sql, struct ks_diag *diag)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        ks_diag_set(diag, KS_EDB, "'%s': %s", db->path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return KS_EDB;
    }
    return KS_OK;
}

ks_err ks_db_prepare(struct ks_db *db, const char *sql, struct ks_stmt **out,
                     struct ks_diag *diag)
{
    struct ks_stmt *st = calloc(1, sizeof(*st));

    if (!st)
        return ks_diag_set(diag, KS_ENOMEM, "out of memory");
    if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->h, NULL) !=
        SQLITE_OK) {
        free(st);
        return db_error(db, diag, "cannot prepare statement");
    }
    st->db = db;
    *out = st;
    return KS_OK;
}

static ks_err bind_rc(int rc)
{
    return rc == SQLITE_OK ? KS_OK : rc == SQLITE_NOMEM ? KS_ENOMEM : KS_EDB;
}

ks_err ks_stmt_bind_text(struct ks_stmt *st, int idx, const char *s)
{
    if (!s)
        return ks_stmt_bind_null(st, idx);
    return bind_rc(sqlite3_bind_text(st->h, idx, s, -1, SQLITE_TRANSIENT));
}

ks_err ks_stmt_bind_textn(struct ks_stmt *st, int idx, const char *s, size_t len)
{
    if (!s)
        return ks_stmt_bind_null(st, idx);
    return bind_rc(sqlite3_bind_text64(st->h, idx, s, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

ks_err ks_stmt_bind_blob(struct ks_stmt *st, int idx, const void *p, size_t len)
{
    return bind_rc(sqlite3_bind_blob64(st->h, idx, p, len, SQLITE_TRANSIENT));
}

ks_err ks_stmt_bind_int(struct ks_stmt *st, int idx, int64_t v)
{
    return bind_rc(sqlite3_bind_int64(st->h, idx, v));
}

ks_err ks_stmt_bind_real(struct ks_stmt *st, int idx, double v)
{
    return bind_rc(sqlite3_bind_double(st->h, idx, v));
}

ks_err ks_stmt_bind_null(struct ks_stmt *st, int idx)
{
    return bind_rc(sqlite3_bind_null(st->h, idx));
}

int ks_stmt_param_index(struct ks_stmt *st, const char *name)
{
    return sqlite3_bind_parameter_index(st->h, name);
}

ks_err ks_stmt_step(struct ks_stmt *st, bool *row, struct ks_diag *diag)
{
    int rc = sqlite3_step(st->h);

    if (rc == SQLITE_ROW) {
        if (row)
            *row = true;
        return KS_OK;
    }
    if (rc == SQLITE_DONE) {
        if (row)
            *row = false;
        return KS_OK;
    }
    return db_error(st->db, diag, "query failed");
}

void ks_stmt_reset(struct ks_stmt *st)
{
    sqlite3_reset(st->h);
    sqlite3_clear_bindings(st->h);
}

void ks_stmt_free(struct ks_stmt *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->h);
    free(st);
}

int ks_stmt_count(struct ks_stmt *st)
{
    return sqlite3_column_count(st->h);
}

bool ks_stmt_is_null(struct ks_stmt *st, int col)
{
    return sqlite3_column_type(st->h, col) == SQLITE_NULL;
}

const char *ks_stmt_text(struct ks_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st->h, col);
}

const void *ks_stmt_blob(struct ks_stmt *st, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(st->h, col);

    *len = (size_t)sqlite3_column_bytes(st->h, col);
    return p;
}

int64_t ks_stmt_int(struct ks_stmt *st, int col)
{
    return sqlite3_column_int64(st->h, col);
}

double ks_stmt_real(struct ks_stmt *st, int col)
{
    return sqlite3_column_double(st->h, col);
}

int64_t ks_db_last_rowid(struct ks_db *db)
{
    return sqlite3_last_insert_rowid(db->h);
}

int64_t ks_db_changes(struct ks_db *db)
{
    return sqlite3_changes64(db->h);
}

const char *ks_db_path(const struct ks_db *db)
{
    return db->path;
}

/* Once loaded, before SQLite initialises: no memory statistics. They are
 * counted under one process-wide mutex on every allocation, which the
 * threads of a re-evaluation (each with its own connection) took turns
 * on (4-7% of their time in pthread_mutex_lock/unlock); kensa never reads
 * them. */
static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

ks_err ks_sqlite_load(struct ks_diag *diag)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    ks_err err = ks_dl_load(&lib_sqlite_dl, diag);

    if (!err)
        pthread_once(&once, configure);
    return err;
}

const char *ks_sqlite_version(void)
{
    return ks_sqlite_load(NULL) ? "(not loadable)" : sqlite3_libversion();
}
