#!/usr/bin/env bash
# The source connector beside MatrixOne's built-in CDC (create cdc) on the same table, through a real Connect
# worker: connector snapshot rows/s and built-in full-copy rows/s for N rows, then streaming lag p50/p99 at a
# steady rate of inserts, updates and deletes (built-in: commit -> row on the target; connector: commit ->
# record in Kafka). Prints figures with the machine's load; asserts nothing.
#   scripts/bench-source.sh [rows=1000000] [changes-per-second=2000] [stream-seconds=60] \
#       [source-uri=mysql://root:111@127.0.0.1:6001] [target-uri=mysql://root:111@127.0.0.1:6002]
set -euo pipefail
cd "$(dirname "$0")/.."
module=matrixone-source-connector
mvn -B -ntp -q -pl test-support,"$module" install -DskipTests
mvn -B -ntp -q -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench.classpath")" \
  io.matrixone.cdc.source.SourceBenchmark "${1:-1000000}" "${2:-2000}" "${3:-60}" \
  "${4:-mysql://root:111@127.0.0.1:6001}" "${5:-mysql://root:111@127.0.0.1:6002}"
