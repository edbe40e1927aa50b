#!/usr/bin/env bash
# Models-on-chain benchmarks on a fresh single node on loopback (its verifier on): `veriflow bench
# models` ingests 100,000 signed readings, trains on their snapshot, lets the node replay the
# training, audits the model, and logs decisions one per request and in batches.
# Usage: bench/models.sh [READINGS]
# The node serves plain HTTP (init --insecure-http), as when the figures in docs/benchmarks.md were
# first recorded; bench/security.sh measures HTTPS against it. The load generator is one client
# address with up to 1,024 requests in flight, so the node's per-address connection cap is raised.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readings="${1:-100000}"
dir="$(mktemp -d)"
port=7398
"$root/veriflow" init --dir "$dir/node" --http-port "$port" --insecure-http >/dev/null 2>&1
# The benchmark measures throughput: its node lets one identity predict far more than the default
# per-identity limits (600 predictions and 10,000 inputs a minute).
VERIFLOW_PREDICT_REQUESTS_PER_MINUTE=100000000 VERIFLOW_PREDICT_INPUTS_PER_MINUTE=100000000 \
  VERIFLOW_HTTP_MAX_CONNECTIONS_PER_ADDRESS=2048 "$root/veriflow" node start --dir "$dir/node" >"$dir/node.log" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null; wait "$node_pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
"$root/veriflow" bench models --node "http://127.0.0.1:$port" --key "$dir/node/keys/admin.key" \
  --readings "$readings" --work "$dir/work"
