"""Text for the page's Markdown: escaped so a name is always shown exactly as written."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:=<&\"'])")


def md(text: object) -> str:
    """Text that Markdown shows exactly as written: every character Markdown or HTML could
    read as markup is backslash-escaped (so ``<img ...>`` shows as text, ``**x**`` stays)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


@lru_cache(maxsize=1 << 16)  # a view numbers every source it cites on every rerun
def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a Markdown link target, or None (``javascript:`` and the like
    are never linked). Characters that would end the link are percent-encoded."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")


def link(title: str, url: str | None) -> str:
    """A Markdown link with an escaped title, or just the escaped title."""
    target = safe_url(url)
    return f"[{md(title)}]({target})" if target else md(title)
