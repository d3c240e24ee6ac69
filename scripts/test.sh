#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests against two real MatrixOne servers
# (started here by scripts/matrixone.sh when a MatrixOne build is present), a real MariaDB as the
# --sink-type mysql target (scripts/mariadb.sh, when mariadb-server is installed) and a real Kafka + Connect.
#   scripts/test.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")/.."

required=false
if scripts/matrixone.sh has-build; then
  scripts/matrixone.sh start
  required=true   # servers are up: an integration test that cannot reach them must fail, not skip
elif [ "${CI:-}" = "true" ]; then
  # A CI run must test against MatrixOne or fail: never green with the MatrixOne tests skipped.
  echo "test.sh: CI=true but no MatrixOne build in ${MO_HOME:-~/.cache/mo-cdc/matrixone/v4.1.4} (mo-service missing)." >&2
  echo "test.sh: put a MatrixOne v4.1.4 build there or set MO_HOME to one (README.md, 'MatrixOne'), then run again." >&2
  exit 1
else
  echo "=================================================================================="
  echo "No MatrixOne build found (MO_HOME=${MO_HOME:-~/.cache/mo-cdc/matrixone/v4.1.4})."
  echo "Integration tests that need MatrixOne will be SKIPPED. See README.md, 'MatrixOne'."
  echo "=================================================================================="
fi

# MariaDB: the MySQL-target tests need it like the others need MatrixOne. -Dmo.required=true makes a test whose
# server does not answer fail; that flag is set once the MatrixOne servers are up, so it covers MariaDB too.
if scripts/mariadb.sh has-server; then
  scripts/mariadb.sh start
elif [ "${CI:-}" = "true" ]; then
  echo "test.sh: CI=true but no MariaDB server installed (mariadbd missing): apt-get install mariadb-server (.ci/run does)." >&2
  exit 1
elif [ "$required" = "true" ]; then
  echo "test.sh: no MariaDB server installed (apt-get install mariadb-server): the MySQL-target tests will FAIL." >&2
else
  echo "No MariaDB server installed: the MySQL-target tests will be SKIPPED (apt-get install mariadb-server)."
fi

mvn -B -ntp verify -Dmo.required="$required" "$@"
