#!/usr/bin/env bash
# Installs the load balancer of the cluster test (tests/cluster): Debian's nginx package, at
# /usr/sbin/nginx. The test runs it as its own process with a config it writes (`nginx -p DIR -c
# CONF`, `daemon off`), so the package's service is neither needed nor started here.
#
# Idempotent: does nothing when /usr/sbin/nginx exists. Uses sudo only when not root, and never
# waits for a password (sudo -n). Exit status 1 if nginx is still missing afterwards.
set -euo pipefail

NGINX=/usr/sbin/nginx
if [[ -x "$NGINX" ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-nginx: no apt-get here; install nginx so that $NGINX exists" >&2
  exit 1
fi
SUDO=()
if [[ "$(id -u)" != "0" ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-nginx: not root and no sudo; run as root: apt-get install nginx-light (or nginx)" >&2
    exit 1
  fi
  SUDO=(sudo -n)
fi
echo "install-nginx: installing Debian's nginx package…"
export DEBIAN_FRONTEND=noninteractive
if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q --no-install-recommends nginx; } >&2; then
  echo "install-nginx: apt-get failed; run: sudo apt-get install nginx" >&2
  exit 1
fi
[[ -x "$NGINX" ]] || { echo "install-nginx: apt installed nginx but $NGINX is missing" >&2; exit 1; }
echo "install-nginx: $("$NGINX" -v 2>&1 | head -1)"
