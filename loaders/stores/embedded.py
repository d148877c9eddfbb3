"""Model -> embedded LadybugDB store, and back.

The store is a single file in a cache folder, named after the YAML file and its content hash.
It is built in a file beside it, checkpointed, closed and then renamed over the live path, so a
reader sees the old file or the new one, never half of either (see TECH-NOTES, LadybugDB
concurrency). A store that no longer opens is rebuilt the same way; the versions of a file's
store that its current content no longer uses are deleted after a build. The graph schema it
holds is ``loaders.stores.records``, shared with Neo4j.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ladybug

from graph.core.model import Dataset
from loaders import bundled
from loaders import dataset as dataset_loader
from loaders.stores.embedded_write import MAX_DB_SIZE, Progress, write
from loaders.stores.records import (
    CITES,
    EVENT,
    INVOLVES,
    SOURCE,
    GraphRecords,
    StoreError,
    dataset_from_rows,
    file_key,
    graph_records,
    quote_identifier,
)

SUFFIX = ".lbug"
MAX_OPEN_STORES = 4  # read handles kept open; each holds a file and reserves address space
# What a write through a read-only handle leaves beside a store (a CHECKPOINT, say): with
# these present every read-only open fails ("checkpoint recovery is pending").
LEFTOVERS = (".wal", ".shadow")
READER_POOL = 128 * 1024 * 1024  # a reader's buffer pool: a query's working set lives there


class StoreGone(StoreError):
    """The store file went away (a reload replaced or removed it): ask for the store again."""


def cache_dir() -> Path:
    return Path(os.environ.get("ORGS_CACHE_DIR") or bundled.cache_root() / "store")


def store_path(dataset_path: str | Path, content_hash: str) -> Path:
    """Where the store for the YAML file ``dataset_path`` with this content hash lives: one
    file per YAML file (``file_key``) and content."""
    return cache_dir() / f"{file_key(dataset_path)}-{content_hash}{SUFFIX}"


def file_hash(path: str | Path) -> str:
    """The content hash ``loaders.dataset`` gives a file, without parsing it."""
    return dataset_loader.content_hash(Path(path).read_bytes())


def build(dataset: Dataset, target: Path | None = None,
          progress: Progress | None = None) -> dict[str, int]:
    """Write the store for ``dataset`` atomically onto ``target`` (default: its cache path,
    after which the stores of the file's earlier contents are deleted).

    Returns the counts loaded. A build killed part-way leaves only a stray ``.building`` file;
    the live store keeps answering. Raises ``StoreError`` when the folder cannot be written.
    """
    records = graph_records(dataset)
    default = target is None
    target = Path(target or store_path(dataset.path, dataset.content_hash))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(records, target, progress)
    except OSError as exc:
        raise StoreError(f"cannot write the embedded store in {target.parent}: "
                         f"{exc.strerror or exc} (set ORGS_CACHE_DIR to a writable folder)"
                         ) from None
    if default:
        remove_unused_stores(dataset.path, keep=target)
    return records.counts()


def _write(records: GraphRecords, target: Path, progress: Progress | None) -> None:
    _remove_abandoned_builds(target.parent)
    building = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.building")
    try:
        write(records, building, progress)  # checkpointed and closed: no .wal to lose
        for suffix in LEFTOVERS:  # would make the new file fail to open (see LEFTOVERS)
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(building, target)
    except BaseException:
        for leftover in building.parent.glob(building.name + "*"):
            leftover.unlink(missing_ok=True)
        raise


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
    """The store for a YAML file, built on first use, whenever the file's content changes, and
    whenever the store no longer opens (it is rebuilt from the YAML, atomically).

    Raises ``loaders.problems.InvalidInput`` when the file needs building and is invalid, and
    ``StoreError`` when the store cannot be written.
    """
    path = store_path(dataset_path, file_hash(dataset_path))
    if opens(path):
        return path
    dataset = dataset_loader.load(dataset_path)
    path = store_path(dataset_path, dataset.content_hash)
    if not opens(path):
        build(dataset)
    return path


def opens(path: Path) -> bool:
    """True when the store is there, whole (LadybugDB opens an empty file as an empty
    database) and opens read-only."""
    if any(path.with_name(path.name + suffix).exists() for suffix in LEFTOVERS):
        return False
    try:
        if path.stat().st_size == 0:
            return False
        open_read_only(path)
    except (OSError, StoreError):
        return False
    return True


def remove_unused_stores(dataset_path: str | Path, keep: Path) -> list[Path]:
    """Delete the stores built from earlier contents of ``dataset_path``: all but ``keep`` and
    the one for the file's content now. A reader already using one finishes its query (the
    open file outlives its name); its next query asks for the current store."""
    try:
        current = store_path(dataset_path, file_hash(dataset_path))
    except OSError:
        current = keep
    removed = []
    for store in keep.parent.glob(f"{file_key(dataset_path)}-*{SUFFIX}"):
        if store not in (keep, current):
            for leftover in (store, *(store.with_name(store.name + s) for s in LEFTOVERS)):
                leftover.unlink(missing_ok=True)
            removed.append(store)
    with _handles_lock:
        for store in removed:
            _handles.pop(str(store), None)
    return removed


# -- reading ------------------------------------------------------------------------------

_handles: OrderedDict[str, tuple[tuple[int, int], ladybug.Database]] = OrderedDict()
_handles_lock = threading.Lock()


def open_read_only(path: str | Path, threads: int = 0) -> ladybug.Database:
    """A read-only handle on a store, reused until the file is replaced by a rebuild.

    The handle is keyed on the file's (inode, mtime): after ``os.replace`` both change, so the
    next call opens the new file while queries already running finish on the old one. At most
    ``MAX_OPEN_STORES`` handles stay open, the least recently used closing first (a query still
    running on one keeps it alive). ``threads``: the most the database may use for a query
    (0: as many as there are cores), for a handle opened now. Raises ``StoreGone`` when the
    file is not there and ``StoreError`` when it does not open.
    """
    path = str(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise StoreGone(f"{path}: no store there (run: python -m graph load)") from None
    identity = (status.st_ino, status.st_mtime_ns)
    with _handles_lock:
        cached = _handles.get(path)
        if cached and cached[0] == identity:
            _handles.move_to_end(path)
            return cached[1]
        try:
            database = ladybug.Database(path, read_only=True, buffer_pool_size=READER_POOL,
                                        max_db_size=MAX_DB_SIZE, max_num_threads=threads)
        except RuntimeError as exc:
            if not os.path.exists(path):
                raise StoreGone(f"{path}: no store there (run: python -m graph load)") from None
            first = (str(exc).strip().splitlines() or ["it does not open"])[0]
            raise StoreError(f"{path}: the embedded store does not open ({first})") from None
        _handles[path] = (identity, database)  # the old handle closes when no query uses it
        _handles.move_to_end(path)
        while len(_handles) > MAX_OPEN_STORES:
            _handles.popitem(last=False)
        return database


def _rows(connection: ladybug.Connection, cypher: str) -> Iterator[list[Any]]:
    result = connection.execute(cypher)
    while result.has_next():
        yield result.get_next()


def read_back(store: str | Path) -> Dataset:
    """The dataset a store holds: organisations, relationships, sources and events (see
    ``records.dataset_from_rows``). Used to prove a load kept every value and every date's
    precision."""
    connection = ladybug.Connection(open_read_only(store))
    tables = {name: kind for _, name, kind, *_ in _rows(connection, "CALL show_tables() RETURN *")}
    kinds = [n for n, t in tables.items() if t == "NODE" and n not in (SOURCE, EVENT)]
    types = [n for n, t in tables.items() if t == "REL" and n not in (CITES, INVOLVES)]
    organisations = [n for kind in kinds
                     for (n,) in _rows(connection, f"MATCH (n:{quote_identifier(kind)}) RETURN n")]
    relationships = [tuple(row) for rtype in types
                     for row in _rows(connection, f"MATCH (a)-[r:{quote_identifier(rtype)}]->(b) "
                                                  "RETURN a.id, r, b.id")]
    sources = [s for (s,) in _rows(connection, "MATCH (s:Source) RETURN s")]
    events = [e for (e,) in _rows(connection, "MATCH (e:Event) RETURN e")]
    connection.close()
    return dataset_from_rows(organisations, relationships, sources, events, kinds, types,
                             str(store))
