"""Model records as JSON-ready dicts (dates as ISO text at their own precision)."""

from __future__ import annotations

from typing import Any

from graph.core.model import Event, Organisation, Relationship, Source
from graph.core.temporal import Diff, Lineage, LineageStep


def _iso(value: Any) -> str | None:
    return value.iso() if value is not None else None


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, [], ())}


def organisation_json(org: Organisation, name: str | None = None) -> dict[str, Any]:
    return _drop_empty({
        "id": org.id, "name": name or org.name, "kind": org.kind,
        "valid_from": _iso(org.valid_from), "valid_to": _iso(org.valid_to),
        "former_names": [_drop_empty({"name": f.name, "valid_from": _iso(f.valid_from),
                                      "valid_to": _iso(f.valid_to)}) for f in org.former_names],
        "ods_code": org.ods_code, "url": org.url, "notes": org.notes,
        "sources": list(org.sources), "unverified": list(org.unverified)})


def relationship_json(rel: Relationship) -> dict[str, Any]:
    return _drop_empty({
        "id": rel.id, "from": rel.source, "type": rel.type, "to": rel.target,
        "valid_from": _iso(rel.valid_from), "valid_to": _iso(rel.valid_to),
        "basis": rel.basis, "role": rel.role, "amount_gbp": rel.amount_gbp, "notes": rel.notes,
        "sources": list(rel.sources), "unverified": list(rel.unverified)})


def source_json(source: Source) -> dict[str, Any]:
    return _drop_empty({"id": source.id, "title": source.title, "publisher": source.publisher,
                        "published": _iso(source.published), "url": source.url,
                        "file": source.file})


def event_json(event: Event) -> dict[str, Any]:
    return {"date": event.date.iso(), "title": event.title,
            "organisations": list(event.organisations), "sources": list(event.sources)}


def diff_json(change: Diff, relationships: dict[str, Relationship]) -> dict[str, Any]:
    def rels(ids: Any) -> list[dict[str, Any]]:
        return [relationship_json(relationships[i]) for i in sorted(ids)]

    return {
        "from": change.a.isoformat(), "to": change.b.isoformat(),
        "added": [{"id": i, "name": n} for i, n in sorted(change.added.items())],
        "removed": [{"id": i, "name": n} for i, n in sorted(change.removed.items())],
        "renamed": [{"id": i, "from": old, "to": new}
                    for i, (old, new) in sorted(change.renamed.items())],
        "relationships_added": rels(change.relationships_added),
        "relationships_removed": rels(change.relationships_removed),
        "lineage": rels(change.lineage),
    }


def lineage_json(result: Lineage) -> dict[str, Any]:
    def step(s: LineageStep) -> dict[str, Any]:
        return {"id": s.organisation, "name": s.name, "via": s.type, "other": s.other,
                "date": _iso(s.date), "depth": s.depth, "sources": list(s.sources)}

    return {"organisation": result.organisation,
            "predecessors": [step(s) for s in result.predecessors],
            "successors": [step(s) for s in result.successors]}
