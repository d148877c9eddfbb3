"""Model records as JSON-ready dicts (dates as ISO text at their own precision)."""

from __future__ import annotations

from typing import Any

from graph.core.describe import Change, Changes
from graph.core.model import Event, Organisation, Relationship, Source
from graph.core.temporal import Lineage, LineageStep


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
                        "file": source.file, "kind": source.kind, "notes": source.notes})


def event_json(event: Event) -> dict[str, Any]:
    found = {"date": event.date.iso(), "title": event.title,
             "organisations": list(event.organisations), "sources": list(event.sources)}
    if event.attributes:
        found["attributes"] = dict(event.attributes)
    return found


def diff_json(found: Changes, relationships: dict[str, Relationship]) -> dict[str, Any]:
    """``python -m graph diff --format json``: the same change items as the text, each with its
    line. Relationships added or removed carry ``effective_from``/``effective_to`` (when really
    in force, clipped to their ends' lifetimes; the end exclusive like ``valid_to``) and, when one
    of their ends ceased before their own ``valid_to``, ``end_reason``."""
    def organisation(c: Change) -> dict[str, Any]:
        dated = {"effective_from": c.day.iso()} if c.section == "began" else {
            "effective_to": c.day.iso()}
        return {"id": c.id, "name": c.name, **dated, "line": c.text, "sources": list(c.sources)}

    def relationship(c: Change) -> dict[str, Any]:
        record = {**relationship_json(relationships[c.id]),
                  "effective_from": _iso(c.effective_from), "effective_to": _iso(c.effective_to),
                  "line": c.text}
        if c.ceased:
            record["end_reason"] = {"ceased": list(c.ceased), "names": list(c.ceased_names)}
        return record

    return {
        "from": found.a.isoformat(), "to": found.b.isoformat(), "swapped": found.swapped,
        "added": [organisation(c) for c in found.section("began")],
        "removed": [organisation(c) for c in found.section("ended")],
        "renamed": [{"id": c.id, "from": c.former, "to": c.name, "date": c.day.iso(),
                     "line": c.text, "sources": list(c.sources)}
                    for c in found.section("renamed")],
        "relationships_added": [relationship(c) for c in found.section("relationship began")],
        "relationships_removed": [relationship(c)
                                  for c in found.section("relationship ended")],
        "lineage": [{**relationship_json(relationships[c.id]), "line": c.text}
                    for c in found.section("lineage")],
    }


def lineage_json(result: Lineage) -> dict[str, Any]:
    def step(s: LineageStep) -> dict[str, Any]:
        return {"id": s.organisation, "name": s.name, "via": s.type, "other": s.other,
                "date": _iso(s.date), "depth": s.depth, "sources": list(s.sources)}

    return {"organisation": result.organisation,
            "predecessors": [step(s) for s in result.predecessors],
            "successors": [step(s) for s in result.successors]}
