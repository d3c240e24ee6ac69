# What scripts/matrixone.sh and scripts/mariadb.sh share: the registry of named servers, and stopping one by its pid.
# The sourcing script sets SERVERS and PRIVATE_SERVERS (entries "name port ...": a bare command acts on SERVERS, a
# named one on any), SERVER_KIND (the word its messages start with) and defines die().

server_names() {
  local all=() s
  for s in "${SERVERS[@]}" "${PRIVATE_SERVERS[@]}"; do all+=("${s%% *}"); done
  local IFS='|'
  echo "${all[*]}"
}

# The servers a command acts on, in SELECTED: the one named, or with no name the shared ones.
select_servers() { # [name]
  SELECTED=()
  if [ -z "${1:-}" ]; then
    SELECTED=("${SERVERS[@]}")
    return
  fi
  local s
  for s in "${SERVERS[@]}" "${PRIVATE_SERVERS[@]}"; do
    if [ "${s%% *}" = "$1" ]; then SELECTED=("$s"); return; fi
  done
  die "unknown server '$1' ($(server_names))"
}

server_port() { # name
  local want=$1 s
  for s in "${SERVERS[@]}" "${PRIVATE_SERVERS[@]}"; do set -- $s; if [ "$1" = "$want" ]; then echo "$2"; return; fi; done
  die "unknown server '$want' ($(server_names))"
}

# Whether the process in <dir>/pid runs.
server_alive() { # dir
  [ -f "$1/pid" ] && kill -0 "$(cat "$1/pid")" 2>/dev/null
}

# Stops the process in <dir>/pid: TERM, up to <seconds> to exit, then KILL.
stop_server() { # name dir seconds
  local name=$1 dir=$2 seconds=$3
  if server_alive "$dir"; then
    local pid
    pid=$(cat "$dir/pid")
    kill "$pid"
    for _ in $(seq 1 "$seconds"); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "$SERVER_KIND $name: stopped"
  else
    echo "$SERVER_KIND $name: not running"
  fi
  rm -f "$dir/pid"
}
