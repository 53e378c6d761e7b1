#!/usr/bin/env bash
# Checks the crate generated for every release tag of the spec's repository,
# each alone, and then the crate merged from every client-server release:
# `generate`, `cargo clippy --all-features -- -D warnings` and
# `cargo doc --no-deps --all-features` with `RUSTDOCFLAGS=-D warnings`.
# One line per tag: operations, generated lines, each step ok or FAIL (`-`
# when an earlier step failed), and the seconds it all took. The logs of a
# failed step are named at the end. Exits with 1 if any step failed.
#
# The crates are written one per tag under target/every-release/crates/, all
# with the same package name, and built into one target directory, so the
# dependencies compile once. With DEFAULT_FEATURES=1, clippy and doc run a
# second time with the default features (the crate is checked twice then).
# MERGED names the merged crate's selection (default r0.0.0..v1.19).
#
# Usage: scripts/every_release.sh [SPEC_REPOSITORY] [TAG... | merged]
#   default: target/matrix-spec (cloned from ../shared/matrix-spec.bundle if
#   missing), every tag of it and the merged crate; given TAGs, only those,
#   and the merged crate only if `merged` is one of them
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${1:-target/matrix-spec}
shift || true
merged=${MERGED:-r0.0.0..v1.19}
if [ ! -d "$repo/.git" ] && [ "$repo" = target/matrix-spec ]; then
  git clone --quiet --no-checkout ../shared/matrix-spec.bundle "$repo"
fi
cargo build --quiet --release -p matrix-codegen --bin matrix-codegen
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/matrix-codegen
work=$PWD/target/every-release
mkdir -p "$work/crates" "$work/logs"
# Each release's crate is built once: incremental caches would only fill the disk.
export CARGO_TARGET_DIR=$work/target RUSTDOCFLAGS="-D warnings" CARGO_INCREMENTAL=0

if [ $# -gt 0 ]; then
  tags=() with_merged=no
  for tag in "$@"; do
    if [ "$tag" = merged ]; then with_merged=yes; else tags+=("$tag"); fi
  done
else
  # Oldest first: `sort -V` puts `v1.9` before `v1.10`.
  mapfile -t tags < <(git -C "$repo" tag --list | sort -V)
  with_merged=yes
fi

# The failed steps with their logs; steps run in subshells, so in a file.
failed=$work/failed
: >"$failed"
# `step NAME LOG CMD...`: runs the command into the log, prints ok or FAIL.
step() {
  local name=$1 log=$2
  shift 2
  if "$@" >"$log" 2>&1; then
    echo ok
  else
    echo "$name: $log" >>"$failed"
    echo FAIL
  fi
}

# `cargo_steps NAME CRATE`: clippy then doc in the crate; prints both results.
cargo_steps() {
  local name=$1 crate=$2 log=$work/logs/${1//\//_}
  local features=(--all-features) clippy doc
  clippy=$(cd "$crate" && step "$name clippy" "$log.clippy.log" \
    cargo clippy --quiet "${features[@]}" -- -D warnings)
  doc=$(cd "$crate" && step "$name doc" "$log.doc.log" \
    cargo doc --quiet --no-deps "${features[@]}")
  if [ "${DEFAULT_FEATURES:-0}" = 1 ]; then
    [ "$clippy" = ok ] && clippy=$(cd "$crate" && step "$name clippy (default)" \
      "$log.clippy-default.log" cargo clippy --quiet -- -D warnings)
    [ "$doc" = ok ] && doc=$(cd "$crate" && step "$name doc (default)" \
      "$log.doc-default.log" cargo doc --quiet --no-deps)
  fi
  echo "$clippy $doc"
}

# `check_crate NAME CRATE GENERATE_LOG START`: the figures of a generated
# crate, its clippy and doc, and the line of the table.
check_crate() {
  local name=$1 crate=$2 generate_log=$3 start=$4 operations=- lines=- generated=FAIL
  local results="- -"
  if [ -f "$crate/Cargo.toml" ] && tail -1 "$generate_log" | grep -q '^generated '; then
    generated=ok
    operations=$(tail -1 "$generate_log" | sed -E 's/.* ([0-9]+) operation.*/\1/')
    lines=$(find "$crate/src" -name '*.rs' -exec cat {} + | wc -l)
    # A package of its own, not a member of this workspace; the workspace's
    # lock file keeps every crate on the same dependency versions.
    echo '[workspace]' >>"$crate/Cargo.toml"
    cp Cargo.lock "$crate/"
    results=$(cargo_steps "$name" "$crate")
  else
    echo "$name generate: $generate_log" >>"$failed"
  fi
  printf '%-30s %6s %8s %-8s %-6s %-6s %6s\n' "$name" "$operations" "$lines" \
    "$generated" ${results} "$(($(date +%s) - start))"
}

printf '%-30s %6s %8s %-8s %-6s %-6s %6s\n' tag ops lines generate clippy doc seconds
for tag in "${tags[@]+"${tags[@]}"}"; do
  start=$(date +%s)
  name=${tag//\//_}
  tree=$work/tree/$name crate=$work/crates/$name log=$work/logs/$name.generate.log
  rm -rf "$tree" "$crate" && mkdir -p "$tree"
  git -C "$repo" archive "$tag" | tar -x -C "$tree"
  # From v1.1 on the API files are under data/, before that at the top.
  if [ -d "$tree/data/api" ]; then
    input=$tree/data/api root=$tree/data
  else
    input=$tree/api root=$tree
  fi
  # The first release refers to a schema file it never had.
  extra=()
  [ "$tag" = 0.2.0 ] && extra=(--allow-missing-refs)
  "$bin" generate "$input" --root "$root" "${extra[@]}" --out "$crate" >"$log" 2>&1 || true
  rm -rf "$tree"
  check_crate "$tag" "$crate" "$log" "$start"
done

if [ "$with_merged" = yes ]; then
  start=$(date +%s)
  crate=$work/crates/merged log=$work/logs/merged.generate.log
  rm -rf "$crate"
  "$bin" generate "$repo" --releases "$merged" --out "$crate" >"$log" 2>&1 || true
  check_crate "$merged" "$crate" "$log" "$start"
fi

if [ -s "$failed" ]; then
  sed 's/^/failed: /' "$failed"
  exit 1
fi
