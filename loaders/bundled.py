"""Where the bundled files are: the BLMK area (``data/orgs.yaml`` and the ODS extracts it
cites), the page (``app.py``) and the caches.

Run from a checkout, they are the repository's own files (top-level ``data/``, ``app.py`` and
``.cache/``), as always. An installed copy (``pip install .``, ``pipx install .``) carries the
same ``app.py`` and ``data/`` inside the package ``graph``, as ``graph/_bundle/`` (see
``[tool.setuptools]`` in pyproject.toml: one copy in the repository, packed at build time), and
keeps its caches in the user's cache folder (``$XDG_CACHE_HOME/orgs-graph``, default
``~/.cache/orgs-graph``), never inside the installed package. ``ORGS_DATA`` and
``ORGS_CACHE_DIR`` still choose another data file and cache folder.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout, or site-packages when installed
PACKAGE = "graph"  # the installed copy's bundle: graph/_bundle/{app.py,data/}
FOLDER = "_bundle"


def checkout() -> Path | None:
    """The repository's root when this code runs from a checkout, else None (installed)."""
    if (ROOT / "app.py").is_file() and (ROOT / "data" / "orgs.yaml").is_file():
        return ROOT
    return None


def bundle() -> Path:
    """The folder holding ``app.py`` and ``data/``: the checkout, or the installed bundle."""
    root = checkout()
    if root is not None:
        return root
    # an installed package is plain files on disk (Streamlit needs a path to run, not a zip)
    return Path(str(files(PACKAGE) / FOLDER))


def data_file() -> Path:
    """The bundled area: ``data/orgs.yaml``."""
    return bundle() / "data" / "orgs.yaml"


def app_file() -> Path:
    """The page's script: ``app.py``."""
    return bundle() / "app.py"


def cache_root() -> Path:
    """The caches' default folder (``ORGS_CACHE_DIR`` overrides it where a cache is used):
    ``.cache/`` in a checkout, else the user's cache folder."""
    root = checkout()
    if root is not None:
        return root / ".cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "orgs-graph"
