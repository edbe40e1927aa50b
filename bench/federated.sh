#!/usr/bin/env bash
# Federated learning's aggregation cost: builds veriflow-bench and runs FederatedBench, which times one
# participant's local training and one round's aggregation per rule (checks, rule, validation and
# leave-one-out contributions) and prints a markdown table with their ratio.
# Usage: bench/federated.sh [THREADS]   (default 1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-1}"
cd "$root"
./mvnw -B -q -pl veriflow-bench -am package -DskipTests >/dev/null
jar="$(ls veriflow-bench/target/veriflow-bench-*-jmh.jar | head -n 1)"
java -cp "$jar" org.veriflow.bench.ml.FederatedBench "$threads"
