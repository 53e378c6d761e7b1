#!/usr/bin/env bash
# Prints how the generator's speed compares with a bare parse of the same
# spec files by the same YAML library (generator/examples/bare_parse.rs):
# median wall time of RUNS runs each (the commands taking turns), the
# ratios, and the peak memory of `generate`. Release builds; run it on a
# quiet machine.
#
# Then the same two on one core (`taskset`), where the ratio is one of work
# alone: the bare parse runs on one core, `generate` on every core it has,
# so their wall-time ratio also says how well the run spreads over them.
#
# Usage: scripts/speed.sh [SPEC_DATA_DIR] [RUNS]
#   default: ../shared/corpus/openapi31-latest/data (beside this checkout), 11 runs
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/corpus/openapi31-latest/data}
runs=${2:-11}
work=target/speed
rm -rf "$work" && mkdir -p "$work"
# Both: building an example alone leaves the binary as it was.
cargo build --quiet --release -p matrix-codegen --bin matrix-codegen --example bare_parse
bin=target/release

source scripts/median.sh

# The three commands take turns, run after run, so that a slow spell of the
# machine falls on all three rather than on whichever ran in it.
parse_times=() generate_times=() bundle_times=()
for _ in $(seq 1 "$runs"); do
  parse_times+=("$(time_ms "$bin/examples/bare_parse" "$data")")
  generate_times+=("$(time_ms "$bin/matrix-codegen" generate "$data/api" --root "$data" \
    --out "$work/crate")")
  bundle_times+=("$(time_ms "$bin/matrix-codegen" bundle "$data/api" --root "$data" \
    --out "$work/bundle")")
done
parse=$(median "${parse_times[@]}")
generate=$(median "${generate_times[@]}")
bundle=$(median "${bundle_times[@]}")
/usr/bin/time -o "$work/peak" -f %M "$bin/matrix-codegen" generate "$data/api" --root "$data" \
  --out "$work/crate" >/dev/null 2>&1
peak_kb=$(tail -1 "$work/peak")
one_core=""
if command -v taskset >/dev/null; then
  parse_one_times=() generate_one_times=()
  for _ in $(seq 1 "$runs"); do
    parse_one_times+=("$(time_ms taskset -c 0 "$bin/examples/bare_parse" "$data")")
    generate_one_times+=("$(time_ms taskset -c 0 "$bin/matrix-codegen" generate "$data/api" \
      --root "$data" --out "$work/crate")")
  done
  parse_one=$(median "${parse_one_times[@]}")
  generate_one=$(median "${generate_one_times[@]}")
  one_core="on one core: bare parse ${parse_one} ms, generate ${generate_one} ms \
($(echo "scale=2; $generate_one / $parse_one" | bc)x the work of the bare parse)"
fi

echo "spec: $data ($("$bin/examples/bare_parse" "$data"))"
echo "bare parse:  ${parse} ms"
echo "bundle:      ${bundle} ms  ($(echo "scale=2; $bundle / $parse" | bc)x the bare parse)"
echo "generate:    ${generate} ms  ($(echo "scale=2; $generate / $parse" | bc)x the bare parse)"
echo "generate peak memory: $(( peak_kb / 1024 )) MB"
[ -z "$one_core" ] || echo "$one_core"
