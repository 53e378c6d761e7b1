#!/usr/bin/env bash
# Prints how the time and memory of merging releases grow with their number:
# `generate --releases` over the newest N client-server releases of the spec's
# repository (N = 1, 2, 4, 8, 16 and all), median wall time of RUNS runs, peak
# resident memory, and the time per release. Release build; run it on a quiet
# machine.
#
# Usage: scripts/merge-speed.sh [SPEC_REPOSITORY] [RUNS]
#   default: target/matrix-spec (cloned from ../shared/matrix-spec.bundle if missing), 3 runs
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:-target/matrix-spec}
runs=${2:-3}
if [ ! -d "$repo/.git" ] && [ "$repo" = target/matrix-spec ]; then
  git clone --quiet --no-checkout ../shared/matrix-spec.bundle "$repo"
fi
cargo build --quiet --release -p matrix-codegen --bin matrix-codegen
bin=target/release/matrix-codegen
work=target/merge-speed
rm -rf "$work" && mkdir -p "$work"

# The client-server releases from r0.0.0 on, oldest first (`sort -V` puts
# `r` before `v` and `v1.9` before `v1.10`), as `--releases` names them.
mapfile -t releases < <(git -C "$repo" tag --list | grep -E '^[rv][0-9.]+$|^client' \
  | sed 's|.*/||' | grep -E '^[rv]' | sort -V -u)

source scripts/median.sh

total=${#releases[@]}
printf '%-9s %-22s %10s %12s %14s\n' releases span "time (ms)" "ms/release" "peak (MB)"
for n in 1 2 4 8 16 "$total"; do
  [ "$n" -le "$total" ] || continue
  chosen=("${releases[@]:$((total - n))}")
  selection=$(IFS=,; echo "${chosen[*]}")
  ms=$(median_ms "$bin" generate "$repo" --releases "$selection" --out "$work/crate")
  /usr/bin/time -o "$work/peak" -f %M "$bin" generate "$repo" --releases "$selection" \
    --out "$work/crate" >/dev/null 2>&1
  peak_mb=$(( $(tail -1 "$work/peak") / 1024 ))
  printf '%-9s %-22s %10s %12s %14s\n' "$n" "${chosen[0]}..${chosen[-1]}" "$ms" \
    "$(( ms / n ))" "$peak_mb"
done
