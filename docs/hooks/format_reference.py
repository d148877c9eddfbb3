"""MkDocs hook: the YAML format's reference page is written from its JSON Schema
(``loaders.schema.json_schema``, what ``python -m graph schema`` prints) at build time, so
the page and the validator cannot disagree on a key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MARKER = "<!-- format-reference -->"
SECTION = {"": "The file"}  # $defs get their own names


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name})"
    if "anyOf" in spec or "oneOf" in spec:
        options = spec.get("anyOf") or spec.get("oneOf")
        if all("pattern" in o or o.get("type") == "integer" for o in options) and any(
                "[0-9]{4}" in o.get("pattern", "") for o in options):
            return "date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`)"
        if any(len(o.get("enum", ())) > 20 for o in options):
            return "colour (`#rrggbb`, `#rgb` or a CSS colour name)"
        return " or ".join(_type(o) for o in options)
    if "enum" in spec:
        values = spec["enum"]
        shown = ", ".join(f"`{v}`" for v in values[:8])
        return f"one of {shown}" + (", …" if len(values) > 8 else "")
    kind = spec.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(_type({**spec, "type": k}) for k in kind)
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if kind == "object" and "additionalProperties" in spec and isinstance(
            spec["additionalProperties"], dict):
        return f"map of name to {_type(spec['additionalProperties'])}"
    text = {"string": "text", "integer": "whole number", "number": "number",
            "boolean": "true or false", "object": "mapping"}.get(kind, kind)
    if "pattern" in spec:
        text += f" matching `{spec['pattern']}`"
    return text


def _table(spec: dict[str, Any]) -> list[str]:
    required = set(spec.get("required", ()))
    rows = ["| key | value | required | what it is |", "|---|---|---|---|"]
    for key, value in spec.get("properties", {}).items():
        rows.append(f"| `{key}` | {_type(value)} | {'yes' if key in required else ''} | "
                    f"{value.get('description', '').replace('|', chr(92) + '|')} |")
    return rows


def reference() -> str:
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    from loaders.schema import json_schema

    schema = json_schema()
    parts = ["## The file", "", *_table(schema), ""]
    for name, spec in schema.get("$defs", {}).items():
        parts += [f"## {name}", ""]
        if spec.get("type") == "object" and "properties" in spec:
            parts += _table(spec)
        else:
            parts.append(_type(spec))
        parts.append("")
    return "\n".join(parts)


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 (MkDocs' API)
    return markdown.replace(MARKER, reference()) if MARKER in markdown else markdown
