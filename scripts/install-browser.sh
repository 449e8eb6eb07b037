#!/usr/bin/env bash
# Installs the browser the widget's browser tests drive: Debian's chromium package, at
# /usr/bin/chromium. Playwright's own browser download is never used (it fetches binaries from a
# CDN at run time; the distribution's package is reviewed, updated by apt and cached in CI).
#
# Idempotent: does nothing when /usr/bin/chromium exists. Uses sudo only when not root, and
# never waits for a password (sudo -n), so it cannot hang a test run. Exit status 1 if the
# browser is still missing afterwards.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; install Chromium so that $CHROMIUM exists" >&2
  exit 1
fi

SUDO=()
if [[ "$(id -u)" != "0" ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-browser: not root and no sudo; run as root: apt-get install chromium" >&2
    exit 1
  fi
  SUDO=(sudo -n)
fi

echo "install-browser: installing Debian's chromium package…"
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q chromium; } >&2; then
  echo "install-browser: apt-get failed; run: sudo apt-get install chromium" >&2
  exit 1
fi
if [[ ! -x "$CHROMIUM" ]]; then
  # Ubuntu's chromium package is a snap wrapper that does not provide this path.
  echo "install-browser: apt installed chromium but $CHROMIUM is missing (Ubuntu snap?); Debian's package is needed" >&2
  exit 1
fi
echo "install-browser: $("$CHROMIUM" --version 2>/dev/null | head -1)"
