"""What the running app has: the map's files, and whether it was started behind its front door.

The map's files (Leaflet, the Arabic font, the basemap) are committed under
``static/vendor/``, copied from pinned npm packages by
``scripts/install_assets.py``; nothing needs Node to run the app. A copy of the
project without them (a partial download, a deleted folder) would show a blank
map with no word why, so the entry point and the map page check for them. ``serve.py``
(the front door: headers, compressed files, the light ``/ballot`` page) marks
the process, so pages started by a plain ``streamlit run app.py`` can say what
they lack.
"""

from __future__ import annotations

import os
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
REQUIRED = (
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/fonts/fonts.css",
    "vendor/basemap/region.geojson",
)
ASSETS_FIX = "git checkout -- static/vendor"  # restore the committed files (the same on every system)
FRONT_DOOR_ENV = "MC2CM_FRONT_DOOR"
SERVE_COMMAND = "python -m mc2cm serve"


def missing_assets(static_dir: Path = STATIC_DIR) -> list[str]:
    """The required files that are not there (empty when the map can draw)."""
    return [name for name in REQUIRED if not (static_dir / name).is_file()]


def front_door_active() -> bool:
    """True in a process started through ``serve.py``."""
    return os.environ.get(FRONT_DOOR_ENV) == "1"
