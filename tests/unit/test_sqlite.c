#include "ks_test.h"

#include "core/file.h"
#include "sqlite/sqlite.h"

#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/ks_sqlite_XXXXXX";

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void test_roundtrip(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_db *db;
    struct ks_stmt *st;
    char path[128], wal[140];
    bool row;
    size_t len;
    struct stat sb;

    (void)state;
    path_of(path, sizeof(path), "a?b#c.db"); /* URI characters in the name */
    assert_int_equal(ks_db_open(path, KS_DB_CREATE, &db, &d), KS_OK);
    assert_int_equal(ks_db_exec(db, "CREATE TABLE t(k TEXT, v INTEGER, b BLOB)", &d), KS_OK);
    assert_int_equal(ks_db_prepare(db, "INSERT INTO t VALUES (?, ?, ?)", &st, &d), KS_OK);
    for (int i = 0; i < 3; i++) {
        char k[8];
        snprintf(k, sizeof(k), "k%d", i);
        assert_int_equal(ks_stmt_bind_text(st, 1, k), KS_OK);
        assert_int_equal(ks_stmt_bind_int(st, 2, i * 10), KS_OK);
        assert_int_equal(ks_stmt_bind_blob(st, 3, "\0\1", 2), KS_OK);
        assert_int_equal(ks_stmt_step(st, NULL, &d), KS_OK);
        ks_stmt_reset(st);
    }
    ks_stmt_free(st);
    assert_int_equal(ks_db_changes(db), 1);
    assert_int_equal(ks_db_last_rowid(db), 3);
    assert_int_equal(ks_db_exec(db, "SELECT nope FROM t", &d), KS_EDB);
    assert_non_null(strstr(d.msg, "no such column"));
    ks_db_close(db);

    /* Immutable: reads work and nothing is written beside the file. */
    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(wal);
    assert_int_equal(ks_db_open(path, KS_DB_IMMUTABLE, &db, &d), KS_OK);
    assert_int_equal(ks_db_prepare(db, "SELECT k, v, b FROM t WHERE v >= ? ORDER BY v", &st, &d),
                     KS_OK);
    assert_int_equal(ks_stmt_bind_int(st, 1, 10), KS_OK);
    assert_int_equal(ks_stmt_step(st, &row, &d), KS_OK);
    assert_true(row);
    assert_string_equal(ks_stmt_text(st, 0), "k1");
    assert_int_equal(ks_stmt_int(st, 1), 10);
    assert_memory_equal(ks_stmt_blob(st, 2, &len), "\0\1", 2);
    assert_int_equal(len, 2);
    assert_int_equal(ks_stmt_step(st, &row, &d), KS_OK);
    assert_true(row);
    assert_int_equal(ks_stmt_step(st, &row, &d), KS_OK);
    assert_false(row);
    ks_stmt_free(st);
    assert_int_equal(ks_db_exec(db, "INSERT INTO t VALUES ('x', 1, NULL)", &d), KS_EDB);
    ks_db_close(db);
    assert_int_equal(stat(wal, &sb), -1);
}

static void test_bad_files(void **state)
{
    struct ks_diag d = KS_DIAG_INIT;
    struct ks_db *db;
    char path[128];

    (void)state;
    path_of(path, sizeof(path), "garbage.db");
    assert_int_equal(ks_file_write_atomic(path, "this is not a database at all, no no no", 39, &d),
                     KS_OK);
    assert_int_equal(ks_db_open(path, KS_DB_IMMUTABLE, &db, &d), KS_EDB);
    assert_non_null(strstr(d.msg, "garbage.db"));
    path_of(path, sizeof(path), "missing.db");
    assert_int_equal(ks_db_open(path, KS_DB_READONLY, &db, &d), KS_ENOTFOUND);
    assert_non_null(strstr(d.msg, "missing.db"));
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_roundtrip),
            cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
