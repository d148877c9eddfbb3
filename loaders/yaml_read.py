"""Read a YAML file safely, keeping the line and column of every value.

Only plain YAML data is accepted: no Python tags, no aliases (alias bombs), bounded size and
nesting, strict UTF-8. Dates are kept as the text the author wrote, so ``2014-13-01`` is
reported by the validator with its position instead of crashing the YAML constructor.

Two readers give the same values. ``read_fast`` (rapidyaml, its JSON, ``json.loads``: about ten
times faster) keeps no line numbers and answers only when the file provably reads the same as
with PyYAML's YAML 1.1 rules: no tags, anchors, aliases, merge keys, tabs, directives or document
markers, no duplicate keys, and no scalar that YAML 1.1 would read as anything but what the JSON
says (``yes``, ``~``, ``0401``, ``1e3``...). Otherwise, and whenever the validator finds a problem,
``read`` (PyYAML's C parser, every value's line and column kept) reads the file again.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ryml
import yaml
from yaml import _yaml  # PyYAML's C extension (libyaml): CSafeLoader is built on it

from loaders.problems import InvalidInput, Problem
from loaders.yaml_plain import beyond_plain_data

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_MAX_BYTES = 40 * 1024 * 1024  # ORGS_MAX_BYTES overrides it
MAX_DEPTH = 32
Path_ = tuple  # a value's path in the document, e.g. ("organisations", 3, "name")

_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Document:
    """A parsed file: its data and where each value and key was written."""

    file: str
    data: Any
    raw: bytes
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """The (line, column) of a value, or of its key; the nearest enclosing value if unknown."""
        table = self.key_marks if key else self.marks
        while path:
            if path in table:
                return table[path]
            if key and path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a document's (acyclic) objects.

    Composing a file builds a few objects per value, all freed by reference counting; with the
    collector on, it walks the ever-growing heap again and again and validating 10,000
    organisations took twice the CPU time (bench/run.py). Nested uses are fine.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(path: str | Path, display_name: str | None = None) -> Document:
    """Parse ``path``; raise ``InvalidInput`` listing every problem found."""
    return parse(read_bytes(path, display_name), display_name or str(path))


def read_bytes(path: str | Path, display_name: str | None = None) -> bytes:
    """The file's bytes; ``InvalidInput`` with one line when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput([Problem(display_name or str(path), 1, 1,
                                    f"cannot read the file: {exc.strerror}",
                                    "check the path")]) from None


def max_bytes(name: str) -> int:
    """The size limit: ``$ORGS_MAX_BYTES`` (a whole number of bytes) or 40 MB; a value that is
    not one is reported against the file being read, as one line."""
    text = os.environ.get("ORGS_MAX_BYTES", "").strip()
    if not text:
        return DEFAULT_MAX_BYTES
    if not text.isascii() or not text.isdigit() or int(text) == 0:
        raise InvalidInput([Problem(
            name, 1, 1, f"ORGS_MAX_BYTES is '{text}', not a whole number of bytes",
            f"write a number such as ORGS_MAX_BYTES={DEFAULT_MAX_BYTES}, or unset it for 40 MB")])
    return int(text)


def parse(raw: bytes, name: str) -> Document:
    limit = max_bytes(name)
    if len(raw) > limit:
        raise InvalidInput([Problem(
            name, 1, 1, f"file is {len(raw):,} bytes, over the limit of {limit:,}",
            "split the area into smaller files or raise ORGS_MAX_BYTES")])
    text = _decode(raw, name)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise InvalidInput([Problem(name, 1, 1, "the file is empty",
                                    "start with 'format: 1' and the sections of the format")])
    doc = Document(name, None, raw)
    problems: list[Problem] = []
    with gc_paused():
        try:
            doc.data = _Builder(text, doc, problems).document()
        except yaml.YAMLError as exc:
            raise InvalidInput([_syntax_problem(exc, name, text)]) from None
    if problems:
        raise InvalidInput(problems)
    return doc


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InvalidInput([Problem(
            name, line, column, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8")]) from None
    return text.removeprefix("\ufeff")


def _syntax_problem(exc: yaml.YAMLError, name: str, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if isinstance(exc, yaml.reader.ReaderError):  # a bad character: only its offset is known
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
    message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    hint = "fix the YAML syntax here"
    lines = text.splitlines()
    if mark and mark.line < len(lines):
        at_line = lines[mark.line]
        if "\t" in at_line[: max(mark.column, 1) + 1] or "\t" in at_line[: len(at_line) - len(at_line.lstrip())]:
            message, hint = "a tab character is not allowed in YAML indentation", "indent with spaces"
    if "unacceptable character" in message or "special characters are not allowed" in message:
        hint = "remove the control character"
    context = getattr(exc, "context_mark", None)
    if context and mark and context.line != mark.line and hint == "fix the YAML syntax here":
        hint = (f"{getattr(exc, 'context', 'this')} that starts at line {context.line + 1} "
                f"column {context.column + 1}: check it is closed")
    return Problem(name, line, column, f"YAML syntax error: {message}", hint)


class _Builder:
    """Python values straight from the parser's events, in one pass: no node tree is built, and
    an alias is refused the moment it is met, before anything could be expanded."""

    def __init__(self, text: str, doc: Document, problems: list[Problem]):
        self.loader = Loader(text)
        self.doc = doc
        self.problems = problems

    def document(self) -> Any:
        loader = self.loader
        try:
            loader.get_event()  # stream start
            loader.get_event()  # document start
            value = self.value((), 0)
            loader.get_event()  # document end
            if not loader.check_event(yaml.StreamEndEvent):
                mark = loader.peek_event().start_mark
                raise InvalidInput([Problem(self.doc.file, mark.line + 1, mark.column + 1,
                                            "a second YAML document is not allowed",
                                            "remove the '---' and what follows, or merge it")])
            return value
        finally:
            loader.dispose()

    def value(self, path: Path_, depth: int) -> Any:
        event = self.loader.get_event()
        mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        self.doc.marks[path] = mark
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            return self.scalar(tag, event.value, mark)
        if isinstance(event, yaml.AliasEvent):
            raise InvalidInput([Problem(
                self.doc.file, *mark, f"alias '*{event.anchor}' is not allowed",
                "write the value out in full instead of using anchors and aliases")])
        if depth >= MAX_DEPTH:
            raise InvalidInput([Problem(
                self.doc.file, *mark, f"nesting deeper than {MAX_DEPTH} levels",
                "the format needs at most 4 levels; flatten the structure")])
        if isinstance(event, yaml.SequenceStartEvent):
            self.check_tag(event, yaml.SequenceNode, "tag:yaml.org,2002:seq", mark)
            items = []
            while not self.loader.check_event(yaml.SequenceEndEvent):
                items.append(self.value((*path, len(items)), depth + 1))
            self.loader.get_event()
            return items
        self.check_tag(event, yaml.MappingNode, "tag:yaml.org,2002:map", mark)
        mapping: dict[Any, Any] = {}
        key_marks = self.doc.key_marks
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_path = (*path, "\0key")
            key = self.value(key_path, depth + 1)
            key_mark = self.doc.marks.pop(key_path)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.problems.append(Problem(self.doc.file, *key_mark, "a key must be plain text",
                                             "write the key as a word"))
                self.value(key_path, depth + 1)  # read and drop its value
                continue
            if key in mapping:
                first = key_marks[(*path, key)]
                self.problems.append(Problem(
                    self.doc.file, *key_mark, f"duplicate key '{key}'",
                    f"already set at line {first[0]} column {first[1]}; keep one"))
                self.value(key_path, depth + 1)
                continue
            key_marks[(*path, key)] = key_mark
            mapping[key] = self.value((*path, key), depth + 1)
        self.doc.marks.pop((*path, "\0key"), None)
        self.loader.get_event()
        return mapping

    def check_tag(self, event: yaml.Event, kind: type, expected: str,
                  mark: tuple[int, int]) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(kind, None, event.implicit)
        if tag != expected:
            self.problems.append(_tag_problem(tag, self.doc.file, mark))

    def scalar(self, tag: str, value: str, mark: tuple[int, int]) -> Any:
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            return value  # dates stay text: the validator parses them with their precision
        construct = _CONSTRUCTORS.get(tag)
        if construct is None:
            self.problems.append(_tag_problem(tag, self.doc.file, mark))
            return value
        try:
            return construct(yaml.ScalarNode(tag, value))
        except (ValueError, yaml.YAMLError):
            return value


_CONSTRUCTORS = {
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
}


def _tag_problem(tag: str, file: str, mark: tuple[int, int]) -> Problem:
    return Problem(file, *mark, f"tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed",
                   "remove the tag: only plain YAML data is read")


# -- the fast reader ----------------------------------------------------------------------

# A JSON string that may have been a plain YAML scalar PyYAML (YAML 1.1) reads as no string: the
# bool, null, merge and value words, and a superset of its ints and floats (a false alarm only
# sends the file to the exact reader). The lookahead keeps the scan fast: most strings fail it.
_AMBIGUOUS_TEXT = re.compile(
    r'"(?=[-+.0-9yYnNtTfFoO~<=])(?:[yY]es|YES|[nN]o|NO|[tT]rue|TRUE|[fF]alse|FALSE|[oO]n|ON'
    r"|[oO]ff|OFF|[nN]ull|NULL|~|<<|="
    r"|[-+]?(?:0b[0-1_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?"
    r"(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|\.(?:inf|Inf|INF))|\.(?:nan|NaN|NAN))" '"')
_YAML11_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")  # how JSON writes an int that 1.1 reads alike
_YAML11_FLOAT = re.compile(r"[-+]?[0-9][0-9]*\.[0-9]*(?:[eE][-+][0-9]+)?")
_YAML11_BREAKS = ("\x85", "\u2028", "\u2029")  # line breaks to YAML 1.1 only


class _NotTheSame(Exception):
    """The fast reading could differ from PyYAML's: read the file the exact way."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _NotTheSame("duplicate key")
    return mapping


def _int(text: str) -> int:
    if not _YAML11_INT.fullmatch(text):
        raise _NotTheSame(text)
    return int(text)


def _float(text: str) -> float:
    if not _YAML11_FLOAT.fullmatch(text):
        raise _NotTheSame(text)  # e.g. 1e3, a string to YAML 1.1
    return float(text)


def read_fast(raw: bytes) -> Any | None:
    """The document's data, read fast when it provably reads as ``read`` would read it; None
    when the exact reader must decide (any doubt, any error, any YAML beyond plain data)."""
    try:
        if len(raw) > max_bytes("(fast reader)"):
            return None
    except InvalidInput:  # a bad ORGS_MAX_BYTES: the exact reader says so
        return None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    if not text.endswith("\n") and ("|" in text or ">" in text):
        return None  # a block scalar at the very end: rapidyaml adds a line break PyYAML does not
    if "\t" in text or yaml.reader.Reader.NON_PRINTABLE.search(text) \
            or any(brk in text for brk in _YAML11_BREAKS) or beyond_plain_data(text):
        return None
    try:
        # rapidyaml accepts text PyYAML refuses (a plain scalar starting with '@' or '`', a ']'
        # outside a flow, an empty key...): PyYAML's own C parser must accept the syntax first.
        # Counting its events in C, with no Python object per event, costs a third of the rest.
        _yaml.CParser(text).raw_parse()
        with _quiet_stderr():  # rapidyaml prints its parse errors; the exact reader words them
            tree = ryml.parse_in_arena(text.encode("utf-8"))
        if not tree.is_map(tree.root_id()):
            return None
        as_json = ryml.emit_json(tree)
        if _AMBIGUOUS_TEXT.search(as_json):
            return None
        return json.loads(as_json, object_pairs_hook=_pairs, parse_int=_int,
                          parse_float=_float, parse_constant=_not_the_same)
    except (_NotTheSame, ValueError, RecursionError, RuntimeError, yaml.YAMLError):
        return None
    except Exception:  # rapidyaml's own parse errors: the exact reader words them
        return None


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 (where C++ code writes) for the duration."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _not_the_same(text: str) -> Any:
    raise _NotTheSame(text)
