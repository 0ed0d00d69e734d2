#!/usr/bin/env bash
# Install everything the project needs, from its own files, on a fresh machine.
#   bash scripts/setup.sh         runtime: Python venv + offline map assets
#   bash scripts/setup.sh --dev   also test tools and Debian's Chromium for browser tests
# Idempotent: re-running it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1
PYTHON="${PYTHON:-python3}"

if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
REQ=requirements.txt
[[ $DEV == 1 ]] && REQ=requirements-dev.txt
echo "setup: installing Python packages from $REQ"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQ"

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules ]]; then
  echo "setup: installing pinned front-end assets (npm ci)"
  npm ci --no-audit --no-fund --silent
fi
.venv/bin/python scripts/install_assets.py

if [[ $DEV == 1 ]] && [[ ! -x /usr/bin/chromium ]]; then
  echo "setup: installing Debian's chromium for the browser tests"
  SUDO=""
  [[ $(id -u) != 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "setup: done"
