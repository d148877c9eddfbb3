"""Whether a YAML text may hold more than plain data (a tag, an anchor, an alias, a directive,
a document marker, a complex key): the fast reader (``loaders.yaml_read.read_fast``) declines
such a text, so the exact reader decides it."""

from __future__ import annotations

import re

_NODE_START = " \t\r\n,[{:"  # where a tag (!), an anchor (&) or an alias (*) may begin

# a line that starts a block scalar: indentation, "- " items, an unquoted key with no flow
# bracket or quote anywhere on the line, then | or > (so a "|" inside a quoted or flow scalar
# never counts)
_BLOCK_START = re.compile(r"^( *)(?:- +)*(?:[^\s#'\"\[\]{},][^\n'\"\[\]{}]*?:[ ]+)?[|>][-+1-9]{0,2}[ ]*$")


def _block_contents_blanked(text: str) -> str:
    """The text with the lines inside block scalars (``key: >-`` or ``- |`` and the lines
    indented more than that line) emptied: there ``*``, ``&``, ``!`` and ``?`` are text, such as
    a story's Markdown ``**bold**``. A line is kept whenever there is doubt."""
    lines = text.split("\n")
    inside = None  # the indentation a block's lines must exceed
    for i, line in enumerate(lines):
        if inside is not None:
            if not line.strip() or len(line) - len(line.lstrip(" ")) > inside:
                lines[i] = ""
                continue
            inside = None
        start = _BLOCK_START.match(line)
        if start and "\t" not in line:
            inside = len(start.group(1))
    return "\n".join(lines)


def beyond_plain_data(text: str) -> bool:
    """True when the text may hold a tag, an anchor, an alias, a directive, a document
    marker or a complex key (false alarms allowed: "5 *stars" too)."""
    if text.startswith(("%", "---", "...")) or any(
            marker in text for marker in ("\n%", "\n---", "\n...")):
        return True
    text = _block_contents_blanked(text)
    for char in "!&*?":
        at = text.find(char)
        while at != -1:
            # '?' starts a complex key, which the two read differently ({None: ...} or {'': ...})
            if (at == 0 or text[at - 1] in _NODE_START) and (char == "?" or (
                    at + 1 < len(text) and not text[at + 1].isspace())):
                return True
            at = text.find(char, at + 1)
    return False
