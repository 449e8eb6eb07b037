#!/usr/bin/env bash
# The README's test command (`make test`) runs this after `make install`: the whole suite,
# unit tests first, then end-to-end tests against real Rasa and action servers.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest "$@"
