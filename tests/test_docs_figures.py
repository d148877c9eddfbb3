"""The figures docs/exports.md and docs/briefings.md state are what the code and the bundled
data give today: each is read from the doc's text beside the words that name it and compared
with a value computed here, from ``data/orgs.yaml`` by the project's own loader and exporters
(counted as the export tests count them), so a figure that drifts fails a test. A size stated
in kB or MB (10**3 or 10**6 bytes) may be 15% off a freshly made file's. Timings are stated
with the day and the way they were measured, and are not checked here."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from importlib.metadata import version
from pathlib import Path

import networkx as nx
import pytest

from graph.core.temporal import build_graph
from graph.drawing.layout import GHOST_MONTHS
from graph.drawing.scene import scene
from graph.export.cytoscape import CYTOSCAPE_JS
from graph.export.film import (
    CARD_SECONDS,
    FADE_SECONDS,
    FPS_RANGE,
    HOLD_SECONDS,
    WIDTH_RANGE,
    make_film_request,
    plan,
)
from graph.export.film_sheet import layout
from graph.export.history import change_days
from graph.export.image import MAX_SCALE, MIN_PT
from graph.export.options import DPI_RANGE, SIZES
from graph.export.snapshot import SnapshotError, render_snapshot
from loaders.dataset import default_path, load

ROOT = Path(__file__).resolve().parent.parent
EVERYTHING = 10**9  # no grouping by kind, as the exports hold them
SIZE_TOLERANCE = 0.15


def doc(name: str) -> str:
    """The page's text with every run of white space one space (so a phrase may wrap)."""
    return " ".join((ROOT / "docs" / name).read_text(encoding="utf-8").split())


def stated(name: str, pattern: str) -> list:
    """Every match of ``pattern`` in the page (its groups); at least one."""
    found = re.findall(pattern, doc(name))
    assert found, f"docs/{name} no longer says {pattern!r}: update the test with the doc"
    return found


def one(name: str, pattern: str):
    found = stated(name, pattern)
    assert len(found) == 1, (name, pattern, found)
    return found[0]


def table_row(name: str, first_cell: str) -> str:
    rows = [line for line in (ROOT / "docs" / name).read_text(encoding="utf-8").splitlines()
            if line.startswith(f"| {first_cell} |")]
    assert len(rows) == 1, (name, first_cell)
    return rows[0]


def near(stated_bytes: float, actual_bytes: int) -> bool:
    return abs(stated_bytes / actual_bytes - 1) <= SIZE_TOLERANCE


@pytest.fixture(scope="module")
def bundled() -> nx.MultiDiGraph:
    return build_graph(load(default_path()))


# -- docs/exports.md -------------------------------------------------------------------------

def test_exports_md_gives_the_whole_historys_nodes_edges_and_size(bundled, tmp_path):
    path = tmp_path / "blmk.gexf"
    path.write_bytes(render_snapshot(bundled, "gexf", "2021-06-01"))
    read = nx.read_gexf(path)  # as tests/test_exports_clients.py reads it
    nodes, edges = read.number_of_nodes(), read.number_of_edges()
    relationships = len(bundled.graph["dataset"].relationships)
    assert edges == relationships

    n, e, kb = one("exports.md", r"-o blmk\.gexf # (\d+) nodes, (\d+) edges, (\d+) kB")
    assert (int(n), int(e)) == (nodes, edges)
    assert near(int(kb) * 1000, path.stat().st_size), (kb, path.stat().st_size)
    assert one("exports.md", r"networkx reads the file too \((\d+) nodes, (\d+) edges") == (
        str(nodes), str(edges))
    assert one("exports.md", r"all (\d+) relationships as (\d+) edges") == (
        str(relationships), str(edges))
    history = re.findall(r"\d+", table_row("exports.md", "edges in the whole history"))
    assert history[:2] == [str(relationships), str(edges)]  # the page's, Gephi's (then: before)


@pytest.mark.parametrize("day, words", [("2014-06-01", "1 June 2014"),
                                        ("2021-06-01", "1 June 2021")])
def test_exports_md_gives_the_pages_nodes_and_edges_on_both_days(bundled, day, words):
    view = scene(bundled, day, max_nodes=EVERYTHING)
    counts = (str(len(view.nodes)), str(len(view.edges)))
    # the page, Gephi, networkx / igraph and Cytoscape.js columns: the same two numbers
    row = re.findall(r"(\d+) / (\d+)", table_row("exports.md", f"nodes / edges on {words}"))
    assert row == [counts] * 4

    cyjs = json.loads(render_snapshot(bundled, "cytoscape", day))["elements"]
    assert (str(len(cyjs["nodes"])), str(len(cyjs["edges"]))) == counts
    graphml = nx.parse_graphml(render_snapshot(bundled, "graphml", day), force_multigraph=True)
    assert (str(graphml.number_of_nodes()), str(graphml.number_of_edges())) == counts
    if day == "2021-06-01":  # the commands' comments and the Cytoscape section
        for extension in ("graphml", "cyjs"):
            assert one("exports.md", rf"-o blmk\.{extension} # (\d+) nodes, (\d+) edges") == (
                counts)
        assert one("exports.md", r"nodes and edges \((\d+) and (\d+) on 1 June 2021\)") == (
            counts)
        colour = next(n["data"]["colour"] for n in cyjs["nodes"]
                      if n["data"]["id"] == "blmk-ccg")
        assert one("exports.md", r'"id": "blmk-ccg",.*?"colour": "(#[0-9a-f]{6})"') == colour


def test_exports_md_counts_the_days_and_the_people_gephi_is_checked_on(bundled):
    # the days and people as tests/test_exports_gephi.py's fixtures and test count them
    changes = change_days(bundled)
    days = {dt.date(2014, 6, 1), dt.date(2021, 6, 1)}
    for day in changes:
        days.update({day, day - dt.timedelta(days=1)})
    dataset = bundled.graph["dataset"]
    people = {o.id for o in dataset.organisations.values() if dataset.kinds[o.kind].while_related}

    assert one("exports.md", r"each of (\d+) days \(the (\d+) on which the bundled picture") == (
        str(len(days)), str(len(changes)))
    assert one("exports.md", r"on any of those (\d+) days") == str(len(days))
    assert one("exports.md", r"every person \((\d+) in the bundled file\)") == str(len(people))
    assert one("exports.md", r"for the bundled area \((\d+) change days\)") == str(len(changes))


def test_exports_md_gives_the_grant_and_the_faded_months(bundled):
    grant = next(r for r in bundled.graph["dataset"].relationships
                 if r.id == "monitor|FUNDS|healthcare-review|1")
    assert float(one("exports.md", r"\(`funds`, £([\d.]+)m;")) * 1e6 == grant.amount_gbp
    assert one("exports.md", r"stays alive for the (\d+) months the page shows it faded") == str(
        GHOST_MONTHS)


def test_exports_md_names_the_versions_the_tests_use():
    text = doc("exports.md")
    build = (ROOT / "scripts" / "gephi-probe" / "build").read_text(encoding="utf-8")
    gephi = re.search(r"^ARTIFACT=org\.gephi:gephi-toolkit:([\d.]+):", build, re.M).group(1)
    npm = json.loads((ROOT / "tests" / "js" / "package.json").read_text(encoding="utf-8"))
    expected = {"Gephi Toolkit": gephi, "Gephi": gephi, "networkx": version("networkx"),
                "igraph": version("igraph"), "cytoscape": npm["dependencies"]["cytoscape"]}
    for tool, exact in expected.items():
        named = re.findall(rf"\b{tool} (\d+\.\d+(?:\.\d+)?)\b", text)
        assert named, tool
        # "igraph 1.0" of igraph 1.0.0 is the same version, less precisely
        assert all(exact == v or exact.startswith(f"{v}.") for v in named), (tool, named, exact)
    assert one("exports.md", r'"target_cytoscapejs_version": "~([\d.]+)"') == CYTOSCAPE_JS


# -- docs/briefings.md -----------------------------------------------------------------------

def test_briefings_md_gives_the_html_snapshots_size(bundled):
    base, blmk = one("briefings.md", r"\(~([\d.]+) MB plus the data; BLMK ≈ ([\d.]+) MB\)")
    fresh = len(render_snapshot(bundled, "html", "2021-04-01"))  # `-o blmk.html`, as shown
    assert near(float(blmk) * 1e6, fresh), (blmk, fresh)
    mini = build_graph(load(ROOT / "tests" / "data" / "mini.yaml"))  # nearly no data
    bare = len(render_snapshot(mini, "html", "2022-06-01"))
    assert near(float(base) * 1e6, bare), (base, bare)


def test_briefings_md_quotes_the_pictures_source_numbers_and_an_error(bundled):
    svg = render_snapshot(bundled, "svg", "2021-04-01").decode("utf-8")
    box = one("briefings.md", r"\(`(Monitor \[[\d,–]+\])`\)")
    legend = one("briefings.md", r"\(`(oversees \[[\d,–]+),…\]`; both on 1 April 2021\)")
    assert f">{box}<" in svg
    assert f">{legend}," in svg  # the legend line's numbers start so

    message = one("briefings.md", r"`error: ('\S+' does not exist on [^`]+)`")
    focus, day = re.match(r"'(\S+)' does not exist on (\d+ \w+ \d{4})", message).groups()
    with pytest.raises(SnapshotError) as error:
        render_snapshot(bundled, "json", dt.datetime.strptime(day, "%d %B %Y").date().isoformat(),
                        focus=focus)
    assert str(error.value) == message


def test_briefings_md_counts_the_blmk_films_days_sources_and_frames(bundled):
    film = plan(bundled, make_film_request(bundled, "mp4", "2013-04-01", "2022-08-01"))
    cards = len(layout(film).cards)
    beats = film.beats(cards)
    # a video repeats a picture for its frames; a GIF holds it (tests/test_film.py reads both)
    video, gif = sum(b.frames for b in beats), len(beats)
    assert one("briefings.md", r"\((\d+) days, (\d+) sources on (\d+) cards") == (
        str(len(film.shots)), str(len(film.sources)), str(cards))
    assert one("briefings.md", r"an MP4 of (\d+) frames, a WebM of the same (\d+) and a GIF "
                               r"of (\d+)\.") == (str(video), str(video), str(gif))
    assert one("briefings.md", r"-o blmk\.mp4 # A4 landscape, (\d+)×(\d+)") == (
        str(film.request.width), str(film.request.height))


def test_briefings_md_gives_the_options_ranges_and_defaults():
    dpi_default = inspect.signature(render_snapshot).parameters["dpi"].default
    film = inspect.signature(make_film_request).parameters
    assert one("briefings.md", r"PNG at (\d+) dpi") == str(dpi_default)
    assert one("briefings.md", r"PNG resolution, (\d+)–(\d+) \(default (\d+)\)") == (
        str(DPI_RANGE[0]), str(DPI_RANGE[1]), str(dpi_default))
    for size, pattern in (("a4", r"`a4` \(landscape, ([\d.]+)×([\d.]+) mm"),
                          ("slide", r"`slide` \(16:9, ([\d.]+)×([\d.]+) mm\)")):
        width, height = one("briefings.md", pattern)
        assert (float(width), float(height)) == SIZES[size][:2]
    assert one("briefings.md", r"Every piece of text is (\d+) pt or more") == f"{MIN_PT:g}"
    assert one("briefings.md", r"enlarged, up to ([\d.]+) times") == f"{MAX_SCALE:g}"
    assert stated("briefings.md", r"ended in the last (\d+) months") == [str(GHOST_MONTHS)] * 2
    assert one("briefings.md", r"Each day is held ([\d.]+) s; before a day whose picture "
                               r"changed, a ([\d.]+) s dissolve") == (
        f"{HOLD_SECONDS:g}", f"{FADE_SECONDS:g}")
    assert one("briefings.md", r"closing cards \((\d+) s each\)") == f"{CARD_SECONDS:g}"
    assert one("briefings.md", r"width in pixels, (\d+)–(\d+) \(default (\d+);") == (
        str(WIDTH_RANGE[0]), str(WIDTH_RANGE[1]), str(film["width"].default))
    assert one("briefings.md", r"frames per second, (\d+)–(\d+) \(default (\d+)\)") == (
        str(FPS_RANGE[0]), str(FPS_RANGE[1]), str(film["fps"].default))
    drawing_tests = (ROOT / "tests" / "test_drawing.py").read_text(encoding="utf-8")
    synthetic = re.search(r"^SYNTHETIC_SIZE = (\d+)", drawing_tests, re.M).group(1)
    assert one("briefings.md", r"a synthetic area of (\d+) organisations") == synthetic
