"""The YAML format, versions 1 to 1.3, as one table of records and fields.

The validator (``loaders.dataset``) and the JSON Schema (``python -m graph schema``) are both
made from this table, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.core.colours import HEX_PATTERN, NAMED

FORMAT_VERSIONS = (1, 1.1, 1.2, 1.3)  # each adds optional keys (each Field says ``since``); older files stay valid
FORMAT_VERSION = FORMAT_VERSIONS[-1]
PRESENCE = ("always", "while_related")
# A source's standing (format 1.2): what a reader may cite. A mirror copies another's text.
SOURCE_KINDS = ("official", "press", "reference", "mirror")
# Python patterns: \A and \Z, since '$' also matches before a final newline (a kind "Trust\n"
# would pass), and ASCII digits, since '\d' takes any script's ('٢٠١٤'). The JSON Schema gets
# them as ^...$ (``json_pattern``), where '$' means the end.
ID_PATTERN = r"\A[a-z0-9][a-z0-9-]*\Z"
KIND_PATTERN = r"\A[A-Za-z][A-Za-z0-9_]*\Z"
TYPE_PATTERN = r"\A[A-Z][A-Z0-9_]*\Z"
PARAM_PATTERN = r"\A[A-Za-z_][A-Za-z0-9_]*\Z"
DATE_PATTERN = r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"
RESERVED = {"Organisation", "Source", "Event", "CITES", "INVOLVES"}


@dataclass(frozen=True)
class Field:
    """One field: its type (see ``TYPES``), whether it is required, and what it means."""

    type: str
    required: bool = False
    doc: str = ""
    since: float = 1  # the first format version with this field


# Field types: text, id, date, int, number, bool, colour, params (names -> text, numbers or
# true/false), "choice:A|B", "list:T", "record:NAME", "map:KEYTYPE:NAME".
# A "ref:..." type is text that must name something declared elsewhere in the file.
RECORDS: dict[str, dict[str, Field]] = {
    "top": {
        "format": Field("number", True, "format version: 1, 1.1, 1.2 or 1.3"),
        "area": Field("record:area", True, "the area this file describes"),
        "sources": Field("list:record:source", False, "every source cited below"),
        "kinds": Field("map:kind:kind", True, "organisation kinds (node labels)"),
        "relationship_types": Field("map:type:relationship_type", False, "relationship types"),
        "organisations": Field("list:record:organisation", True, "the organisations"),
        "relationships": Field("list:record:relationship", False, "dated relationships"),
        "snapshots": Field("list:record:snapshot", False, "named stops of the time slider"),
        "events": Field("list:record:event", False, "things that happened on a date"),
        "queries": Field("list:record:saved_query", False,
                         "saved read-only Cypher queries the console offers for this area",
                         since=1.1),
        "stories": Field("list:record:story", False,
                         "briefing stories: dated views in order, each with a sourced text "
                         "(python -m graph brief STORY; the page's Story mode)", since=1.3),
    },
    "area": {
        "name": Field("text", True, "the area's name"),
        "id": Field("id", False, "the dataset's identity in a shared Neo4j database (default: "
                    "the file's path); files with the same id are one dataset", since=1.1),
        "description": Field("text", False, "what the file covers"),
    },
    "source": {
        "id": Field("id", True, "unique id, cited by sources: lists"),
        "title": Field("text", True, "title of the article, page or file"),
        "publisher": Field("text", False, "who published it"),
        "published": Field("date", False, "when it was published"),
        "url": Field("text", False, "where to read it"),
        "file": Field("text", False, "a local copy, relative to the YAML file"),
        "kind": Field("choice:" + "|".join(SOURCE_KINDS), False,
                      "its standing: official (legislation, ODS, the bodies' own pages and "
                      "papers, regulators), press, reference (Wikipedia and the like) or mirror "
                      "(a copy of someone else's text: cite the original where it is found)",
                      since=1.2),
        "notes": Field("text", False, "plain text, e.g. why a mirror is the only copy cited",
                       since=1.2),
    },
    "kind": {
        "label": Field("text", False, "a readable name (default: the kind itself)"),
        "tier": Field("int", False, "layer in the drawing: 0 at the top (default 0)"),
        "colour": Field("colour", False, "a CSS colour: #1f77b4, #abc or a CSS name such as teal"),
        "present": Field("choice:" + "|".join(PRESENCE), False,
                         "always (default), or while_related: an organisation of this kind (a "
                         "person, say) exists only while one of its relationships is in force",
                         since=1.1),
    },
    "relationship_type": {
        "label": Field("text", False, "a readable name (default: the type itself)"),
        "lineage": Field("bool", False, "true for mergers and successions (predecessor -> successor)"),
    },
    "organisation": {
        "id": Field("id", True, "unique id"),
        "name": Field("text", True, "the current (or last) name"),
        "kind": Field("ref:kind", True, "one of the declared kinds"),
        "valid_from": Field("date", False, "first day it existed (inclusive)"),
        "valid_to": Field("date", False, "first day it no longer existed (exclusive)"),
        "former_names": Field("list:record:former_name", False, "earlier names"),
        "ods_code": Field("text", False, "NHS ODS code, never guessed"),
        "url": Field("text", False, "its website"),
        "notes": Field("text", False, "plain text"),
        "sources": Field("list:ref:source", False, "ids of the sources that confirm it"),
        "unverified": Field("list:field:organisation", False, "fields no source confirms yet"),
    },
    "former_name": {
        "name": Field("text", True, "the earlier name"),
        "valid_to": Field("date", True, "first day it no longer had that name"),
        "valid_from": Field("date", False, "first day it had that name"),
    },
    "relationship": {
        "from": Field("ref:organisation", True, "id of the organisation it starts from"),
        "type": Field("ref:type", True, "one of the declared relationship types"),
        "to": Field("ref:organisation", True, "id of the organisation it points to"),
        "valid_from": Field("date", False, "first day in force (lineage: the take-over day)"),
        "valid_to": Field("date", False, "first day no longer in force"),
        "basis": Field("text", False, "the legal or contractual basis"),
        "role": Field("text", False, "the role held (for people)"),
        "amount_gbp": Field("number", False, "a sum in pounds, for funding"),
        "notes": Field("text", False, "plain text"),
        "sources": Field("list:ref:source", False, "ids of the sources that confirm it"),
        "unverified": Field("list:field:relationship", False, "fields no source confirms yet"),
    },
    "snapshot": {
        "date": Field("date", True, "the slider stop"),
        "title": Field("text", True, "what the stop shows"),
        "sources": Field("list:ref:source", False, "ids of the sources"),
        "notes": Field("text", False, "plain text"),
    },
    "event": {
        "date": Field("date", True, "when it happened, at the precision known"),
        "title": Field("text", True, "what happened"),
        "organisations": Field("list:ref:organisation", False, "ids of the organisations involved"),
        "sources": Field("list:ref:source", False, "ids of the sources"),
        "notes": Field("text", False, "plain text"),
        "attributes": Field("params", False, "named facts the event states, as text, numbers "
                            "or true/false, e.g. {rating: Good} for an inspection", since=1.2),
    },
    "story": {
        "id": Field("id", True, "unique id: python -m graph brief ID"),
        "title": Field("text", True, "the story's title, on the brief's first page"),
        "description": Field("text", False, "what the story is about (plain text)"),
        "steps": Field("list:record:story_step", True, "the views, in the order told"),
    },
    "story_step": {
        "title": Field("text", True, "the step's heading"),
        "date": Field("date", True, "the view's date (as at)"),
        "compare_from": Field("date", False, "mark and list what changed since this earlier "
                              "date (default: the previous step's date; the first step marks "
                              "nothing)"),
        "focus": Field("ref:organisation", False, "an organisation id: it and its neighbours "
                       "only"),
        "depth": Field("int", False, "relationships from the focus (default 1)"),
        "kinds": Field("list:ref:kind", False, "the kinds to keep (default: all)"),
        "types": Field("list:ref:type", False, "the relationship types to keep (default: all)"),
        "text": Field("text", True, "a short text in Markdown (paragraphs, **bold**, *italic*) "
                      "citing sources as [@source-id] or [@id-1; @id-2]"),
    },
    "saved_query": {
        "id": Field("id", True, "unique id: python -m graph query --saved ID"),
        "title": Field("text", True, "what the query asks, as the console lists it"),
        "description": Field("text", False, "what the rows mean"),
        "cypher": Field("text", True, "one read-only query (MATCH ... RETURN ...)"),
        "params": Field("params", False, "a default value for each $parameter it uses"),
        "as_at": Field("bool", False, "true: it runs against the graph as it stood on a date "
                       "the user gives (query --at DATE; the console asks for the date)"),
    },
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of format versions 1 to 1.3, from ``RECORDS``."""
    defs = {name: _record_schema(name) for name in RECORDS if name != "top"}
    schema = _record_schema("top")
    schema["properties"]["format"] = {"enum": list(FORMAT_VERSIONS),
                                      "description": "format version"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "orgs-format-1.3.schema.json",
        "title": "Organisational-structure graph, YAML format version 1.3 (reads 1 to 1.2 too)",
        **schema,
        "$defs": defs,
    }


def _record_schema(name: str) -> dict[str, Any]:
    fields = RECORDS[name]
    return {
        "type": "object",
        "properties": {key: {**_type_schema(f.type), "description": f.doc
                             + (f" (format {f.since} and later)" if f.since > 1 else "")}
                       for key, f in fields.items()},
        "required": [key for key, f in fields.items() if f.required],
        "additionalProperties": False,
    }


def json_pattern(pattern: str) -> str:
    """A Python pattern anchored with \\A and \\Z as JSON Schema (ECMA 262) writes it."""
    return "^" + pattern.removeprefix("\\A").removesuffix("\\Z") + "$"


def _type_schema(kind: str) -> dict[str, Any]:
    if kind.startswith("list:"):
        return {"type": "array", "items": _type_schema(kind[5:])}
    if kind.startswith("record:"):
        return {"$ref": f"#/$defs/{kind[7:]}"}
    if kind.startswith("map:"):
        _, key_type, record = kind.split(":")
        pattern = KIND_PATTERN if key_type == "kind" else TYPE_PATTERN
        return {"type": "object", "propertyNames": {"pattern": json_pattern(pattern),
                                                    "not": {"enum": sorted(RESERVED)}},
                "additionalProperties": {"$ref": f"#/$defs/{record}"}}
    if kind.startswith("choice:"):
        return {"enum": kind[7:].split("|")}
    if kind.startswith("field:"):
        record = kind[6:]
        return {"enum": [k for k in RECORDS[record] if k not in ("id", "unverified")]}
    return {
        "text": {"type": "string"},
        "id": {"type": "string", "pattern": json_pattern(ID_PATTERN)},
        "date": {"anyOf": [{"type": "string", "pattern": json_pattern(DATE_PATTERN)},
                           {"type": "integer", "minimum": 1000, "maximum": 9999}]},
        "int": {"type": "integer"},
        "number": {"type": "number"},
        "bool": {"type": "boolean"},
        "colour": {"anyOf": [{"type": "string", "pattern": json_pattern(HEX_PATTERN)},
                              {"enum": sorted(NAMED)}]},
        "params": {"type": "object", "propertyNames": {"pattern": json_pattern(PARAM_PATTERN)},
                   "additionalProperties": {"type": ["string", "number", "boolean"]}},
    }.get(kind, {"type": "string"})  # ref:... is text naming something declared
