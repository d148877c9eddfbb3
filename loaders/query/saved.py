"""Saved ("canned") queries: Cypher kept with the data, offered by the console and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from loaders.query.result import QueryError

ROOT = Path(__file__).resolve().parents[2]
SAVED_QUERIES = ROOT / "data" / "queries.yaml"


@dataclass(frozen=True)
class SavedQuery:
    id: str
    title: str
    description: str
    cypher: str
    params: dict[str, Any] = field(default_factory=dict)


def load_saved_queries(path: str | Path | None = None) -> list[SavedQuery]:
    """The saved queries in ``data/queries.yaml`` (or ``path``), in file order."""
    path = Path(path or SAVED_QUERIES)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read saved queries ({exc})") from None
    if isinstance(entries, dict):
        entries = entries.get("queries") or []
    saved = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not all(
                isinstance(entry.get(k), str) for k in ("id", "title", "cypher")):
            raise QueryError(f"{path}: saved query {number} needs text id, title and cypher")
        params = entry.get("params") or {}
        saved.append(SavedQuery(entry["id"], entry["title"], str(entry.get("description", "")),
                                entry["cypher"].strip(), dict(params)))
    return saved
