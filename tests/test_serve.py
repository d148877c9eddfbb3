"""`python -m graph serve`: the page listens on 127.0.0.1 only, and stops when told to."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from loaders.stores import embedded

ROOT = Path(__file__).parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _other_addresses() -> list[str]:
    """This machine's own non-loopback IPv4 addresses (never another host's), from its
    network interfaces (Linux SIOCGIFADDR)."""
    import fcntl
    import struct

    found = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(probe.fileno(), 0x8915,
                                     struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue  # no IPv4 address on this interface
            found.add(socket.inet_ntoa(packed[20:24]))
    return sorted(a for a in found if not a.startswith("127."))


def test_serve_binds_to_loopback_only_and_stops_on_sigterm(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", "--data", str(MINI), "--port", str(port),
         "--headless"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as answer:
                    assert answer.read() == b"ok"
                    break
            except OSError:
                assert time.monotonic() < deadline, "the page did not start"
                time.sleep(0.3)
        # the store was built before the page opened: the first query does not wait for it
        assert embedded.opens(embedded.store_path(MINI.resolve(), embedded.file_hash(MINI)))
        for address in _other_addresses():
            with pytest.raises(OSError), socket.create_connection((address, port), timeout=2):
                pass
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) is not None  # serve *is* Streamlit: nothing left behind
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        if server.poll() is None:
            server.kill()


def test_serve_refuses_a_broken_file_with_one_line() -> None:
    run = subprocess.run([sys.executable, "-m", "graph", "serve", "--data",
                          str(ROOT / "tests" / "data" / "bad" / "empty.yaml")],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().endswith("empty.yaml:1:1: the file is empty "
                                       "(start with 'format: 1' and the sections of the format)")


@pytest.mark.parametrize("address, warned", [("127.0.0.1", False), ("127.0.0.2", False),
                                             ("::1", False), ("localhost", False),
                                             ("0.0.0.0", True), ("::", True),
                                             ("192.168.1.20", True), ("my-host", True)])
def test_serve_warns_when_the_page_would_listen_beyond_this_machine(address, warned, tmp_path,
                                                                    monkeypatch, capsys):
    from graph.cli import serve
    from graph.cli.main import main

    monkeypatch.setenv("ORGS_CACHE_DIR", str(tmp_path))
    started = []
    monkeypatch.setattr(serve.os, "execve", lambda path, argv, env: started.append(argv))
    assert main(["serve", "--data", str(MINI), "--address", address]) is None
    assert started[0][started[0].index("--server.address") + 1] == address
    warning = (f"warning: the page will listen on {address}, not on this machine alone: anyone "
               "who can reach it can use the page and its Cypher console, with no login (see "
               "docs/safety.md)\n")
    assert capsys.readouterr().err == (warning if warned else "")
