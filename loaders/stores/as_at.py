"""Embedded stores of the graph as it stood on a day, for queries "as at" a date.

One store per view (what is in force, under which names): every day of an epoch shares it. It is
built from the dataset ``graph.core.as_at.dataset_as_at`` gives, like the file's own store
(atomically, beside, then renamed), and named after the file, its content and the view, so an
edited file never meets an old view. The most recent ``KEEP`` of a file's views are kept.
"""

from __future__ import annotations

from pathlib import Path

from graph.core.as_at import dataset_as_at, view_key
from graph.core.dates import as_day
from graph.core.temporal import DateLike, at, dataset_of
from loaders import warm
from loaders.stores import embedded
from loaders.stores.records import file_key

KEEP = 16  # views kept per data file


def ensure_store_as_at(dataset_path: str | Path, date: DateLike) -> Path:
    """The store of ``dataset_path``'s graph as it stood on ``date``, built on first use.

    Raises ``loaders.problems.InvalidInput`` for an invalid file and ``StoreError`` when the
    store cannot be written.
    """
    graph = warm.read_graph(dataset_path)
    dataset = dataset_of(graph)
    day = as_day(date)
    folder = embedded.cache_dir()
    prefix = f"{file_key(dataset_path)}-{dataset.content_hash}-at-"
    path = folder / f"{prefix}{view_key(at(graph, day))}{embedded.SUFFIX}"
    if not embedded.opens(path):
        embedded.build(dataset_as_at(graph, day), target=path)
        views = sorted(folder.glob(f"{prefix}*{embedded.SUFFIX}"), key=lambda p: p.stat().st_mtime)
        for stale in views[:-KEEP]:
            stale.unlink(missing_ok=True)
    return path
