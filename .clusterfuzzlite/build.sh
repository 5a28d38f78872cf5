#!/bin/bash -eu
# Builds every cargo-fuzz target with optimizations and debug assertions and ships, per
# target, the binary, `<target>_seed_corpus.zip` (seeds + regressions), `<target>.options`
# and the dictionary to $OUT. Runs inside the ClusterFuzzLite image, or locally through
# .clusterfuzzlite/local-build.sh with SRC and OUT pointing at temporary directories.
PROJECT="$SRC/http-upgrade"
cd "$PROJECT/fuzz"
cargo fuzz build -O --debug-assertions
BIN_DIR="$PROJECT/fuzz/target/x86_64-unknown-linux-gnu/release"
cp dict/http-upgrade.dict "$OUT/http-upgrade.dict"
for target in $(cargo fuzz list); do
  cp "$BIN_DIR/$target" "$OUT/$target"
  sed 's#^dict = .*#dict = http-upgrade.dict#' "$target.options" > "$OUT/$target.options"
  rm -f "$OUT/${target}_seed_corpus.zip"
  seeds=("$PROJECT/corpus/$target")
  if [ -d "$PROJECT/corpus/regressions/$target" ]; then
    seeds+=("$PROJECT/corpus/regressions/$target")
  fi
  (cd "$PROJECT" && find "${seeds[@]}" -type f -print0 | xargs -0 zip -jq "$OUT/${target}_seed_corpus.zip")
done
