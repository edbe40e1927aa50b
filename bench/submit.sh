#!/usr/bin/env bash
# Ledger benchmarks on a fresh single node on loopback: `veriflow bench submit` with one
# transaction per request and with batches of 100, then `veriflow bench readings` with transactions
# of 100 and 1,000 signed readings. Usage: bench/submit.sh [TXS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
txs="${1:-40000}"
dir="$(mktemp -d)"
port=7399
"$root/veriflow" init --dir "$dir/node" --http-port "$port" >/dev/null
"$root/veriflow" node start --dir "$dir/node" >"$dir/node.log" 2>&1 &
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
