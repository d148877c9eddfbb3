"""Join two YAML files on ODS codes (``python -m graph merge A.yaml B.yaml -o C.yaml``).

The first file wins: where both describe one organisation and disagree (name, kind, dates),
its value is kept, the conflict is reported with the second file's line, and the organisation's
notes record it. The second file fills gaps: fields the first leaves out, organisations and
relationships it lacks, with their sources. Nothing is guessed: a relationship from the second
file that no longer fits the merged lifetimes is clipped to them or left out, and said so.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.core.dates import PartialDate
from graph.core.model import in_force, lifetime_conflicts
from loaders import dataset as dataset_loader
from loaders import yaml_read

_COMPARED = ("name", "valid_from", "valid_to")  # kinds differ by vocabulary, not by fact
_FILLED = ("valid_from", "valid_to", "former_names", "ods_code", "url")
_ABBREVIATIONS = [(r"\bccg\b", "clinical commissioning group"), (r"&", " and "),
                  (r"\bnhs ft\b", "nhs foundation trust"), (r"\bicb\b", "integrated care board"),
                  (r"\buniv\b", "university")]


@dataclass
class Merged:
    document: dict[str, Any]
    conflicts: list[str] = field(default_factory=list)  # FILE:LINE:COLUMN: message
    notes: list[str] = field(default_factory=list)
    matched: int = 0


def same_name(a: str, b: str) -> bool:
    """Names equal once case, spacing, punctuation and common abbreviations are set aside."""
    return _plain(a) == _plain(b)


def _plain(name: str) -> str:
    text = name.casefold()
    for pattern, full in _ABBREVIATIONS:
        text = re.sub(pattern, full, text)
    return " ".join(w for w in re.sub(r"[^\w ]+", " ", text).split() if w != "nhs")


def _date(value: Any) -> PartialDate | None:
    return None if value is None else PartialDate.parse(value)


def _same_date(a: Any, b: Any) -> bool:
    """Equal, or one is the other at a coarser precision (``2013-04`` and ``2013-04-01``)."""
    da, db = _date(a), _date(b)
    if da == db:
        return True
    coarse, fine = (da, db) if len(da.iso()) < len(db.iso()) else (db, da)
    return coarse.start <= fine.start < coarse.end


def merge(first: Path, second: Path, out_dir: Path | None = None) -> Merged:
    """The two files joined; raises ``InvalidInput`` if either does not validate.

    ``out_dir`` is where the result will be written: local source files are re-pointed there.
    """
    dataset_loader.load(first)  # both must validate before they are joined
    b_set = dataset_loader.load(second)
    a_doc, b_doc = yaml_read.read(first), yaml_read.read(second)
    doc = copy.deepcopy(a_doc.data)
    result = Merged(doc)
    for section in ("sources", "organisations", "relationships", "snapshots", "events"):
        doc[section] = list(doc.get(section) or [])
    if out_dir is not None:
        _rebase(doc["sources"], first.parent, out_dir)
        _rebase(b_doc.data.get("sources") or [], second.parent, out_dir)
    for section in ("kinds", "relationship_types"):
        doc[section] = dict(doc.get(section) or {})

    source_map = _merge_sources(doc, b_doc.data.get("sources") or [])
    added_kinds = [k for k in (b_doc.data.get("kinds") or {}) if k not in doc["kinds"]]
    for name, spec in (b_doc.data.get("kinds") or {}).items():
        doc["kinds"].setdefault(name, spec)
    for name, spec in (b_doc.data.get("relationship_types") or {}).items():
        mine = doc["relationship_types"].setdefault(name, spec)
        if bool((mine or {}).get("lineage")) != bool((spec or {}).get("lineage")):
            line, column = b_doc.where(("relationship_types", name), key=True)
            result.conflicts.append(f"{second}:{line}:{column}: relationship type {name} is "
                                    f"lineage in one file only (kept {first}'s)")

    id_map = _merge_organisations(doc, b_doc, source_map, first, second, result)
    _merge_relationships(doc, b_doc.data.get("relationships") or [], id_map, source_map,
                         second, result)
    used = {o.get("kind") for o in doc["organisations"]}
    for name in added_kinds:  # the second file's kinds that only its matched organisations used
        if name not in used:
            del doc["kinds"][name]
    for section in ("snapshots", "events"):
        for item in b_doc.data.get(section) or []:
            item = _remap(item, source_map, id_map)
            if not any(_key(item) == _key(mine) for mine in doc[section]):
                doc[section].append(item)
    description = doc["area"].get("description") or ""
    doc["area"]["description"] = (f"{description} Merged with {second.name} "
                                  f"({b_set.area.name}).").strip()
    doc["area"].pop("id", None)  # a new dataset, not the first file's (see docs/stores.md, Neo4j)
    for section in ("snapshots", "events"):
        if not doc[section]:
            del doc[section]
    return result


def _rebase(sources: list[dict], here: Path, out_dir: Path) -> None:
    """Local source files are relative to their YAML file: make them relative to the output."""
    for source in sources:
        if isinstance(source.get("file"), str):
            target = (here / source["file"]).resolve()
            source["file"] = Path(os.path.relpath(target, out_dir.resolve())).as_posix()


def _key(item: dict) -> tuple:
    return str(item.get("date")), item.get("title")


def _merge_sources(doc: dict, theirs: list[dict]) -> dict[str, str]:
    mine = {s["id"]: s for s in doc["sources"]}
    mapping = {}
    for source in theirs:
        sid = source["id"]
        if sid in mine and mine[sid] != source:
            sid = _fresh(sid, mine)
        mapping[source["id"]] = sid
        if sid not in mine:
            mine[sid] = {**source, "id": sid}
            doc["sources"].append(mine[sid])
    return mapping


def _fresh(base: str, taken: Any) -> str:
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _remap(item: dict, source_map: dict[str, str], id_map: dict[str, str]) -> dict:
    item = copy.deepcopy(item)
    if "sources" in item:
        item["sources"] = [source_map.get(s, s) for s in item["sources"]]
    if "organisations" in item:
        item["organisations"] = [id_map.get(o, o) for o in item["organisations"]]
    for end in ("from", "to"):
        if end in item:
            item[end] = id_map.get(item[end], item[end])
    return item


def _merge_organisations(doc: dict, b_doc: Any, source_map: dict[str, str],
                         first: Path, second: Path, result: Merged) -> dict[str, str]:
    mine = {o["id"]: o for o in doc["organisations"]}
    by_code = {str(o["ods_code"]).upper(): o["id"] for o in doc["organisations"]
               if o.get("ods_code")}
    id_map: dict[str, str] = {}
    for i, theirs in enumerate(b_doc.data.get("organisations") or []):
        code = str(theirs.get("ods_code") or "").upper()
        target = by_code.get(code) if code else None
        if target is None and theirs["id"] in mine and not code \
                and not mine[theirs["id"]].get("ods_code"):
            target = theirs["id"]  # neither has a code: the same id is the same organisation
        if target is None:
            new_id = theirs["id"] if theirs["id"] not in mine else _fresh(theirs["id"], mine)
            id_map[theirs["id"]] = new_id
            added = _remap({**theirs, "id": new_id}, source_map, {})
            doc["organisations"].append(added)
            mine[new_id] = added
            if code:
                by_code[code] = new_id
            continue
        id_map[theirs["id"]] = target
        result.matched += 1
        _join(mine[target], theirs, ("organisations", i), doc, b_doc, source_map,
              first, second, result)
    return id_map


def _join(org: dict, theirs: dict, path: tuple, doc: dict, b_doc: Any,
          source_map: dict[str, str], first: Path, second: Path, result: Merged) -> None:
    label = f"ODS code {org['ods_code']}" if org.get("ods_code") else f"'{org['id']}'"
    found = []
    for key in _COMPARED:
        a, b = org.get(key), theirs.get(key)
        if a is None or b is None or key in (theirs.get("unverified") or []):
            continue  # an unverified value (e.g. a code standing in for a name) is no claim
        same = same_name(a, b) if key == "name" else (
            _same_date(a, b) if key.startswith("valid") else a == b)
        if not same:
            line, column = b_doc.where((*path, key))
            result.conflicts.append(f"{second}:{line}:{column}: {label}: {key} is '{b}' here "
                                    f"but '{a}' in {first} (kept {first}'s)")
            found.append(f"{key} '{b}'")
    if found:
        note = f"Merge conflict: {second.name} gives {', '.join(found)}."
        org["notes"] = f"{org['notes']} {note}" if org.get("notes") else note
    for key in _FILLED:
        if org.get(key) is None and theirs.get(key) is not None:
            if key.startswith("valid") and not _lifetime_fits(org, key, theirs[key], doc):
                line, column = b_doc.where((*path, key))
                result.notes.append(f"{second}:{line}:{column}: {label}: {key} {theirs[key]} "
                                    f"not taken: {first}'s relationships fall outside it")
                continue
            org[key] = copy.deepcopy(theirs[key])
    for sid in theirs.get("sources") or []:
        org.setdefault("sources", [])
        if source_map.get(sid, sid) not in org["sources"]:
            org["sources"].append(source_map.get(sid, sid))


def _lifetime_fits(org: dict, key: str, value: Any, doc: dict) -> bool:
    """Would the first file's relationships still fit if ``org`` took this date?"""
    start = _date(value if key == "valid_from" else org.get("valid_from"))
    end = _date(value if key == "valid_to" else org.get("valid_to"))
    lineage = {t for t, spec in doc["relationship_types"].items() if (spec or {}).get("lineage")}
    for rel in doc["relationships"]:
        if org["id"] not in (rel["from"], rel["to"]):
            continue
        r_from, r_to = _date(rel.get("valid_from")), _date(rel.get("valid_to"))
        if rel["type"] in lineage:
            day = r_from.start if r_from else None
            if rel["from"] == org["id"] and (end is None or day != end.start):
                return False
            if rel["to"] == org["id"] and day and not in_force(start, end, day):
                return False
        elif lifetime_conflicts(r_from, r_to, start, end):
            return False
    return True


def _merge_relationships(doc: dict, theirs: list[dict], id_map: dict[str, str],
                         source_map: dict[str, str], second: Path, result: Merged) -> None:
    orgs = {o["id"]: o for o in doc["organisations"]}
    lineage = {t for t, spec in doc["relationship_types"].items() if (spec or {}).get("lineage")}
    for rel in theirs:
        rel = _remap(rel, source_map, id_map)
        where = f"{second}: {rel['from']} {rel['type']} {rel['to']}"
        twin = next((r for r in doc["relationships"] if _same_claim(r, rel, lineage)), None)
        if twin is not None:
            if rel["type"] in lineage and twin["type"] in lineage and not _same_date(
                    twin.get("valid_from"), rel.get("valid_from")):
                result.conflicts.append(f"{where}: dated {rel.get('valid_from')} here but "
                                        f"{twin.get('valid_from')} in the first file (kept the "
                                        "first file's)")
            for sid in rel.get("sources") or []:
                twin.setdefault("sources", [])
                if sid not in twin["sources"]:
                    twin["sources"].append(sid)
            continue
        source, target = orgs[rel["from"]], orgs[rel["to"]]
        if rel["type"] in lineage:
            day = _date(rel.get("valid_from"))
            end = _date(source.get("valid_to"))
            if not (day and end and day.start == end.start and in_force(
                    _date(target.get("valid_from")), _date(target.get("valid_to")), day.start)):
                result.notes.append(f"{where} on {rel.get('valid_from')} left out: it does not "
                                    "fit the merged lifetimes")
                continue
        elif not _clip(rel, source, target):
            result.notes.append(f"{where} left out: outside the merged lifetimes")
            continue
        doc["relationships"].append(rel)


def _same_claim(mine: dict, theirs: dict, lineage: set[str]) -> bool:
    if (mine["from"], mine["to"]) != (theirs["from"], theirs["to"]):
        return False
    if mine["type"] in lineage and theirs["type"] in lineage:
        return True  # one succession between the same two, whatever each file calls it
    return mine["type"] == theirs["type"] and all(
        str(mine.get(k)) == str(theirs.get(k)) for k in ("valid_from", "valid_to"))


def _clip(rel: dict, *ends: dict) -> bool:
    """Clip an explicit start or end to both organisations' lifetimes; False if nothing is left."""
    start, end = _date(rel.get("valid_from")), _date(rel.get("valid_to"))
    for org in ends:
        o_from, o_to = _date(org.get("valid_from")), _date(org.get("valid_to"))
        if start and o_from and start.start < o_from.start:
            start = o_from
        if end and o_to and end.start > o_to.start:
            end = o_to
        if start and o_to and start.start >= o_to.start or end and o_from and (
                end.start <= o_from.start):
            return False
    if start and end and end.start <= start.start:
        return False
    for key, value in (("valid_from", start), ("valid_to", end)):
        if value is not None:
            rel[key] = value.iso() if _date(rel[key]) != value else rel[key]
    return True
