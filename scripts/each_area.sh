#!/usr/bin/env bash
# Checks a generated crate with no area at all, and with its `events` module
# alone (`cargo clippy -D warnings`), then with each of its API areas alone,
# client and server on (`cargo check --all-targets`, under the crate's own
# `#![deny(warnings)]`):
# every type an area's operations reach must come with the area, and nothing
# may be left unused without it. One line per area; the log of a failure is
# printed, and the script exits with 1 if any failed.
#
# Usage: scripts/each_area.sh CRATE_DIR
#   the crate is copied under target/each-area (its own workspace there) and
#   built into target/each-area/target.
set -euo pipefail
cd "$(dirname "$0")/.."
source=${1:?usage: scripts/each_area.sh CRATE_DIR}
work=$PWD/target/each-area
rm -rf "$work/crate" && mkdir -p "$work"
cp -r "$source" "$work/crate"
printf '\n[workspace]\n' >>"$work/crate/Cargo.toml"
# Every area is its own feature set, built once: without incremental caches,
# which took about 100 MB a set (23 GB for the two crates of a CI run).
export CARGO_TARGET_DIR=$work/target CARGO_INCREMENTAL=0
cd "$work/crate"

failures=0
run() { # LABEL CARGO-ARGS...
  local label=$1 start log=$work/last.log
  shift
  start=$(date +%s)
  if cargo "$@" >"$log" 2>&1; then
    echo "ok    $label ($(($(date +%s) - start)) s)"
  else
    echo "FAIL  $label"
    cat "$log"
    failures=$((failures + 1))
  fi
}

run "no area (clippy)" clippy --quiet --all-targets --no-default-features \
  --features client,server -- -D warnings
if grep -q '^events = \[\]$' Cargo.toml; then
  run "events alone (clippy)" clippy --quiet --all-targets --no-default-features \
    --features client,server,events -- -D warnings
fi
# An area's feature is the one-line kind: `name = []`, or `name = ["events"]`.
mapfile -t areas < <(sed -n 's/^\([a-z0-9-]*\) = \[\("events"\)\{0,1\}\]$/\1/p' Cargo.toml | grep -vx events)
for area in "${areas[@]}"; do
  run "$area" check --quiet --all-targets --no-default-features --features "client,server,$area"
done
echo "${#areas[@]} areas, $failures failed"
[ "$failures" = 0 ]
