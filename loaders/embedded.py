"""Model -> embedded LadybugDB store, and back.

The graph schema shared by both stores is defined here (``graph_records``): a node table per
kind, a rel table per relationship type, ``Source`` and ``Event`` nodes linked by ``CITES`` and
``INVOLVES``. Dates are ``DATE`` values with a ``<field>_precision`` column beside them, so a
month stays a month when read back.

The store is a single file in a cache folder, named by the YAML's content hash. It is built in
a file beside it, checkpointed, closed and then renamed over the live path, so a reader sees
the old file or the new one, never half of either (see TECH-NOTES, LadybugDB concurrency).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ladybug
import pyarrow as pa

from graph.dates import PartialDate
from graph.model import (
    Area,
    Dataset,
    Event,
    FormerName,
    Kind,
    Organisation,
    Relationship,
    RelationshipType,
    Source,
)
from loaders import dataset as dataset_loader
from loaders.schema import KIND_PATTERN

ROOT = Path(__file__).resolve().parent.parent
IDENTIFIER = re.compile(KIND_PATTERN)  # relationship types are a subset of the same shape
SOURCE, EVENT, ORGANISATION, CITES, INVOLVES = "Source", "Event", "Organisation", "CITES", "INVOLVES"
SUFFIX = ".lbug"
_READER_POOL = 128 * 1024 * 1024
_WRITER_POOL = 256 * 1024 * 1024
_MAX_DB_SIZE = 1 << 34  # bounds the address space each open handle reserves

# Column name -> LadybugDB type. Node and relationship properties are the same on Neo4j.
ORGANISATION_COLUMNS = {
    "id": "STRING", "name": "STRING", "kind": "STRING",
    "valid_from": "DATE", "valid_from_precision": "STRING",
    "valid_to": "DATE", "valid_to_precision": "STRING",
    "former_names": "STRING[]", "former_names_valid_from": "STRING[]",
    "former_names_valid_to": "STRING[]",
    "ods_code": "STRING", "url": "STRING", "notes": "STRING",
    "sources": "STRING[]", "unverified": "STRING[]",
}
RELATIONSHIP_COLUMNS = {
    "id": "STRING", "type": "STRING",
    "valid_from": "DATE", "valid_from_precision": "STRING",
    "valid_to": "DATE", "valid_to_precision": "STRING",
    "basis": "STRING", "role": "STRING", "amount_gbp": "DOUBLE", "notes": "STRING",
    "sources": "STRING[]", "unverified": "STRING[]",
}
SOURCE_COLUMNS = {
    "id": "STRING", "title": "STRING", "publisher": "STRING",
    "published": "DATE", "published_precision": "STRING", "url": "STRING", "file": "STRING",
}
EVENT_COLUMNS = {
    "id": "STRING", "title": "STRING", "date": "DATE", "date_precision": "STRING",
    "notes": "STRING", "organisations": "STRING[]", "sources": "STRING[]",
}
LINK_COLUMNS = {"id": "STRING", "type": "STRING"}  # CITES and INVOLVES
_ARROW = {"STRING": pa.string(), "DATE": pa.date32(), "DOUBLE": pa.float64(),
          "STRING[]": pa.list_(pa.string())}


class StoreError(Exception):
    """A store problem the user can act on, as one line."""


def quote_identifier(name: str) -> str:
    """A label or type for Cypher text: checked to be a plain identifier, then backtick-quoted.

    Labels come from the YAML; the loader checks them too, and this check repeats it where
    the text is built (defence in depth).
    """
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise StoreError(f"'{name}' is not an identifier a graph label may use "
                         "(use a letter, then letters, digits or _)")
    return f"`{name}`"


# -- the graph schema as records -----------------------------------------------------------

@dataclass
class Edges:
    """Rows of one relationship type between one pair of node labels."""

    type: str
    from_label: str
    to_label: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # "from", "to" + properties


@dataclass
class GraphRecords:
    """A dataset as store rows: node rows per label, edge rows per (type, from, to) label."""

    nodes: dict[str, list[dict[str, Any]]]
    edges: list[Edges]
    node_columns: dict[str, dict[str, str]]
    edge_columns: dict[str, dict[str, str]]

    def counts(self) -> dict[str, int]:
        organisations = sum(len(rows) for label, rows in self.nodes.items()
                            if label not in (SOURCE, EVENT))
        by_type: dict[str, int] = {}
        for e in self.edges:
            by_type[e.type] = by_type.get(e.type, 0) + len(e.rows)
        return {"organisations": organisations,
                "relationships": sum(n for t, n in by_type.items() if t not in (CITES, INVOLVES)),
                "sources": len(self.nodes.get(SOURCE, [])), "events": len(self.nodes.get(EVENT, [])),
                "citations": by_type.get(CITES, 0), "involvements": by_type.get(INVOLVES, 0)}


def _dated(prefix: str, value: PartialDate | None) -> dict[str, Any]:
    return {prefix: value.start if value else None,
            f"{prefix}_precision": value.precision if value else None}


def organisation_row(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "kind": org.kind,
            **_dated("valid_from", org.valid_from), **_dated("valid_to", org.valid_to),
            # Parallel lists: Neo4j has no list of maps and no nulls inside lists.
            "former_names": [f.name for f in org.former_names],
            "former_names_valid_from": [f.valid_from.iso() if f.valid_from else ""
                                        for f in org.former_names],
            "former_names_valid_to": [f.valid_to.iso() for f in org.former_names],
            "ods_code": org.ods_code, "url": org.url, "notes": org.notes,
            "sources": list(org.sources), "unverified": list(org.unverified)}


def relationship_row(rel: Relationship) -> dict[str, Any]:
    return {"id": rel.id, "type": rel.type,
            **_dated("valid_from", rel.valid_from), **_dated("valid_to", rel.valid_to),
            "basis": rel.basis, "role": rel.role,
            "amount_gbp": float(rel.amount_gbp) if rel.amount_gbp is not None else None,
            "notes": rel.notes, "sources": list(rel.sources), "unverified": list(rel.unverified)}


def event_id(index: int) -> str:
    return f"event-{index + 1}"


def graph_records(dataset: Dataset) -> GraphRecords:
    """Every node and edge row the stores hold for ``dataset``; labels are identifier-checked."""
    for name in (*dataset.kinds, *dataset.relationship_types):
        quote_identifier(name)
        if name in (ORGANISATION, SOURCE, EVENT, CITES, INVOLVES):
            raise StoreError(f"'{name}' is reserved by the graph schema (rename it in the YAML)")
    nodes: dict[str, list[dict[str, Any]]] = {kind: [] for kind in dataset.kinds}
    for org in dataset.organisations.values():
        nodes[org.kind].append(organisation_row(org))
    nodes[SOURCE] = [{"id": s.id, "title": s.title, "publisher": s.publisher,
                      **_dated("published", s.published), "url": s.url, "file": s.file}
                     for s in dataset.sources.values()]
    nodes[EVENT] = [{"id": event_id(i), "title": e.title, **_dated("date", e.date),
                     "notes": e.notes, "organisations": list(e.organisations),
                     "sources": list(e.sources)} for i, e in enumerate(dataset.events)]

    groups: dict[tuple[str, str, str], Edges] = {}

    def add(rtype: str, from_label: str, to_label: str, row: dict[str, Any]) -> None:
        key = (rtype, from_label, to_label)
        groups.setdefault(key, Edges(*key)).rows.append(row)

    kind_of = {o.id: o.kind for o in dataset.organisations.values()}
    for rel in dataset.relationships:
        add(rel.type, kind_of[rel.source], kind_of[rel.target],
            {"from": rel.source, "to": rel.target, **relationship_row(rel)})
    for org in dataset.organisations.values():
        for source in org.sources:
            add(CITES, org.kind, SOURCE, _link(org.id, CITES, source))
    for i, event in enumerate(dataset.events):
        for source in event.sources:
            add(CITES, EVENT, SOURCE, _link(event_id(i), CITES, source))
        for org_id in event.organisations:
            add(INVOLVES, EVENT, kind_of[org_id], _link(event_id(i), INVOLVES, org_id))

    node_columns = {kind: ORGANISATION_COLUMNS for kind in dataset.kinds}
    node_columns.update({SOURCE: SOURCE_COLUMNS, EVENT: EVENT_COLUMNS})
    edge_columns = {t: RELATIONSHIP_COLUMNS for t in dataset.relationship_types}
    edge_columns.update({CITES: LINK_COLUMNS, INVOLVES: LINK_COLUMNS})
    return GraphRecords(nodes, list(groups.values()), node_columns, edge_columns)


def _link(from_id: str, rtype: str, to_id: str) -> dict[str, Any]:
    # Ids never contain '|', so "from|TYPE|to|n" names both ends on every relationship.
    return {"from": from_id, "to": to_id, "id": f"{from_id}|{rtype}|{to_id}|1", "type": rtype}


# -- building the store --------------------------------------------------------------------

def cache_dir() -> Path:
    return Path(os.environ.get("ORGS_CACHE_DIR") or ROOT / ".cache" / "store")


def store_path(content_hash: str) -> Path:
    """Where the store for a YAML file with this content hash lives."""
    return cache_dir() / f"orgs-{content_hash}{SUFFIX}"


def file_hash(path: str | Path) -> str:
    """The content hash ``loaders.dataset`` gives a file, without parsing it."""
    return dataset_loader.content_hash(Path(path).read_bytes())


Progress = Callable[[str, int], None]  # (what was loaded, how many rows)


def build(dataset: Dataset, target: Path | None = None,
          progress: Progress | None = None) -> dict[str, int]:
    """Write the store for ``dataset`` atomically onto ``target`` (default: its cache path).

    Returns the counts loaded. A build killed part-way leaves only a stray ``.building`` file;
    the live store keeps answering.
    """
    records = graph_records(dataset)
    target = Path(target or store_path(dataset.content_hash))
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(target.parent)
    building = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.building")
    try:
        database = ladybug.Database(str(building), buffer_pool_size=_WRITER_POOL,
                                    max_db_size=_MAX_DB_SIZE)
        connection = ladybug.Connection(database)
        # Each COPY commits on its own: one transaction around them all was 0.6 s faster at
        # 10,000 organisations but held ~430 MB more until the commit (bench/run.py).
        _create_tables(connection, records)
        _copy_rows(connection, records, progress)
        connection.execute("CHECKPOINT")  # everything in the main file: no .wal to lose
        connection.close()
        database.close()
        os.replace(building, target)
    except BaseException:
        for leftover in building.parent.glob(building.name + "*"):
            leftover.unlink(missing_ok=True)
        raise
    return records.counts()


def _create_tables(connection: ladybug.Connection, records: GraphRecords) -> None:
    for label, columns in records.node_columns.items():
        body = ", ".join(f"{quote_identifier(name)} {kind}" for name, kind in columns.items())
        connection.execute(f"CREATE NODE TABLE {quote_identifier(label)}"
                           f"({body}, PRIMARY KEY (`id`))")
    pairs: dict[str, list[tuple[str, str]]] = {t: [] for t in records.edge_columns}
    for edges in records.edges:
        pairs[edges.type].append((edges.from_label, edges.to_label))
    first_kind = next(iter(k for k in records.node_columns if k not in (SOURCE, EVENT)), SOURCE)
    for rtype, columns in records.edge_columns.items():
        # An unused type still gets a table, so queries naming it return no rows, not an error.
        ends = pairs[rtype] or [(first_kind, first_kind)]
        sides = ", ".join(f"FROM {quote_identifier(a)} TO {quote_identifier(b)}" for a, b in ends)
        body = ", ".join(f"{quote_identifier(name)} {kind}" for name, kind in columns.items())
        connection.execute(f"CREATE REL TABLE {quote_identifier(rtype)}({sides}, {body})")


def _arrow(rows: list[dict[str, Any]], columns: dict[str, str],
           ends: tuple[str, ...] = ()) -> pa.Table:
    names = [*ends, *columns]
    types = [pa.string()] * len(ends) + [_ARROW[columns[c]] for c in columns]
    return pa.table({name: pa.array([row[name] for row in rows], type=kind)
                     for name, kind in zip(names, types, strict=True)})


def _copy_rows(connection: ladybug.Connection, records: GraphRecords,
               progress: Progress | None) -> None:
    # COPY FROM reads a Python variable by name: the table is bound to a local called ``rows``.
    for label, node_rows in records.nodes.items():
        if node_rows:
            rows = _arrow(node_rows, records.node_columns[label])  # noqa: F841 (read by COPY)
            connection.execute(f"COPY {quote_identifier(label)} FROM rows")
        if progress:
            progress(label, len(node_rows))
    for edges in records.edges:
        rows = _arrow(edges.rows, records.edge_columns[edges.type], ("from", "to"))  # noqa: F841
        connection.execute(f"COPY {quote_identifier(edges.type)} FROM rows "
                           f"(from='{_plain(edges.from_label)}', to='{_plain(edges.to_label)}')")
        if progress:
            progress(edges.type, len(edges.rows))


def _plain(label: str) -> str:
    quote_identifier(label)
    return label


def _remove_abandoned_builds(folder: Path) -> None:
    """Delete ``.building`` files whose builder process is gone (e.g. killed)."""
    for stray in folder.glob(".*.building*"):
        try:
            pid = int(stray.name.split(SUFFIX + ".")[1].split(".")[0])
        except (IndexError, ValueError):
            continue
        if not _alive(pid):
            stray.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ensure_store(dataset_path: str | Path) -> Path:
    """The store for a YAML file, built on first use and whenever the file's content changes.

    Raises ``loaders.problems.InvalidInput`` when the file needs building and is invalid.
    """
    path = store_path(file_hash(dataset_path))
    if path.exists():
        return path
    dataset = dataset_loader.load(dataset_path)
    path = store_path(dataset.content_hash)
    if not path.exists():
        build(dataset, path)
    return path


# -- reading ------------------------------------------------------------------------------

_handles: dict[str, tuple[tuple[int, int], ladybug.Database]] = {}
_handles_lock = threading.Lock()


def open_read_only(path: str | Path) -> ladybug.Database:
    """A read-only handle on a store, reused until the file is replaced by a rebuild.

    The handle is keyed on the file's (inode, mtime): after ``os.replace`` both change, so the
    next call opens the new file while queries already running finish on the old one.
    """
    path = str(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise StoreError(f"{path}: no store there (run: python -m graph load)") from None
    identity = (status.st_ino, status.st_mtime_ns)
    with _handles_lock:
        cached = _handles.get(path)
        if cached and cached[0] == identity:
            return cached[1]
        database = ladybug.Database(path, read_only=True, buffer_pool_size=_READER_POOL,
                                    max_db_size=_MAX_DB_SIZE)
        _handles[path] = (identity, database)  # the old handle closes when no query uses it
        return database


def _rows(connection: ladybug.Connection, cypher: str) -> Iterator[list[Any]]:
    result = connection.execute(cypher)
    while result.has_next():
        yield result.get_next()


def _partial(day: dt.date | None, precision: str | None) -> PartialDate | None:
    if day is None:
        return None
    return {"year": PartialDate(day.year), "month": PartialDate(day.year, day.month)}.get(
        precision or "day", PartialDate.of(day))


def read_back(store: str | Path) -> Dataset:
    """The dataset a store holds: organisations, relationships, sources and events.

    Kinds and types come back as table names (labels are not stored); relationships are in
    id order. Used to prove a load kept every value and every date's precision.
    """
    connection = ladybug.Connection(open_read_only(store))
    tables = {name: kind for _, name, kind, *_ in _rows(connection, "CALL show_tables() RETURN *")}
    kinds = sorted(n for n, t in tables.items() if t == "NODE" and n not in (SOURCE, EVENT))
    types = sorted(n for n, t in tables.items() if t == "REL" and n not in (CITES, INVOLVES))

    organisations = {}
    for kind in kinds:
        for (n,) in _rows(connection, f"MATCH (n:{quote_identifier(kind)}) RETURN n ORDER BY n.id"):
            former = tuple(
                FormerName(name, PartialDate.parse(until), PartialDate.parse(since) if since else None)
                for name, since, until in zip(n["former_names"], n["former_names_valid_from"],
                                              n["former_names_valid_to"], strict=True))
            organisations[n["id"]] = Organisation(
                n["id"], n["name"], n["kind"],
                _partial(n["valid_from"], n["valid_from_precision"]),
                _partial(n["valid_to"], n["valid_to_precision"]), former, n["ods_code"],
                n["url"], n["notes"], tuple(n["sources"]), tuple(n["unverified"]))
    relationships = []
    for rtype in types:
        for a, r, b in _rows(connection, f"MATCH (a)-[r:{quote_identifier(rtype)}]->(b) "
                                         "RETURN a.id, r, b.id"):
            relationships.append(Relationship(
                r["id"], a, r["type"], b, _partial(r["valid_from"], r["valid_from_precision"]),
                _partial(r["valid_to"], r["valid_to_precision"]), r["basis"], r["role"],
                r["amount_gbp"], r["notes"], tuple(r["sources"]), tuple(r["unverified"])))
    sources = {}
    for (s,) in _rows(connection, "MATCH (s:Source) RETURN s ORDER BY s.id"):
        sources[s["id"]] = Source(s["id"], s["title"], s["publisher"],
                                  _partial(s["published"], s["published_precision"]),
                                  s["url"], s["file"])
    events = []
    for (e,) in _rows(connection, "MATCH (e:Event) RETURN e"):
        events.append((int(e["id"].split("-")[1]), Event(
            _partial(e["date"], e["date_precision"]), e["title"], tuple(e["organisations"]),
            tuple(e["sources"]), e["notes"])))
    connection.close()
    return Dataset(
        area=Area(""), sources=sources, kinds={k: Kind(k, k) for k in kinds},
        relationship_types={t: RelationshipType(t, t) for t in types},
        organisations=organisations,
        relationships=tuple(sorted(relationships, key=lambda r: r.id)),
        events=tuple(e for _, e in sorted(events, key=lambda pair: pair[0])),
        path=str(store))
