#!/usr/bin/env bash
# Runs schemathesis (every check is on by default; the config turns one off for one
# operation, which `--checks all` would override) against the reference membership server,
# with the bundle the generator writes for specs/ as the schema. The server is
# stopped by its PID when the script exits. Settings: tests/py/schemathesis.toml.
#
# Usage: tests/py/fuzz.sh PYTHON [SCHEMATHESIS RUN OPTIONS...]
#   PYTHON: the interpreter of the venv holding schemathesis; further options
#   (`--seed 7 --max-examples 200`) go to `schemathesis run` as they are.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=$1
shift
st="$(cd "$(dirname "$python")" && pwd)/schemathesis"
work=target/fuzz
config=$PWD/tests/py/schemathesis.toml
rm -rf "$work"
mkdir -p "$work"

cargo run --quiet -p matrix-codegen -- bundle specs --out "$work/bundle"
cargo build --quiet -p matrix-e2e --bin membership-server
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/debug/membership-server "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT
base=http://127.0.0.1:$port
for _ in $(seq 1 50); do
  grep -q "listening on" "$work/server.log" && break
  sleep 0.1
done

# A real account, so that authenticated operations get past 401.
token=$("$python" - "$base" <<'PY'
import json, sys, urllib.request
body = json.dumps({"username": "fuzzer", "password": "fuzzer-secret"}).encode()
request = urllib.request.Request(sys.argv[1] + "/_matrix/client/r0/register", body,
                                 {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request))["access_token"])
PY
)

for api in r0 v1; do
  echo "== schemathesis: $api"
  case $api in
    r0) key="Bearer $token" ;;
    v1) key=$token ;;
  esac
  # Run inside $work, where Hypothesis leaves its example database.
  (cd "$work" && MATRIX_API_KEY=$key "$st" --config-file "$config" run "bundle/$api.json" \
    --url "$base" --request-timeout 10 --report junit --report-dir "report-$api" "$@")
done
