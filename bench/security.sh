#!/usr/bin/env bash
# Security benchmarks on fresh single nodes on loopback.
# 1. The cost of TLS: `veriflow bench submit` against a node serving HTTPS (as `veriflow init` writes
#    it) and one serving plain HTTP (`init --insecure-http`), alternately, ROUNDS times each, in
#    batches of 100 and one transaction per request; the ratio is HTTPS / HTTP of the same round.
#    One per request runs 96 requests in flight: the JDK client opens a connection per request in
#    flight, and the nodes keep their default cap of 128 connections per client address.
# 2. Slow clients: `veriflow bench slow-clients` against the HTTPS node, from one source address and
#    spread over 50, with /health probed on the operations listener.
# Usage: bench/security.sh [TXS] [ROUNDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
txs="${1:-20000}"
rounds="${2:-3}"
dir="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
"$root/veriflow" init --dir "$dir/tls" --http-port 7401 >/dev/null
"$root/veriflow" init --dir "$dir/plain" --http-port 7402 --insecure-http >/dev/null
for n in tls plain; do
  "$root/veriflow" node start --dir "$dir/$n" >"$dir/$n.log" 2>&1 &
  pids+=($!)
done
ca="$dir/tls/tls/ca.pem"
for _ in $(seq 1 120); do
  curl -sf --cacert "$ca" https://127.0.0.1:8401/ready >/dev/null && curl -sf http://127.0.0.1:8402/ready >/dev/null && break
  sleep 0.5
done
submit() { # mode batch txs concurrency
  local url key
  if [ "$1" = tls ]; then url=https://127.0.0.1:7401; else url=http://127.0.0.1:7402; fi
  "$root/veriflow" bench submit --node "$url" --ca-file "$ca" --key "$dir/$1/keys/admin.key" \
    --txs "$3" --senders 64 --batch "$2" --concurrency "$4" --output json 2>/dev/null | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["txPerSecond"]))'
}
for batch in 100 1; do
  n=$txs; c=1024; [ "$batch" = 1 ] && n=$((txs / 4)) && c=96
  echo "== TLS cost, $n transfers, batch $batch, $c in flight"
  for r in $(seq 1 "$rounds"); do
    t=$(submit tls "$batch" "$n" "$c"); p=$(submit plain "$batch" "$n" "$c")
    python3 -c "print('round $r: https $t tx/s, http $p tx/s, ratio %.2f' % ($t / $p))"
  done
done
for sources in 1 50; do
  echo "== slow clients from $sources source address(es), against the HTTPS node"
  "$root/veriflow" bench slow-clients --node https://127.0.0.1:7401 --ca-file "$ca" --health https://127.0.0.1:8401/health \
    --steps 250,500,1000,2000,4000 --sources "$sources" --trickle-ms 1000 --hold-ms 500 --probes 5
done
