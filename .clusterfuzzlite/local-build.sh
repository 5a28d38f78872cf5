#!/usr/bin/env bash
# Proves a build script here: runs it (default .clusterfuzzlite/build.sh; pass
# oss-fuzz/build.sh for OSS-Fuzz's) with SRC and OUT in temporary directories (nightly cargo
# stands in for the image's), then runs each shipped binary once over its seed corpus.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/out"
ln -s "$repo" "$work/src/http-upgrade"
command -v zip >/dev/null || { echo "zip is needed (apt-get install zip)"; exit 1; }
script="${1:-.clusterfuzzlite/build.sh}"
SRC="$work/src" OUT="$work/out" RUSTUP_TOOLCHAIN=nightly bash "$repo/$script"
echo "shipped to \$OUT:"
ls -l "$work/out"
for options in "$work"/out/*.options; do
  target="$(basename "$options" .options)"
  test -x "$work/out/$target" || { echo "missing binary $target"; exit 1; }
  test -s "$work/out/${target}_seed_corpus.zip" || { echo "missing seed corpus for $target"; exit 1; }
  mkdir -p "$work/run/$target"
  (cd "$work/run/$target" && unzip -q "$work/out/${target}_seed_corpus.zip")
  "$work/out/$target" -runs=0 -dict="$work/out/http-upgrade.dict" "$work/run/$target" 2>&1 | grep -E "^#|Done" | tail -1
done
echo "$script: OK"
