#!/usr/bin/env bash
# Installs the browser the widget's browser tests drive: Debian's chromium package, at
# /usr/bin/chromium. Playwright's own browser download is never used (it fetches binaries from a
# CDN at run time; the distribution's package is reviewed, updated by apt and cached in CI).
# Idempotent; sudo only when not root, never waiting for a password (scripts/apt-package.sh).
# Ubuntu's chromium package is a snap wrapper without this path: Debian's package is needed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[[ -x "$CHROMIUM" ]] && exit 0
bash "$(dirname "$0")/apt-package.sh" install-browser chromium "$CHROMIUM"
echo "install-browser: $("$CHROMIUM" --version 2>/dev/null | head -1)"
