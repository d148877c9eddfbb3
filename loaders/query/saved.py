"""Saved ("canned") queries: Cypher kept with an area's data, in the ``queries:`` section of its
YAML file (format 1.1), offered by the console and ``python -m graph query --saved ID``.

They are validated with the rest of the file (``loaders.dataset``): unique ids, each one
read-only query that the guard accepts, a default value for each ``$parameter``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.core.model import Dataset, SavedQuery
from loaders import dataset as dataset_loader
from loaders.query.result import QueryError


def load_saved_queries(dataset_path: str | Path | None = None) -> tuple[SavedQuery, ...]:
    """The saved queries of an area file (default: ``$ORGS_DATA`` or the bundled BLMK file), in
    file order. Raises ``loaders.problems.InvalidInput`` when the file is invalid."""
    return dataset_loader.load(dataset_path or dataset_loader.default_path()).queries


def saved_query(dataset: Dataset, query_id: str) -> SavedQuery:
    """The area's saved query with this id; ``QueryError`` naming the ones there are."""
    for query in dataset.queries:
        if query.id == query_id:
            return query
    known = ", ".join(q.id for q in dataset.queries) or "none"
    raise QueryError(f"no saved query '{query_id}' for {dataset.area.name or dataset.path} "
                     f"(its saved queries: {known})")


def parameter_value(default: Any, text: str) -> Any:
    """A parameter typed as text, read as the same type as its default (a number stays a
    number); raises ``QueryError`` when it does not read as one."""
    if isinstance(default, bool):
        if text.strip().lower() not in ("true", "false"):
            raise QueryError(f"'{text}' is not true or false")
        return text.strip().lower() == "true"
    for kind, words in ((int, "a whole number"), (float, "a number")):
        if isinstance(default, kind):
            try:
                return kind(text)
            except ValueError:
                raise QueryError(f"'{text}' is not {words}") from None
    return text
