#!/usr/bin/env bash
# One command on a fresh machine: install everything, then check and build the sample content into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bundlesmith check
bundlesmith build
