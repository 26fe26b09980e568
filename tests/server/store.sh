# tests/server/store.sh - sourced by the server tests: where their store is.
#
# use_store NAME [FILE] sets STORE to a SQLite file (FILE, default
# $TMP/store.db) or, when the test runs under tests/store/with-postgres.sh
# (KS_TEST_PG_HOST), to that cluster's database NAME (created there), with
# KENSA_HOME in $TMP: reports go to $KENSA_HOME/reports when the store is
# not a file. store_sql SQL runs statements in the store (portable SQL)
# and prints the rows' values.
use_store() {
    STORE=${2:-$TMP/store.db}
    STORE_DB=$1
    if [ -n "${KS_TEST_PG_HOST:-}" ]; then
        STORE="postgresql://kensa@/$1?host=$KS_TEST_PG_HOST"
        export KENSA_HOME=$TMP
    fi
}

store_sql() {
    if [ -n "${KS_TEST_PG_HOST:-}" ]; then
        "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql" -A -t -q -X \
            -v ON_ERROR_STOP=1 -h "$KS_TEST_PG_HOST" -U kensa -d "$STORE_DB" -c "$1"
    else
        sqlite3 -bail -cmd ".timeout 30000" "$STORE" "$1"
    fi
}
