#!/bin/bash
# src/code/grammars/fetch.sh OUTDIR - fetch the tree-sitter grammars kensa's
# code scanner parses with, from the npm registry, and lay out their generated
# C sources in OUTDIR for the build (run by meson as a custom_target).
#
# The grammar sources are never committed: each package is downloaded once
# with `npm pack` into a cache ($KENSA_FIXTURES/npm when set, else
# OUTDIR/npm-cache), checked against the sha256 pinned below, and its
# src/parser.c and src/scanner.c are copied to OUTDIR/ts_<lang>_*.c with their
# includes pointed at OUTDIR/ts_<lang>/. Versions stay at 0.23.x: their
# parser.c declares LANGUAGE_VERSION 14, which bookworm's libtree-sitter 0.20.7
# accepts (0.25 is ABI 15 and would be rejected at run time).
set -euo pipefail
out=${1:?usage: fetch.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cache=${KENSA_FIXTURES:+$KENSA_FIXTURES/npm}
cache=${cache:-$out/npm-cache}
mkdir -p "$cache"

# name version sha256-of-tarball
pkgs=(
  "tree-sitter-python 0.23.6 aab5b860d93dbf84b37fed532f7dacc0468ede5387d0c74911d68f964287662a"
  "tree-sitter-javascript 0.23.1 90e80b25a67517a4daf6ad751557bee21efbda7b7a5a554897933245d1734398"
  "tree-sitter-typescript 0.23.2 0fdf63c35930a75885145d75ee63cb879da2d49db9bfe454bd8e60b08ba778a1"
  "tree-sitter-java 0.23.5 6b6c1b62605f9d8bb80efd2ebe5951a87b182faafa3eeb67c460a667818551b6"
)

fail() { echo "fetch.sh: $*" >&2; exit 1; }

for p in "${pkgs[@]}"; do
  read -r name ver sum <<<"$p"
  tgz=$cache/$name-$ver.tgz
  if [ ! -f "$tgz" ] || ! echo "$sum  $tgz" | sha256sum -c --quiet - 2>/dev/null; then
    command -v npm >/dev/null || fail "npm is not installed; it is needed to fetch $name@$ver (apt-get install npm)"
    rm -f "$tgz"
    (cd "$cache" && npm pack --silent "$name@$ver" >/dev/null 2>"$cache/npm-$name.log") ||
      fail "cannot fetch '$name@$ver' from the npm registry (is it reachable?): $(tail -n 3 "$cache/npm-$name.log")"
    echo "$sum  $tgz" | sha256sum -c --quiet - || fail "'$tgz' does not match its pinned sha256"
  fi
  lang=${name#tree-sitter-}
  tmp=$out/.x-$lang
  rm -rf "$tmp"; mkdir -p "$tmp"
  tar xzf "$tgz" -C "$tmp"
  src=$tmp/package/src
  [ "$lang" = typescript ] && src=$tmp/package/typescript/src
  grep -q '^#define LANGUAGE_VERSION 14$' "$src/parser.c" || fail "'$name@$ver' is not ABI 14"
  rm -rf "$out/ts_$lang"; mkdir -p "$out/ts_$lang"
  cp -r "$src/tree_sitter" "$out/ts_$lang/"
  sed "s|\"tree_sitter/|\"ts_$lang/tree_sitter/|" "$src/parser.c" >"$out/ts_${lang}_parser.c"
  if [ -f "$src/scanner.c" ]; then
    sed -e "s|\"tree_sitter/|\"ts_$lang/tree_sitter/|" \
        -e "s|\"../../common/scanner.h\"|\"ts_$lang/common/scanner.h\"|" \
        "$src/scanner.c" >"$out/ts_${lang}_scanner.c"
  fi
  if [ -d "$tmp/package/common" ]; then
    mkdir -p "$out/ts_$lang/common"
    sed 's|"tree_sitter/|"../tree_sitter/|' "$tmp/package/common/scanner.h" >"$out/ts_$lang/common/scanner.h"
  fi
  cp "$tmp/package/LICENSE" "$out/ts_$lang/LICENSE" 2>/dev/null || true
  rm -rf "$tmp"
done
