# Shared by the bench-*.sh scripts (sourced): builds the integration-tests module and everything it needs into the
# local Maven repository (a fresh clone works), then runs one of its benchmark classes:
#   bench_run <class in io.matrixone.cdc.it.bench> [java options...] -- [benchmark arguments...]
# BENCH_JAVA_OPTS adds JVM options (a heap cap, a JFR recording, debug logging, -Dbench.source.config=key=value,...
# to replace source connector defaults); BENCH_WORKER_OPTS gives the JVM options of the benchmarks that run their
# Connect worker in a JVM of its own (bench-pipeline.sh; default -Xms256m -Xmx2g, as connect-distributed.sh).
bench_run() {
  local main=$1
  shift
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  bench_require_servers "${opts[@]}" "$@"
  local module=integration-tests
  mvn -B -ntp -q -pl "$module" -am install -DskipTests
  mvn -B -ntp -q -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
  if [ -n "${BENCH_WORKER_OPTS:-}" ]; then opts+=("-Dbench.worker.opts=$BENCH_WORKER_OPTS"); fi
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
  exec java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${BENCH_JAVA_OPTS:-} "${opts[@]}" \
    -cp "$module/target/test-classes:$(cat "$module/target/bench.classpath")" "io.matrixone.cdc.it.bench.$main" "$@"
}

# Every server among the arguments (-Dsource.uri=..., -Dtarget.uri=..., or a mysql:// argument) must answer on its
# port: a clear error now, instead of a stack trace from the benchmark after the build.
bench_require_servers() {
  local opt uri what hostport host port
  for opt in "$@"; do
    case "$opt" in
      -Dsource.uri=*|-Dtarget.uri=*) uri=${opt#*=}; what=${opt%%=*} ;;
      mysql://*) uri=$opt; what="a server argument" ;;
      *) continue ;;
    esac
    hostport=${uri#*://}; hostport=${hostport#*@}; hostport=${hostport%%/*}; hostport=${hostport%%\?*}
    host=${hostport%:*}; port=${hostport##*:}
    [ "$host" = "$hostport" ] && port=6001 # MatrixOneUri's default port
    if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
      echo "bench: nothing answers on $host:$port ($what); start the servers with scripts/matrixone.sh start" >&2
      exit 2
    fi
  done
}
