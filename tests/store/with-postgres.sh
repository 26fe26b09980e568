#!/bin/bash
# tests/store/with-postgres.sh CMD [ARGS...] - runs CMD with KS_TEST_PG set to
# the connection string of a throw-away PostgreSQL cluster.
#
# The cluster is made from the installed binaries (Debian's postgresql-15) in
# a temporary directory, listens only on a Unix socket there, and is removed
# afterwards. PostgreSQL refuses to run as root, so as root the server runs as
# the 'postgres' user. Fails loudly when PostgreSQL is not installed.
set -u
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (postgresql-15 in .ci/packages)"; exit 1; }
dir=$(mktemp -d /tmp/ks_pg_XXXXXX)
chmod 755 "$dir"
as=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as=(runuser -u postgres --)
fi
cleanup() {
    "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT
"${as[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U kensa --no-sync >"$dir/initdb.log" 2>&1 ||
    { echo "initdb failed:"; cat "$dir/initdb.log"; exit 1; }
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-k $dir -c listen_addresses='' -c fsync=off -c full_page_writes=off" start >/dev/null ||
    { echo "PostgreSQL did not start:"; cat "$dir/log"; exit 1; }
for db in kensa_test store list reeval texts ahead lifecycle during client coverage authz crash reeval_s1 reeval_s2 reeval_s3; do
    "${as[@]}" "$bindir/createdb" -h "$dir" -U kensa "$db" || exit 1
done
export KS_TEST_PG="postgresql://kensa@/kensa_test?host=$dir" KS_TEST_PG_HOST=$dir
"$@"
