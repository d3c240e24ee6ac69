#!/usr/bin/env bash
# Starts and stops the two real MatrixOne servers that tests and demos use: a SOURCE on 127.0.0.1:6001 and
# a TARGET on 127.0.0.1:6002, each with its own ports for every internal service and its own data directory.
#
#   scripts/matrixone.sh start    # start both (does nothing for a server that already answers)
#   scripts/matrixone.sh stop     # stop both
#   scripts/matrixone.sh status   # which answer
#   scripts/matrixone.sh sql source|target "select 1"   # run SQL with the mysql client
#
# A server can also be named: 'start NAME', 'stop NAME', 'status NAME', 'sql NAME'. Besides source and target
# there is a PRIVATE server, 'fault' on 127.0.0.1:6003, that only a named command starts or stops: the fault
# tests stop and restart it mid-stream, so the shared pair is never disturbed.
#
# It runs a MatrixOne build found in MO_HOME (a directory holding mo-service, lib/ and etc/), by default
# ~/.cache/mo-cdc/matrixone/$MO_VERSION. This script does not build MatrixOne: see README.md, "MatrixOne".
set -euo pipefail

MO_VERSION=${MO_VERSION:-v4.1.4}
MO_HOME=${MO_HOME:-$HOME/.cache/mo-cdc/matrixone/$MO_VERSION}
MO_STATE=${MO_STATE:-$HOME/.cache/mo-cdc/servers}
MO_USER=root
MO_PASSWORD=111
START_TIMEOUT_S=${MO_START_TIMEOUT_S:-240}

# name  sql-port  status-port  cn-port-base  tn-port-base  log-port-base
SERVERS=(
  "source 6001 7001 18000 19000 32000"
  "target 6002 7002 28000 29000 33000"
)
# Private servers: started and stopped only by name, never by a plain start/stop. Their ports stay below
# Linux's ephemeral range (32768+): a server restarted mid-run must not find a client socket on its port.
PRIVATE_SERVERS=(
  "fault 6003 7003 21000 22000 23000"
)

die() { echo "matrixone.sh: $*" >&2; exit 1; }
SERVER_KIND=matrixone
. "$(dirname "$0")/lib/servers.sh"

have_build() { [ -x "$MO_HOME/mo-service" ]; }

answers() { # port
  mysql -h127.0.0.1 -P"$1" -u"$MO_USER" -p"$MO_PASSWORD" --connect-timeout=3 -N -e "select version()" >/dev/null 2>&1
}

# The sections every service of one server shares: its type, data, log, HAKeeper, file services, metrics.
service_header() { # type dir status logbase
  local type=$1 dir=$2 status=$3 log=$4
  cat <<EOF
service-type = "$type"
data-dir = "$dir/mo-data"

[log]
level = "error"
format = "console"
filename = "$dir/log.txt"
max-size = 128

[hakeeper-client]
service-addresses = ["127.0.0.1:$((log + 1))"]

[[fileservice]]
name = "LOCAL"
backend = "DISK"

[[fileservice]]
name = "SHARED"
backend = "DISK"
data-dir = "$dir/mo-data/shared"

[fileservice.cache]
memory-capacity = "256MB"
disk-capacity = "2GB"
disk-path = "$dir/mo-data/file-service-cache"

[[fileservice]]
name = "ETL"
backend = "DISK-ETL"

[observability]
host = "127.0.0.1"
status-port = $status
disableTrace = true
disableMetric = true

EOF
}

write_config() { # dir sql status cnbase tnbase logbase
  local dir=$1 sql=$2 status=$3 cn=$4 tn=$5 log=$6
  mkdir -p "$dir/etc" "$dir/mo-data"
  cat > "$dir/etc/launch.toml" <<EOF
logservices = ["$dir/etc/log.toml"]
tnservices = ["$dir/etc/tn.toml"]
cnservices = ["$dir/etc/cn.toml"]
EOF
  # Every address on loopback: the log service takes explicit addresses; CN and TN derive theirs from
  # port-base. A stock build binds all but the SQL port on 0.0.0.0 anyway (see README "MatrixOne").
  { service_header LOG "$dir" "$status" "$log"; cat <<EOF
[logservice]
uuid = "7c4dccb4-4d3c-41f8-b482-5251dc7a41bf"
service-host = "127.0.0.1"
logservice-address = "127.0.0.1:$((log + 1))"
logservice-listen-address = "127.0.0.1:$((log + 1))"
logservice-port = $((log + 1))
raft-address = "127.0.0.1:$log"
raft-listen-address = "127.0.0.1:$log"
raft-port = $log
gossip-address = "127.0.0.1:$((log + 2))"
gossip-listen-address = "127.0.0.1:$((log + 2))"
gossip-port = $((log + 2))
gossip-seed-addresses = ["127.0.0.1:$((log + 2))"]
EOF
  } > "$dir/etc/log.toml"
  { service_header TN "$dir" "$status" "$log"; cat <<EOF
[tn]
uuid = "dd4dccb4-4d3c-41f8-b482-5251dc7a41bf"
service-host = "127.0.0.1"
port-base = $tn
EOF
  } > "$dir/etc/tn.toml"
  { service_header CN "$dir" "$status" "$log"; cat <<EOF
[cn]
uuid = "dd1dccb4-4d3c-41f8-b482-5251dc7a41bf"
service-host = "127.0.0.1"
port-base = $cn

[cn.Engine]
type = "distributed-tae"

[cn.frontend]
host = "127.0.0.1"
port = $sql
EOF
  } > "$dir/etc/cn.toml"
}

start_one() { # name sql status cn tn log
  local name=$1 sql=$2
  local dir="$MO_STATE/$name"
  if answers "$sql"; then
    echo "matrixone $name: already up on 127.0.0.1:$sql"
    return 0
  fi
  write_config "$dir" "${@:2}"
  echo "matrixone $name: starting on 127.0.0.1:$sql (data in $dir)"
  (
    cd "$MO_HOME"
    ulimit -n 65535 2>/dev/null || true
    LD_LIBRARY_PATH="$MO_HOME/lib:$MO_HOME/cgo:$MO_HOME/thirdparties/install/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      nohup "$MO_HOME/mo-service" -launch "$dir/etc/launch.toml" >"$dir/stdout.txt" 2>&1 &
    echo $! >"$dir/pid"
  )
}

wait_one() { # name sql
  local name=$1 sql=$2 dir="$MO_STATE/$1" waited=0
  until answers "$sql"; do
    if [ -f "$dir/pid" ] && ! server_alive "$dir"; then
      tail -n 20 "$dir/stdout.txt" >&2 || true
      die "matrixone $name exited during start; logs: $dir/stdout.txt $dir/log.txt"
    fi
    [ "$waited" -ge "$START_TIMEOUT_S" ] && die "matrixone $name did not answer on 127.0.0.1:$sql within ${START_TIMEOUT_S}s; logs: $dir/stdout.txt"
    sleep 2
    waited=$((waited + 2))
  done
  echo "matrixone $name: up on 127.0.0.1:$sql ($(mysql -h127.0.0.1 -P"$sql" -u$MO_USER -p$MO_PASSWORD -N -e 'select version()' 2>/dev/null))"
}

stop_one() { # name sql
  stop_server "$1" "$MO_STATE/$1" 30
}

command -v mysql >/dev/null || die "the mysql client is missing (apt-get install mariadb-client)"

case "${1:-}" in
  start)
    select_servers "${2:-}"
    have_build || die "no MatrixOne build in $MO_HOME (mo-service missing); set MO_HOME to a MatrixOne build directory, see README.md"
    for s in "${SELECTED[@]}"; do start_one $s; done
    for s in "${SELECTED[@]}"; do set -- $s; wait_one "$1" "$2"; done
    ;;
  stop)
    select_servers "${2:-}"
    for s in "${SELECTED[@]}"; do set -- $s; stop_one "$1" "$2"; done
    ;;
  status)
    select_servers "${2:-}"
    rc=0
    for s in "${SELECTED[@]}"; do set -- $s; if answers "$2"; then echo "matrixone $1: up on 127.0.0.1:$2"; else echo "matrixone $1: down"; rc=1; fi; done
    exit $rc
    ;;
  has-build)
    have_build
    ;;
  sql)
    ROLE=${2:-}; shift 2 || die "usage: $0 sql $(server_names) 'statement'"
    exec mysql -h127.0.0.1 -P"$(server_port "$ROLE")" -u$MO_USER -p$MO_PASSWORD -e "$*"
    ;;
  *)
    echo "usage: $0 start|stop|status [$(server_names)] | has-build | sql $(server_names) 'statement'" >&2
    exit 2
    ;;
esac
