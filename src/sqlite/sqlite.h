/* sqlite/sqlite.h - the one thin wrapper of SQLite in kensa.
 *
 * Used for the vulnerability DB (vulndb), the embedded state store (store)
 * and read-only rpmdb.sqlite files inside scanned targets (pkg). No sqlite3
 * object leaves this module: callers hold `struct ks_db` / `struct ks_stmt`.
 *
 * Opening modes:
 *  - KS_DB_IMMUTABLE: read-only and immutable=1: SQLite writes nothing next to
 *    the file (no -shm/-wal/journal), the right mode for files inside a
 *    scanned tree and for the vulnerability DB while scans run;
 *  - KS_DB_READONLY: read-only, but sees a WAL written by others;
 *  - KS_DB_CREATE: read-write, created if missing, WAL journal.
 *
 * Thread-safety: one `struct ks_db` per thread (SQLite is built thread-safe,
 * but statements belong to their connection). Errors carry the file name and
 * SQLite's message. */
#ifndef KS_SQLITE_SQLITE_H
#define KS_SQLITE_SQLITE_H

#include "core/err.h"

enum ks_db_mode {
    KS_DB_IMMUTABLE,
    KS_DB_READONLY,
    KS_DB_CREATE,
};

struct ks_db;
struct ks_stmt;

/* Opens `path`. On success *out is a handle to close with ks_db_close(). */
ks_err ks_db_open(const char *path, enum ks_db_mode mode, struct ks_db **out,
                  struct ks_diag *diag);
void ks_db_close(struct ks_db *db);

/* Opens the database image held in the `len` bytes at `data` (e.g. an
 * rpmdb.sqlite read from an image layer), read-only, from a private copy
 * (freed at close); nothing is written anywhere. A database in WAL mode is
 * read as its main file alone (a -wal file next to it is not seen). `name`
 * is used in messages. KS_EDB when the bytes are not a database. */
ks_err ks_db_open_memory(const void *data, size_t len, const char *name, struct ks_db **out,
                         struct ks_diag *diag);

/* Runs one or more SQL statements without results (schema, pragmas,
 * BEGIN/COMMIT). KS_EDB with detail. */
ks_err ks_db_exec(struct ks_db *db, const char *sql, struct ks_diag *diag);

/* Prepares one statement. Free it with ks_stmt_free() before closing `db`. */
ks_err ks_db_prepare(struct ks_db *db, const char *sql, struct ks_stmt **out,
                     struct ks_diag *diag);

/* Binding, 1-based like SQLite. Text and blobs are copied (SQLITE_TRANSIENT)
 * unless stated. A NULL `s` binds SQL NULL. */
ks_err ks_stmt_bind_text(struct ks_stmt *st, int idx, const char *s);
ks_err ks_stmt_bind_textn(struct ks_stmt *st, int idx, const char *s, size_t len);
ks_err ks_stmt_bind_blob(struct ks_stmt *st, int idx, const void *p, size_t len);
ks_err ks_stmt_bind_int(struct ks_stmt *st, int idx, int64_t v);
ks_err ks_stmt_bind_real(struct ks_stmt *st, int idx, double v);
ks_err ks_stmt_bind_null(struct ks_stmt *st, int idx);

/* The index of the named parameter `name` ("$1", ":id"), or 0 if absent. */
int ks_stmt_param_index(struct ks_stmt *st, const char *name);

/* Steps: KS_OK with *row = true when a row is available, *row = false when
 * done; KS_EDB with detail on error (`row` may be NULL for statements
 * without results). */
ks_err ks_stmt_step(struct ks_stmt *st, bool *row, struct ks_diag *diag);

/* Resets for re-execution with new bindings (bindings are cleared). */
void ks_stmt_reset(struct ks_stmt *st);
void ks_stmt_free(struct ks_stmt *st);

/* Column accessors for the current row, 0-based. Text and blob pointers are
 * borrowed: valid until the next step/reset/free. NULL text reads as NULL. */
int ks_stmt_count(struct ks_stmt *st);
bool ks_stmt_is_null(struct ks_stmt *st, int col);
const char *ks_stmt_text(struct ks_stmt *st, int col);
const void *ks_stmt_blob(struct ks_stmt *st, int col, size_t *len);
int64_t ks_stmt_int(struct ks_stmt *st, int col);
double ks_stmt_real(struct ks_stmt *st, int col);

/* The rowid of the last insert and the rows changed by the last statement. */
int64_t ks_db_last_rowid(struct ks_db *db);
int64_t ks_db_changes(struct ks_db *db);

/* The path given to ks_db_open (for messages). */
const char *ks_db_path(const struct ks_db *db);

/* Loads SQLite now (ks_db_open* otherwise load it on first use): KS_OK, or
 * KS_EUNSUPPORTED naming the missing library (core/dl.h). */
ks_err ks_sqlite_load(struct ks_diag *diag);

/* The SQLite library version ("3.40.1"). */
const char *ks_sqlite_version(void);

#endif
