"""The installed tool: ``pip install .`` gives an ``orgs-graph`` command that works outside the
checkout, on the area and the page it carries inside the package (``loaders/bundled.py``).

The wheel is built from this checkout and installed, without its dependencies, into a fresh
venv in ``tmp_path``; that venv sees the project venv's site-packages through a ``.pth`` file
(the pinned dependencies, already installed: nothing is downloaded but the build's
setuptools, which pip caches). Every command runs from a folder outside the repository, with
``PYTHONPATH`` unset, so only the installed copy can answer.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BUILD_JUNK = ("build", "orgs_graph.egg-info")  # what an in-tree setuptools build leaves


def _repo_packages() -> dict[str, Path]:
    """Every package under graph/ and loaders/ (a folder with __init__.py) -> its folder."""
    found = {}
    for top in ("graph", "loaders"):
        for init in (ROOT / top).rglob("__init__.py"):
            found[".".join(init.parent.relative_to(ROOT).parts)] = init.parent
    return found


def _repo_static_files() -> list[Path]:
    """The files the packages read at run time that are not Python (JS, CSS, ...)."""
    return sorted(p.relative_to(ROOT) for top in ("graph", "loaders")
                  for p in (ROOT / top).rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)


def test_pyproject_lists_every_package_and_the_runtime_requirements() -> None:
    packages = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert packages == {*_repo_packages(), "graph._bundle"}
    pins = [line.split("#")[0].strip() for line in
            (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    assert sorted(PYPROJECT["project"]["dependencies"]) == sorted(p for p in pins if p)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list, cwd: Path, env: dict[str, str], timeout: float = 300
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _build_wheel(out: Path) -> Path:
    """The checkout's wheel in ``out``; what the build leaves in the checkout is removed."""
    before = {name for name in BUILD_JUNK if (ROOT / name).exists()}
    try:
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
             str(ROOT)], capture_output=True, text=True, timeout=300)
    finally:
        for name in set(BUILD_JUNK) - before:
            shutil.rmtree(ROOT / name, ignore_errors=True)
    assert built.returncode == 0, built.stderr
    (wheel,) = out.glob("orgs_graph-*.whl")
    return wheel


def _venv_with(wheel: Path, venv: Path) -> Path:
    """A fresh venv holding the wheel; its dependencies are the project venv's. Returns its
    site-packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    (site / "project-dependencies.pth").write_text(
        "".join(f"{p}\n" for p in {sysconfig.get_paths()["purelib"],
                                   sysconfig.get_paths()["platlib"]}), encoding="utf-8")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    return site


@pytest.mark.timeout(600)
def test_installed_command_runs_the_bundled_area_and_page_outside_the_checkout(tmp_path) -> None:
    started = time.monotonic()
    wheel = _build_wheel(tmp_path / "wheel")
    venv = tmp_path / "venv"
    site = _venv_with(wheel, venv)
    command = venv / "bin" / "orgs-graph"
    elsewhere = tmp_path / "elsewhere"  # the working folder: not the checkout
    elsewhere.mkdir()
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "ORGS_DATA", "ORGS_CACHE_DIR", "VIRTUAL_ENV",
                        "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(cache), PYTHONNOUSERSITE="1")

    # the installed copy answers, not the checkout; its page and area are inside the package
    probe = _run([venv / "bin" / "python", "-c", """if True:
        import importlib.resources as r, graph, loaders
        from loaders import bundled, dataset
        from graph.cli import serve
        print(graph.__file__, loaders.__file__, bundled.checkout(), dataset.BUNDLED, serve.APP,
              sep="\\n")
        print(r.files("graph.page.component").joinpath("graph.js").read_text(encoding="utf-8"))
        """], elsewhere, env)
    assert probe.returncode == 0, probe.stderr
    graph_init, loaders_init, checkout, data, app, component_js = probe.stdout.split("\n", 5)
    assert Path(graph_init) == site / "graph" / "__init__.py"
    assert Path(loaders_init) == site / "loaders" / "__init__.py"
    assert checkout == "None"
    assert Path(data) == site / "graph" / "_bundle" / "data" / "orgs.yaml"
    assert Path(app) == site / "graph" / "_bundle" / "app.py"
    assert component_js.rstrip("\n") == (ROOT / "graph" / "page" / "component" / "graph.js"
                                         ).read_text(encoding="utf-8").rstrip("\n")
    for module in _repo_packages():  # every package, with every static file it reads
        assert (site / module.replace(".", "/") / "__init__.py").is_file(), module
    for static in _repo_static_files():
        assert (site / static).read_bytes() == (ROOT / static).read_bytes(), static
    assert (site / "graph" / "_bundle" / "app.py").read_bytes() == (ROOT / "app.py").read_bytes()
    assert (site / "graph" / "_bundle" / "data" / "orgs.yaml").read_bytes() == (
        ROOT / "data" / "orgs.yaml").read_bytes()

    helped = _run([command, "--help"], elsewhere, env)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: orgs-graph ")
    from graph.cli.main import build_parser

    subcommands = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert len(subcommands) > 10
    for name in subcommands:
        assert f"    {name} " in helped.stdout or f"    {name}\n" in helped.stdout, name

    # the bundled area, with every source file it cites (--strict: no warning either)
    checked = _run([command, "validate", "--strict"], elsewhere, env)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{data}: valid (")
    assert checked.stderr == ""

    # the installed page script draws the bundled area (no ORGS_DATA: its default), no error
    page = _run([venv / "bin" / "python", "-c", f"""if True:
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({app!r}, default_timeout=240).run()
        assert not at.exception, [e.message for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        print(len(at.dataframe[0].value))
        """], elsewhere, env)
    assert page.returncode == 0, page.stderr
    assert int(page.stdout.split()[-1]) > 0  # organisations listed under the graph

    # the page: Streamlit on the installed app.py and area, answering on 127.0.0.1
    port = _free_port()
    server = subprocess.Popen(
        [str(command), "serve", "--headless", "--port", str(port)], cwd=elsewhere, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    assert answer.status == 200
                    assert b"<html" in answer.read().lower()
                    break
            except OSError:
                assert time.monotonic() < deadline, "the installed page did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5
                                    ) as answer:
            assert answer.read() == b"ok"
        # serve became Streamlit (execve: same process) on the installed script
        argv = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
        assert str(site / "graph" / "_bundle" / "app.py").encode() in argv
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        except ProcessLookupError:
            pass
        server.stderr.close()
    # serve built the area's embedded store in the user's cache, not in the installed package
    assert list((cache / "orgs-graph" / "store").glob("*.lbug"))
    assert not (site / ".cache").exists()
    assert time.monotonic() - started < 600
