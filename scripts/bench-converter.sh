#!/usr/bin/env bash
# CPU per record of the value converter both ways, Kafka's JsonConverter beside mo-cdc's SchemaCachingJsonConverter, on
# records shaped like the pipeline benchmark's. No server needed. Prints records per CPU-second and ratios.
#   scripts/bench-converter.sh [records=200000] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench.sh
bench_run ConverterBenchmark -- "${1:-200000}" "${2:-5}"
