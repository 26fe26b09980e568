# tests/server/store.sh - sourced by the server tests: where their store is.
#
# use_store NAME sets STORE to a SQLite file in $TMP or, when the test runs
# under tests/store/with-postgres.sh (KS_TEST_PG_HOST), to that cluster's
# database NAME (created there), with KENSA_HOME in $TMP: reports go to
# $KENSA_HOME/reports when the store is not a file.
use_store() {
    STORE=$TMP/store.db
    if [ -n "${KS_TEST_PG_HOST:-}" ]; then
        STORE="postgresql://kensa@/$1?host=$KS_TEST_PG_HOST"
        export KENSA_HOME=$TMP
    fi
}
