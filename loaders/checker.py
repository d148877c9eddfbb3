"""The structural checks of the YAML format: every record and field against ``RECORDS``.

``Checker`` walks a parsed document (``loaders.yaml_read``) and collects one ``Problem`` per
mistake, with the line and column the parser kept; ``loaders.dataset`` adds the rules that
link records (references, lifetimes, lineage) and builds the model.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Any

from graph.core.colours import is_colour
from graph.core.dates import DateError, PartialDate
from loaders import yaml_read
from loaders.problems import Problem
from loaders.schema import (
    FORMAT_VERSION,
    FORMAT_VERSIONS,
    ID_PATTERN,
    KIND_PATTERN,
    PARAM_PATTERN,
    RECORDS,
    RESERVED,
    TYPE_PATTERN,
    Field,
)

ID = re.compile(ID_PATTERN)
_KIND = re.compile(KIND_PATTERN)
_TYPE = re.compile(TYPE_PATTERN)
_PARAM = re.compile(PARAM_PATTERN)
_TYPE_NAMES = {"text": "text", "id": "an id", "int": "a whole number", "number": "a number",
               "bool": "true or false", "date": "a date"}


class Checker:
    """Collects problems while checking a document against ``RECORDS`` (``loaders.schema``)."""

    def __init__(self, doc: yaml_read.Document, version: float = FORMAT_VERSION):
        self.doc = doc
        self.version = version  # the file's format: keys of a later version are refused
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
        if type(value) is dict and self._plainly_valid(value, name):
            return value  # the common case, checked without wording anything
        label = name.replace("_", " ")
        if not isinstance(value, dict):
            where = f"'{path[-1]}'" if path and isinstance(path[-1], str) else f"each {label}"
            self.error(path, f"{where} must be a mapping of keys to values, "
                             f"found {kind_of(value)}", f"write the {label} as 'key: value' lines")
            return None
        fields = RECORDS[name]
        ok = True
        for key in value:
            if key not in fields:
                close = difflib.get_close_matches(str(key), list(fields), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(fields)
                scope = "top-level key" if name == "top" else f"key in {label}"
                self.error((*path, key), f"unknown {scope} '{key}'", hint, key=True)
            elif fields[key].since > self.version:
                self.error((*path, key), f"'{key}' needs format {fields[key].since}",
                           f"write 'format: {fields[key].since}' at the top of the file",
                           key=True)
        for key, spec in fields.items():
            item = value.get(key)
            if item is None:
                if spec.required:
                    self.error(path, f"{label} is missing required field '{key}'",
                               f"add '{key}:' ({spec.doc})")
                    ok = False
                continue
            accept = _ACCEPT.get(spec.type)
            if accept is not None and accept(item):
                continue
            if not self.field(item, spec, (*path, key)):
                ok = ok and not spec.required
        return value if ok else None

    def _plainly_valid(self, value: dict, name: str) -> bool:
        """True when every key is known in this format version, every required field is
        there and every value passes its quick test (records inside take the full path)."""
        known, required, tests = _PLAN[name]
        if not value.keys() <= known.get(self.version, known[FORMAT_VERSION]):
            return False
        for key in required:
            if value.get(key) is None:
                return False
        for key, item in value.items():
            test = tests[key]
            if item is not None and (test is None or not test(item)):
                return False
        return True

    def field(self, value: Any, spec: Field, path: tuple) -> bool:
        kind = spec.type
        if kind.startswith("list:"):
            if not isinstance(value, list):
                self.error(path, f"'{path[-1]}' must be a list, found {kind_of(value)}",
                           "write it as [a, b] or as '- item' lines")
                return False
            inner = Field(kind[5:], True, spec.doc)
            return all([self.field(item, inner, (*path, i)) for i, item in enumerate(value)])
        if kind.startswith("record:"):
            return self.record(value, kind[7:], path) is not None
        if kind.startswith("map:"):
            return self.map(value, kind.split(":")[1], kind.split(":")[2], path)
        if kind == "params":
            return self.params(value, path)
        if kind == "date":
            try:
                parse_date(value)
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
                             f"found {kind_of(value)}", hint)
            return False
        if kind == "colour" and not is_colour(value):
            self.error(path, f"colour '{value}' is not a CSS colour",
                       "write #rrggbb, #rgb or a CSS colour name in lower case, such as teal")
            return False
        if kind == "id" and not ID.match(value):
            self.error(path, f"id '{value}' is malformed",
                       "use lower-case letters, digits and '-', starting with a letter or digit")
            return False
        if kind.startswith("choice:") and value not in kind[7:].split("|"):
            self.error(path, f"'{path[-1]}' is '{value}'",
                       "write one of: " + ", ".join(kind[7:].split("|")))
            return False
        if kind.startswith("field:") and value not in RECORDS[kind[6:]]:
            self.error(path, f"'{value}' is not a field of {kind[6:]}",
                       "name one of: " + ", ".join(RECORDS[kind[6:]]))
            return False
        return True

    def params(self, value: Any, path: tuple) -> bool:
        if not isinstance(value, dict):
            self.error(path, f"'{path[-1]}' must be a mapping, found {kind_of(value)}",
                       "write {name: value, ...}")
            return False
        ok = True
        for name, default in value.items():
            if not isinstance(name, str) or not _PARAM.match(name):
                self.error((*path, name), f"parameter name '{name}' is not an identifier",
                           "use a letter or _, then letters, digits or _", key=True)
                ok = False
            elif not isinstance(default, (str, int, float, bool)):
                self.error((*path, name), f"parameter '{name}' must be text, a number or "
                           f"true/false, found {kind_of(default)}", "write one value")
                ok = False
        return ok

    def map(self, value: Any, key_type: str, record: str, path: tuple) -> bool:
        if not isinstance(value, dict):
            self.error(path, f"'{path[-1]}' must be a mapping, found {kind_of(value)}",
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


def _valid_date(value: Any) -> bool:
    if type(value) not in (str, int):
        return False
    try:
        parse_date(value)
    except DateError:
        return False
    return True


def _acceptor(kind: str) -> Any:
    """A quick test that a value of this field type is valid (True), so the full check, which
    words the problems, runs only for values that may have one; None: always the full check."""
    if kind == "text" or kind.startswith("ref:"):
        return lambda v: type(v) is str
    if kind == "id":
        return lambda v: type(v) is str and ID.match(v) is not None
    if kind == "int":
        return lambda v: type(v) is int
    if kind == "number":
        return lambda v: type(v) in (int, float)
    if kind == "bool":
        return lambda v: type(v) is bool
    if kind == "date":
        return _valid_date
    if kind == "colour":
        return is_colour
    if kind.startswith("choice:"):
        options = frozenset(kind[7:].split("|"))
        return lambda v: type(v) is str and v in options
    if kind.startswith("list:ref:"):
        return lambda v: type(v) is list and all(type(i) is str for i in v)
    if kind.startswith("list:field:"):
        names = frozenset(RECORDS[kind[11:]])
        return lambda v: type(v) is list and all(type(i) is str and i in names for i in v)
    return None


_ACCEPT = {spec.type: _acceptor(spec.type) for record in RECORDS.values()
           for spec in record.values() if _acceptor(spec.type) is not None}
# Per record: (known keys by format version, required keys, quick test per key).
_PLAN = {name: ({v: frozenset(k for k, f in fields.items() if f.since <= v)
                 for v in FORMAT_VERSIONS},
                tuple(k for k, f in fields.items() if f.required),
                {k: _ACCEPT.get(f.type) for k, f in fields.items()})
         for name, fields in RECORDS.items()}


def date_or_none(value: Any) -> PartialDate | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError:
        return None


@functools.lru_cache(maxsize=4096)
def _parse_cached(value: str | int) -> PartialDate:
    return PartialDate.parse(value)


def parse_date(value: Any) -> PartialDate:
    """``PartialDate.parse``, remembered: a large file repeats a few hundred dates many times
    (the dates are immutable, so sharing them is safe)."""
    if type(value) in (str, int):  # hashable, and never a bool (True == 1 as a cache key)
        return _parse_cached(value)
    return PartialDate.parse(value)


def text_of(record: dict, key: str) -> str | None:
    """The record's value for ``key`` when it is text, else None."""
    value = record.get(key)
    return value if type(value) is str else None


def suggest(name: str, known: Any, what: str) -> str:
    """The hint for an unknown name: the closest known one, else what to do."""
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"declare the {what} first, or fix the spelling"


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"text '{value}'", bool: f"{value}".lower(),
            int: f"the number {value}", float: f"the number {value}"}.get(type(value), type(value).__name__)
