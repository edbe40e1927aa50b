#!/usr/bin/env bash
# Interleaves PyTorch (bench/pytorch/train_steps.py) and the JMH TrainingStepBenchmark, single thread,
# for ROUNDS rounds, so that both see the same machine load. Run from the repository root after:
#   ./mvnw -q -pl veriflow-ml,veriflow-bench -am package -DskipTests
#   ./mvnw -q -pl veriflow-bench dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
set -euo pipefail
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-1}"
CP="veriflow-bench/target/classes:$(cat veriflow-bench/target/bench-classpath.txt)"
JMH_THREADS="$THREADS"
[ "$THREADS" = "all" ] && JMH_THREADS=all
TORCH_THREADS="$THREADS"
[ "$THREADS" = "all" ] && TORCH_THREADS="$(nproc)"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: $(uptime)"
  /usr/bin/python3 bench/pytorch/train_steps.py --threads "$TORCH_THREADS" --seconds 5 | tail -2
  java -cp "$CP" org.openjdk.jmh.Main 'org.veriflow.bench.ml.TrainingStepBenchmark' \
      -p threads="$JMH_THREADS" -wi 2 -w 2 -i 3 -r 2 -f 1 2>&1 | grep -E '^TrainingStepBenchmark'
done
