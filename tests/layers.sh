#!/bin/bash
# tests/layers.sh SRC_DIR - the layering rule of docs/ARCHITECTURE.md, checked.
#
# 1. A module includes headers only of its own or of lower layers.
# 2. Each third-party header is included by exactly one module (its wrapper).
set -u
src=${1:-src}
declare -A layer=(
  [core]=0
  [model]=1 [version]=1 [formats]=1 [sqlite]=1 [http]=1 [regex]=1
  [ingest]=2
  [pkg]=3 [vulndb]=3 [net]=3 [code]=3 [cis]=3
  [score]=4
  [match]=5 [export]=5
  [store]=6
  [server]=7 [notify]=7 [agent]=7
  [cmd]=8
)
# third-party header prefix -> the one module allowed to include it
declare -A owner=(
  [openssl/]=core [nettle/]=core [jansson.h]=formats [yaml.h]=formats [libxml/]=formats
  [archive.h]=ingest [archive_entry.h]=ingest [sqlite3.h]=sqlite [curl/]=http
  [pcre2.h]=regex [tree_sitter/]=code [microhttpd.h]=server [libpq-fe.h]=store
  [zlib.h]=pkg
)
fail=0
for dir in "$src"/*/; do
  mod=$(basename "$dir")
  if [ -z "${layer[$mod]+x}" ]; then
    echo "module '$mod' has no layer in tests/layers.sh"; fail=1; continue
  fi
  while IFS=: read -r file line inc; do
    dep=$(sed -E 's/^#include "([a-z_]+)\/.*/\1/' <<<"$inc")
    [ "$dep" = "$mod" ] && continue
    if [ -z "${layer[$dep]+x}" ]; then continue; fi
    if [ "${layer[$dep]}" -ge "${layer[$mod]}" ]; then
      echo "$file:$line: '$mod' (layer ${layer[$mod]}) includes '$dep' (layer ${layer[$dep]})"; fail=1
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "$dir" --include='*.[ch]' | sed -E 's/^([^:]+):([0-9]+):/\1:\2:/')
  for hdr in "${!owner[@]}"; do
    [ "${owner[$hdr]}" = "$mod" ] && continue
    hits=$(grep -rnF "#include <$hdr" "$dir" --include='*.[ch]')
    if [ -n "$hits" ]; then
      echo "$hits: <$hdr> belongs to module '${owner[$hdr]}' only"; fail=1
    fi
  done
done
[ $fail = 0 ] && echo "layers ok"
exit $fail
