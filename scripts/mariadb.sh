#!/usr/bin/env bash
# Starts and stops the real MariaDB server that the MySQL-target tests and demos use (`--sink-type mysql`):
# 127.0.0.1:3307, user root password 111, its own data directory under ~/.cache/mo-cdc/servers/mariadb.
# Never the system service: a private mariadbd with --no-defaults, bound to loopback only.
#
#   scripts/mariadb.sh start    # start it (does nothing when it already answers)
#   scripts/mariadb.sh stop     # stop it
#   scripts/mariadb.sh status   # whether it answers
#   scripts/mariadb.sh sql "select 1"   # run SQL with the mysql client
#
# A server can also be named: 'start NAME', 'stop NAME', 'status NAME', 'sql NAME "..."'. Besides 'target'
# (the shared one above) there is a PRIVATE server, 'fault' on 127.0.0.1:3308, that only a named command starts
# or stops: the outage test stops and restarts it mid-stream, so the shared server is never disturbed.
#
# Needs the Debian package mariadb-server (apt-get install mariadb-server; .ci/run installs it). Its postinst
# may not start the system service (containers have none); this script never touches it either way.
set -euo pipefail

MARIADB_STATE=${MARIADB_STATE:-$HOME/.cache/mo-cdc/servers/mariadb}
MARIADB_USER=root
MARIADB_PASSWORD=111
START_TIMEOUT_S=${MARIADB_START_TIMEOUT_S:-120}

# name  port
SERVERS=("target 3307")
PRIVATE_SERVERS=("fault 3308")

die() { echo "mariadb.sh: $*" >&2; exit 1; }
SERVER_KIND=mariadb
. "$(dirname "$0")/lib/servers.sh"

server_binary() { command -v mariadbd 2>/dev/null || { [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd; } || true; }
install_binary() { command -v mariadb-install-db 2>/dev/null || command -v mysql_install_db 2>/dev/null || true; }

have_server() { [ -n "$(server_binary)" ] && [ -n "$(install_binary)" ]; }

answers() { # port
  mysql -h127.0.0.1 -P"$1" -u"$MARIADB_USER" -p"$MARIADB_PASSWORD" --connect-timeout=3 -N -e "select version()" >/dev/null 2>&1
}

# A first start creates the system tables; root then gets password 111 over TCP from 127.0.0.1 (the tests' and
# connectors' address; --skip-name-resolve keeps it from being seen as 'localhost').
initialize() { # dir
  local dir=$1
  [ -d "$dir/data/mysql" ] && return 0
  mkdir -p "$dir/data"
  echo "mariadb: initializing $dir/data"
  "$(install_binary)" --no-defaults --datadir="$dir/data" --user=root --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.txt" 2>&1 || { tail -n 20 "$dir/install.txt" >&2; die "mariadb-install-db failed; log: $dir/install.txt"; }
  touch "$dir/needs-users"
}

start_one() { # name port
  local name=$1 port=$2 dir="$MARIADB_STATE/$1"
  if answers "$port"; then
    echo "mariadb $name: already up on 127.0.0.1:$port"
    return 0
  fi
  if server_alive "$dir"; then
    echo "mariadb $name: running (pid $(cat "$dir/pid")), waiting for it to answer"
    return 0
  fi
  initialize "$dir"
  echo "mariadb $name: starting on 127.0.0.1:$port (data in $dir/data)"
  # max-allowed-packet: MatrixOne takes statements and values up to 64 MiB; so must the copy.
  # lower-case-table-names=0: names keep their case, as in MatrixOne.
  nohup "$(server_binary)" --no-defaults --datadir="$dir/data" --user=root \
    --skip-networking=0 --bind-address=127.0.0.1 --port="$port" --skip-name-resolve \
    --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin --max-allowed-packet=256M \
    --innodb-buffer-pool-size=128M --innodb-log-file-size=64M --lower-case-table-names=0 \
    --max-connections=500 >"$dir/stdout.txt" 2>&1 &
  echo $! >"$dir/pid"
}

wait_one() { # name port
  local name=$1 port=$2 dir="$MARIADB_STATE/$1" waited=0
  if [ -f "$dir/needs-users" ]; then
    # ping answers 0 once the server runs, whether or not root still has its first (empty) password
    until mysqladmin --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; do
      server_alive "$dir" || { tail -n 20 "$dir/error.log" >&2 || true; die "mariadb $name exited during start; log: $dir/error.log"; }
      [ "$waited" -ge "$START_TIMEOUT_S" ] && die "mariadb $name did not open its socket within ${START_TIMEOUT_S}s; log: $dir/error.log"
      sleep 1; waited=$((waited + 1))
    done
    mysql --socket="$dir/mysqld.sock" -uroot -p"$MARIADB_PASSWORD" -e "select 1" >/dev/null 2>&1 && pw=(-p"$MARIADB_PASSWORD") || pw=()
    mysql --socket="$dir/mysqld.sock" -uroot "${pw[@]}" -e "
      ALTER USER root@localhost IDENTIFIED BY '$MARIADB_PASSWORD';
      CREATE OR REPLACE USER root@'127.0.0.1' IDENTIFIED BY '$MARIADB_PASSWORD';
      GRANT ALL PRIVILEGES ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;
      FLUSH PRIVILEGES;" || die "mariadb $name: cannot set up user root"
    rm -f "$dir/needs-users"
  fi
  until answers "$port"; do
    server_alive "$dir" || { tail -n 20 "$dir/error.log" >&2 || true; die "mariadb $name exited during start; log: $dir/error.log"; }
    [ "$waited" -ge "$START_TIMEOUT_S" ] && die "mariadb $name did not answer on 127.0.0.1:$port within ${START_TIMEOUT_S}s; log: $dir/error.log"
    sleep 1; waited=$((waited + 1))
  done
  echo "mariadb $name: up on 127.0.0.1:$port ($(mysql -h127.0.0.1 -P"$port" -u$MARIADB_USER -p$MARIADB_PASSWORD -N -e 'select version()' 2>/dev/null))"
}

stop_one() { # name port
  stop_server "$1" "$MARIADB_STATE/$1" 60
}

command -v mysql >/dev/null || die "the mysql client is missing (apt-get install mariadb-client)"

case "${1:-}" in
  start)
    select_servers "${2:-}"
    have_server || die "no MariaDB server installed (mariadbd / mariadb-install-db missing): apt-get install mariadb-server"
    for s in "${SELECTED[@]}"; do start_one $s; done
    for s in "${SELECTED[@]}"; do wait_one $s; done
    ;;
  stop)
    select_servers "${2:-}"
    for s in "${SELECTED[@]}"; do stop_one $s; done
    ;;
  status)
    select_servers "${2:-}"
    rc=0
    for s in "${SELECTED[@]}"; do set -- $s; if answers "$2"; then echo "mariadb $1: up on 127.0.0.1:$2"; else echo "mariadb $1: down"; rc=1; fi; done
    exit $rc
    ;;
  has-server)
    have_server
    ;;
  sql)
    shift
    name=target
    if [ $# -gt 1 ]; then name=$1; shift; fi
    exec mysql -h127.0.0.1 -P"$(server_port "$name")" -u$MARIADB_USER -p$MARIADB_PASSWORD -e "$*"
    ;;
  *)
    echo "usage: $0 start|stop|status [$(server_names)] | has-server | sql [$(server_names)] 'statement'" >&2
    exit 2
    ;;
esac
