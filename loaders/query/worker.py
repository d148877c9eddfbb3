"""Where console queries run: a worker process that can be stopped for sure.

``python -m loaders.query.worker FD`` answers ``Request``s on the connection FD, one at a time,
until the connection closes. The caller (``loaders.query.pool``) kills it at the deadline.

Each query runs under a cap on the worker's address space (``RLIMIT_AS``: what it holds
already plus the memory limit), so an allocation beyond it fails, in the engine as
``std::bad_alloc`` or in Python as ``MemoryError``, and the worker answers "memory" and carries
on. The cap is on address space, so it holds for memory LadybugDB takes outside its buffer
pool (``range()`` lists, ``lpad()`` strings) and for rows the Neo4j driver builds. A CPU-time
cap (``RLIMIT_CPU``) ends the worker should its caller die mid-query. LadybugDB is opened
read-only with one thread.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from loaders.query.limits import Limits
from loaders.query.result import OutOfMemory, QueryError
from loaders.stores.records import StoreError

THREADS = 1  # the engine's threads for a query: the machine has the page and others to serve
_PAGE = os.sysconf("SC_PAGE_SIZE")
_CPU_SLACK_S = 30  # beyond the time limit: only a worker whose caller is gone ever meets it


@dataclass(frozen=True)
class Request:
    """One query for the worker: on the embedded store file ``store``, or on Neo4j with
    ``settings`` (a ``Neo4jSettings``) when ``store`` is None."""

    cypher: str
    params: dict[str, Any]
    limits: Limits
    store: str | None = None
    settings: Any = None


# Replies, pickled: ("ok", QueryResult), ("error", message, detail), ("memory", detail),
# ("gone", message): the store file was replaced, ask for the current one.


def address_space() -> int:
    """This process's address space in bytes (what ``RLIMIT_AS`` counts)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[0]) * _PAGE


@contextmanager
def capped(limits: Limits) -> Iterator[None]:
    """Within: at most ``limits.memory_mb`` more address space, and CPU time to the time limit
    and some slack. Soft limits, restored after (the hard ones are never lowered)."""
    saved = {which: resource.getrlimit(which) for which in (resource.RLIMIT_AS,
                                                          resource.RLIMIT_CPU)}
    used = resource.getrusage(resource.RUSAGE_SELF)
    caps = {resource.RLIMIT_AS: address_space() + limits.memory_mb * 2**20,
            resource.RLIMIT_CPU: int(used.ru_utime + used.ru_stime + limits.timeout_s)
            + _CPU_SLACK_S}
    for which, cap in caps.items():
        hard = saved[which][1]
        resource.setrlimit(which, (cap if hard == resource.RLIM_INFINITY else min(cap, hard),
                                   hard))
    try:
        yield
    finally:
        for which, (soft, hard) in saved.items():
            resource.setrlimit(which, (soft, hard))


class Worker:
    """The worker's state between requests: its open Neo4j drivers."""

    def __init__(self) -> None:
        self.drivers: dict[Any, Any] = {}

    def answer(self, request: Request) -> bytes:
        """The pickled reply to one request (never raises)."""
        try:
            target = self.open(request)
        except StoreError as exc:
            from loaders.stores.embedded import StoreGone

            return _dump(("gone", str(exc)) if isinstance(exc, StoreGone) else
                         ("error", str(exc), ""))
        except QueryError as exc:
            return _dump(("error", exc.message, exc.detail))
        try:
            with capped(request.limits):
                return _dump(self.reply(request, target))  # a result too big to send, too
        except MemoryError:
            self.forget(request)
            return _dump(("memory", ""))

    def open(self, request: Request) -> Any:
        """The store's handle or Neo4j's driver, opened outside the cap (an open reserves
        address space that the query's memory is not)."""
        if request.store is not None:
            from loaders.stores import embedded

            return embedded.open_read_only(request.store, threads=THREADS)
        from loaders.stores import neo4j_store

        if request.settings not in self.drivers:
            try:
                self.drivers[request.settings] = neo4j_store.connect(request.settings)
            except StoreError as exc:
                raise QueryError(str(exc)) from None
        return self.drivers[request.settings]

    def reply(self, request: Request, target: Any) -> tuple[Any, ...]:
        limits = request.limits
        try:
            if request.store is not None:
                from loaders.query.embedded_query import run_on

                result = run_on(target, request.cypher, request.params, threads=THREADS,
                                timeout_s=limits.timeout_s, row_cap=limits.row_cap)
            else:
                from loaders.stores import neo4j_store

                result = neo4j_store.run_read(request.cypher, request.params, driver=target,
                                              settings=request.settings,
                                              timeout_s=limits.timeout_s,
                                              row_cap=limits.row_cap)
        except OutOfMemory as exc:
            self.forget(request)
            return ("memory", exc.detail)
        except QueryError as exc:
            return ("error", exc.message, exc.detail)
        except MemoryError:
            raise
        except Exception as exc:  # a bug of ours or the driver's: still one line
            return ("error", f"the query failed: {type(exc).__name__}: {exc}", "")
        return ("ok", result)

    def forget(self, request: Request) -> None:
        """Drop a driver that ran out of memory mid-answer (its connection may be half-read)."""
        driver = self.drivers.pop(request.settings, None) if request.store is None else None
        if driver is not None:
            try:
                driver.close()
            except Exception:  # closing a broken connection: nothing more to do
                pass


def _dump(reply: tuple[Any, ...]) -> bytes:
    return pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)


def main(argv: list[str]) -> int:
    connection = Connection(int(argv[1]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash at a cap leaves no core file
    import loaders.query.embedded_query  # noqa: F401  (LadybugDB loaded before saying ready)

    connection.send_bytes(_dump(("ready", os.getpid())))
    worker = Worker()
    while True:
        try:
            request = pickle.loads(connection.recv_bytes())
        except (EOFError, OSError):  # the caller closed the connection, or is gone
            return 0
        connection.send_bytes(worker.answer(request))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
