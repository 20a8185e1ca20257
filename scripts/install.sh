#!/usr/bin/env bash
# Set up bundlesmith on a Debian machine with Python >= 3.11, as any user: a virtual environment in .venv/
# with this package (editable), its test extras and the exact versions in requirements.lock, and the npm
# packages the browser tests load (scorm-again, axe-core). What needs root (Debian's python3-venv where it
# is missing; Pango for the printed handbooks; chromium, nodejs/npm and poppler-utils for the tests) is
# installed when run as root or with password-less sudo, and otherwise named in one message. Never touches
# the system Python's packages.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${BUNDLESMITH_VENV:-.venv}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1; fi
}
updated=""
apt_install() {  # apt_install PACKAGE...: true when installed
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ -z "$updated" ]; then as_root apt-get update -qq || return 1; updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v python3 >/dev/null 2>&1; then
  apt_install python3 python3-venv || { echo "install.sh: Python 3.11 or later is needed: sudo apt-get install python3 python3-venv" >&2; exit 1; }
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "install.sh: bundlesmith needs Python 3.11 or later; this is $(python3 --version)" >&2; exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    version=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python${version}-venv" || apt_install python3-venv || {
      echo "install.sh: Python's venv module is missing; as root: apt-get install python3-venv  (then run this again)" >&2
      exit 1; }
    python3 -m venv "$VENV"
  fi
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'

missing=()
# WeasyPrint (the handbooks) loads Pango through cffi; the tests read the PDFs' text with poppler's pdftotext.
has_library() { ldconfig -p 2>/dev/null | grep -q "$1"; }
{ has_library libpango-1.0.so.0 && has_library libpangoft2-1.0.so.0; } || apt_install libpango-1.0-0 libpangoft2-1.0-0 \
  || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftotext >/dev/null 2>&1 || apt_install poppler-utils || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || apt_install chromium || missing+=(chromium)
command -v npm >/dev/null 2>&1 || apt_install nodejs npm || missing+=(nodejs npm)
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --silent
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "install.sh: bundlesmith is set up in $VENV/; the handbooks and the browser and PDF tests also need Debian's ${missing[*]}," >&2
  echo "  which only root can install: sudo apt-get install ${missing[*]}  (then run this again)" >&2
fi
