#!/usr/bin/env bash
# Sink throughput: rows/s of the sink task's put() into the target MatrixOne beside a plain JDBC
# multi-row INSERT loop into the same server, plus heap used.
#   scripts/bench-sink.sh [rows=1000000] [rows-per-put=500] [rounds=1] [target-uri=mysql://root:111@127.0.0.1:6002]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench.sh
target=${4:-mysql://root:111@127.0.0.1:6002}
bench_require_servers "$target"
module=matrixone-sink-connector
mvn -B -ntp -q -pl "$module" -am install -DskipTests
mvn -B -ntp -q -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench.classpath")" \
  io.matrixone.cdc.sink.SinkBenchmark "${1:-1000000}" "${2:-500}" "${3:-1}" "$target"
