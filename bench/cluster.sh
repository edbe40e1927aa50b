#!/usr/bin/env bash
# Three Raft members on loopback against one node, in one run, on fresh directories: `veriflow bench
# submit` with batches of 100 against (a) a single node, (b) a three-node cluster's leader only and
# (c) all three members round-robin. Prints committed tx/s, p50/p99 submit-to-durable latency, the
# ratio of each to the single node, and the CPU time all nodes used during the run per transfer
# (set-up included). Usage: bench/cluster.sh [TXS]
# The node serves plain HTTP (init --insecure-http), as when the figures in docs/benchmarks.md were
# first recorded; bench/security.sh measures HTTPS against it. The load generator is one client
# address with up to 1,024 requests in flight, so the node's per-address connection cap is raised.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
txs="${1:-40000}"
senders=64
batch=100
single_port=7391
base_port=7410
dir="$(mktemp -d)"
pids=()
child=""

stop_nodes() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  if [ -n "$child" ]; then
    kill "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  stop_nodes
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command in the background and waits for it, so that an interrupted run stops it too.
run() {
  local status=0
  "$@" &
  child=$!
  wait "$child" || status=$?
  child=""
  return "$status"
}

# Waits until every URL answers /health, up to 60 s.
wait_healthy() {
  local url
  for url in "$@"; do
    for _ in $(seq 1 120); do
      curl -sf "$url/health" >/dev/null && continue 2
      sleep 0.5
    done
    echo "error: $url did not answer /health within 60 s" >&2
    exit 1
  done
}

# Prints the leader's HTTP URL once every member names the same leader, up to 60 s.
wait_leader() {
  local url leader seen
  for _ in $(seq 1 120); do
    seen=""
    for url in "$@"; do
      leader="$(curl -sf "$url/v1/cluster" | jq -r '.leader as $l | .members[] | select(.id == $l) | .apiUrl' 2>/dev/null || true)"
      if [ -z "$leader" ] || { [ -n "$seen" ] && [ "$leader" != "$seen" ]; }; then
        seen=""
        break
      fi
      seen="$leader"
    done
    if [ -n "$seen" ]; then
      echo "$seen"
      return
    fi
    sleep 0.5
  done
  echo "error: the cluster agreed on no leader within 60 s" >&2
  exit 1
}

# CPU time (user + system, in clock ticks) the running nodes have used so far.
node_ticks() {
  local pid ticks=0
  local -a f
  for pid in "${pids[@]}"; do
    read -r -a f <"/proc/$pid/stat"
    ticks=$((ticks + f[13] + f[14]))
  done
  echo "$ticks"
}

# Runs bench submit with the given node options; keeps its output in $dir/NAME.out and the nodes'
# CPU time during it, in milliseconds per transfer, in $dir/NAME.cpu.
run_bench() {
  local name="$1" before
  shift
  echo "== $name"
  before="$(node_ticks)"
  run "$root/veriflow" bench submit "$@" --key "$key" --txs "$txs" --senders "$senders" --batch "$batch" \
    >"$dir/$name.out" 2>&1 || echo "(bench submit exited with status $?)" >>"$dir/$name.out"
  awk -v t="$(($(node_ticks) - before))" -v hz="$(getconf CLK_TCK)" -v n="$txs" 'BEGIN { printf "%.2f", 1000 * t / hz / n }' >"$dir/$name.cpu"
  tail -4 "$dir/$name.out"
}

tx_per_s() { sed -n 's/^committed .*: \([0-9]*\) tx\/s$/\1/p' "$dir/$1.out"; }
p50() { sed -n 's/^submit-to-durable latency: p50 \([0-9.]*\) ms.*/\1/p' "$dir/$1.out"; }
p99() { sed -n 's/^submit-to-durable latency: .*, p99 \([0-9.]*\) ms.*/\1/p' "$dir/$1.out"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $txs transfers, $senders senders, batch $batch"

# (a) one node
run "$root/veriflow" init --dir "$dir/single" --http-port "$single_port" --insecure-http >/dev/null
VERIFLOW_HTTP_MAX_CONNECTIONS_PER_ADDRESS=2048 "$root/veriflow" node start --dir "$dir/single" >"$dir/single.log" 2>&1 &
pids+=($!)
single_url="http://127.0.0.1:$single_port"
wait_healthy "$single_url"
key="$dir/single/keys/admin.key"
run_bench single --node "$single_url"
stop_nodes

# (b) three members: the leader alone, then all three round-robin
run "$root/veriflow" init --dir "$dir/cluster" --cluster 3 --base-port "$base_port" --insecure-http >/dev/null
urls=()
for i in 1 2 3; do
  VERIFLOW_HTTP_MAX_CONNECTIONS_PER_ADDRESS=2048 "$root/veriflow" node start --dir "$dir/cluster/node$i" >"$dir/node$i.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$((base_port + i - 1))")
done
wait_healthy "${urls[@]}"
leader_url="$(wait_leader "${urls[@]}")"
echo "leader: $leader_url"
key="$dir/cluster/keys/admin.key"
run_bench leader --node "$leader_url"
run_bench round-robin --nodes "$(IFS=,; echo "${urls[*]}")"
stop_nodes

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
base="$(tx_per_s single)"
printf '%-34s %8s %10s %10s %8s %18s\n' configuration 'tx/s' 'p50 ms' 'p99 ms' ratio 'node CPU ms/tx'
for name in single leader round-robin; do
  case "$name" in
    single) label="1 node" ;;
    leader) label="3 nodes, leader only" ;;
    round-robin) label="3 nodes, round-robin over all 3" ;;
  esac
  tps="$(tx_per_s "$name")"
  ratio="$(awk -v a="${tps:-0}" -v b="${base:-0}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')"
  printf '%-34s %8s %10s %10s %8s %18s\n' "$label" "${tps:--}" "$(p50 "$name")" "$(p99 "$name")" "$ratio" "$(cat "$dir/$name.cpu")"
done
