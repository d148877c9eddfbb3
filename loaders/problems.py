"""Problems found in an input file, each printed as ``FILE:LINE:COLUMN: message (how to fix)``."""

from __future__ import annotations

from dataclasses import dataclass

# Control characters and line breaks in a quoted value ("Trust\n") are shown escaped, so a
# message stays one line.
_VISIBLE = {c: repr(chr(c))[1:-1] for c in [*range(32), 127, *range(0x80, 0xA0), 0x2028, 0x2029]}


def one_line(text: str) -> str:
    """``text`` with its line breaks and control characters written as escapes (\\n)."""
    return text.translate(_VISIBLE)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        level = "warning: " if self.warning else ""
        hint = f" ({self.hint})" if self.hint else ""
        text = f"{self.file}:{self.line}:{self.column}: {level}{self.message}{hint}"
        return one_line(text)


class InvalidInput(Exception):
    """Raised with every problem found, so a caller can print them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))
