#!/usr/bin/env bash
# Fuzz the generator: scripts/fuzz.sh [CASES] [SEED] [more matrix-codegen-fuzz options]
# Builds the generator and the harness in release, then runs the campaign.
# Findings go to target/fuzz-findings/; the exit code is 1 when there are any.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-2000}
seed=${2:-1}
shift $(( $# < 2 ? $# : 2 ))
cargo build --release -p matrix-codegen -p matrix-codegen-fuzz
exec target/release/matrix-codegen-fuzz --cases "$cases" --seed "$seed" "$@"
