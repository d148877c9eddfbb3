"""``serve``: the explorer page on 127.0.0.1, on the data file given."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from typing import Any

from graph.cli.common import data_path
from loaders import bundled

APP = bundled.app_file()  # app.py: the checkout's, or the installed copy's


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("serve", parents=[common], help="start the page on 127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1",
                   help="bind address (default 127.0.0.1, this machine only); any other lets "
                        "whoever reaches it use the page and its console, with no login")
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from loaders import dataset as dataset_loader
    from loaders.stores import embedded
    from loaders.stores.records import StoreError

    if not _loopback(args.address):
        print(f"warning: the page will listen on {args.address}, not on this machine alone: "
              "anyone who can reach it can use the page and its Cypher console, with no login "
              "(see docs/safety.md)", file=sys.stderr)
    data = data_path(args).resolve()
    dataset_loader.load(data)  # refuse to start on a broken file
    try:  # built now, so the page's first query does not wait for it (about 1 s on BLMK)
        embedded.ensure_store(data)
    except StoreError as exc:  # the page still opens; its console says the same line
        print(f"warning: {exc}", file=sys.stderr)
    env = {**os.environ, "ORGS_DATA": str(data)}
    command = [sys.executable, "-m", "streamlit", "run", str(APP),
               "--server.address", args.address, "--server.port", str(args.port),
               "--browser.gatherUsageStats", "false",
               # as .streamlit/config.toml says, which Streamlit reads only when run from the
               # checkout's root
               "--client.toolbarMode", "minimal"]
    if args.headless:
        command += ["--server.headless", "true"]
    os.execve(sys.executable, command, env)  # become Streamlit, so signals reach it directly


def _loopback(address: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False
