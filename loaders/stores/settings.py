"""Where Neo4j is: one function that the page and the CLI both ask.

``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` come from the
environment or, when the environment has no ``NEO4J_URI``, from Streamlit's secrets files
(``./.streamlit/secrets.toml`` over ``~/.streamlit/secrets.toml``), under ``[neo4j]`` or as
flat ``NEO4J_*`` keys. The password is never shown: ``repr`` hides it and ``scrub`` removes it
from any message.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

KEYS = ("uri", "username", "password", "database")


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    username: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str | None = None
    source: str = "environment"  # or "secrets": where they were found

    def __repr__(self) -> str:
        return (f"Neo4jSettings(uri={self.safe_uri!r}, username={self.username!r}, "
                f"password='***', database={self.database!r}, source={self.source!r})")

    @property
    def safe_uri(self) -> str:
        """The URI without any user:password@ part."""
        scheme, sep, rest = self.uri.partition("://")
        return f"{scheme}{sep}{rest.split('@', 1)[-1]}" if sep else self.uri.split("@", 1)[-1]

    def scrub(self, text: str) -> str:
        """``text`` with the password (if any) replaced by ***."""
        return text.replace(self.password, "***") if self.password else text

    @property
    def where(self) -> str:
        """The server as a reader may see it: scheme and host, never a user or password."""
        parts = urlsplit(self.uri)
        return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")


def secrets_files() -> list[Path]:
    """Streamlit's secrets files, in the order it reads them (a later one wins)."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


def read_secrets(paths: list[Path] | None = None) -> dict[str, Any]:
    """Streamlit secrets as a dict, read with ``tomllib`` (no Streamlit needed); a missing or
    malformed file counts as empty, so it never stops the embedded store."""
    merged: dict[str, Any] = {}
    for path in paths if paths is not None else secrets_files():
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
    return merged


def neo4j_settings(environ: Mapping[str, str] | None = None,
                   secrets: Mapping[str, Any] | None = None) -> Neo4jSettings | None:
    """The Neo4j settings from ``environ`` (default: the process environment), else from
    ``secrets`` (default: Streamlit's secrets files); None when Neo4j is not configured."""
    env = os.environ if environ is None else environ
    values = {key: env.get(f"NEO4J_{key.upper()}") for key in KEYS}
    source = "environment"
    if not values["uri"]:
        secrets = read_secrets() if secrets is None else secrets
        section = secrets.get("neo4j")
        section = section if isinstance(section, Mapping) else {}
        values = {key: section.get(key) or secrets.get(f"NEO4J_{key.upper()}") for key in KEYS}
        source = "secrets"
    if not values["uri"]:
        return None
    return Neo4jSettings(str(values["uri"]), str(values["username"] or "neo4j"),
                         str(values["password"] or ""),
                         str(values["database"]) if values["database"] else None, source)
