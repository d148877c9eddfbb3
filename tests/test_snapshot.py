"""Snapshots: every format opened with an independent reader, on real files."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from graph.core.temporal import build_graph
from graph.export.request import SnapshotError
from graph.export.snapshot import FORMATS, file_name, render_snapshot
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MINI = DATA / "mini.yaml"
HOSTILE = DATA / "hostile.yaml"
GEXF_RNG = Path(__file__).parent / "data" / "gexf-schema" / "1.3" / "gexf.rng"
GEXF = "{http://gexf.net/1.3}"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def mini() -> nx.MultiDiGraph:
    return build_graph(load(MINI))


@pytest.fixture(scope="module")
def gexf_schema() -> etree.RelaxNG:
    """The official GEXF 1.3 grammar (its published XSD does not compile: see the README)."""
    return etree.RelaxNG(etree.parse(str(GEXF_RNG)))


def valid_gexf(schema: etree.RelaxNG, gexf: bytes) -> None:
    assert schema.validate(etree.fromstring(gexf)), schema.error_log


def snapshot_json(graph, date, **options) -> dict:
    return json.loads(render_snapshot(graph, "json", date, **options))


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def png_chunks(png: bytes) -> dict[bytes, bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        body = png[offset + 8:offset + 8 + length]
        crc = struct.unpack(">I", png[offset + 8 + length:offset + 12 + length])[0]
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.setdefault(kind, body)
        offset += 12 + length
    return chunks


# -- SVG and PNG ---------------------------------------------------------------------------

def svg_text_sizes(svg: bytes) -> list[tuple[str, float]]:
    """(text, font size in points) of every text element: the sheet's viewBox is in points
    and matplotlib writes each size in user units, with no scaling transform."""
    root = ET.fromstring(svg)
    found = []
    for element in root.iter(f"{SVG_NS}text"):
        style = element.get("style", "")
        size = float(re.search(r"font-size: ([0-9.]+)px", style).group(1))
        assert "scale" not in (element.get("transform") or "")
        found.append(("".join(element.itertext()), size))
    return found


def test_svg_parses_and_carries_caption_hash_and_numbered_sources(mini):
    svg = render_snapshot(mini, "svg", "2021-04-01")
    texts = svg_texts(svg)
    assert "Testshire: as at 1 April 2021" in texts
    caption = next(t for t in texts if "content hash" in t)
    assert mini.graph["dataset"].content_hash in caption
    sources = next(t for t in texts if t.startswith("Sources:"))
    # only the two sources behind what is drawn, each referenced from what it supports
    assert sources == "Sources:   1. Article A. Testshire News, March 2014.   2. Article B. 2020."
    assert "All Testshire CCG [2]" in texts  # labels stay searchable text, with their sources
    assert "Testshire Hospitals Trust [1]" in " ".join(texts)
    assert {"Regulator", "Clinical commissioning group", "merged into [2]",
            "commissions [2]"} <= set(texts)  # the legend, each type with its sources


def test_the_bundled_view_is_one_a4_landscape_sheet_with_no_text_under_7_pt(tmp_path):
    """The README's picture: python -m graph snapshot --date 2021-04-01 --format svg."""
    out = tmp_path / "x.svg"
    result = subprocess.run([sys.executable, "-m", "graph", "snapshot", "--date", "2021-04-01",
                             "--format", "svg", "-o", str(out)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(out.read_bytes())
    assert (root.get("width"), root.get("height")) == ("841.889764pt", "595.275591pt")  # 297x210mm
    sizes = svg_text_sizes(out.read_bytes())
    assert min(size for _, size in sizes) >= 7.0
    texts = [text for text, _ in sizes]
    assert "Chief Executive" in texts  # job titles are on the picture, as text
    assert any("Sarah Whiteman" in t for t in texts)
    assert not any(t.startswith("Jonathan Guppy") for t in texts)  # no role that day: not drawn
    data = json.loads(render_snapshot(build_graph(load(ROOT / "data" / "orgs.yaml")), "json",
                                      "2021-04-01"))
    # 107 sources do not fit beside the picture: never cut to stubs, they are pointed to whole
    assert len(data["sources"]) == 107
    pointer = [t for t in texts if "are listed in full" in t]
    assert len(pointer) == 1 and "the 107 of this view are listed in full" in pointer[0]
    assert "on the second page of its PDF (--format pdf)" in pointer[0] and "…" not in pointer[0]
    assert not any(t.startswith("Sources:") for t in texts)  # no list cut short


def test_every_named_stop_of_the_bundled_area_goes_on_one_a4_sheet_with_text_of_7_pt():
    """The whole area at each of the 15 named stops, at the default size (A4 landscape)."""
    graph = build_graph(load(ROOT / "data" / "orgs.yaml"))
    days = [s.date.start for s in graph.graph["dataset"].snapshots]
    assert len(days) == 15
    for day in days:
        svg = render_snapshot(graph, "svg", day)
        assert min(size for _, size in svg_text_sizes(svg)) >= 7.0, day
        texts = [text for text, _ in svg_text_sizes(svg)]
        assert not any(t.startswith("Sources:") and "…" in t for t in texts), day
        png = render_snapshot(graph, "png", day, dpi=60)
        assert png[:8] == b"\x89PNG\r\n\x1a\n", day


@pytest.mark.parametrize(("size", "width", "height"), [
    ("a4-portrait", "595.275591pt", "841.889764pt"), ("slide", "960.094488pt", "540pt")])
def test_other_sheet_sizes(mini, size, width, height):
    svg = render_snapshot(mini, "svg", "2021-04-01", size=size)
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == (width, height)
    assert min(size for _, size in svg_text_sizes(svg)) >= 7.0


def test_a_view_too_large_for_one_sheet_says_so_and_suggests_a_focus(tmp_path):
    sys.path.insert(0, str(ROOT))
    from bench.make_area import make_area

    area = tmp_path / "big.yaml"  # about 100 organisations alive at once (300 drew 205)
    area.write_text(make_area(150, seed=3), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "graph", "snapshot", str(area), "--date",
                             "2024-04-01", "-o", str(tmp_path / "x.png")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("error: this view is too large for one A4 landscape page")
    assert "--focus ID --depth 1" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_names_are_literal_text_in_svg_and_png_never_maths(tmp_path):
    hostile = tmp_path / "maths.yaml"
    hostile.write_text(MINI.read_text(encoding="utf-8").replace(
        "name: All Testshire CCG", r"name: 'Costs $\notacmd$ and $x^2$ CCG'"), encoding="utf-8")
    graph = build_graph(load(hostile))
    texts = " ".join(svg_texts(render_snapshot(graph, "svg", "2021-04-01")))
    assert r"Costs $\notacmd$ and $x^2$ CCG" in texts
    assert png_chunks(render_snapshot(graph, "png", "2021-04-01"))[b"IHDR"]


def test_a_colour_that_skipped_validation_cannot_reach_a_renderer(mini):
    from dataclasses import replace

    graph = build_graph(load(MINI))
    kinds = graph.graph["dataset"].kinds
    kinds["CCG"] = replace(kinds["CCG"], colour="url(https://colour.invalid/x)")
    svg = render_snapshot(graph, "svg", "2021-04-01")
    assert b"colour.invalid" not in svg and b"#999999" in svg  # the fallback grey
    assert png_chunks(render_snapshot(graph, "png", "2021-04-01"))[b"IHDR"]
    assert b"colour.invalid" not in render_snapshot(graph, "html", "2021-04-01")


def test_svg_is_byte_identical_between_runs(mini):
    first = render_snapshot(mini, "svg", "2016-06-01", diff_from="2014-01-01")
    assert first == render_snapshot(mini, "svg", "2016-06-01", diff_from="2014-01-01")
    assert b"<dc:date>" not in first


def test_svg_diff_has_state_legend_and_former_name(mini):
    texts = svg_texts(render_snapshot(mini, "svg", "2016-06-01", diff_from="2014-01-01"))
    assert "changes since 1 January 2014 marked" in texts
    assert {"added since 1 January 2014", "ended since 1 January 2014",
            "renamed since 1 January 2014 (✎)"} <= set(texts)
    renamed = " ".join(texts)
    assert "✎ Testshire Hospitals Trust [" in renamed
    assert "(formerly Testshire General Hospital Trust)" in renamed.replace("\n", " ")


def test_png_has_magic_bytes_and_the_asked_dpi(mini):
    low = png_chunks(render_snapshot(mini, "png", "2021-04-01", dpi=100))
    high = png_chunks(render_snapshot(mini, "png", "2021-04-01", dpi=300))
    per_metre_x, per_metre_y, unit = struct.unpack(">IIB", high[b"pHYs"])
    assert unit == 1 and per_metre_x == per_metre_y == round(300 / 0.0254)
    width_low = struct.unpack(">I", low[b"IHDR"][:4])[0]
    width_high = struct.unpack(">I", high[b"IHDR"][:4])[0]
    assert width_high == pytest.approx(3 * width_low, abs=3)


def test_png_default_is_print_resolution(mini):
    chunks = png_chunks(render_snapshot(mini, "png", "2021-04-01"))
    assert struct.unpack(">I", chunks[b"pHYs"][:4])[0] == round(200 / 0.0254)


def test_image_of_empty_selection_says_so(mini):
    texts = svg_texts(render_snapshot(mini, "svg", "2012-01-01"))
    assert "Nothing in force on this date for this selection." in texts
    assert "Sources: none cited by what is drawn." in texts


# -- JSON, GraphML, GEXF -------------------------------------------------------------------

def test_json_holds_view_sources_and_provenance(mini):
    data = snapshot_json(mini, "2021-04-01")
    assert data["area"] == "Testshire" and data["as_at"] == "2021-04-01"
    assert data["content_hash"] == mini.graph["dataset"].content_hash
    states = {n["id"]: n["state"] for n in data["nodes"]}
    assert states == {"reg-new": "current", "ccg-all": "current", "hospital": "current",
                      "ccg-north": "ghost", "ccg-south": "ghost"}
    assert data["sources"][0] == {"number": 1, "id": "src-a", "title": "Article A",
                                  "publisher": "Testshire News", "published": "March 2014",
                                  "url": "https://example.org/a"}


def test_every_data_format_marks_the_diff(mini, tmp_path):
    options = {"diff_from": "2020-01-01"}
    data = snapshot_json(mini, "2021-04-01", **options)
    expected = {"ccg-all": "added", "ccg-north": "ended", "ccg-south": "ended"}
    assert {n["id"]: n["state"] for n in data["nodes"] if n["state"] != "current"} == expected
    (tmp_path / "s.graphml").write_bytes(render_snapshot(mini, "graphml", "2021-04-01", **options))
    graphml = nx.read_graphml(tmp_path / "s.graphml")
    assert {i: a["state"] for i, a in graphml.nodes(data=True) if a["state"] != "current"} == expected
    (tmp_path / "s.gexf").write_bytes(render_snapshot(mini, "gexf", "2021-04-01", **options))
    gexf = nx.read_gexf(tmp_path / "s.gexf")
    assert {i: a["state"] for i, a in gexf.nodes(data=True)
            if a["state"] not in ("current", "absent")} == expected


def test_renamed_is_marked_with_the_old_name(mini):
    data = snapshot_json(mini, "2015-06-01", diff_from="2014-06-01")
    hospital = next(n for n in data["nodes"] if n["id"] == "hospital")
    assert hospital["state"] == "renamed"
    assert hospital["renamed_from"] == "Testshire General Hospital Trust"
    assert hospital["name"] == "Testshire Hospitals Trust"


@pytest.mark.parametrize("options", [{}, {"focus": "99X"}, {"diff_from": "2016-01-01"},
                                     {"kinds": ["CCG"], "types": ["MERGED_INTO"]}])
def test_graphml_has_the_same_nodes_and_edges_as_the_json(mini, tmp_path, options):
    data = snapshot_json(mini, "2021-04-01", **options)
    path = tmp_path / "s.graphml"
    path.write_bytes(render_snapshot(mini, "graphml", "2021-04-01", **options))
    graphml = nx.read_graphml(path, force_multigraph=True)
    assert set(graphml.nodes) == {n["id"] for n in data["nodes"]}
    assert graphml.number_of_edges() == len(data["edges"])
    assert {k for _, _, k in graphml.edges(keys=True)} == {e["id"] for e in data["edges"]}
    assert graphml.graph["content_hash"] == data["content_hash"]
    first = data["nodes"][0]
    assert graphml.nodes[first["id"]]["kind_label"] == first["kind_label"]


def spells(element: ET.Element) -> list[tuple[str | None, str | None]]:
    """A GEXF node's or edge's intervals, read from its ``start``/``end`` or its spells."""
    found = [(s.get("start"), s.get("end")) for s in element.iter(f"{GEXF}spell")]
    return found or [(element.get("start"), element.get("end"))]


def test_gexf_is_valid_dynamic_and_covers_all_of_time(mini, gexf_schema, tmp_path):
    gexf = render_snapshot(mini, "gexf", "2021-04-01")
    valid_gexf(gexf_schema, gexf)
    root = ET.fromstring(gexf)
    graph_element = root.find(f"{GEXF}graph")
    assert graph_element.get("mode") == "dynamic" and graph_element.get("timeformat") == "date"
    dataset = mini.graph["dataset"]
    nodes = {n.get("id"): n for n in root.iter(f"{GEXF}node")}
    assert set(nodes) == set(dataset.organisations)  # all of time, not the date
    assert {e.get("id") for e in root.iter(f"{GEXF}edge")} == {r.id for r in dataset.relationships}
    # drawn while it exists, then for 12 months as "ended recently" beside its successor
    assert spells(nodes["ccg-north"]) == [("2013-04-01", "2022-03-31")]
    drawn_as = [(v.get("value"), v.get("start"), v.get("end"))
                for v in nodes["ccg-north"].iter(f"{GEXF}attvalue") if v.get("for") == "drawn_as"]
    assert drawn_as == [("current", "2013-04-01", "2021-03-31"),
                        ("ghost", "2021-04-01", "2022-03-31")]
    path = tmp_path / "s.gexf"
    path.write_bytes(gexf)
    read = nx.read_gexf(path)
    assert read.nodes["ccg-north"]["valid_to"] == "2021-04-01"  # the YAML's end, as written
    edge = read.edges["ccg-north", "ccg-all"]
    assert edge["relationship"] == "MERGED_INTO" and edge["label"] == "merged into"


def test_gexf_focus_keeps_what_the_focused_page_draws_over_all_time(mini, gexf_schema):
    gexf = render_snapshot(mini, "gexf", "2021-04-01", focus="ccg-all", depth=1,
                           diff_from="2020-01-01")
    valid_gexf(gexf_schema, gexf)
    drawn = {n.get("id") for n in ET.fromstring(gexf).iter(f"{GEXF}node")}
    # ccg-all and, while it exists, its neighbours and the CCGs merged into it; not the ICB
    # that took over from it (the focused page draws nothing once ccg-all has ended)
    assert drawn == {"ccg-all", "ccg-north", "ccg-south", "hospital"}


def alive(element: ET.Element, day: dt.date) -> bool:
    return any((start is None or dt.date.fromisoformat(start) <= day)
               and (end is None or day <= dt.date.fromisoformat(end))
               for start, end in spells(element))


@settings(max_examples=40, deadline=None)
@given(day=st.dates(dt.date(2012, 1, 1), dt.date(2024, 12, 31)))
def test_gexf_intervals_agree_with_the_view_on_any_day(day):
    graph = build_graph(load(MINI))
    data = snapshot_json(graph, day.isoformat())
    root = ET.fromstring(render_snapshot(graph, "gexf", "2020-01-01"))
    nodes = {n.get("id") for n in root.iter(f"{GEXF}node") if alive(n, day)}
    edges = {e.get("id") for e in root.iter(f"{GEXF}edge") if alive(e, day)}
    assert nodes == {n["id"] for n in data["nodes"]}
    assert edges == {e["id"] for e in data["edges"]}


# -- HTML ----------------------------------------------------------------------------------

class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href", "srcset", "data") and v]


def test_html_loads_nothing_from_the_network(mini):
    page = render_snapshot(mini, "html", "2021-04-01").decode("utf-8")
    parser = _Resources()
    parser.feed(page)
    assert parser.urls == []
    assert set(re.findall(r"url\(\s*['\"]?([a-z]+):", page)) <= {"data"}
    assert "default-src 'none'" in page  # the CSP forbids requests even if one slipped in
    assert "vis.Network" in page and "<input type=\"range\"" in page


def test_html_embeds_every_stop_and_dedupes_frames(mini):
    page = render_snapshot(mini, "html", "2021-04-01").decode("utf-8")
    blob = re.search(r'<script type="application/json" id="snapshot-data">(.*?)</script>',
                     page, re.S).group(1)
    data = json.loads(blob)
    dates = [s["date"] for s in data["stops"]]
    assert dates[0] == "2013-04-01" and dates[-1] == "2022-07-01"
    assert len(dates) == len(set(dates)) == 112  # April 2013 to July 2022, monthly
    assert data["stops"][data["start"]]["date"] == "2021-04-01"
    assert data["stops"][data["start"]]["title"] == "One CCG"
    assert len(data["frames"]) < 20  # most months look like the one before
    assert data["sources"]["src-a"]["title"] == "Article A"


def test_hostile_text_cannot_close_the_script_or_add_markup():
    graph = build_graph(load(HOSTILE))
    page = render_snapshot(graph, "html", "2019-06-01").decode("utf-8")
    parser = _Resources()
    parser.feed(page)
    assert "img" not in parser.tags and "svg" not in parser.tags and "b" not in parser.tags
    assert parser.tags.count("script") == 3  # vis-network, the data, the page's own
    assert page.count("</script>") == 3
    assert "<title>Hostile &lt;/script&gt;&lt;script&gt;alert(&#x27;area&#x27;)" in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page


@pytest.mark.parametrize("fmt", ["svg", "json", "graphml", "gexf", "cytoscape"])
def test_hostile_text_is_escaped_in_every_xml_and_json_format(fmt):
    graph = build_graph(load(HOSTILE))
    content = render_snapshot(graph, fmt, "2019-06-01")
    if fmt == "json":
        names = {n["name"] for n in json.loads(content)["nodes"]}
    elif fmt == "cytoscape":
        names = {n["data"]["name"] for n in json.loads(content)["elements"]["nodes"]}
    elif fmt == "svg":  # long words are wrapped onto several lines of text
        assert "</script><script>alert(1)</script>" in "".join(svg_texts(content))
        assert "<img src=x onerror=alert(1)>" in " ".join(svg_texts(content))
        return
    else:
        root = ET.fromstring(content)  # parses: nothing broke the XML
        names = {"".join(e.itertext()) for e in root.iter() if e.text} | {
            v for e in root.iter() for v in e.attrib.values()}
    assert "</script><script>alert(1)</script>" in names
    assert "<img src=x onerror=alert(1)>" in names


# -- the public surface ------------------------------------------------------------------

def test_mime_types_extensions_and_download_names(mini):
    assert FORMATS["svg"][0] == "image/svg+xml" and FORMATS["png"][1] == ".png"
    assert {extension for _, extension in FORMATS.values()} == {
        ".svg", ".png", ".pdf", ".html", ".json", ".gexf", ".graphml", ".cyjs"}
    assert file_name(mini, "svg", "2021-04", focus="ccg-all") == "testshire-2021-04-01-ccg-all.svg"
    assert file_name(mini, "gexf", "2021-04-01", diff_from="2020") == (
        "testshire-2020-01-01-to-2021-04-01.gexf")


@pytest.mark.parametrize(("options", "message"), [
    ({"fmt": "docx"}, "unknown snapshot format 'docx'"),
    ({"date": "2021-02-30"}, "is not a real date"),
    ({"focus": "nowhere"}, "no organisation with id or ODS code 'nowhere'"),
    ({"focus": "icb", "date": "2014-01-01"}, "'icb' does not exist on 1 January 2014"),
    ({"kinds": ["CCG", "Ghost"]}, "unknown kind 'Ghost'"),
    ({"types": ["LIKES"]}, "unknown relationship type 'LIKES'"),
    ({"dpi": 5}, "dpi must be a whole number from 30 to 1200"),
    ({"depth": -1}, "depth must be a whole number 0 or more"),
])
def test_bad_options_raise_one_clear_error(mini, options, message):
    fmt = options.pop("fmt", "json")
    date = options.pop("date", "2021-04-01")
    with pytest.raises(SnapshotError, match=re.escape(message)):
        render_snapshot(mini, fmt, date, **options)


def test_focus_by_ods_code_and_depth_zero(mini):
    data = snapshot_json(mini, "2021-04-01", focus="99x", depth=0)
    assert data["focus"] == "ccg-all"
    # depth 0: the organisation itself and the ghosts of what merged into it
    assert {n["id"] for n in data["nodes"]} == {"ccg-all", "ccg-north", "ccg-south"}


# -- the CLI -------------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", "snapshot", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_writes_every_format_for_a_date_a_focus_and_a_diff(tmp_path):
    for fmt in FORMATS:
        out = tmp_path / f"snap{FORMATS[fmt][1]}"
        result = run_cli("--data", str(MINI), "--date", "2021-04-01", "--focus", "ccg-all",
                         "--depth", "1", "--diff-from", "2020-01-01", "-o", str(out),
                         "--dpi", "120")
        assert result.returncode == 0, result.stderr
        assert result.stderr.startswith(f"wrote {out} ({fmt}, ")
        assert out.stat().st_size > 500
    data = json.loads((tmp_path / "snap.json").read_text())
    assert data["focus"] == "ccg-all" and data["diff_from"] == "2020-01-01"
    png = png_chunks((tmp_path / "snap.png").read_bytes())
    assert struct.unpack(">I", png[b"pHYs"][:4])[0] == round(120 / 0.0254)


def test_cli_positional_file_format_flag_and_stdout():
    result = subprocess.run([sys.executable, "-m", "graph", "snapshot", str(MINI), "--date",
                             "2016-04", "--format", "json", "-o", "-"],
                            cwd=ROOT, capture_output=True, timeout=120)
    assert result.returncode == 0
    assert json.loads(result.stdout)["as_at"] == "2016-04-01"


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "2021-13-01", "-o", "x.svg"], "error: date: '2021-13-01' is not a real date"),
    (["--date", "2021-04", "-o", "x.txt"], "error: cannot tell the format from 'x.txt'"),
    (["--date", "2021-04", "--focus", "nope", "-o", "x.svg"], "error: no organisation"),
    (["--date", "2021-04", "--kinds", "CCG,Foo", "-o", "x.svg"], "error: unknown kind 'Foo'"),
    (["--date", "2021-04", "-o", "/no/such/folder/x.svg"], "error: cannot write"),
])
def test_cli_bad_input_is_one_line_and_exit_2(args, message):
    result = run_cli("--data", str(MINI), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr
    assert "Traceback" not in result.stderr


def test_cli_invalid_yaml_prints_file_line_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\narea: {name: X}\nsources: []\nkinds: {}\n"
                   "relationship_types: {}\norganisations:\n  - {id: a, name: A, kind: Nope}\n"
                   "relationships: []\n")
    result = run_cli(str(bad), "--date", "2021", "-o", str(tmp_path / "x.svg"))
    assert result.returncode == 2
    assert re.match(rf"{re.escape(str(bad))}:7:\d+: ", result.stderr)
    assert "Traceback" not in result.stderr


def test_the_readme_image_is_what_the_tool_makes_from_the_bundled_data():
    """A sync check, and only that: docs/blmk-2021-04-01.svg is what the tool makes today (if
    this fails, run python -m graph snapshot --date 2021-04-01 -o docs/blmk-2021-04-01.svg).
    That the picture is right is proved on the same view by
    ``test_the_bundled_view_is_one_a4_landscape_sheet_with_no_text_under_7_pt`` (its sheet,
    sizes, people and sources) and by tests/test_drawing.py (tiers, routes, crossings)."""
    root = Path(__file__).resolve().parent.parent
    graph = build_graph(load(root / "data" / "orgs.yaml"))
    made = render_snapshot(graph, "svg", "2021-04-01")
    assert made == (root / "docs" / "blmk-2021-04-01.svg").read_bytes()


def test_the_pdf_is_the_sheet_then_every_source_in_full_as_the_picture_numbers_them():
    """Read back with pypdf, as a reader's PDF tool would: page 1 the A4 picture, which says
    where the sources are; then each of the view's sources, numbered, with its title whole."""
    import io

    from pypdf import PdfReader

    graph = build_graph(load(ROOT / "data" / "orgs.yaml"))
    made = render_snapshot(graph, "pdf", "2023-04-01")
    assert made == render_snapshot(graph, "pdf", "2023-04-01")  # the same bytes every run
    reader = PdfReader(io.BytesIO(made))
    assert len(reader.pages) >= 2
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [842, 595]  # A4 landscape
    first = " ".join(reader.pages[0].extract_text().split())
    assert "listed in full (publisher, title, date, link) on the next page of this PDF" in first
    rest = " ".join(" ".join(page.extract_text() for page in reader.pages[1:]).split())
    data = json.loads(render_snapshot(graph, "json", "2023-04-01"))
    assert len(data["sources"]) == 114
    for source in data["sources"]:
        assert f"{source['number']}. {' '.join(source['title'].split())}" in rest, source


def test_a_pdf_whose_sources_fit_the_sheet_is_one_page(mini):
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render_snapshot(mini, "pdf", "2021-04-01")))
    assert len(reader.pages) == 1
    assert "Sources: 1. Article A." in " ".join(reader.pages[0].extract_text().split())


def test_the_gexf_places_boxes_as_the_drawing_does_without_routing_a_line(monkeypatch):
    """A GEXF needs only places: the whole history's boxes are placed exactly where the
    page's drawing puts them, and Graphviz's router (cubic in the boxes: a 1,000-organisation
    history ran into its 120 s limit) is never asked."""
    import dataclasses

    from graph.drawing import engine, geometry
    from graph.drawing.picture import compute_drawing, compute_places
    from graph.drawing.scene import scene

    graph = build_graph(load(ROOT / "data" / "orgs.yaml"))
    view = scene(graph, dt.date(2021, 6, 1))
    everything = dataclasses.replace(view, nodes=tuple(
        dataclasses.replace(n, state="current") for n in view.nodes))
    drawn = {n.id: (n.x, n.y, n.width, n.height) for n in compute_drawing(graph, everything).nodes}

    def no_routing(*args, **kwargs):
        raise AssertionError("the router was asked")

    monkeypatch.setattr(engine, "route", no_routing)
    monkeypatch.setattr(geometry, "route", no_routing)
    placed = {n.id: (n.x, n.y, n.width, n.height) for n in compute_places(graph, everything).nodes}
    assert placed == drawn and len(placed) > 40
    gexf = render_snapshot(graph, "gexf", "2021-06-01")
    assert gexf.count(b"<viz:position") >= len(placed)


def test_a_grouped_and_a_focused_view_of_10000_organisations_go_on_one_a4_sheet():
    """At national scale the whole view is grouped by kind and cites thousands of sources:
    the sheet is made all the same (the sources are pointed to, never cut), and so is a
    focused view; the JSON of the same day holds every organisation, each in its own place."""
    from conftest import synthetic_area

    from graph.page.view import load_graph

    graph = load_graph(synthetic_area(10_000))  # its warm cache, shared with other tests
    whole = json.loads(render_snapshot(graph, "json", "2021-06-01"))
    assert len(whole["nodes"]) > 1000 and len(whole["sources"]) > 1000
    assert len({(n["x"], n["y"]) for n in whole["nodes"]}) == len(whole["nodes"])
    svg = render_snapshot(graph, "svg", "2021-06-01")
    texts = [text for text, _ in svg_text_sizes(svg)]
    assert any("of this view are listed in full" in t for t in texts)
    assert min(size for _, size in svg_text_sizes(svg)) >= 7.0
    focus = max(graph.graph["dataset"].organisations,
                key=lambda o: graph.degree(o) if o in graph else 0)
    focused = render_snapshot(graph, "svg", "2021-06-01", focus=focus)
    assert min(size for _, size in svg_text_sizes(focused)) >= 7.0


@pytest.mark.parametrize("fmt", ["json", "graphml", "cytoscape", "gexf"])
def test_the_data_formats_of_the_national_area_finish_with_every_box_placed(tmp_path, fmt):
    """England from the ODS extracts (3,332 organisations; 923 boxes on 15 November 2018, the
    date of its newest CCG file: an organisation is not drawn after the last file that shows
    it, issue 27): the data formats place the boxes without routing a line, so they finish
    (they ran past 90 s before, at 1,933 boxes on 1 June 2021)."""
    from conftest import national_area

    area = national_area()
    out = tmp_path / f"england.{fmt}"
    done = subprocess.run([sys.executable, "-m", "graph", "snapshot", str(area), "--date",
                           "2018-11-15", "--format", fmt, "-o", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    if fmt == "json":
        nodes = json.loads(out.read_text(encoding="utf-8"))["nodes"]
        in_force = [o for o in load(area).organisations.values()
                    if o.exists_on(dt.date(2018, 11, 15))]
        assert len(in_force) == 897 and len(nodes) >= len(in_force)
        assert len({(n["x"], n["y"]) for n in nodes}) == len(nodes)
