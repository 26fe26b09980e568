#!/bin/bash
# tests/version/oracle_maven.sh - compiles OracleMaven.java once against
# Debian's maven-artifact jar into "$KENSA_FIXTURES/maven-oracle", then runs
# it on stdin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=/usr/share/java/maven-artifact-3.x.jar
dir=$(realpath -m "${KENSA_FIXTURES:-.fixtures}/maven-oracle")
command -v javac >/dev/null || { echo "oracle_maven.sh: javac is not installed (.ci/packages: default-jdk-headless)" >&2; exit 1; }
[ -f "$jar" ] || { echo "oracle_maven.sh: $jar is missing (.ci/packages: libmaven3-core-java)" >&2; exit 1; }
mkdir -p "$dir"
exec 9>"$dir/lock"
flock 9
stamp=$(cat "$here/OracleMaven.java" "$jar" | sha256sum | cut -c1-16)
if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
    javac -d "$dir" -cp "$jar" "$here/OracleMaven.java" >&2
    echo "$stamp" > "$dir/stamp"
fi
flock -u 9
exec java -cp "$dir:$jar" OracleMaven
