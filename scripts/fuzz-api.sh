#!/usr/bin/env bash
# Fuzzes the JSON API against its own OpenAPI description: schemathesis (PyPI, pinned, installed
# by scripts/setup-test-deps.sh under .tools/) runs property-based and stateful tests (following
# the document's links from a registered evidence to its record, receipt and document) against a
# real `minga serve` on loopback with a fresh on-disk database and a valid API key. It fails on
# any 5xx and on any answer that does not match the document. MINGA_BIN: the binary (default
# target/debug/minga); MINGA_FUZZ_EXAMPLES: examples per operation (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${MINGA_BIN:-$PWD/target/debug/minga}"
schemathesis=.tools/schemathesis/bin/schemathesis
[ -x "$schemathesis" ] || { echo "schemathesis is missing: run scripts/setup-test-deps.sh" >&2; exit 1; }
port="${MINGA_FUZZ_PORT:-3190}"
data="$(mktemp -d)"
export MINGA_DATA_DIR="$data" MINGA_LISTEN="127.0.0.1:$port" MINGA_LOG=warn \
  MINGA_ADMIN_PASSWORD='fuzz administrator password' MINGA_DEMO=false
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT

"$bin" serve > "$data/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
# a key for two public kinds (the document's examples register a purchase order)
key="$("$bin" api-key create fuzz --kinds purchase-order,quotation --public | tail -n 1)"

status=0
"$schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "${MINGA_FUZZ_EXAMPLES:-20}" \
  --header "Authorization: Bearer $key" \
  --continue-on-failure --no-color || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- the server's log ---" >&2
  tail -n 50 "$data/server.log" >&2
fi
exit "$status"
