"""The files the map needs from the app's static folder, and how to install them.

They come from pinned npm packages (``package-lock.json``) copied by
``scripts/install_assets.py``; without them the map would stay blank with no
word why, so the entry point and the map page check for them.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
REQUIRED = (
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/fonts/fonts.css",
    "vendor/basemap/region.geojson",
)
FIX_POSIX = "bash scripts/setup.sh"
FIX_WINDOWS = "npm ci && .venv\\Scripts\\python scripts\\install_assets.py"


def missing_assets(static_dir: Path = STATIC_DIR) -> list[str]:
    """The required files that are not there (empty when the map can draw)."""
    return [name for name in REQUIRED if not (static_dir / name).is_file()]
