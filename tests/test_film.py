"""Films: ``python -m graph animate`` writes MP4, WebM and GIF files that imageio reads back
with the frames and size the film plans, drawn in one grid so no box moves, showing on a named
snapshot's day the organisations of that day's PNG snapshot, and the same bytes every time."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import imageio.v2 as imageio
import imageio.v3 as iio
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from graph import build_graph
from graph.core.stops import story_stops
from graph.export.film import (
    CARD_SECONDS,
    FADE_SECONDS,
    HOLD_SECONDS,
    FilmError,
    make_film_request,
    plan,
)
from graph.export.film_sheet import HIGHLIGHT, box_pixels, draw, layout
from graph.export.film_write import render_film
from graph.export.request import caption, make_request, sheet_drawing
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"
MINI = ROOT / "tests" / "data" / "mini.yaml"
OTHER = ROOT / "tests" / "data" / "other_area.yaml"
START, END = dt.date(2013, 4, 1), dt.date(2022, 8, 1)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=280)


@pytest.fixture(scope="module")
def blmk():
    return build_graph(load(BUNDLED))


def expected_frames(film, cards: int, fmt: str) -> int:
    """A shot held HOLD_SECONDS, a fade of FADE_SECONDS before every shot whose picture
    changed, each card CARD_SECONDS; a GIF holds a picture instead of repeating it."""
    fps = film.request.fps
    fade = round(FADE_SECONDS * fps)
    changes = sum(a.drawing != b.drawing for a, b in pairwise(film.shots))
    if fmt == "gif":
        return len(film.shots) + changes * fade + cards
    return (len(film.shots) * round(HOLD_SECONDS * fps) + changes * fade
            + cards * round(CARD_SECONDS * fps))


def test_the_blmk_story_from_2013_to_2022_stops_at_every_named_day_and_event(blmk):
    """The issue's film (``animate --from 2013-04-01 --to 2022-08-01``) as planned: its days
    are from and to, every day in between that names a snapshot or an event, and nothing but
    the story's stops."""
    film = plan(blmk, make_film_request(blmk, "mp4", "2013-04-01", "2022-08-01"))
    stops = [s for s in story_stops(blmk.graph["dataset"], today=END, all_time=True)
             if START <= s.day <= END]
    days = [shot.day for shot in film.shots]
    assert days[0] == START and days[-1] == END and days == sorted(set(days))
    assert {s.day for s in stops if s.title} <= set(days) <= {s.day for s in stops} | {END}
    assert len(days) >= 30 and len(layout(film).cards) >= 1


def test_the_blmk_story_as_mp4_and_gif_reads_back_with_its_frames_and_size(blmk, tmp_path):
    """The command line writes both formats side by side, and they read back with the frames
    and size the film plans. Over 2020-01-01 to 2022-08-01 (the merger of 2021, its fade and
    cards): the whole 2013-2022 story draws four times as many pictures the same way, and its
    days are checked in its plan (the test above)."""
    first, last = "2020-01-01", "2022-08-01"
    runs = {name: subprocess.Popen(
        [sys.executable, "-m", "graph", "animate", "--from", first, "--to", last,
         "-o", str(tmp_path / name)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for name in ("blmk.mp4", "blmk.gif")}
    for name, run in runs.items():
        _, stderr = run.communicate(timeout=280)
        assert run.returncode == 0, stderr
        assert re.fullmatch(rf"wrote {re.escape(str(tmp_path / name))} \(\w+, [\d,]+ bytes\)\n",
                            stderr)
    film = plan(blmk, make_film_request(blmk, "mp4", first, last))
    cards = len(layout(film).cards)
    changes = sum(a.drawing != b.drawing for a, b in pairwise(film.shots))
    assert len(film.shots) >= 5 and changes >= 2 and cards >= 1  # fades and cards to count

    video = imageio.get_reader(tmp_path / "blmk.mp4")
    assert video.get_meta_data()["size"] == (1280, 906)  # A4 landscape, even for the codec
    assert video.get_meta_data()["fps"] == 10
    assert video.count_frames() == expected_frames(film, cards, "mp4")
    gif = iio.imread(tmp_path / "blmk.gif", index=None)
    assert gif.shape == (expected_frames(film, cards, "gif"), 906, 1280, 3)
    # the GIF holds each picture as long as the video repeats it
    with Image.open(tmp_path / "blmk.gif") as image:
        durations = [image.seek(i) or image.info["duration"] for i in range(image.n_frames)]
    assert sum(durations) == expected_frames(film, cards, "mp4") * 100


def test_a_frame_on_a_named_snapshot_shows_the_boxes_of_that_days_png(blmk):
    film = plan(blmk, make_film_request(blmk, "gif", "2013-04-01", "2022-08-01"))
    lay = layout(film)
    named = [s.date.start for s in blmk.graph["dataset"].snapshots
             if START <= s.date.start <= END]
    assert len(named) >= 5
    cells = {org_id: box for shot in film.shots
             for org_id, box in box_pixels(lay, shot.drawing).items()}
    for day in named:
        index = next(i for i, shot in enumerate(film.shots) if shot.day == day)
        shot = film.shots[index]
        request = make_request(blmk, "png", day)
        view = request.scene(blmk)
        png = sheet_drawing(blmk, view, request, caption(blmk, view, request))
        # the same organisations with the same names (their source numbers are the film's)
        assert names(shot.drawing) == names(png), day
        picture = draw(film, lay, "shot", index)
        assert picture.shape == (906, 1280, 3)
        drawn = box_pixels(lay, shot.drawing)
        for org_id, (left, top, right, bottom) in drawn.items():  # each box is painted
            inside = picture[top + 3:bottom - 3, left + 3:right - 3]
            assert inside.mean() < 250, (day, org_id)
        for org_id, (left, top, right, bottom) in cells.items():
            if org_id not in drawn and not any(overlap(cells[o], cells[org_id]) for o in drawn):
                inside = picture[top + 3:bottom - 3, left + 3:right - 3]
                # an empty cell: white but for lines passing through the channels' ends
                assert (inside == 255).all(axis=2).mean() > 0.9, (day, org_id)


def names(drawing) -> dict[str, str]:
    """Each box's text without the trailing source numbers (a list too long for the box ends
    cut short with "…" instead of "]")."""
    return {n.id: re.sub(r"\s*\[[\d,–]+(?:\]|…)$", "", " ".join(n.label))
            for n in drawing.nodes}


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_merger_is_highlighted_on_its_day_with_its_caption_and_sources(blmk):
    film = plan(blmk, make_film_request(blmk, "gif", "2020-01-01", "2022-08-01"))
    merger = next(shot for shot in film.shots if shot.day == dt.date(2021, 4, 1))
    assert merger.when == "1 April 2021"
    assert sorted(merger.highlight) == sorted(
        e.id for e in merger.scene.edges if e.type == "MERGED_INTO" and e.target == "blmk-ccg")
    assert len(merger.highlight) == 3
    assert not next(s for s in film.shots if s.day == dt.date(2021, 9, 30)).highlight
    numbers = {s.id: s.number for s in film.sources}
    snapshot = next(s for s in blmk.graph["dataset"].snapshots
                    if s.date.start == dt.date(2021, 4, 1))
    assert merger.titles[0].startswith(snapshot.title + " [")
    assert str(numbers[snapshot.sources[0]]) in merger.titles[0]
    # the closing cards list every source behind the boxes, lines and titles shown, once
    shown = {s for shot in film.shots for s in shot.scene.sources}
    assert shown <= set(numbers) and [s.number for s in film.sources] == list(
        range(1, len(film.sources) + 1))
    picture = draw(film, layout(film), "shot", film.shots.index(merger))
    orange = np.all(np.abs(picture.astype(int) - [0xe6, 0x55, 0x0d]) < 12, axis=2).sum()
    before = draw(film, layout(film), "shot", film.shots.index(merger) - 1)
    assert orange > 300 > np.all(np.abs(before.astype(int) - [0xe6, 0x55, 0x0d]) < 12,
                                 axis=2).sum()
    assert HIGHLIGHT == "#e6550d"


def test_the_same_film_gives_the_same_gif_bytes_and_the_same_video_frames(tmp_path):
    graph = build_graph(load(MINI))
    options = {"size": "slide", "width": 480, "fps": 4}
    gif = render_film(graph, "gif", "2013-04-01", "2022-08-01", **options)
    assert gif == render_film(graph, "gif", "2013-04-01", "2022-08-01", **options)
    frames = iio.imread(io.BytesIO(gif), index=None, extension=".gif")
    assert frames.shape[1:] == (270, 480, 3)  # 16:9
    for fmt in ("mp4", "webm"):
        first = render_film(graph, fmt, "2013-04-01", "2022-08-01", **options)
        again = render_film(graph, fmt, "2013-04-01", "2022-08-01", **options)
        assert first == again  # same encoder, same machine: the same bytes
        (tmp_path / f"film.{fmt}").write_bytes(first)
        counted = imageio.get_reader(tmp_path / f"film.{fmt}").count_frames()
        film = plan(graph, make_film_request(graph, fmt, "2013-04-01", "2022-08-01", **options))
        assert counted == expected_frames(film, len(layout(film).cards), fmt)


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2022-08-01", "--to", "2013-04-01"],
     "error: the film must end after it starts: --to 2013-04-01 is not after --from "
     "2022-08-01 (swap them)"),
    (["--from", "2013-04-01", "--to", "2022", "-o", "film.avi"],
     "error: cannot tell the film's format from 'film.avi' (end it with .mp4, .webm, .gif)"),
    (["--from", "2013-04-01", "--to", "2015-01-01", "--focus", "blmk-icb"],
     "error: 'blmk-icb' does not exist at any date from 1 April 2013 to 1 January 2015 (it "
     "exists from 1 July 2022; choose dates in that span)"),
    (["--from", "2013-14-01", "--to", "2015"],
     "error: --from: '2013-14-01' is not a real date (month must be in 1..12) (write "
     "YYYY-MM-DD, YYYY-MM or YYYY)"),
    (["--from", "2013", "--to", "2015", "--fps", "0"],
     "error: fps must be a whole number from 1 to 30, not 0"),
    (["--from", "2013", "--to", "2015", "--kinds", "Castle"],
     "error: unknown kind 'Castle' (choose from: Regulator, CCG, Trust)"),
    (["--from", "2013", "--to", "2015", "--focus", "nobody"],
     "error: no organisation with id or ODS code 'nobody' (check the spelling)"),
])
def test_bad_options_are_one_line_and_exit_2(tmp_path, args, message):
    data = BUNDLED if "blmk-icb" in args else MINI
    output = [] if "-o" in args else ["-o", str(tmp_path / "film.gif")]
    done = cli("--data", str(data), "animate", *args, *output)
    assert (done.returncode, done.stderr, done.stdout) == (2, message + "\n", "")
    assert not (tmp_path / "film.gif").exists()


def test_a_selection_too_large_for_the_frame_says_so_and_suggests_a_focus(tmp_path):
    from bench.make_area import make_area

    area = tmp_path / "synthetic.yaml"
    area.write_text(make_area(300, seed=3), encoding="utf-8")
    graph = build_graph(load(area))
    with pytest.raises(FilmError, match=r"^this film is too large for one 16:9 slide frame with "
                                        r"text of 7 pt or more \(\d+ organisations over its 2 "
                                        r"days\): draw less with --focus ID --depth 1"):
        render_film(graph, "gif", "2016-01-01", "2017-01-01", step="year", size="slide")


def test_names_are_literal_text_in_a_film_never_maths(tmp_path):
    hostile = tmp_path / "maths.yaml"
    hostile.write_text(MINI.read_text(encoding="utf-8").replace(
        "name: All Testshire CCG", r"name: 'Costs $\notacmd$ and $x^2$ CCG'"), encoding="utf-8")
    graph = build_graph(load(hostile))
    film = plan(graph, make_film_request(graph, "gif", "2021-04-01", "2022-08-01"))
    assert names(film.shots[0].drawing)["ccg-all"] == r"Costs $\notacmd$ and $x^2$ CCG"
    # maths typesetting would refuse \notacmd: the frame draws, so the name is text
    assert draw(film, layout(film), "shot", 0).shape == (film.request.height, 1280, 3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.sampled_from([MINI, OTHER]), first=st.integers(2005, 2024),
       years=st.integers(1, 12), step=st.sampled_from(["stops", "month", "year"]),
       size=st.sampled_from(["a4", "slide"]))
def test_no_box_ever_moves_and_no_two_boxes_overlap_even_while_fading(data, first, years, step,
                                                                      size):
    graph = graphs(data)
    film = plan(graph, make_film_request(graph, "gif", str(first), str(first + years),
                                         step=step, size=size))
    places: dict[str, tuple] = {}
    for index, shot in enumerate(film.shots):
        before = film.shots[index - 1] if index else None
        boxes = {n.id: (n.x, n.y, n.width, n.height) for n in shot.drawing.nodes}
        for org_id, place in boxes.items():
            assert places.setdefault(org_id, place) == place  # the same place all film long
        together = {**({n.id: (n.x, n.y, n.width, n.height) for n in before.drawing.nodes}
                       if before else {}), **boxes}  # what a fade shows at once
        for a, one in together.items():
            for b, other in together.items():
                if a < b:
                    assert not overlap(corners(one), corners(other)), (shot.day, a, b)
    assert {(s.drawing.width, s.drawing.height) for s in film.shots} == {
        (film.shots[0].drawing.width, film.shots[0].drawing.height)}


def corners(box: tuple) -> tuple:
    x, y, width, height = box
    return x - width / 2, y - height / 2, x + width / 2, y + height / 2


_GRAPHS: dict[Path, object] = {}


def graphs(path: Path):
    if path not in _GRAPHS:
        _GRAPHS[path] = build_graph(load(path))
    return _GRAPHS[path]


README_FILM = ["--from", "2013-04-01", "--to", "2022-08-01", "--kinds",
               "PCT,CCG,ICB,Partnership,RegionalTeam,Trust", "--types",
               "COMMISSIONS,PART_OF,MERGED_INTO,SUCCEEDED_BY", "--size", "slide", "--width", "960",
               "--fps", "5", "-o", "docs/blmk-2013-2022.gif"]


def test_the_readme_film_is_what_the_tool_makes_from_the_bundled_data(blmk):
    """A sync check, and only that: the docs' film is what the command docs/story.md shows
    makes today. What a film shows is proved by the other tests of this file."""
    assert "python -m graph animate " + " ".join(README_FILM) in (
        ROOT / "docs" / "story.md").read_text(encoding="utf-8")
    made = render_film(blmk, "gif", "2013-04-01", "2022-08-01",
                       kinds=README_FILM[5].split(","), types=README_FILM[7].split(","),
                       size="slide", width=960, fps=5)
    assert (ROOT / "docs" / "blmk-2013-2022.gif").read_bytes() == made
    assert len(made) < 2_000_000  # small enough to embed
