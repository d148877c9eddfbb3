"""An ODS import as a YAML document in format 1.2 (its sources say they are official), ready
to write."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from graph.core.dates import PartialDate
from loaders.ods.read import Release
from loaders.ods.records import (
    BASIS,
    KINDS,
    LAYOUT_TITLES,
    LICENCE,
    PUBLISHER,
    TYPES,
    Link,
    OdsOrg,
    org_id,
)


def area_name(area: list[str] | None, orgs: dict[str, OdsOrg]) -> str:
    if not area:
        return "England (NHS ODS import)"
    named = [orgs[c.upper()] for c in area]
    return "NHS ODS import: " + ", ".join(
        o.code if o.name == o.code else f"{o.name} ({o.code})" for o in named)


def document(releases: list[Release], orgs: dict[str, OdsOrg], links: list[Link],
              lineage: list[dict], keep: set[str], source_ids: dict[str, str],
              out_dir: Path | None, area_name: str) -> dict[str, Any]:
    kept = sorted((orgs[c] for c in keep), key=lambda o: (KINDS[o.kind]["tier"], o.code))
    rels: list[dict[str, Any]] = []
    for link in links:
        if link.child in keep and link.parent in keep:
            rels.append(_clean({"from": org_id(link.child), "type": "PART_OF",
                                "to": org_id(link.parent), "valid_from": link.valid_from,
                                "valid_to": link.valid_to, "basis": BASIS[link.column],
                                "sources": link.sources, "unverified": link.unverified}))
    for rel in lineage:
        if rel["from"] in keep and rel["to"] in keep:
            rels.append({**rel, "from": org_id(rel["from"]), "to": org_id(rel["to"]),
                         "valid_from": rel["valid_from"].iso()})
    cited = {s for o in kept for s in o.sources} | {s for r in rels for s in r["sources"]}
    sources = [_source(r, source_ids[r.name], out_dir) for r in releases
               if source_ids[r.name] in cited]
    used_kinds = {o.kind for o in kept}
    used_types = {r["type"] for r in rels}
    files = ", ".join(f"{r.name} ({r.date})" for r in releases if source_ids[r.name] in cited)
    return {
        "format": 1.2,
        "area": {"name": area_name,
                 "description": f"Imported from NHS ODS files: {files}. An organisation no "
                                "file closes is drawn until the last release that lists it (a "
                                "successions file shows a successor only on the day it took "
                                "over); after that its end is unknown, and marked unverified. "
                                f"{LICENCE}"},
        "sources": sources,
        "kinds": {k: dict(v) for k, v in KINDS.items() if k in used_kinds},
        "relationship_types": {t: dict(v) for t, v in TYPES.items() if t in used_types},
        "organisations": [_organisation(o) for o in kept],
        "relationships": rels,
    }


def _source(release: Release, sid: str, out_dir: Path | None) -> dict[str, Any]:
    when = {"file name": "", "folder name": " (from the folder name)",
            "latest date in the file": " (inferred: the latest date in the file)"}
    title = (f"NHS ODS file {release.name}: {LAYOUT_TITLES[release.layout]}, release "
             f"{release.date}{when.get(release.date_basis, '')}. {LICENCE}")
    source = {"id": sid, "title": title, "publisher": PUBLISHER, "published": release.date.iso(),
              "kind": "official"}
    if out_dir is not None:
        try:
            relative = os.path.relpath(release.path.resolve(), out_dir.resolve())
            source["file"] = Path(relative).as_posix()
        except ValueError:  # another drive on Windows: no relative path exists
            pass
    return source


def _organisation(org: OdsOrg) -> dict[str, Any]:
    return _clean({
        "id": org.id, "name": org.name, "kind": org.kind, "valid_from": org.valid_from,
        "valid_to": org.valid_to,
        "former_names": [{"name": f["name"], "valid_to": f["valid_to"].iso()}
                         for f in sorted(org.former_names, key=lambda f: f["valid_to"].start)],
        "ods_code": org.code, "notes": " ".join(org.notes) or None,
        "sources": org.sources, "unverified": org.unverified,
    })


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    """Drop empty fields; dates as ISO text at their own precision."""
    return {k: (v.iso() if isinstance(v, PartialDate) else v) for k, v in record.items()
            if v not in (None, [], "")}
