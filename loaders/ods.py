"""NHS ODS releases -> a dataset in YAML format 1 (``python -m graph import-ods``).

Several releases are read at once: later releases win, earlier ones fill gaps. ODS dates are
days and stay days. A parent link is dated by the releases that show it; where a release only
shows that it held, not when it began, the start is the release's date and marked unverified.
Codes the files name but never describe (a successor without a row, a parent code) become
organisations named by their code, marked unverified, never dropped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.dates import PartialDate
from loaders.ods_read import ORGANISATION_LAYOUTS, SUCCESSIONS, OrgRow, Release

LICENCE = "Contains public sector information licensed under the Open Government Licence v3.0."
PUBLISHER = "NHS England Organisation Data Service (ODS)"
# Declared only when used; tiers put regions at the top and providers at the bottom.
KINDS: dict[str, dict[str, Any]] = {
    "Region": {"label": "NHS England region", "tier": 0, "colour": "#d62728"},
    "GovernmentOfficeRegion": {"label": "Government office region", "tier": 0,
                               "colour": "#7f7f7f"},
    "Other": {"label": "Other body", "tier": 0, "colour": "#bcbd22"},
    "LocalOffice": {"label": "NHS England local office or area team", "tier": 1,
                    "colour": "#ff7f0e"},
    "ICB": {"label": "STP, ICS or integrated care board", "tier": 1, "colour": "#9467bd"},
    "CommissioningHub": {"label": "Commissioning hub", "tier": 2, "colour": "#8c564b"},
    "CCG": {"label": "Clinical commissioning group", "tier": 2, "colour": "#1f77b4"},
    "SubICBLocation": {"label": "Sub-ICB location", "tier": 2, "colour": "#17becf"},
    "Trust": {"label": "NHS trust or foundation trust", "tier": 3, "colour": "#2ca02c"},
    "Unknown": {"label": "Kind not stated in the files read", "tier": 4, "colour": "#c7c7c7"},
}
TYPES = {
    "PART_OF": {"label": "part of"},
    "SUCCEEDED_BY": {"label": "succeeded by", "lineage": True},
}
_BASIS = {"grouping": "ODS national grouping (column 3)",
          "geography": "ODS high level health geography (column 4)"}
_LAYOUT_TITLES = {"eccg": "CCGs and commissioning hubs", "etr": "NHS trusts",
                  "eauth": "NHS England regions and local offices", SUCCESSIONS: "successions"}


def kind_of_code(code: str) -> str | None:
    """The kind an ODS code's shape tells, for codes with no row of their own."""
    if re.fullmatch(r"[A-K]", code):
        return "GovernmentOfficeRegion"
    if re.fullmatch(r"Y\d\d", code):
        return "Region"
    if re.fullmatch(r"Q\d\d", code):
        return "LocalOffice"
    if re.fullmatch(r"Q[A-Z0-9]{2}", code):  # Q + letters: STP / ICS / ICB codes
        return "ICB"
    return None


def kind_of_row(layout: str, row: OrgRow) -> str:
    if layout == "etr":
        return "Trust"
    if layout == "eccg":
        kind = {"C": "CCG", "H": "CommissioningHub"}.get(row.subtype)
        if kind:
            return kind
        if " ICB - " in f" {row.name} ":
            return "SubICBLocation"
        if "INTEGRATED CARE BOARD" in row.name.upper():
            return "ICB"
        return "CCG"
    return kind_of_code(row.code) or "Other"


@dataclass
class _Org:
    code: str
    name: str
    kind: str
    has_row: bool
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    sources: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    former_names: list[dict] = field(default_factory=list)
    renames: list[tuple[str, PartialDate, PartialDate]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return org_id(self.code)

    def cite(self, source: str) -> None:
        if source not in self.sources:
            self.sources.append(source)

    def flag(self, field_name: str) -> None:
        if field_name not in self.unverified:
            self.unverified.append(field_name)


@dataclass
class _Link:
    child: str
    parent: str
    column: str
    valid_from: PartialDate | None
    valid_to: PartialDate | None
    sources: list[str]
    unverified: list[str]


@dataclass
class Imported:
    """The YAML document, ready to dump, and notes for the user."""

    document: dict[str, Any]
    notes: list[str]


def org_id(code: str) -> str:
    return f"ods-{code.lower()}"


def build(releases: list[Release], area: list[str] | None = None, name: str | None = None,
          out_dir: Path | None = None) -> Imported:
    """The dataset the releases describe; ``area`` (ODS codes) keeps that area only."""
    notes: list[tuple[set[str], str]] = []  # (codes concerned, what to tell the user)
    source_ids = _source_ids(releases)
    org_releases = sorted((r for r in releases if r.layout in ORGANISATION_LAYOUTS),
                          key=lambda r: (r.date.start, r.name))
    orgs = _organisations(org_releases, source_ids)
    lineage = _successions([r for r in releases if r.layout == SUCCESSIONS], orgs, source_ids,
                           notes)
    _parent_codes(org_releases, orgs, source_ids)
    _date_renames(orgs, lineage)
    links = _links(org_releases, orgs, source_ids)
    keep = set(orgs)
    if area:
        missing = [c for c in area if c.upper() not in orgs]
        if missing:
            raise KeyError(", ".join(missing))
        keep = _area([c.upper() for c in area], links, lineage)
    document = _document(releases, orgs, links, lineage, keep, source_ids, out_dir,
                         name or _area_name(area, orgs))
    return Imported(document, [text for codes, text in notes if codes & keep])


def _source_ids(releases: list[Release]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for release in releases:
        base = "ods-file-" + re.sub(r"[^a-z0-9]+", "-", release.name.lower()[:-4]).strip("-")
        sid, n = base, 1
        while sid in ids.values():
            n += 1
            sid = f"{base}-{n}"
        ids[release.name] = sid
    return ids


def _as_of(release: Release, row: OrgRow) -> PartialDate:
    """The day a row shows: the release date, or the last open day of a row already closed."""
    if row.closed and row.closed < release.date.start:
        return PartialDate.of(row.closed)
    return release.date


def _organisations(releases: list[Release], source_ids: dict[str, str]) -> dict[str, _Org]:
    history: dict[str, list[tuple[Release, OrgRow]]] = defaultdict(list)
    for release in releases:
        for row in release.rows:
            history[row.code].append((release, row))
    orgs: dict[str, _Org] = {}
    for code, seen in history.items():
        last_release, last = seen[-1]
        opened = next((r.opened for _, r in reversed(seen) if r.opened), None)
        org = _Org(code, last.name, kind_of_row(last_release.layout, last), True,
                   PartialDate.of(opened) if opened else None,
                   PartialDate.of(last.closed + dt.timedelta(days=1)) if last.closed else None)
        if org.valid_from and org.valid_to and org.valid_to.start <= org.valid_from.start:
            org.notes.append(f"An earlier release opens it on {org.valid_from}, after the close "
                             "date the latest release gives; the open date is left out.")
            org.valid_from = None
        for (r_a, a), (r_b, b) in zip(seen, seen[1:], strict=False):
            if _plain(a.name) != _plain(b.name):
                org.renames.append((a.name, _as_of(r_a, a), _as_of(r_b, b)))
        for release, _ in seen:
            org.cite(source_ids[release.name])
        orgs[code] = org
    return orgs


def _plain(name: str) -> str:
    return " ".join(name.upper().split())


def _unnamed(code: str, kind: str | None, source: str) -> _Org:
    org = _Org(code, code, kind or "Unknown", False, unverified=["name", "kind"])
    org.notes.append("Named in the ODS files read only by its code; no row describes it.")
    org.cite(source)
    return org


def _successions(releases: list[Release], orgs: dict[str, _Org], source_ids: dict[str, str],
                 notes: list[tuple[set[str], str]]) -> list[dict[str, Any]]:
    """Lineage relationships on the legal date; predecessors end on it."""
    pairs: dict[tuple[str, str], tuple[Any, Release]] = {}
    for release in sorted(releases, key=lambda r: (r.date.start, r.name)):
        for s in release.successions:
            pairs[(s.predecessor, s.successor)] = (s, release)  # later releases win
    for (pred, succ), (_, release) in pairs.items():
        for code in (pred, succ):
            if code not in orgs:
                orgs[code] = _unnamed(code, kind_of_code(code), source_ids[release.name])
            orgs[code].cite(source_ids[release.name])
    ends: dict[str, dt.date] = {}
    for (pred, _), (s, _) in pairs.items():
        ends[pred] = max(ends.get(pred, s.day), s.day)
    for code, day in ends.items():
        org, legal_end = orgs[code], PartialDate.of(day)
        if org.valid_to and org.valid_to.start != day:
            org.notes.append(f"ODS row closes it before {org.valid_to}; the succession file "
                             f"gives the legal end {legal_end}.")
        if org.valid_from and org.valid_from.start >= day:
            continue  # reported below: a succession before the organisation opened
        org.valid_to = legal_end
    # Successors with no row: assumed to start on their first succession, marked unverified.
    for (_, succ), (s, _) in sorted(pairs.items(), key=lambda p: p[1][0].day):
        org = orgs[succ]
        if not org.has_row and (org.valid_from is None or s.day < org.valid_from.start):
            if org.valid_to is None or s.day < org.valid_to.start:
                org.valid_from = PartialDate.of(s.day)
                org.flag("valid_from")
    for (_, succ), _ in sorted(pairs.items(), key=lambda p: p[1][0].day):
        if orgs[succ].kind == "Unknown" and not orgs[succ].has_row:
            kinds = {orgs[p].kind for (p, t) in pairs if t == succ} - {"Unknown"}
            if len(kinds) == 1:
                orgs[succ].kind = kinds.pop()  # still flagged: inferred from predecessors
    lineage = []
    for (pred, succ), (s, release) in sorted(pairs.items(), key=lambda p: (p[1][0].day, p[0])):
        p, t, where = orgs[pred], orgs[succ], f"{release.name}:{s.line}"
        if p.valid_to is None or p.valid_to.start != s.day:
            notes.append(({pred, succ}, f"{where}: succession {pred} -> {succ} on {s.day} not "
                          f"imported: {pred} ends on {p.valid_to or 'no date'} "
                          "(a partial transfer, not a closure)"))
            continue
        if not _exists_on(t, s.day):
            notes.append(({pred, succ}, f"{where}: succession {pred} -> {succ} on {s.day} not "
                          f"imported: {succ} exists from {t.valid_from or '?'} to "
                          f"{t.valid_to or '?'} in ODS"))
            continue
        basis = "ODS succession" + (f" (reason code {s.reason})" if s.reason else "")
        lineage.append({"from": pred, "type": "SUCCEEDED_BY", "to": succ,
                        "valid_from": PartialDate.of(s.day), "basis": basis,
                        "sources": [source_ids[release.name]]})
    return lineage


def _exists_on(org: _Org, day: dt.date) -> bool:
    return ((org.valid_from is None or org.valid_from.start <= day)
            and (org.valid_to is None or day < org.valid_to.start))


def _parent_codes(releases: list[Release], orgs: dict[str, _Org],
                  source_ids: dict[str, str]) -> None:
    for release in releases:
        for row in release.rows:
            for code in (row.grouping, row.geography):
                if code and code not in orgs:
                    orgs[code] = _unnamed(code, kind_of_code(code), source_ids[release.name])
                elif code and not orgs[code].has_row:
                    orgs[code].cite(source_ids[release.name])


def _date_renames(orgs: dict[str, _Org], lineage: list[dict]) -> None:
    """A name change is dated on a succession into it between the releases, else the later one."""
    takeovers: dict[str, list[PartialDate]] = defaultdict(list)
    for rel in lineage:
        takeovers[rel["to"]].append(rel["valid_from"])
    for org in orgs.values():
        for old_name, before, after in org.renames:
            day = next((d for d in takeovers[org.code] if before.start < d.start <= after.start),
                       after)
            if org.valid_from and day.start <= org.valid_from.start:
                continue
            org.former_names.append({"name": old_name, "valid_to": day})
            org.flag("former_names")
            org.notes.append(f"Renamed between releases ({before} and {after}); the date of "
                             "the change is not in the files.")


def _links(releases: list[Release], orgs: dict[str, _Org],
           source_ids: dict[str, str]) -> list[_Link]:
    """PART_OF links from column 3 and column 4, one per run of releases showing one parent."""
    seen: dict[tuple[str, str], list[tuple[PartialDate, str, str]]] = defaultdict(list)
    for release in releases:
        for row in release.rows:
            for column in ("grouping", "geography"):
                parent = getattr(row, column)
                if parent and parent != row.code:
                    seen[(row.code, column)].append(
                        (_as_of(release, row), parent, source_ids[release.name]))
    links = []
    for (code, column), observations in sorted(seen.items()):
        observations.sort(key=lambda o: o[0].start)
        runs: list[list] = []  # [parent, first as-of, last as-of, sources]
        for as_of, parent, source in observations:
            if runs and runs[-1][0] == parent:
                runs[-1][2] = as_of
                if source not in runs[-1][3]:
                    runs[-1][3].append(source)
            else:
                runs.append([parent, as_of, as_of, [source]])
        links += _runs_to_links(orgs[code], column, runs, orgs)
    return links


def _runs_to_links(child: _Org, column: str, runs: list[list],
                   orgs: dict[str, _Org]) -> list[_Link]:
    starts: list[tuple[PartialDate | None, bool]] = []
    for k, (parent_code, first, _, _) in enumerate(runs):
        parent = orgs[parent_code]
        if k == 0:  # from the later opening of the two; known only if both openings are
            known = [d for d in (child.valid_from, parent.valid_from) if d]
            starts.append((max(known, key=lambda d: d.start), len(known) == 2) if known
                          else (first, False))
        elif parent.valid_from and runs[k - 1][2].start < parent.valid_from.start <= first.start:
            starts.append((parent.valid_from, True))  # moved when the new parent opened
        else:
            starts.append((first, False))  # some day between the two releases
    links = []
    for k, (parent_code, _, _, sources) in enumerate(runs):
        parent = orgs[parent_code]
        start, start_known = starts[k]
        end, end_known = starts[k + 1] if k + 1 < len(runs) else (None, True)
        lows = [d for d in (start, child.valid_from, parent.valid_from) if d]
        highs = [d for d in (end, child.valid_to, parent.valid_to) if d]
        low = max(lows, key=lambda d: d.start) if lows else None
        high = min(highs, key=lambda d: d.start) if highs else None
        if low and high and high.start <= low.start:
            continue  # the releases show it only outside one end's lifetime
        unverified = []
        if low is not None and not start_known and low is start:
            unverified.append("valid_from")
        if high is not None and not end_known and high is end:
            unverified.append("valid_to")
        links.append(_Link(child.code, parent_code, column, low, high, sources, unverified))
    return links


def _area(codes: list[str], links: list[_Link], lineage: list[dict]) -> set[str]:
    """The named organisations, what was ever part of them, their lineage, and their parents."""
    children, parents = defaultdict(set), defaultdict(set)
    for link in links:
        children[link.parent].add(link.child)
        parents[link.child].add(link.parent)
    successors, predecessors = defaultdict(set), defaultdict(set)
    for rel in lineage:
        successors[rel["from"]].add(rel["to"])
        predecessors[rel["to"]].add(rel["from"])
    core = _closure(set(codes), children)
    keep = core | _closure(core, successors) | _closure(core, predecessors)
    return _closure(keep, parents)


def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    found, stack = set(start), list(start)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                stack.append(nxt)
    return found


def _area_name(area: list[str] | None, orgs: dict[str, _Org]) -> str:
    if not area:
        return "England (NHS ODS import)"
    named = [orgs[c.upper()] for c in area]
    return "NHS ODS import: " + ", ".join(
        o.code if o.name == o.code else f"{o.name} ({o.code})" for o in named)


def _document(releases: list[Release], orgs: dict[str, _Org], links: list[_Link],
              lineage: list[dict], keep: set[str], source_ids: dict[str, str],
              out_dir: Path | None, area_name: str) -> dict[str, Any]:
    kept = sorted((orgs[c] for c in keep), key=lambda o: (KINDS[o.kind]["tier"], o.code))
    rels: list[dict[str, Any]] = []
    for link in links:
        if link.child in keep and link.parent in keep:
            rels.append(_clean({"from": org_id(link.child), "type": "PART_OF",
                                "to": org_id(link.parent), "valid_from": link.valid_from,
                                "valid_to": link.valid_to, "basis": _BASIS[link.column],
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
        "format": 1,
        "area": {"name": area_name,
                 "description": f"Imported from NHS ODS files: {files}. {LICENCE}"},
        "sources": sources,
        "kinds": {k: dict(v) for k, v in KINDS.items() if k in used_kinds},
        "relationship_types": {t: dict(v) for t, v in TYPES.items() if t in used_types},
        "organisations": [_organisation(o) for o in kept],
        "relationships": rels,
    }


def _source(release: Release, sid: str, out_dir: Path | None) -> dict[str, Any]:
    when = {"file name": "", "folder name": " (from the folder name)",
            "latest date in the file": " (inferred: the latest date in the file)"}
    title = (f"NHS ODS file {release.name}: {_LAYOUT_TITLES[release.layout]}, release "
             f"{release.date}{when.get(release.date_basis, '')}. {LICENCE}")
    source = {"id": sid, "title": title, "publisher": PUBLISHER, "published": release.date.iso()}
    if out_dir is not None:
        try:
            relative = os.path.relpath(release.path.resolve(), out_dir.resolve())
            source["file"] = Path(relative).as_posix()
        except ValueError:  # another drive on Windows: no relative path exists
            pass
    return source


def _organisation(org: _Org) -> dict[str, Any]:
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
