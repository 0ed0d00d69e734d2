"""What the running app has: the map's files, and whether it was started behind its front door.

The map's files come from pinned npm packages (``package-lock.json``) copied by
``scripts/install_assets.py``; without them the map would stay blank with no
word why, so the entry point and the map page check for them. ``serve.py``
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
FIX_POSIX = "bash scripts/setup.sh"
FIX_WINDOWS = "npm ci && .venv\\Scripts\\python scripts\\install_assets.py"
FRONT_DOOR_ENV = "MC2CM_FRONT_DOOR"
SERVE_COMMAND = "python -m mc2cm serve"


def missing_assets(static_dir: Path = STATIC_DIR) -> list[str]:
    """The required files that are not there (empty when the map can draw)."""
    return [name for name in REQUIRED if not (static_dir / name).is_file()]


def front_door_active() -> bool:
    """True in a process started through ``serve.py``."""
    return os.environ.get(FRONT_DOOR_ENV) == "1"
