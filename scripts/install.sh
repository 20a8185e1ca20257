#!/usr/bin/env bash
# Install bundlesmith and everything its tests use, on a fresh Debian machine with Python >= 3.11:
# the Python package (editable) with its test extras, Debian's chromium (never a downloaded browser),
# and the npm packages the browser tests load (scorm-again, axe-core) and the site ships (iframe-worker).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! python3 -m pip --version >/dev/null 2>&1; then  # a bare Debian Python has no pip
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip python3-venv >/dev/null
fi
# On a Debian system Python (PEP 668) pip needs leave to install beside apt's packages.
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

if ! command -v chromium >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --silent
