"""Rows into a new LadybugDB file, each table or relationship group the cheaper way for its size.

LadybugDB's two ways in cost differently (measured with ``bench/run.py``, ``python -m
bench.bounds`` and ``perf``):

- ``COPY FROM`` an Arrow table pays about 20 ms per statement however few its rows, and each
  node table COPY'd holds about 25 MB (a whole node group per column) until the database
  closes; past that it is the fastest way in, thousands of rows in a few milliseconds.
- ``UNWIND $rows ... CREATE`` costs about 0.15 ms a row and no fixed price.

Either way each relationship group holds about 8 MB (its CSR index in both directions) until a
checkpoint. So a table or group of fewer than ``COPY_MIN_ROWS`` rows is created and a larger
one COPY'd; relationship groups go in transactions of ``GROUPS_PER_CHECKPOINT``, each followed
by a checkpoint; and the writer closes and reopens after every ``NODE_COPIES_PER_OPEN`` node
COPYs to give their memory back. What remains of a small file's build is LadybugDB's own price
per relationship group at commit and checkpoint (allocating and writing that CSR index), which
no choice here avoids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ladybug

from loaders.stores.records import EVENT, SOURCE, Edges, GraphRecords, quote_identifier

if TYPE_CHECKING:
    import pyarrow as pa

COPY_MIN_ROWS = 200  # below this many rows a table or group is created row by row
GROUPS_PER_CHECKPOINT = 10  # relationship groups written between checkpoints
NODE_COPIES_PER_OPEN = 4  # node tables COPY'd before the writer reopens to free their memory
# One thread: as fast here (the groups are small for LadybugDB's parallel COPY) and 50 MB less
# memory at 10,000 organisations than one per core.
WRITER_THREADS = 1
WRITER_POOL = 256 * 1024 * 1024
MAX_DB_SIZE = 1 << 34  # bounds the address space each open handle reserves

Progress = Callable[[str, int], None]  # (what was loaded, how many rows)


def create_tables(connection: ladybug.Connection, records: GraphRecords) -> None:
    """The graph schema: a node table per label and a relationship table per type, with a
    FROM/TO pair for each pair of labels it joins."""
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


def arrow_table(rows: list[dict[str, Any]], columns: dict[str, str],
                ends: tuple[str, ...] = ()) -> pa.Table:
    """Rows as an Arrow table typed like the store's columns (``ends``: the from/to ids)."""
    import pyarrow as pa  # only a COPY needs it; a query does not pay its import

    types = {"STRING": pa.string(), "DATE": pa.date32(), "DOUBLE": pa.float64(),
             "STRING[]": pa.list_(pa.string())}
    schema = pa.schema([(end, pa.string()) for end in ends]
                       + [(name, types[kind]) for name, kind in columns.items()])
    return pa.Table.from_pylist(rows, schema=schema)


class _Writer:
    """One writable handle on the file being built, which can be reopened."""

    def __init__(self, path: Path):
        self.path = path
        self._open()

    def _open(self) -> None:
        self.database = ladybug.Database(str(self.path), buffer_pool_size=WRITER_POOL,
                                         max_db_size=MAX_DB_SIZE, max_num_threads=WRITER_THREADS)
        self.connection = ladybug.Connection(self.database)

    def execute(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        self.connection.execute(cypher, params or {})

    def reopen(self) -> None:
        self.close()
        self._open()

    def close(self) -> None:
        self.execute("CHECKPOINT")  # everything in the main file: no .wal to lose
        self.connection.close()
        self.database.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")


def write(records: GraphRecords, path: Path, progress: Progress | None = None) -> None:
    """Write every row of ``records`` into a new store file at ``path`` (schema first),
    checkpointed and closed."""
    done = progress or (lambda what, rows: None)
    nodes = [(label, rows) for label, rows in records.nodes.items() if rows]
    writer = _Writer(path)
    try:
        create_tables(writer.connection, records)
        with writer.transaction():
            for label, rows in nodes:
                if len(rows) < COPY_MIN_ROWS:
                    writer.execute(_create_nodes(label, records.node_columns[label]),
                                   {"rows": rows})
                    done(label, len(rows))
        copied = [(label, rows) for label, rows in nodes if len(rows) >= COPY_MIN_ROWS]
        for batch in _batches(copied, NODE_COPIES_PER_OPEN):
            with writer.transaction():
                for label, rows in batch:
                    _copy(writer, label, arrow_table(rows, records.node_columns[label]))
                    done(label, len(rows))
            writer.reopen()  # gives back what the node COPYs hold until the database closes
        for batch in _batches(records.edges, GROUPS_PER_CHECKPOINT):
            with writer.transaction():
                for edges in batch:
                    columns = records.edge_columns[edges.type]
                    if len(edges.rows) >= COPY_MIN_ROWS:
                        _copy(writer, edges.type, arrow_table(edges.rows, columns, ("from", "to")),
                              (edges.from_label, edges.to_label))
                    else:
                        writer.execute(_create_edges(edges, columns), {"rows": edges.rows})
                    done(edges.type, len(edges.rows))
            writer.execute("CHECKPOINT")  # gives back what each group holds until a checkpoint
    finally:
        writer.close()


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _copy(writer: _Writer, table: str, rows: pa.Table, ends: tuple[str, str] | None = None
          ) -> None:
    options = f" (from='{_plain(ends[0])}', to='{_plain(ends[1])}')" if ends else ""
    writer.execute(f"COPY {quote_identifier(table)} FROM $rows{options}", {"rows": rows})


def _values(columns: dict[str, str]) -> str:
    # A column that is null in every row would otherwise bind as STRING: cast the rest.
    return ", ".join(f"{quote_identifier(name)}: " + (
        f"row.{quote_identifier(name)}" if kind == "STRING"
        else f"CAST(row.{quote_identifier(name)} AS {kind})") for name, kind in columns.items())


def _create_nodes(label: str, columns: dict[str, str]) -> str:
    return f"UNWIND $rows AS row CREATE (:{quote_identifier(label)} {{{_values(columns)}}})"


def _create_edges(edges: Edges, columns: dict[str, str]) -> str:
    return (f"UNWIND $rows AS row "
            f"MATCH (a:{quote_identifier(edges.from_label)} {{id: row.`from`}}) "
            f"MATCH (b:{quote_identifier(edges.to_label)} {{id: row.`to`}}) "
            f"CREATE (a)-[:{quote_identifier(edges.type)} {{{_values(columns)}}}]->(b)")


def _plain(label: str) -> str:
    quote_identifier(label)
    return label
