"""Stories (format 1.3): a step's text, its citations and one numbering of sources per brief.

A step's text is a small Markdown: paragraphs split by a line break (a blank line in a folded
``>-`` block leaves one; in a literal ``|`` block write one paragraph per line), ``**bold**`` and
``*italic*`` (or ``_italic_``), and citations ``[@source-id]`` or ``[@id-1; @id-2]``. Every
writer (PDF, PowerPoint, Word, HTML, the page) reads it through ``paragraphs``: runs of plain
text with their emphasis, the citations already turned into numbers, so no writer parses
Markdown and no renderer is ever handed markup made from a name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from graph.core.model import Dataset, Story, StoryStep

CITATION = re.compile(r"\[@([^\]]*)\]")
_CITED_ID = re.compile(r"\A@?([a-z0-9][a-z0-9-]*)\Z")
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|(?<![A-Za-z0-9])_(.+?)_(?![A-Za-z0-9])")


def citations(text: str) -> tuple[tuple[str, ...], list[str]]:
    """The ids cited (in order of first citation, each once) and a sentence for each
    malformed citation."""
    found: list[str] = []
    bad: list[str] = []
    for match in CITATION.finditer(text):
        parts = [p.strip() for p in match.group(1).split(";")]
        ids = [_CITED_ID.match(part if i else "@" + part) for i, part in enumerate(parts)]
        if not all(ids) or any(not part.startswith("@") for part in parts[1:]):
            bad.append(f"citation '{match.group(0)}' does not name source ids "
                       f"(write [@source-id] or [@id-1; @id-2])")
            continue
        found.extend(m.group(1) for m in ids if m.group(1) not in found)
    return tuple(dict.fromkeys(found)), bad


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph: plain text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


def paragraphs(text: str, numbers: dict[str, int]) -> list[list[Run]]:
    """The text as paragraphs of runs, each citation replaced by its numbers ("[3, 7]")."""
    def cite(match: re.Match) -> str:
        ids = [p.strip().lstrip("@") for p in match.group(1).split(";")]
        return "[" + ", ".join(str(numbers[i]) for i in ids) + "]"

    result = []
    for block in text.strip().splitlines():
        flat = " ".join(block.split())
        if not flat:
            continue
        flat = CITATION.sub(cite, flat)
        runs: list[Run] = []
        at = 0
        for m in _EMPHASIS.finditer(flat):
            if m.start() > at:
                runs.append(Run(flat[at:m.start()]))
            if m.group(1) is not None:
                runs.append(Run(m.group(1), bold=True))
            else:
                runs.append(Run(m.group(2) or m.group(3), italic=True))
            at = m.end()
        if at < len(flat):
            runs.append(Run(flat[at:]))
        result.append(runs)
    return result


def compare_day(story: Story, index: int) -> dt.date | None:
    """The date a step marks changes since: its own ``compare_from``, else the previous
    step's date (None for the first step)."""
    step = story.steps[index]
    if step.compare_from is not None:
        return step.compare_from.start
    return story.steps[index - 1].date.start if index else None


def find(dataset: Dataset, story_id: str) -> Story:
    """The story with this id; ``KeyError`` naming those there are."""
    for story in dataset.stories:
        if story.id == story_id:
            return story
    there = ", ".join(s.id for s in dataset.stories) or "none"
    raise KeyError(f"no story '{story_id}' in this file (stories: {there})")


class Numbering:
    """One numbering of sources for a whole brief, in order of first use: a step's text
    first, then what its picture draws, step after step."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def add(self, source_ids: Iterable[str]) -> None:
        for source_id in source_ids:
            self.numbers.setdefault(source_id, len(self.numbers) + 1)

    def ordered(self) -> list[str]:
        return sorted(self.numbers, key=self.numbers.__getitem__)


__all__ = ["CITATION", "Numbering", "Run", "Story", "StoryStep", "citations", "compare_day",
           "find", "paragraphs"]
