#!/usr/bin/env bash
# Source throughput and latency against the real source MatrixOne through a real Connect worker:
# snapshot rows/s for N rows, then streaming lag p50/p99 (client commit -> record read from the topic).
#   scripts/bench-source.sh [rows=100000] [streamed-inserts=200] [inserts-per-second=20] [source-uri=mysql://root:111@127.0.0.1:6001]
set -euo pipefail
cd "$(dirname "$0")/.."
module=matrixone-source-connector
mvn -B -q -pl "$module" install -DskipTests
mvn -B -q -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench.classpath")" \
  io.matrixone.cdc.source.SourceBenchmark "${1:-100000}" "${2:-200}" "${3:-20}" "${4:-mysql://root:111@127.0.0.1:6001}"
