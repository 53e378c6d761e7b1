#!/usr/bin/env bash
# Prints how long the generated client-server crate takes to build against
# ruma-client-api, the hand-written crate it replaces: both with the
# `client` and `server` features, debug profile, one target directory each.
#
# * clean build: each crate with its dependencies, from an empty target
#   directory (dependencies the two share are built once per side);
# * rebuild: the crate alone (`cargo clean -p` of it, then `cargo build`),
#   the figure a downstream author waits for after an upgrade. RUNS runs,
#   the two crates alternating so that load on the machine falls on both;
#   medians and their ratio; then the same with ruma's ids and events
#   (ruma-common, ruma-events) rebuilt too, which ours holds in the crate;
# * the generated crate's rebuild with fewer features: every area with one
#   side (`client`, `server`) or with none (the types), a bot's client (the
#   areas of logging in, syncing, joining, leaving, sending and profiles),
#   and an account tool's client (logging in and out, registration,
#   passwords, profiles, whoami: no events). What a user who needs less pays.
# * a server's own crate: one that implements every area trait with its
#   defaults and builds the router, rebuilt alone (its `main.rs` touched),
#   the generic handlers compiled for its service. ruma has no counterpart.
#
# Both crates are built without incremental compilation, as cargo builds a
# crate from a registry (a path dependency, as ours is here, would otherwise
# be built incrementally: slower from scratch).
#
# Usage: scripts/crate-vs-ruma.sh [SPEC_DATA_DIR] [RUNS]
#   default: ../shared/corpus/openapi31-latest/data, 3 runs. Needs crates.io.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/corpus/openapi31-latest/data}
runs=${2:-3}
ruma_version=0.25
work=$PWD/target/crate-vs-ruma
source scripts/median.sh
rm -rf "$work" && mkdir -p "$work"

cargo build --quiet --release -p matrix-codegen --bin matrix-codegen
./target/release/matrix-codegen generate "$data/api/client-server" --root "$data" \
  --crate-name matrix-api --out "$work/generated" 2>/dev/null

# Each crate is built as the dependency of an empty package, as a user's
# project builds it.
user_of() { # DIR DEPENDENCY-LINE
  mkdir -p "$1/src"
  printf 'fn main() {}\n' >"$1/src/main.rs"
  cat >"$1/Cargo.toml" <<TOML
[package]
name = "user"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$2

[workspace]
TOML
}
user_of "$work/ours" 'matrix-api = { path = "../generated", features = ["client", "server"] }'
user_of "$work/ruma" "ruma-client-api = { version = \"$ruma_version\", features = [\"client\", \"server\"] }"

seconds() { # DIR CARGO-ARGS...
  local dir=$1 start end
  shift
  start=$(date +%s%N)
  # A build that fails has no time to report: say so, and stop the script.
  if ! (cd "$dir" && CARGO_INCREMENTAL=0 CARGO_TARGET_DIR=$dir/target cargo "$@" --quiet \
    >"$dir/build.log" 2>&1); then
    echo "error: cargo $* failed in $dir (see $dir/build.log)" >&2
    kill -TERM $$
  fi
  end=$(date +%s%N)
  echo "scale=1; ($end - $start) / 1000000000" | bc
}

clean_ours=$(seconds "$work/ours" build)
clean_ruma=$(seconds "$work/ruma" build)
ruma_resolved=$(cd "$work/ruma" && cargo tree --quiet --depth 1 | grep -o 'ruma-client-api v[0-9.]*')

# Ours holds the typed ids and events too; ruma keeps them in ruma-common
# and ruma-events, which its client-api rebuild does not count. So each run
# also rebuilds those three crates (cargo then rebuilds what depends on
# them): the same content on both sides, against the same rebuild of ours.
ours=() ruma=() ruma_all=()
for _ in $(seq 1 "$runs"); do
  (cd "$work/ours" && CARGO_TARGET_DIR=$work/ours/target cargo clean --quiet -p matrix-api)
  ours+=("$(seconds "$work/ours" build)")
  (cd "$work/ruma" && CARGO_TARGET_DIR=$work/ruma/target cargo clean --quiet -p ruma-client-api)
  ruma+=("$(seconds "$work/ruma" build)")
  (cd "$work/ruma" && CARGO_TARGET_DIR=$work/ruma/target cargo clean --quiet \
    -p ruma-common -p ruma-events -p ruma-client-api)
  ruma_all+=("$(seconds "$work/ruma" build)")
done
ours_median=$(median "${ours[@]}")
ruma_median=$(median "${ruma[@]}")
ruma_all_median=$(median "${ruma_all[@]}")

lines=$(cat "$work"/generated/src/*.rs "$work"/generated/src/*/*.rs | wc -l)
echo "generated client-server crate ($lines lines) against $ruma_resolved, features client + server, debug"
echo "clean build, dependencies included: ours ${clean_ours} s, ruma ${clean_ruma} s"
echo "rebuild of the crate alone (runs: ours ${ours[*]}; ruma ${ruma[*]}):"
echo "  ours ${ours_median} s, ruma ${ruma_median} s: $(echo "scale=2; $ours_median / $ruma_median" | bc)x"
echo "the same content (ids, events, the API): ours alone against ruma-common, ruma-events and"
echo "ruma-client-api rebuilt (runs: ruma ${ruma_all[*]}):"
echo "  ours ${ours_median} s, ruma ${ruma_all_median} s: $(echo "scale=2; $ours_median / $ruma_all_median" | bc)x"

bot="client-server-login client-server-sync client-server-joining client-server-leaving"
bot="$bot client-server-room-send client-server-profile"
accounts="client-server-login client-server-logout client-server-registration"
accounts="$accounts client-server-password-management client-server-profile client-server-whoami"
for set in types:all-areas,events client:client,all-areas server:server,all-areas \
  bot:client,${bot// /,} accounts:client,${accounts// /,}; do
  name=${set%%:*} features=${set#*:}
  dir=$work/ours-$name
  quoted=$(printf '"%s", ' ${features//,/ })
  user_of "$dir" "matrix-api = { path = \"../generated\", default-features = false, features = [${quoted%, }] }"
  seconds "$dir" build >/dev/null # the dependencies of this feature set
  times=()
  for _ in $(seq 1 "$runs"); do
    (cd "$dir" && CARGO_TARGET_DIR=$dir/target cargo clean --quiet -p matrix-api)
    times+=("$(seconds "$dir" build)")
  done
  alone=$(median "${times[@]}")
  echo "  ours alone, $name ($features): $alone s, $(echo "scale=2; $alone / $ruma_median" | bc)x ruma (runs: ${times[*]})"
done

# A server's own crate: every trait of the API implemented with its defaults.
dir=$work/serving
user_of "$dir" 'matrix-api = { path = "../generated", default-features = false, features = ["server", "all-areas"] }'
traits=$(grep -o "^pub trait Service: Send + Sync + 'static + [^{]*" "$work/generated/src/client_server/server.rs" |
  sed "s/^pub trait Service: Send + Sync + 'static + //; s/+/ /g")
{
  echo "use matrix_api::client_server::server::*;"
  echo "struct Unimplemented;"
  for t in $traits; do echo "impl $t for Unimplemented {}"; done
  echo "fn main() { let _ = router(Unimplemented); }"
} >"$dir/src/main.rs"
seconds "$dir" build >/dev/null # the crate and its dependencies
times=()
for _ in $(seq 1 "$runs"); do
  touch "$dir/src/main.rs"
  times+=("$(seconds "$dir" build)")
done
echo "  a server's own crate (every trait with its defaults, the router), rebuilt alone:" \
  "$(median "${times[@]}") s (runs: ${times[*]})"
