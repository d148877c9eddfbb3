"""YAML file -> validated ``Dataset``, reporting every problem with its line and column."""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from pathlib import Path
from typing import Any

from graph.dates import DateError, PartialDate
from graph.model import (
    Area,
    Dataset,
    Event,
    FormerName,
    Kind,
    Organisation,
    Relationship,
    RelationshipType,
    Snapshot,
    Source,
)
from loaders import yaml_source
from loaders.problems import InvalidInput, Problem
from loaders.schema import (
    COLOUR_PATTERN,
    FORMAT_VERSION,
    ID_PATTERN,
    KIND_PATTERN,
    RECORDS,
    RESERVED,
    TYPE_PATTERN,
    Field,
)

_ID = re.compile(ID_PATTERN)
_KIND = re.compile(KIND_PATTERN)
_TYPE = re.compile(TYPE_PATTERN)
_COLOUR = re.compile(COLOUR_PATTERN)
_TYPE_NAMES = {"text": "text", "id": "an id", "int": "a whole number", "number": "a number",
               "bool": "true or false", "date": "a date"}


class _Checker:
    def __init__(self, doc: yaml_source.Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def error(self, path: tuple, message: str, hint: str = "", key: bool = False,
              warning: bool = False) -> None:
        line, column = self.doc.where(path, key)
        self.problems.append(Problem(self.doc.file, line, column, message, hint, warning))

    def warn(self, path: tuple, message: str, hint: str = "") -> None:
        self.error(path, message, hint, warning=True)

    # -- structure -------------------------------------------------------------------------
    def record(self, value: Any, name: str, path: tuple) -> dict | None:
        """Check a mapping against ``RECORDS[name]``; return it, or None if unusable."""
        label = name.replace("_", " ")
        if not isinstance(value, dict):
            where = f"'{path[-1]}'" if path and isinstance(path[-1], str) else f"each {label}"
            self.error(path, f"{where} must be a mapping of keys to values, "
                             f"found {_kind_of(value)}", f"write the {label} as 'key: value' lines")
            return None
        fields = RECORDS[name]
        ok = True
        for key in value:
            if key not in fields:
                close = difflib.get_close_matches(str(key), list(fields), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(fields)
                scope = "top-level key" if name == "top" else f"key in {label}"
                self.error((*path, key), f"unknown {scope} '{key}'", hint, key=True)
        for key, spec in fields.items():
            if key not in value or value[key] is None:
                if spec.required:
                    self.error(path, f"{label} is missing required field '{key}'",
                               f"add '{key}:' ({spec.doc})")
                    ok = False
                continue
            if not self.field(value[key], spec, (*path, key)):
                ok = ok and not spec.required
        return value if ok else None

    def field(self, value: Any, spec: Field, path: tuple) -> bool:
        kind = spec.type
        if kind.startswith("list:"):
            if not isinstance(value, list):
                self.error(path, f"'{path[-1]}' must be a list, found {_kind_of(value)}",
                           "write it as [a, b] or as '- item' lines")
                return False
            inner = Field(kind[5:], True, spec.doc)
            return all([self.field(item, inner, (*path, i)) for i, item in enumerate(value)])
        if kind.startswith("record:"):
            return self.record(value, kind[7:], path) is not None
        if kind.startswith("map:"):
            return self.map(value, kind.split(":")[1], kind.split(":")[2], path)
        if kind == "date":
            try:
                _parse_date(value)
                return True
            except DateError as exc:
                self.error(path, f"'{path[-1] if isinstance(path[-1], str) else 'date'}': {exc}",
                           "write YYYY-MM-DD, YYYY-MM or YYYY")
                return False
        expected = {"int": int, "number": (int, float), "bool": bool}.get(kind, str)
        if isinstance(value, bool) and kind != "bool" or not isinstance(value, expected):
            hint = ("quote it: ods_code: '0401'" if expected is str and value is not None
                    else f"write {_TYPE_NAMES.get(kind, 'text')}")
            self.error(path, f"'{path[-1]}' must be {_TYPE_NAMES.get(kind, 'text')}, "
                             f"found {_kind_of(value)}", hint)
            return False
        if kind == "colour" and not _COLOUR.match(value):
            self.error(path, f"colour '{value}' is not a CSS colour",
                       "write #rrggbb, #rgb or a colour name such as teal")
            return False
        if kind == "id" and not _ID.match(value):
            self.error(path, f"id '{value}' is malformed",
                       "use lower-case letters, digits and '-', starting with a letter or digit")
            return False
        if kind.startswith("field:") and value not in RECORDS[kind[6:]]:
            self.error(path, f"'{value}' is not a field of {kind[6:]}",
                       "name one of: " + ", ".join(RECORDS[kind[6:]]))
            return False
        return True

    def map(self, value: Any, key_type: str, record: str, path: tuple) -> bool:
        if not isinstance(value, dict):
            self.error(path, f"'{path[-1]}' must be a mapping, found {_kind_of(value)}",
                       "write 'Name: {label: ...}' lines")
            return False
        pattern, shape = ((_KIND, "a letter, then letters, digits or _") if key_type == "kind"
                          else (_TYPE, "an upper-case letter, then A-Z, 0-9 or _"))
        ok = True
        for key, item in value.items():
            if not isinstance(key, str) or not pattern.match(key):
                self.error((*path, key), f"{key_type} '{key}' is not an identifier",
                           f"use {shape}", key=True)
                ok = False
            elif key in RESERVED:
                self.error((*path, key), f"'{key}' is reserved by the graph schema",
                           "choose another name", key=True)
                ok = False
            if item is None:
                item = value[key] = {}
            ok = self.record(item, record, (*path, key)) is not None and ok
        return ok


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
    """Validate a file: the dataset (None when there are errors) and every problem, sorted."""
    with yaml_source.gc_paused():  # the records built here are acyclic too
        try:
            doc = yaml_source.read(path, display_name)
        except InvalidInput as exc:
            return None, exc.problems
        checker = _Checker(doc)
        dataset = _check_document(checker, Path(path))
    problems = sorted(checker.problems, key=lambda p: (p.line, p.column, p.message))
    if any(not p.warning for p in problems):
        return None, problems
    return dataset, problems


def _check_document(c: _Checker, path: Path) -> Dataset | None:
    data = c.doc.data
    if not isinstance(data, dict):
        c.error((), f"the file must be a mapping of sections, found {_kind_of(data)}",
                "start with 'format: 1' then 'area:', 'kinds:', 'organisations:' ...")
        return None
    if "format" in data and isinstance(data["format"], int) and data["format"] != FORMAT_VERSION:
        c.error(("format",), f"format {data['format']} is not supported",
                f"this tool reads format {FORMAT_VERSION}")
        return None
    top = c.record(data, "top", ())
    if top is None and not all(k in data for k in ("kinds", "organisations")):
        return None

    def items(section: str) -> list[tuple[int, dict]]:
        value = data.get(section) or []
        if not isinstance(value, list):
            return []
        return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]

    def refs(record: dict, key: str, known: dict | set, path: tuple, what: str) -> tuple:
        values = record.get(key) or []
        if not isinstance(values, list):
            return ()
        for i, ref in enumerate(values):
            if isinstance(ref, str) and ref not in known:
                c.error((*path, key, i), f"unknown {what} '{ref}'", _suggest(ref, known, what))
        return tuple(v for v in values if isinstance(v, str))

    # Sources
    sources: dict[str, Source] = {}
    for i, s in items("sources"):
        sid = s.get("id")
        if not isinstance(sid, str):
            continue
        if sid in sources:
            c.error(("sources", i, "id"), f"duplicate source id '{sid}'", "give each source its own id")
            continue
        if isinstance(s.get("file"), str) and not (path.parent / s["file"]).exists():
            c.warn(("sources", i, "file"), f"source file '{s['file']}' not found",
                   "the path is relative to the YAML file")
        sources[sid] = Source(sid, str(s.get("title", "")), _text(s, "publisher"),
                              _date(s.get("published")), _text(s, "url"), _text(s, "file"))

    kinds = _declared(data.get("kinds"), Kind, ("label", "tier", "colour"))
    types = _declared(data.get("relationship_types"), RelationshipType, ("label", "lineage"))
    lowered: dict[str, str] = {}
    for section, names in (("kinds", kinds), ("relationship_types", types)):
        for name in names:
            if name.lower() in lowered:
                c.error((section, name), f"'{name}' differs from '{lowered[name.lower()]}' only in case",
                        "graph stores treat labels case-insensitively; rename one", key=True)
            lowered.setdefault(name.lower(), name)

    # Organisations
    organisations: dict[str, Organisation] = {}
    org_paths: dict[str, tuple] = {}
    used_kinds: set[str] = set()
    ods_index: dict[str, str] = {}
    for i, o in items("organisations"):
        p = ("organisations", i)
        oid, kind = o.get("id"), o.get("kind")
        if not isinstance(oid, str) or not _ID.match(oid):
            continue
        if oid in organisations:
            c.error((*p, "id"), f"duplicate organisation id '{oid}'",
                    f"already used on line {c.doc.where((*org_paths[oid], 'id'))[0]}; give each its own id")
            continue
        if isinstance(kind, str) and kind not in kinds:
            c.error((*p, "kind"), f"unknown kind '{kind}'", _suggest(kind, kinds, "kind"))
        used_kinds.add(kind)
        valid_from, valid_to = _date(o.get("valid_from")), _date(o.get("valid_to"))
        _check_order(c, p, valid_from, valid_to)
        former = []
        for j, f in enumerate(o.get("former_names") or []):
            if isinstance(f, dict) and isinstance(f.get("name"), str) and _date(f.get("valid_to")):
                fn = FormerName(f["name"], _date(f["valid_to"]), _date(f.get("valid_from")))
                _check_order(c, (*p, "former_names", j), fn.valid_from, fn.valid_to)
                former.append(fn)
        org_sources = refs(o, "sources", sources, p, "source")
        if not org_sources:
            c.warn(p, f"organisation '{oid}' cites no source", "add 'sources: [id]'")
        code = o.get("ods_code")
        if isinstance(code, str):
            if code.upper() in ods_index:
                c.warn((*p, "ods_code"), f"ODS code {code} is also on '{ods_index[code.upper()]}'",
                       "an ODS code normally names one organisation")
            ods_index.setdefault(code.upper(), oid)
        organisations[oid] = Organisation(
            oid, str(o.get("name", "")), str(kind), valid_from, valid_to, tuple(former),
            code if isinstance(code, str) else None, _text(o, "url"), _text(o, "notes"),
            org_sources, _strings(o.get("unverified")))
        org_paths[oid] = p

    for name in kinds:
        if name not in used_kinds:
            c.warn(("kinds", name), f"kind '{name}' is declared but no organisation uses it",
                   "remove it or use it")

    # Relationships
    relationships: list[Relationship] = []
    seen: dict[str, int] = {}
    used_types: set[str] = set()
    for i, r in items("relationships"):
        p = ("relationships", i)
        ends = []
        for key in ("from", "to"):
            ref = r.get(key)
            if isinstance(ref, str) and ref not in organisations:
                c.error((*p, key), f"unknown organisation '{ref}'",
                        _suggest(ref, organisations, "organisation"))
            ends.append(organisations.get(ref) if isinstance(ref, str) else None)
        rtype = r.get("type")
        if isinstance(rtype, str) and rtype not in types:
            c.error((*p, "type"), f"unknown relationship type '{rtype}'",
                    _suggest(rtype, types, "relationship type"))
        used_types.add(rtype)
        valid_from, valid_to = _date(r.get("valid_from")), _date(r.get("valid_to"))
        _check_order(c, p, valid_from, valid_to)
        rel_sources = refs(r, "sources", sources, p, "source")
        if not rel_sources:
            c.warn(p, "relationship cites no source", "add 'sources: [id]'")
        if None in ends or rtype not in types:
            continue
        source, target = ends
        if types[rtype].lineage:
            _check_lineage(c, p, rtype, source, target, valid_from)
        else:
            for org in (source, target):
                _check_within(c, p, org, valid_from, valid_to)
        base = f"{source.id}|{rtype}|{target.id}"
        seen[base] = seen.get(base, 0) + 1
        amount = r.get("amount_gbp")
        relationships.append(Relationship(
            f"{base}|{seen[base]}", source.id, rtype, target.id, valid_from, valid_to,
            _text(r, "basis"), _text(r, "role"),
            amount if isinstance(amount, (int, float)) and not isinstance(amount, bool) else None,
            _text(r, "notes"), rel_sources, _strings(r.get("unverified"))))
    for name in types:
        if name not in used_types:
            c.warn(("relationship_types", name),
                   f"relationship type '{name}' is declared but unused", "remove it or use it")

    snapshots = []
    for i, s in items("snapshots"):
        cited = refs(s, "sources", sources, ("snapshots", i), "source")
        if _date(s.get("date")) and isinstance(s.get("title"), str):
            if not cited:
                c.warn(("snapshots", i), "snapshot cites no source", "add 'sources: [id]'")
            snapshots.append(Snapshot(_date(s["date"]), s["title"], cited, _text(s, "notes")))
    events = []
    for i, e in items("events"):
        p = ("events", i)
        cited = refs(e, "sources", sources, p, "source")
        involved = refs(e, "organisations", organisations, p, "organisation")
        if _date(e.get("date")) and isinstance(e.get("title"), str):
            if not cited:
                c.warn(p, "event cites no source", "add 'sources: [id]'")
            events.append(Event(_date(e["date"]), e["title"], involved, cited, _text(e, "notes")))

    area = data.get("area") if isinstance(data.get("area"), dict) else {}
    return Dataset(
        area=Area(str(area.get("name", "")), _text(area, "description")),
        sources=sources, kinds=kinds, relationship_types=types,
        organisations=organisations, relationships=tuple(relationships),
        snapshots=tuple(sorted(snapshots, key=lambda s: s.date.start)),
        events=tuple(sorted(events, key=lambda e: e.date.start)),
        content_hash=content_hash(c.doc.raw),
        path=str(path), ods_index=ods_index)


def _check_order(c: _Checker, path: tuple, valid_from: PartialDate | None,
                 valid_to: PartialDate | None) -> None:
    if valid_from and valid_to and valid_to.start <= valid_from.start:
        c.error((*path, "valid_to"), f"valid_to {valid_to} is not after valid_from {valid_from}",
                "valid_to is the first day it no longer holds")


def _check_within(c: _Checker, path: tuple, org: Organisation, valid_from: PartialDate | None,
                  valid_to: PartialDate | None) -> None:
    """Explicit relationship dates must overlap the organisation's lifetime (open ends clip)."""
    if valid_from and org.valid_from and valid_from.end <= org.valid_from.start:
        c.error((*path, "valid_from"), f"starts {valid_from}, before '{org.id}' exists "
                f"(from {org.valid_from})", f"start on or after {org.valid_from}")
    if valid_from and org.valid_to and valid_from.start >= org.valid_to.start:
        c.error((*path, "valid_from"), f"starts {valid_from}, after '{org.id}' ended "
                f"({org.valid_to})", f"start before {org.valid_to}")
    if valid_to and org.valid_to and valid_to.start > org.valid_to.start:
        c.error((*path, "valid_to"), f"ends {valid_to}, after '{org.id}' ended ({org.valid_to})",
                f"end on or before {org.valid_to}")
    if valid_to and org.valid_from and valid_to.start <= org.valid_from.start:
        c.error((*path, "valid_to"), f"ends {valid_to}, before '{org.id}' exists "
                f"(from {org.valid_from})", f"end after {org.valid_from}")


def _check_lineage(c: _Checker, path: tuple, rtype: str, predecessor: Organisation,
                   successor: Organisation, valid_from: PartialDate | None) -> None:
    end = predecessor.valid_to
    if end is None:
        c.error((*path, "from"), f"{rtype} is a lineage type but '{predecessor.id}' has no valid_to",
                "give the predecessor the day it ended as valid_to")
    elif valid_from is None or valid_from.start != end.start:
        c.error((*path, "valid_from") if valid_from else path,
                f"lineage relationship {rtype} must be dated on '{predecessor.id}''s end date {end}",
                f"set valid_from: {end}")
    elif not successor.exists_on(end.start) and not (
        successor.valid_from and successor.valid_from.precision != "day"
        and successor.valid_from.start <= end.start < successor.valid_from.end
    ):
        c.error((*path, "to"), f"successor '{successor.id}' does not exist on the take-over day {end}",
                "check the successor's valid_from and valid_to")


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
        if cls is RelationshipType:
            values["lineage"] = values.get("lineage") is True
        declared[name] = cls(name, **values)
    return declared


def _date(value: Any) -> PartialDate | None:
    if value is None:
        return None
    try:
        return _parse_date(value)
    except DateError:
        return None


@functools.lru_cache(maxsize=4096)
def _parse_cached(value: str | int) -> PartialDate:
    return PartialDate.parse(value)


def _parse_date(value: Any) -> PartialDate:
    """``PartialDate.parse``, remembered: a large file repeats a few hundred dates many times
    (the dates are immutable, so sharing them is safe)."""
    if type(value) in (str, int):  # hashable, and never a bool (True == 1 as a cache key)
        return _parse_cached(value)
    return PartialDate.parse(value)


def _text(record: dict, key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _suggest(name: str, known: Any, what: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"declare the {what} first, or fix the spelling"


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"text '{value}'", bool: f"{value}".lower(),
            int: f"the number {value}", float: f"the number {value}"}.get(type(value), type(value).__name__)
