"""What the page shows a reader, read back from Streamlit's AppTest: markdown unescaped, and the
compare list's lines without their source numbers (shared by the page tests)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest


def plain(markdown: str) -> str:
    """Markdown escaped by ``graph.page.text.md`` back to the text the reader sees."""
    return re.sub(r"\\(.)", r"\1", markdown)


def changes_listed(at: AppTest) -> list[str]:
    """The compare list's lines as the reader sees them, without their source numbers."""
    lines = []
    for block in at.get_by_key("changes").markdown:
        for line in block.value.splitlines():
            if line.startswith("- "):
                lines.append(plain(re.sub(r' \[\\\[\d+\\\]\]\(\S+ "(?:[^"\\]|\\.)*"\)|'
                                          r' \\\[\d+\\\]', "", line[2:])))
    return lines
