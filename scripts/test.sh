#!/usr/bin/env bash
# Set up (if needed) and run every check: lint, types, unit, AppTest and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo "== ruff"; .venv/bin/ruff check .
echo "== mypy"; .venv/bin/mypy
echo "== frictionless"; .venv/bin/frictionless validate data/datapackage.json
echo "== pytest"; .venv/bin/python -m pytest "$@"
