"""YAML file -> validated ``Dataset``, reporting every problem with its line and column.

``check`` runs the structural checks (``loaders.checker``) and then one function per section,
each adding the rules that link records: references, lifetimes, lineage and sources.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.core.model import (
    Area,
    Dataset,
    Event,
    FormerName,
    Kind,
    Organisation,
    Relationship,
    RelationshipType,
    SavedQuery,
    Snapshot,
    Source,
)
from loaders import bundled, consistency, stories, yaml_read
from loaders.checker import ID, Checker, date_or_none, kind_of
from loaders.checker import suggest as _suggest
from loaders.checker import text_of as _text
from loaders.problems import InvalidInput, Problem
from loaders.query.guard import check_read_only
from loaders.query.result import QueryError
from loaders.query.tokens import parameters
from loaders.rules import check_lineage, check_order, check_within
from loaders.schema import FORMAT_VERSIONS, PRESENCE

_date = date_or_none
BUNDLED = bundled.data_file()  # data/orgs.yaml: the checkout's, or the installed copy's


def default_path() -> Path:
    """The data file to use when none is given: ``$ORGS_DATA``, else the bundled BLMK file."""
    return Path(os.environ.get("ORGS_DATA") or BUNDLED)


def content_hash(raw: bytes) -> str:
    """The data version shown in captions and used to key the embedded store."""
    return hashlib.sha256(raw).hexdigest()[:12]


def load(path: str | Path, display_name: str | None = None) -> Dataset:
    """Read and validate a YAML file. Raises ``InvalidInput`` with every error found."""
    dataset, problems = check(path, display_name)
    errors = [p for p in problems if not p.warning]
    if errors or dataset is None:
        raise InvalidInput(errors)
    return dataset


def check(path: str | Path, display_name: str | None = None) -> tuple[Dataset | None, list[Problem]]:
    """Validate a file: the dataset (None when there are errors) and every problem, sorted.

    A file that reads fast and has no problem at all never pays for line numbers; any problem
    (or any doubt about the fast reading) and the file is read again the exact way, so every
    problem is reported with its line and column.
    """
    name = display_name or str(path)
    with yaml_read.gc_paused():  # the records built here are acyclic too
        try:
            raw = yaml_read.read_bytes(path, name)
        except InvalidInput as exc:
            return None, exc.problems
        data = yaml_read.read_fast(raw)
        if data is not None:
            checker = Checker(yaml_read.Document(name, data, raw))
            dataset = _check_document(checker, Path(path))
            if not checker.problems:
                return dataset, []
        try:
            doc = yaml_read.parse(raw, name)
        except InvalidInput as exc:
            return None, exc.problems
        checker = Checker(doc)
        dataset = _check_document(checker, Path(path))
    problems = sorted(checker.problems, key=lambda p: (p.line, p.column, p.message))
    if any(not p.warning for p in problems):
        return None, problems
    return dataset, problems


@dataclass
class _Sections:
    """What the sections checked so far declared, for the sections that refer to it."""

    c: Checker
    data: dict
    path: Path
    sources: dict[str, Source] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    types: dict[str, RelationshipType] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    ods_index: dict[str, str] = field(default_factory=dict)
    paths: consistency.Paths = field(default_factory=consistency.Paths)

    def items(self, section: str) -> list[tuple[int, dict]]:
        value = self.data.get(section) or []
        if not isinstance(value, list):
            return []
        return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]

    def items_of(self, value: Any) -> list[tuple[int, dict]]:
        if not isinstance(value, list):
            return []
        return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]

    def refs(self, record: dict, key: str, known: dict | set, path: tuple, what: str) -> tuple:
        values = record.get(key) or []
        if not isinstance(values, list):
            return ()
        for i, ref in enumerate(values):
            if isinstance(ref, str) and ref not in known:
                self.c.error((*path, key, i), f"unknown {what} '{ref}'",
                             _suggest(ref, known, what))
        return tuple(v for v in values if isinstance(v, str))

    def cited(self, record: dict, path: tuple, what: str) -> tuple[str, ...]:
        """The record's sources (unknown ones reported); a warning when it cites none."""
        found = self.refs(record, "sources", self.sources, path, "source")
        if not found:
            self.c.warn(path, f"{what} cites no source", "add 'sources: [id]'")
        return found


def _check_document(c: Checker, path: Path) -> Dataset | None:
    data = c.doc.data
    if not isinstance(data, dict):
        c.error((), f"the file must be a mapping of sections, found {kind_of(data)}",
                "start with 'format: 1' then 'area:', 'kinds:', 'organisations:' ...")
        return None
    version = data.get("format")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        if version not in FORMAT_VERSIONS:
            c.error(("format",), f"format {version} is not supported",
                    "this tool reads formats " + ", ".join(map(str, FORMAT_VERSIONS[:-1]))
                    + f" and {FORMAT_VERSIONS[-1]}")
            return None
        c.version = version
    top = c.record(data, "top", ())
    if top is None and not all(k in data for k in ("kinds", "organisations")):
        return None
    s = _Sections(c, data, path)
    _sources(s)
    _declarations(s)
    _organisations(s)
    relationships = _relationships(s)
    snapshots = [Snapshot(_date(r["date"]), r["title"], s.cited(r, ("snapshots", i), "snapshot"),
                          _text(r, "notes"))
                 for i, r in s.items("snapshots") if _dated_and_titled(s, r, ("snapshots", i))]
    events = [Event(_date(r["date"]), r["title"],
                    s.refs(r, "organisations", s.organisations, ("events", i), "organisation"),
                    s.cited(r, ("events", i), "event"), _text(r, "notes"),
                    tuple(r["attributes"].items()) if isinstance(r.get("attributes"), dict)
                    else ())
              for i, r in s.items("events") if _dated_and_titled(s, r, ("events", i))]
    for section, records, found in (("snapshots", snapshots, s.paths.snapshots),
                                    ("events", events, s.paths.events)):
        written = [i for i, r in s.items(section) if _date(r.get("date"))
                   and isinstance(r.get("title"), str)]
        for i, record in zip(written, records, strict=True):
            found.append((record.date, (section, i)))
            s.paths.cited.append(((section, i), f"{section[:-1]} '{record.title}'",
                                  record.sources))
    area = data.get("area") if isinstance(data.get("area"), dict) else {}
    dataset = Dataset(
        area=Area(str(area.get("name", "")), _text(area, "description"), _text(area, "id")),
        sources=s.sources, kinds=s.kinds, relationship_types=s.types,
        organisations=s.organisations, relationships=tuple(relationships),
        snapshots=tuple(sorted(snapshots, key=lambda r: r.date.start)),
        events=tuple(sorted(events, key=lambda e: e.date.start)),
        queries=_queries(s), stories=stories.read(s), content_hash=content_hash(c.doc.raw),
        path=str(path), format=c.version, ods_index=s.ods_index)
    stories.check_dates(s, dataset)
    if not any(not p.warning for p in c.problems):  # the rules assume the records are sound
        consistency.check(c, dataset, s.paths)
    return dataset


def _dated_and_titled(s: _Sections, record: dict, path: tuple) -> bool:
    """Snapshots and events need a date and a title (already reported when missing); their
    other references are still checked when they lack one."""
    if _date(record.get("date")) and isinstance(record.get("title"), str):
        return True
    s.refs(record, "sources", s.sources, path, "source")
    if "organisations" in record:
        s.refs(record, "organisations", s.organisations, path, "organisation")
    return False


def _sources(s: _Sections) -> None:
    for i, r in s.items("sources"):
        sid = r.get("id")
        if not isinstance(sid, str):
            continue
        if sid in s.sources:
            s.c.error(("sources", i, "id"), f"duplicate source id '{sid}'",
                      "give each source its own id")
            continue
        if isinstance(r.get("file"), str) and not (s.path.parent / r["file"]).exists():
            s.c.warn(("sources", i, "file"), f"source file '{r['file']}' not found",
                     "the path is relative to the YAML file")
        s.sources[sid] = Source(sid, str(r.get("title", "")), _text(r, "publisher"),
                                _date(r.get("published")), _text(r, "url"), _text(r, "file"),
                                _text(r, "kind"), _text(r, "notes"))


def _declarations(s: _Sections) -> None:
    s.kinds = _declared(s.data.get("kinds"), Kind, ("label", "tier", "colour", "present"))
    s.types = _declared(s.data.get("relationship_types"), RelationshipType, ("label", "lineage"))
    lowered: dict[str, str] = {}
    for section, names in (("kinds", s.kinds), ("relationship_types", s.types)):
        for name in names:
            if name.lower() in lowered:
                s.c.error((section, name),
                          f"'{name}' differs from '{lowered[name.lower()]}' only in case",
                          "graph stores treat labels case-insensitively; rename one", key=True)
            lowered.setdefault(name.lower(), name)


def _organisations(s: _Sections) -> None:
    paths: dict[str, tuple] = {}
    used_kinds: set[str] = set()
    for i, o in s.items("organisations"):
        p = ("organisations", i)
        oid, kind = o.get("id"), o.get("kind")
        if not isinstance(oid, str) or not ID.match(oid):
            continue
        if oid in s.organisations:
            s.c.error((*p, "id"), f"duplicate organisation id '{oid}'",
                      f"already used on line {s.c.doc.where((*paths[oid], 'id'))[0]}; "
                      "give each its own id")
            continue
        if isinstance(kind, str) and kind not in s.kinds:
            s.c.error((*p, "kind"), f"unknown kind '{kind}'", _suggest(kind, s.kinds, "kind"))
        used_kinds.add(kind)
        valid_from, valid_to = _date(o.get("valid_from")), _date(o.get("valid_to"))
        check_order(s.c, p, valid_from, valid_to)
        cited = s.refs(o, "sources", s.sources, p, "source")
        if not cited:
            s.c.warn(p, f"organisation '{oid}' cites no source", "add 'sources: [id]'")
        code = o.get("ods_code")
        if isinstance(code, str):
            if code.upper() in s.ods_index:
                s.c.warn((*p, "ods_code"),
                         f"ODS code {code} is also on '{s.ods_index[code.upper()]}'",
                         "an ODS code normally names one organisation")
            s.ods_index.setdefault(code.upper(), oid)
        s.organisations[oid] = Organisation(
            oid, str(o.get("name", "")), str(kind), valid_from, valid_to,
            _former_names(s.c, o, p), code if isinstance(code, str) else None, _text(o, "url"),
            _text(o, "notes"), cited, _strings(o.get("unverified")))
        paths[oid] = s.paths.organisations[oid] = p
    for name in s.kinds:
        if name not in used_kinds:
            s.c.warn(("kinds", name), f"kind '{name}' is declared but no organisation uses it",
                     "remove it or use it")


def _former_names(c: Checker, record: dict, path: tuple) -> tuple[FormerName, ...]:
    former = []
    for j, f in enumerate(record.get("former_names") or []):
        if isinstance(f, dict) and isinstance(f.get("name"), str) and _date(f.get("valid_to")):
            name = FormerName(f["name"], _date(f["valid_to"]), _date(f.get("valid_from")))
            check_order(c, (*path, "former_names", j), name.valid_from, name.valid_to)
            former.append(name)
    return tuple(former)


def _relationships(s: _Sections) -> list[Relationship]:
    relationships: list[Relationship] = []
    seen: dict[str, int] = {}
    used_types: set[str] = set()
    organisations, types = s.organisations, s.types  # the hot loop of a large file
    for i, r in s.items("relationships"):
        p = ("relationships", i)
        ends = [None, None]
        for end, key in enumerate(("from", "to")):
            ref = r.get(key)
            if type(ref) is str:
                ends[end] = organisations.get(ref)
                if ends[end] is None:
                    s.c.error((*p, key), f"unknown organisation '{ref}'",
                              _suggest(ref, organisations, "organisation"))
        rtype = r.get("type")
        if isinstance(rtype, str) and rtype not in types:
            s.c.error((*p, "type"), f"unknown relationship type '{rtype}'",
                      _suggest(rtype, types, "relationship type"))
        used_types.add(rtype)
        valid_from, valid_to = _date(r.get("valid_from")), _date(r.get("valid_to"))
        if valid_from and valid_to:
            check_order(s.c, p, valid_from, valid_to)
        cited = s.cited(r, p, "relationship")
        source, target = ends
        if source is None or target is None or rtype not in types:
            continue
        if types[rtype].lineage:
            check_lineage(s.c, p, rtype, source, target, valid_from)
        elif valid_from or valid_to:  # open dates always fit: they are clipped
            check_within(s.c, p, source, valid_from, valid_to)
            check_within(s.c, p, target, valid_from, valid_to)
        base = f"{source.id}|{rtype}|{target.id}"
        seen[base] = n = seen.get(base, 0) + 1
        amount = r.get("amount_gbp")
        relationships.append(Relationship(
            f"{base}|{n}", source.id, rtype, target.id, valid_from, valid_to,
            _text(r, "basis"), _text(r, "role"),
            amount if type(amount) in (int, float) else None,
            _text(r, "notes"), cited, _strings(r.get("unverified"))))
        s.paths.relationships[relationships[-1].id] = p
    for name in types:
        if name not in used_types:
            s.c.warn(("relationship_types", name),
                     f"relationship type '{name}' is declared but unused", "remove it or use it")
    return relationships


def _queries(s: _Sections) -> tuple[SavedQuery, ...]:
    """The saved queries: unique ids, each one read-only query with a default for each of
    its $parameters (the console and ``query --saved`` run them as they are)."""
    queries: dict[str, SavedQuery] = {}
    for i, q in s.items("queries"):
        p = ("queries", i)
        if not all(isinstance(q.get(k), str) for k in ("id", "title", "cypher")):
            continue
        if q["id"] in queries:
            s.c.error((*p, "id"), f"duplicate saved query id '{q['id']}'",
                      "give each query its own id")
            continue
        params = q.get("params") if isinstance(q.get("params"), dict) else {}
        try:
            check_read_only(q["cypher"])
            used = parameters(q["cypher"])
        except QueryError as exc:
            s.c.error((*p, "cypher"), f"saved query '{q['id']}' cannot run: {exc}")
            continue
        for name in sorted(used - set(params)):
            s.c.error((*p, "cypher"), f"saved query '{q['id']}' uses ${name} with no default",
                      f"add params: {{{name}: ...}}")
        for name in sorted(set(params) - used):
            s.c.warn((*p, "params", name), f"saved query '{q['id']}' never uses ${name}",
                     "remove it or use it in the cypher")
        queries[q["id"]] = SavedQuery(q["id"], q["title"], q["cypher"].strip(),
                                      _text(q, "description"), dict(params),
                                      q.get("as_at") is True)
    return tuple(queries.values())


def _declared(section: Any, cls: type, fields: tuple[str, ...]) -> dict:
    if not isinstance(section, dict):
        return {}
    declared = {}
    for name, spec in section.items():
        if not isinstance(name, str):
            continue
        spec = spec if isinstance(spec, dict) else {}
        values = {f: spec[f] for f in fields if f in spec and spec[f] is not None}
        if "label" in values and not isinstance(values["label"], str):
            values.pop("label")
        values.setdefault("label", name)
        if cls is Kind and not isinstance(values.get("tier", 0), int):
            values.pop("tier")
        if cls is Kind and values.get("present") not in PRESENCE:
            values.pop("present", None)
        if cls is RelationshipType:
            values["lineage"] = values.get("lineage") is True
        declared[name] = cls(name, **values)
    return declared


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
