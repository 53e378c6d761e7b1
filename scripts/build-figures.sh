#!/usr/bin/env bash
# Prints how big the crate generated for the Matrix client-server API is and
# how long it takes to build: lines of the emitted files, a clean debug build
# (dependencies included, in a fresh target directory), and a rebuild of the
# generated crate alone.
#
# Usage: scripts/build-figures.sh [SPEC_DATA_DIR]
#   default: ../shared/corpus/openapi31-latest/data (beside this checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/corpus/openapi31-latest/data}
work=target/build-figures
rm -rf "$work"
cargo build --quiet --release -p matrix-codegen
./target/release/matrix-codegen generate "$data/api/client-server" --root "$data" \
  --out "$work/crate" 2>/dev/null
echo '[workspace]' >>"$work/crate/Cargo.toml"

echo "generated client-server crate: $(cat "$work"/crate/src/*.rs "$work"/crate/src/*/*.rs | wc -l) lines of Rust"
echo "  of which the API module:     $(cat "$work"/crate/src/client_server/*.rs | wc -l) lines"
if [ -f "$work/crate/src/events.rs" ]; then
  echo "  of which the events module:  $(wc -l <"$work"/crate/src/events.rs) lines"
fi
cd "$work/crate"
start=$(date +%s.%N)
CARGO_TARGET_DIR=../target cargo build --quiet --all-features
end=$(date +%s.%N)
echo "clean debug build, dependencies included: $(echo "$end - $start" | bc) s"
touch src/lib.rs
start=$(date +%s.%N)
CARGO_TARGET_DIR=../target cargo build --quiet --all-features
end=$(date +%s.%N)
echo "debug rebuild of the generated crate alone: $(echo "$end - $start" | bc) s"
