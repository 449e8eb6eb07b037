#!/usr/bin/env bash
# The README's test command (`make test`) runs this after `make install`: the whole suite,
# unit tests first, then end-to-end tests against real Rasa and action servers.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONDONTWRITEBYTECODE=1
# The widget's browser tests need Debian's Chromium. In CI a missing browser is an error; on a
# laptop where it cannot be installed (no root, no passwordless sudo) those tests skip instead.
if ! bash scripts/install-browser.sh; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "test: Chromium is required in CI (scripts/install-browser.sh failed)" >&2
    exit 1
  fi
  echo "test: continuing without Chromium; the browser tests (tests/browser/) will skip" >&2
fi
# The cluster test (tests/cluster) puts Debian's nginx in front of the replicas; same rule.
if ! bash scripts/install-nginx.sh; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "test: nginx is required in CI (scripts/install-nginx.sh failed)" >&2
    exit 1
  fi
  echo "test: continuing without nginx; the cluster test (tests/cluster/) will skip" >&2
fi
exec .venv/bin/python -m pytest "$@"
