#!/usr/bin/env bash
# One command on a fresh machine, as any user: set up .venv/, then check and build the sample content into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/bundlesmith check
.venv/bin/bundlesmith build
