"""NHS ODS releases -> a dataset in YAML format 1 (``python -m graph import-ods``).

Several releases are read at once: later releases win, earlier ones fill gaps. ODS dates are
days and stay days. A parent link is dated by the releases that show it; where a release only
shows that it held, not when it began, the start is the release's date and marked unverified.
Codes the files name but never describe (a successor without a row, a parent code) become
organisations named by their code, marked unverified, never dropped. An organisation no file
closes ends after the last day a file shows it (an organisation file on its release date, a
successions file on the day of the succession), with that end marked unverified and a note
naming the file: the files cannot say it went on after that.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.core.dates import PartialDate
from graph.core.model import in_force
from loaders.ods.document import area_name, document
from loaders.ods.links import area_codes, parent_links
from loaders.ods.read import ORGANISATION_LAYOUTS, SUCCESSIONS, OrgRow, Release
from loaders.ods.records import OdsOrg, as_of, kind_of_code, kind_of_row, period_after


@dataclass
class Imported:
    """The YAML document, ready to dump, and notes for the user."""

    document: dict[str, Any]
    notes: list[str]


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
    _unknown_ends(orgs)
    links = parent_links(org_releases, orgs, source_ids)
    keep = set(orgs)
    if area:
        missing = [c for c in area if c.upper() not in orgs]
        if missing:
            raise KeyError(", ".join(missing))
        keep = area_codes([c.upper() for c in area], links, lineage)
    written = document(releases, orgs, links, lineage, keep, source_ids, out_dir,
                       name or area_name(area, orgs))
    return Imported(written, [text for codes, text in notes if codes & keep])


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


def _organisations(releases: list[Release], source_ids: dict[str, str]) -> dict[str, OdsOrg]:
    history: dict[str, list[tuple[Release, OrgRow]]] = defaultdict(list)
    for release in releases:
        for row in release.rows:
            history[row.code].append((release, row))
    orgs: dict[str, OdsOrg] = {}
    for code, seen in history.items():
        last_release, last = seen[-1]
        opened = next((r.opened for _, r in reversed(seen) if r.opened), None)
        org = OdsOrg(code, last.name, kind_of_row(last_release.layout, last), True,
                   PartialDate.of(opened) if opened else None,
                   PartialDate.of(last.closed + dt.timedelta(days=1)) if last.closed else None)
        if org.valid_from and org.valid_to and org.valid_to.start <= org.valid_from.start:
            org.notes.append(f"An earlier release opens it on {org.valid_from}, after the close "
                             "date the latest release gives; the open date is left out.")
            org.valid_from = None
        for (r_a, a), (r_b, b) in zip(seen, seen[1:], strict=False):
            if _plain(a.name) != _plain(b.name):
                org.renames.append((a.name, as_of(r_a, a), as_of(r_b, b)))
        for release, row in seen:
            org.cite(source_ids[release.name])
            org.seen(as_of(release, row), f"listed in {_file(release)}")
        orgs[code] = org
    return orgs


def _file(release: Release) -> str:
    return f"{release.name} (release {release.date.words()})"


def _unknown_ends(orgs: dict[str, OdsOrg]) -> None:
    """An organisation no file closes ends after the last day a file shows it, unverified:
    a later file might show it still open, or closed on a day no file read gives."""
    for org in orgs.values():
        if org.valid_to is not None or org.last_seen is None:
            continue
        seen, how = org.last_seen, org.last_seen_in
        if org.valid_from and seen.end <= org.valid_from.start:  # a file announcing an opening
            seen, how = org.valid_from, f"{how}, opening on {org.valid_from.words()}"
        org.valid_to = period_after(seen)
        org.flag("valid_to")
        org.notes.append(f"Last {how}. No file read says whether or when it closed after "
                         f"{seen.words()}: it is drawn until then, and that end is unverified.")


def _plain(name: str) -> str:
    return " ".join(name.upper().split())


def _unnamed(code: str, kind: str | None, source: str) -> OdsOrg:
    org = OdsOrg(code, code, kind or "Unknown", False, unverified=["name", "kind"])
    org.notes.append("Named in the ODS files read only by its code; no row describes it.")
    org.cite(source)
    return org


def _successions(releases: list[Release], orgs: dict[str, OdsOrg], source_ids: dict[str, str],
                 notes: list[tuple[set[str], str]]) -> list[dict[str, Any]]:
    """Lineage relationships on the legal date; predecessors end on it."""
    pairs: dict[tuple[str, str], tuple[Any, Release]] = {}
    for release in sorted(releases, key=lambda r: (r.date.start, r.name)):
        for s in release.successions:
            pairs[(s.predecessor, s.successor)] = (s, release)  # later releases win
    for (pred, succ), (s, release) in pairs.items():
        for code in (pred, succ):
            if code not in orgs:
                orgs[code] = _unnamed(code, kind_of_code(code), source_ids[release.name])
            orgs[code].cite(source_ids[release.name])
        # a successions file lists events, not what is open on its date: it shows a successor
        # only on the day it took over
        orgs[succ].seen(PartialDate.of(s.day), f"named as the successor of {pred} on "
                                               f"{PartialDate.of(s.day).words()} in {release.name}")
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
        if not in_force(t.valid_from, t.valid_to, s.day):
            notes.append(({pred, succ}, f"{where}: succession {pred} -> {succ} on {s.day} not "
                          f"imported: {succ} exists from {t.valid_from or '?'} to "
                          f"{t.valid_to or '?'} in ODS"))
            continue
        basis = "ODS succession" + (f" (reason code {s.reason})" if s.reason else "")
        lineage.append({"from": pred, "type": "SUCCEEDED_BY", "to": succ,
                        "valid_from": PartialDate.of(s.day), "basis": basis,
                        "sources": [source_ids[release.name]]})
    return lineage


def _parent_codes(releases: list[Release], orgs: dict[str, OdsOrg],
                  source_ids: dict[str, str]) -> None:
    for release in releases:
        for row in release.rows:
            for code in (row.grouping, row.geography):
                if code and code not in orgs:
                    orgs[code] = _unnamed(code, kind_of_code(code), source_ids[release.name])
                elif code and not orgs[code].has_row:
                    orgs[code].cite(source_ids[release.name])
                if code and code != row.code:
                    day = as_of(release, row)
                    until = "" if day == release.date else f" (open until {day.words()})"
                    orgs[code].seen(day, f"named as the parent of {row.code}{until} in "
                                         f"{_file(release)}")


def _date_renames(orgs: dict[str, OdsOrg], lineage: list[dict]) -> None:
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


