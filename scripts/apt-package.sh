#!/usr/bin/env bash
# Installs one Debian package that a test layer needs, unless its binary is already there:
#   scripts/apt-package.sh WHO PACKAGE BINARY [apt-get install options…]
# (WHO names the caller in messages, e.g. install-nginx). The install scripts of the browser
# and the load balancer share this, so the sudo and apt rules live in one place.
#
# Idempotent: does nothing when BINARY is executable. Uses sudo only when not root, and never
# waits for a password (sudo -n), so it cannot hang a test run. Exit status 1 if BINARY is still
# missing afterwards.
set -euo pipefail

WHO=$1 PACKAGE=$2 BINARY=$3
shift 3
if [[ -x "$BINARY" ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$WHO: no apt-get here; install $PACKAGE so that $BINARY exists" >&2
  exit 1
fi
SUDO=()
if [[ "$(id -u)" != "0" ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "$WHO: not root and no sudo; run as root: apt-get install $PACKAGE" >&2
    exit 1
  fi
  SUDO=(sudo -n)
fi
echo "$WHO: installing Debian's $PACKAGE package…"
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q "$@" "$PACKAGE"; } >&2; then
  echo "$WHO: apt-get failed; run: sudo apt-get install $PACKAGE" >&2
  exit 1
fi
if [[ ! -x "$BINARY" ]]; then
  echo "$WHO: apt installed $PACKAGE but $BINARY is missing" >&2
  exit 1
fi
