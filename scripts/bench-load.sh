#!/usr/bin/env bash
# The whole pipeline under load: source connector -> Kafka -> sink connector on a real Connect worker (Kafka's
# EmbeddedConnectCluster on free ports) between the source and target MatrixOne, with a paced writer of inserts,
# updates and deletes on 4 tables. Prints figures with the machine's load; asserts nothing.
#   scripts/bench-load.sh steady [changes-per-second=2000] [minutes=10]
#       every 30 s and at the end: changes/s achieved, lag source commit -> row on target p50/p99, worker heap
#       peak; then target = source row for row (count + checksum over all columns, per table)
#   scripts/bench-load.sh max [start=500] [step=500] [step-seconds=90]
#       raises the rate until the lag grows or the writer falls short, then runs MatrixOne's built-in CDC
#       (create cdc) on the same tables at the highest sustained rate and at the first unsustained one
# Environment: ROWS_PER_TABLE (50000), SOURCE_TASKS (the source's tasks.max, 1; the tables are split between them),
# SOURCE_URI, TARGET_URI (the servers of scripts/matrixone.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench.sh
bench_run LoadBenchmark \
  -Drows.per.table="${ROWS_PER_TABLE:-50000}" -Dsource.tasks="${SOURCE_TASKS:-1}" \
  -Dsource.uri="${SOURCE_URI:-mysql://root:111@127.0.0.1:6001}" -Dtarget.uri="${TARGET_URI:-mysql://root:111@127.0.0.1:6002}" \
  -- "${1:-steady}" "${@:2}"
