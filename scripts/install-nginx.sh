#!/usr/bin/env bash
# Installs the load balancer of the cluster test (tests/cluster): Debian's nginx package, at
# /usr/sbin/nginx. The test runs it as its own process with a config it writes (`nginx -p DIR -c
# CONF`, `daemon off`), so the package's service is neither needed nor started here.
# Idempotent; sudo only when not root, never waiting for a password (scripts/apt-package.sh).
set -euo pipefail

NGINX=/usr/sbin/nginx
[[ -x "$NGINX" ]] && exit 0
bash "$(dirname "$0")/apt-package.sh" install-nginx nginx "$NGINX" --no-install-recommends
echo "install-nginx: $("$NGINX" -v 2>&1 | head -1)"
