"""Jinja2 environments for the server-rendered pages (ballot, briefs, the offline copy).

Autoescaping is always on: every value a template receives is data, and the templates are
files of this repository only. A missing value is an error, not an empty string.
"""

from __future__ import annotations

from pathlib import Path

import jinja2


def environment(folder: Path) -> jinja2.Environment:
    """The templates of ``folder``, escaped, strict about undefined values, without stray whitespace."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
