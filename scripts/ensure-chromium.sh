#!/usr/bin/env bash
# The browser tests (test/e2e/web-ui.e2e-spec.ts) drive Debian's Chromium through playwright-core.
# Installs it with apt-get when /usr/bin/chromium is missing; does nothing otherwise.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing at $CHROMIUM and apt-get is not available: install Chromium (or Chrome)" >&2
  echo "and set CHROMIUM_PATH to its binary to run the browser tests." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "Chromium is missing at $CHROMIUM; run this script as root to install it (apt-get install chromium)." >&2
    exit 1
  fi
fi

echo "Installing Chromium for the browser tests (apt-get install chromium)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
"$CHROMIUM" --version
