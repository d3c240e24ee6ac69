#!/usr/bin/env bash
# The main job: the product brief's scenario end to end, through mo-cdc's connectors, on two local
# MatrixOne servers (source 127.0.0.1:6001, target 127.0.0.1:6002) and mo-cdc's embedded Kafka + Connect.
# Every step prints what it did; the script exits non-zero at the first step whose result is wrong.
#   scripts/demo.sh                # run the scenario, then drop the task and stop the embedded runtime
#   scripts/demo.sh --keep         # leave the task running afterwards
#   scripts/demo.sh --sink mysql   # the same scenario into MySQL: a local MariaDB (scripts/mariadb.sh,
#                                  # 127.0.0.1:3307) as the target, with mo-cdc task create --sink-type mysql
# DEMO_SOURCE_DB / DEMO_TARGET_DB rename the scenario's databases (production_db / analytics_db), e.g. to run it
# next to other users of the same servers.
set -euo pipefail
cd "$(dirname "$0")/.."

KEEP=false
SINK=matrixone
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=true ;;
    --sink) SINK=${2:-}; shift ;;
    --sink=*) SINK=${1#--sink=} ;;
    *) echo "usage: $0 [--keep] [--sink matrixone|mysql]" >&2; exit 2 ;;
  esac
  shift
done

SOURCE_URI="mysql://root:111@127.0.0.1:6001"
PROD_DB=${DEMO_SOURCE_DB:-production_db}
ANALYTICS_DB=${DEMO_TARGET_DB:-analytics_db}
case "$SINK" in
  matrixone) SINK_PORT=6002; TASK=activity_sync ;;
  mysql) SINK_PORT=3307; TASK=activity_sync_mysql ;;
  *) echo "demo.sh: --sink matrixone or mysql" >&2; exit 2 ;;
esac
SINK_URI="mysql://root:111@127.0.0.1:$SINK_PORT"
TABLE_QUERY="select activity_id, user_id, activity_type, timestamp, device from $ANALYTICS_DB.analytics_activities order by activity_id"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
src() { scripts/matrixone.sh sql source "$1"; }
dst() { if [ "$SINK" = mysql ]; then scripts/mariadb.sh sql "$1"; else scripts/matrixone.sh sql target "$1"; fi; }
target_rows() { mysql -h127.0.0.1 -P"$SINK_PORT" -uroot -p111 -N -B -e "$TABLE_QUERY" 2>/dev/null || true; }

# Waits until the target table equals the expected rows (tab-separated, one per line).
expect_target() { # expected description
  local expected=$1 what=$2 waited=0
  until [ "$(target_rows)" = "$expected" ]; do
    if [ $waited -ge 120 ]; then
      echo "FAILED: $what. Target holds:"; target_rows; echo "expected:"; echo "$expected"
      ./mo-cdc task show --task-name "$TASK" --source-uri "$SOURCE_URI" || true
      exit 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  echo "ok: $what (after ${waited}s)"
  dst "$TABLE_QUERY"
}

ROW1="1	1001	login	2024-01-01 09:00:00	mobile"
ROW1_LOGOUT="1	1001	logout	2024-01-01 09:00:00	mobile"
ROW2="2	1002	like	2024-01-01 10:15:00	desktop"
ROW3="3	1003	comment	2024-01-02 14:30:00	mobile"
ROW4="4	1004	share	2024-01-03 16:45:00	desktop"
ROW5="5	1005	login	2024-01-04 08:00:00	mobile"

step "Start the two MatrixOne servers"
scripts/matrixone.sh start
if [ "$SINK" = mysql ]; then
  step "Start the MySQL-compatible target: MariaDB on 127.0.0.1:3307"
  scripts/mariadb.sh start
fi

step "Start clean: the embedded runtime, no task, no scenario databases"
# 'task drop' deletes an earlier run's task with its offsets and its topics, so nothing of it is replayed.
./mo-cdc runtime start
./mo-cdc task drop --task-name "$TASK" --source-uri "$SOURCE_URI" 2>/dev/null || true
src "drop database if exists $PROD_DB"
dst "drop database if exists $ANALYTICS_DB"

step "Source: PITR (an account keeps one account-level PITR: an existing one serves as well)"
src "create pitr if not exists pitr_activity for account range 2 'h'" 2>&1 | grep -v -e "already has a pitr" -e "^-*$" -e "^create pitr" || true
src "show pitr"

step "Source: table and rows 1..3"
src "CREATE DATABASE $PROD_DB;
CREATE TABLE $PROD_DB.user_activities (
    activity_id INT PRIMARY KEY, user_id INT, activity_type VARCHAR(50), timestamp DATETIME, device VARCHAR(20));
INSERT INTO $PROD_DB.user_activities VALUES
    (1, 1001, 'login', '2024-01-01 09:00:00', 'mobile'),
    (2, 1002, 'like', '2024-01-01 10:15:00', 'desktop'),
    (3, 1003, 'comment', '2024-01-02 14:30:00', 'mobile');"

step "Target: only the database"
dst "CREATE DATABASE $ANALYTICS_DB;"

step "mo-cdc task create"
./mo-cdc task create \
    --task-name "$TASK" \
    --source-uri "$SOURCE_URI" \
    --sink-type "$SINK" \
    --sink-uri "$SINK_URI" \
    --level table \
    --tables "$PROD_DB.user_activities:$ANALYTICS_DB.analytics_activities"

step "mo-cdc task show"
./mo-cdc task show --task-name "$TASK" --source-uri "$SOURCE_URI"

step "Full sync: the target holds rows 1..3"
expect_target "$ROW1
$ROW2
$ROW3" "full synchronization"
if [ "$SINK" = mysql ]; then
  dst "SHOW CREATE TABLE $ANALYTICS_DB.analytics_activities\G"
fi

step "Incremental: insert row 4, update row 1 to logout"
src "INSERT INTO $PROD_DB.user_activities VALUES (4, 1004, 'share', '2024-01-03 16:45:00', 'desktop');
UPDATE $PROD_DB.user_activities SET activity_type = 'logout' WHERE activity_id = 1;"
expect_target "$ROW1_LOGOUT
$ROW2
$ROW3
$ROW4" "incremental synchronization"

step "mo-cdc task pause; insert row 5 while paused"
./mo-cdc task pause --task-name "$TASK" --source-uri "$SOURCE_URI"
src "INSERT INTO $PROD_DB.user_activities VALUES (5, 1005, 'login', '2024-01-04 08:00:00', 'mobile');"
src "select * from $PROD_DB.user_activities order by activity_id"
sleep 5
[ "$(target_rows)" = "$ROW1_LOGOUT
$ROW2
$ROW3
$ROW4" ] || { echo "FAILED: the target changed while the task was paused"; target_rows; exit 1; }
echo "ok: the target did not change while paused"
./mo-cdc task show --task-name "$TASK" --source-uri "$SOURCE_URI"

step "mo-cdc task resume: checkpoint recovery"
./mo-cdc task resume --task-name "$TASK" --source-uri "$SOURCE_URI"
expect_target "$ROW1_LOGOUT
$ROW2
$ROW3
$ROW4
$ROW5" "checkpoint recovery: nothing lost"
./mo-cdc task show --task-name "$TASK" --source-uri "$SOURCE_URI"

if [ "$SINK" = matrixone ]; then
  step "mo-cdc task verify: the target equals the source at the target's applied position"
  ./mo-cdc task verify --task-name "$TASK" --source-uri "$SOURCE_URI"
fi

if [ "$KEEP" = false ]; then
  step "mo-cdc task drop; stop the embedded runtime"
  ./mo-cdc task drop --task-name "$TASK" --source-uri "$SOURCE_URI"
  ./mo-cdc runtime stop || true
fi

step "SCENARIO PASSED"
