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
MAX_BYTES = int(os.environ.get("ORGS_MAX_BYTES", 40 * 1024 * 1024))
MAX_DEPTH = 32
Path_ = tuple  # a value's path in the document, e.g. ("organisations", 3, "name")

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
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


def parse(raw: bytes, name: str) -> Document:
    if len(raw) > MAX_BYTES:
        raise InvalidInput([Problem(
            name, 1, 1, f"file is {len(raw):,} bytes, over the limit of {MAX_BYTES:,}",
            "split the area into smaller files or raise ORGS_MAX_BYTES")])
    text = _decode(raw, name)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise InvalidInput([Problem(name, 1, 1, "the file is empty",
                                    "start with 'format: 1' and the sections of the format")])
    with gc_paused():
        _scan_events(text, name)
        try:
            root = yaml.compose(text, Loader=Loader)
        except yaml.YAMLError as exc:  # already caught by the event scan; kept as a safety net
            raise InvalidInput([_syntax_problem(exc, name, text)]) from None
        doc = Document(name, None, raw)
        problems: list[Problem] = []
        doc.data = _build(root, (), doc, problems)
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


def _scan_events(text: str, name: str) -> None:
    """Refuse aliases and deep nesting before any tree is built (cheap, and bomb-proof)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise InvalidInput([Problem(
                    name, mark.line + 1, mark.column + 1,
                    f"alias '*{event.anchor}' is not allowed",
                    "write the value out in full instead of using anchors and aliases")])
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise InvalidInput([Problem(
                        name, mark.line + 1, mark.column + 1,
                        f"nesting deeper than {MAX_DEPTH} levels",
                        "the format needs at most 4 levels; flatten the structure")])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise InvalidInput([_syntax_problem(exc, name, text)]) from None


def _build(node: yaml.Node, path: Path_, doc: Document, problems: list[Problem]) -> Any:
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, doc.file, problems)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            problems.append(_tag_problem(node, doc.file))
        return [_build(item, (*path, i), doc, problems) for i, item in enumerate(node.value)]
    if node.tag != "tag:yaml.org,2002:map":
        problems.append(_tag_problem(node, doc.file))
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _build(key_node, (*path, "\0key"), doc, problems)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            problems.append(Problem(doc.file, key_node.start_mark.line + 1,
                                    key_node.start_mark.column + 1,
                                    "a key must be plain text", "write the key as a word"))
            continue
        if key in mapping:
            first = doc.key_marks[(*path, key)]
            problems.append(Problem(doc.file, key_node.start_mark.line + 1,
                                    key_node.start_mark.column + 1, f"duplicate key '{key}'",
                                    f"already set at line {first[0]} column {first[1]}; keep one"))
            continue
        doc.key_marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        mapping[key] = _build(value_node, (*path, key), doc, problems)
    doc.marks.pop((*path, "\0key"), None)
    return mapping


def _scalar(node: yaml.ScalarNode, file: str, problems: list[Problem]) -> Any:
    tag = node.tag
    if tag not in _SCALAR_TAGS:
        problems.append(_tag_problem(node, file))
        return node.value
    if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
        return node.value  # dates stay text: the validator parses them with their precision
    try:
        return {
            "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
            "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
            "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
            "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
        }[tag](node)
    except (ValueError, yaml.YAMLError):
        return node.value


def _tag_problem(node: yaml.Node, file: str) -> Problem:
    return Problem(file, node.start_mark.line + 1, node.start_mark.column + 1,
                   f"tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed", "remove the tag: only plain YAML data is read")
