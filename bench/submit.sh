#!/usr/bin/env bash
# Ledger benchmarks on a fresh single node on loopback: `veriflow bench submit` with one
# transaction per request and with batches of 100, then `veriflow bench readings` with transactions
# of 100 and 1,000 signed readings. Usage: bench/submit.sh [TXS]
# The node serves plain HTTP (init --insecure-http), as when the figures in docs/benchmarks.md were
# first recorded; bench/security.sh measures HTTPS against it. The load generator is one client
# address with up to 1,024 requests in flight, so the node's per-address connection cap is raised.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
txs="${1:-40000}"
dir="$(mktemp -d)"
port=7399
"$root/veriflow" init --dir "$dir/node" --http-port "$port" --insecure-http >/dev/null 2>&1
VERIFLOW_HTTP_MAX_CONNECTIONS_PER_ADDRESS=2048 "$root/veriflow" node start --dir "$dir/node" >"$dir/node.log" 2>&1 &
node_pid=$!
trap 'kill "$node_pid" 2>/dev/null; wait "$node_pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
for batch in 1 100; do
  echo "== batch $batch"
  "$root/veriflow" bench submit --node "http://127.0.0.1:$port" --key "$dir/node/keys/admin.key" \
    --txs "$txs" --senders 64 --batch "$batch" | tail -4
done
for batch in 100 1000; do
  echo "== readings, $batch per transaction"
  "$root/veriflow" bench readings --node "http://127.0.0.1:$port" --key "$dir/node/keys/admin.key" \
    --readings 100000 --devices 50 --batch "$batch" | tail -3
done
