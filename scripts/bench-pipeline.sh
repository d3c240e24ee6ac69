#!/usr/bin/env bash
# mo-cdc's whole pipeline (source connector -> Kafka -> sink connector, their defaults, on a real Connect worker)
# beside MatrixOne's built-in CDC (create cdc) on the same table in one run, both measured on the target server:
# full copy of N rows (start -> target count), then streaming lag commit -> row on the target (p50/p99) at a
# steady rate of inserts, updates and deletes. Prints the figures, their ratios and the load; asserts nothing.
#   scripts/bench-pipeline.sh [rows=1000000] [changes-per-second=2000] [stream-seconds=60] \
#       [source-uri=mysql://root:111@127.0.0.1:6001] [target-uri=mysql://root:111@127.0.0.1:6002]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench.sh
bench_run PipelineBenchmark -- "${1:-1000000}" "${2:-2000}" "${3:-60}" \
  "${4:-mysql://root:111@127.0.0.1:6001}" "${5:-mysql://root:111@127.0.0.1:6002}"
