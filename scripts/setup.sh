#!/usr/bin/env bash
# Install everything the project needs, from its own files, on a fresh machine.
#   bash scripts/setup.sh         runtime: Python venv (the offline map assets are committed in static/vendor/)
#   bash scripts/setup.sh --dev   also test tools, the pinned npm packages (to check static/vendor/ against them)
#                                 and Debian's Chromium and PostgreSQL for the tests
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

if [[ $DEV == 1 ]] && { [[ ! -d node_modules/leaflet ]] || [[ package-lock.json -nt node_modules ]]; }; then
  echo "setup: installing the pinned npm packages (npm ci), for the tests that check static/vendor/"
  npm ci --no-audit --no-fund --silent
fi
# Brotli/gzip copies of the static files, served by web/compress.py (quick once they exist);
# without them the app still runs, sending those files uncompressed.
.venv/bin/python -m web.precompress || echo "setup: some static files stay uncompressed (see above)"
# The icon font cut to the icons in use (web/fonts.py); the server makes it at first start otherwise.
.venv/bin/python -m web.fonts || echo "setup: phones will get the whole icon font (see above)"

if [[ $DEV == 1 ]]; then
  # Debian packages for the tests: chromium (browser tests, and /brief.pdf), postgresql (the server
  # vote store), poppler-utils (pdftotext and pdftoppm read the briefs' PDFs back).
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  if (( ${#missing[@]} )); then
    echo "setup: installing Debian packages: ${missing[*]}"
    SUDO=""
    [[ $(id -u) != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
echo "setup: done"
