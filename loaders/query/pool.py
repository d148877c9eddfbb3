"""The caller's side of ``loaders.query.worker``: workers kept warm, a deadline, a kill.

A query goes to an idle worker (one is started when none is idle) and the answer is awaited
until the time limit plus ``GRACE_S``: the engine's own limit normally answers first; a query
that holds the engine in one long function call is killed (SIGKILL) at the deadline, and its
worker replaced by a new one for the next query. A worker that answered goes back to the idle
list, so the warm path costs one round trip on a local socket. At most ``MAX_BUSY`` queries
run at once, each in its own worker, so the memory they may take together stays bounded.
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from loaders.query.result import QueryError, QueryResult
from loaders.query.worker import Request

ROOT = Path(__file__).resolve().parents[2]
GRACE_S = 0.5  # past the time limit: for the engine's own stop to arrive before the kill
START_S = 120.0  # a cold worker imports LadybugDB; a busy machine may take a while
MAX_BUSY = 2  # queries running at once (the machine has two cores)
MAX_IDLE = 2


class WorkerGone(Exception):
    """The worker ended while answering (killed from outside, or crashed)."""


class Deadline(Exception):
    """No answer came in time."""


class Process:
    """One worker process and the connection to it."""

    def __init__(self) -> None:
        ours, theirs = Pipe(duplex=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                   filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               "MALLOC_ARENA_MAX": "2"}  # fewer malloc arenas, less address space reserved
        # Its own session: a Ctrl-C in the terminal reaches the caller, which stops it.
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "loaders.query.worker", str(theirs.fileno())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env, cwd=ROOT, start_new_session=True)
        except OSError as exc:  # out of processes or file descriptors
            ours.close()
            raise QueryError(f"cannot start the query worker: {exc.strerror or exc} (run the "
                             "query again)") from None
        finally:
            theirs.close()
        self.connection: Connection = ours
        self.killed = False
        try:
            ready = self.receive(START_S)
        except (Deadline, WorkerGone):
            self.stop()
            raise QueryError("the query worker did not start (run the query again)") from None
        if ready[0] != "ready":
            self.stop()
            raise QueryError("the query worker did not start (run the query again)")

    def receive(self, wait_s: float) -> tuple[Any, ...]:
        try:
            if not self.connection.poll(max(0.0, wait_s)):
                raise Deadline
            return pickle.loads(self.connection.recv_bytes())
        except (EOFError, OSError):
            raise WorkerGone from None

    def ask(self, request: Request, wait_s: float) -> tuple[Any, ...]:
        """The worker's reply; ``Deadline`` when none came within ``wait_s``."""
        try:
            self.connection.send_bytes(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            raise WorkerGone from None
        return self.receive(wait_s)

    def stop(self) -> None:
        """Kill it and wait for it: a read-only reader leaves nothing to clean up."""
        self.killed = True
        self.connection.close()
        try:
            self.process.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def ended(self) -> str:
        """How a worker that closed its connection ended: a signal's name or an exit code."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "it stopped answering"
        if code < 0:
            try:
                return signal.Signals(-code).name
            except ValueError:
                return f"signal {-code}"
        return f"exit code {code}"


_idle: list[Process] = []
_lock = threading.Lock()
_busy = threading.BoundedSemaphore(MAX_BUSY)


def _take() -> Process:
    with _lock:
        while _idle:
            process = _idle.pop()
            if process.process.poll() is None:
                return process
            process.stop()
    return Process()


def _give_back(process: Process) -> None:
    with _lock:
        if len(_idle) < MAX_IDLE:
            _idle.append(process)
            return
    process.stop()


@atexit.register
def stop_all() -> None:
    """Stop the idle workers (a busy one is stopped by the query waiting on it)."""
    with _lock:
        while _idle:
            _idle.pop().stop()


def time_limit_message(timeout_s: float) -> str:
    return (f"query stopped at the time limit of {timeout_s:g} s "
            "(narrow the MATCH, add a LIMIT, or raise --timeout)")


def memory_limit_message(memory_mb: int) -> str:
    return (f"query stopped at the memory limit of {memory_mb:g} MB "
            "(narrow the MATCH, add a LIMIT, or raise --memory)")


def run(request: Request) -> QueryResult:
    """Run ``request`` in a worker. Raises ``QueryError`` (one line) for a refusal, an error, a
    stop at a limit; ``loaders.stores.embedded.StoreGone`` when the store file was replaced."""
    limits = request.limits
    started = time.monotonic()  # a wait for a free slot counts against the time limit too
    if not _busy.acquire(timeout=limits.timeout_s):
        raise QueryError(f"{MAX_BUSY} queries are running already and none ended within the "
                         f"time limit of {limits.timeout_s:g} s (run it again later)")
    waited = time.monotonic() - started
    try:
        process = _take()  # a cold start (about 0.1 s) does not count: the query has not begun
        started = time.monotonic() - waited
        try:
            reply = process.ask(request, limits.timeout_s + GRACE_S - waited)
        except Deadline:
            process.stop()
            raise QueryError(time_limit_message(limits.timeout_s)) from None
        except WorkerGone:
            ended = process.ended()
            process.stop()
            if time.monotonic() - started >= limits.timeout_s:
                raise QueryError(time_limit_message(limits.timeout_s)) from None
            raise QueryError(f"query stopped: the process running it ended ({ended}); the "
                             "store is unharmed (narrow the query, or run it again)") from None
        except BaseException:  # Ctrl-C, say: the query must not run on unwatched
            process.stop()
            raise
        _give_back(process)
    finally:
        _busy.release()
    return _outcome(reply, request)


def _outcome(reply: tuple[Any, ...], request: Request) -> QueryResult:
    kind = reply[0]
    if kind == "ok":
        return reply[1]
    if kind == "memory":
        raise QueryError(memory_limit_message(request.limits.memory_mb))
    if kind == "gone":
        from loaders.stores.embedded import StoreGone

        raise StoreGone(reply[1])
    raise QueryError(reply[1], reply[2] if len(reply) > 2 else "")
