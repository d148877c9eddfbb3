"""A warm start: the all-time graph of an unchanged file, reopened instead of read again.

``read_graph`` keys a cache file on the data file's content hash (and this code's cache
version), so an edited file can never meet a stale graph: its hash is new. What the caller
prepares before the graph is stored (the page passes the drawing's layout) is kept with it and
named in the key, so the page's laid-out graph and the command line's plain one (it draws
nothing, and never imports matplotlib to measure labels) are cached apart. A cache file that
cannot be read is ignored and replaced. The cache lives beside the embedded stores
(``ORGS_CACHE_DIR``, default ``.cache/``, or the user's cache folder when installed:
``loaders.bundled``); whoever can write there can run code as this tool (it is a pickle), like
whoever can edit the code itself.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from loaders import bundled, yaml_read

if TYPE_CHECKING:
    import networkx as nx

CACHE_VERSION = "3"  # bump when the model, the graph or what is prepared changes shape
KEEP = 8  # cached graphs kept (the most recently used)


def cache_dir() -> Path:
    base = os.environ.get("ORGS_CACHE_DIR")
    return (Path(base) if base else bundled.cache_root()) / "graphs"


def read_graph(path: str | Path, prepare: Callable[[nx.MultiDiGraph], object] | None = None
               ) -> nx.MultiDiGraph:
    """The all-time graph of a YAML file, from the warm cache when the file is unchanged.

    Raises ``loaders.problems.InvalidInput`` for an unreadable or invalid file, as
    ``loaders.dataset.load`` does.
    """
    raw = yaml_read.read_bytes(path)
    # the path as given is part of the key: it names the file in messages and source paths
    prepared = f"{prepare.__module__}.{prepare.__qualname__}" if prepare else ""
    key = hashlib.sha256(f"{CACHE_VERSION}\0{path}\0{prepared}\0".encode() + raw
                         ).hexdigest()[:24]
    cached = cache_dir() / f"graph-{key}.pickle"
    try:
        with cached.open("rb") as handle, yaml_read.gc_paused():
            graph = pickle.load(handle)
        os.utime(cached)  # most recently used
        return graph
    except Exception:  # missing, truncated, unreadable: read the file again
        pass
    # a cold read: the validator and the graph's builder are imported only now
    from graph.core.temporal import build_graph
    from loaders import dataset as dataset_loader

    graph = build_graph(dataset_loader.load(path))
    if prepare is not None:
        prepare(graph)
    _store(graph, cached)
    return graph


def _store(graph: nx.MultiDiGraph, target: Path) -> None:
    """Write atomically (a reader sees the old file or the new one) and keep the newest few."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=".graph-", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(graph, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, target)
        older = sorted(target.parent.glob("graph-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in older[:-KEEP]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk costs speed, never an answer
