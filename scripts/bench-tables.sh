#!/usr/bin/env bash
# Many tables, few busy: N tables at level database through mo-cdc's pipeline (the connectors' defaults), then
# through MatrixOne's built-in CDC, in one run: the source server's extra CPU for idle tables (its mo-service
# process, over an idle interval with no CDC, with each CDC) and the busy tables' lag commit -> row on the target.
# Prints figures and the load; asserts nothing.
#   scripts/bench-tables.sh [tables=200] [busy-tables=10] [changes-per-second=1000] [interval-seconds=30] [tasks=1]
# tasks: mo-cdc's tasks.max (source and sink, as mo-cdc task create --tasks sets them); a list such as 1,4 runs mo-cdc
# once per entry, each beside the same built-in CDC run.
# Environment: SOURCE_URI, TARGET_URI, SOURCE_PID_FILE (the source server's pid file, as scripts/matrixone.sh writes it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench.sh
bench_run ManyTablesBenchmark \
  -Dsource.uri="${SOURCE_URI:-mysql://root:111@127.0.0.1:6001}" -Dtarget.uri="${TARGET_URI:-mysql://root:111@127.0.0.1:6002}" \
  -Dsource.pid.file="${SOURCE_PID_FILE:-$HOME/.cache/mo-cdc/servers/source/pid}" \
  -- "${1:-200}" "${2:-10}" "${3:-1000}" "${4:-30}" "${5:-1}"
