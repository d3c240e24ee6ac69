#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests against two real MatrixOne servers
# (started here by scripts/matrixone.sh when a MatrixOne build is present) and a real Kafka + Connect.
#   scripts/test.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")/.."

required=false
if scripts/matrixone.sh has-build; then
  scripts/matrixone.sh start
  required=true   # servers are up: an integration test that cannot reach them must fail, not skip
else
  echo "=================================================================================="
  echo "No MatrixOne build found (MO_HOME=${MO_HOME:-~/.cache/mo-cdc/matrixone/v4.1.4})."
  echo "Integration tests that need MatrixOne will be SKIPPED. See README.md, 'MatrixOne'."
  echo "=================================================================================="
fi

mvn -B -ntp verify -Dmo.required="$required" "$@"
