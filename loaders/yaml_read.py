"""Read a YAML file safely, keeping the line and column of every value.

Only plain YAML data is accepted: no Python tags, no aliases (alias bombs), bounded size and
nesting, strict UTF-8. Dates are kept as the text the author wrote, so ``2014-13-01`` is
reported by the validator with its position instead of crashing the YAML constructor.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from loaders.problems import InvalidInput, Problem

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
    name = display_name or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput([Problem(name, 1, 1, f"cannot read the file: {exc.strerror}",
                                    "check the path")]) from None
    return parse(raw, name)


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
