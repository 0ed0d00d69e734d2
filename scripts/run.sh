#!/usr/bin/env bash
# Set up (if needed) and serve the dashboard on the shipped data: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m mc2cm serve "$@"
