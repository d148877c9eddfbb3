"""Briefing packs (issue #29): stories in the YAML (format 1.3) and ``python -m graph brief``.

Each file is read back by the library its readers' tools use (pypdf, python-pptx, python-docx),
LibreOffice converts the PowerPoint and Word files to PDF, and the HTML runs in Chromium with
every network request refused. The small story of tests/data/brief.yaml checks the details;
the bundled BLMK story checks the real thing.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import needs_chromium
from hypothesis import given
from hypothesis import strategies as st

from graph.core.story import citations, paragraphs
from graph.core.temporal import build_graph
from graph.export import brief as brief_module
from graph.export.brief import prepare
from graph.export.image import MIN_PT
from loaders.dataset import load

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "brief.yaml"
BUNDLED = ROOT / "data" / "orgs.yaml"
BLMK_STORY = "blmk-2013-2025"
MADE = dt.date(2026, 12, 7)
EMU_PER_PT = 12700


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=env)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def small():
    return build_graph(load(SMALL))


@pytest.fixture(scope="module")
def blmk():
    return build_graph(load(BUNDLED))


# -- the format ---------------------------------------------------------------------------------

BAD_STORY = """format: 1.3
area: {name: Testshire}
sources:
  - {id: s1, title: One}
kinds: {Trust: {}}
organisations:
  - {id: a, name: A, kind: Trust, valid_from: 2013-04-01, sources: [s1]}
  - {id: b, name: B, kind: Trust, valid_from: 2015-04-01, sources: [s1]}
stories:
  - id: st
    title: T
    steps:
      - title: one
        date: 2014-01-01
        text: "A began [@s1]."
      - title: two
        date: 2031-01-01
        kinds: [Trusty]
        text: "B [@s2; @s1] and [@Bad Id]"
      - title: three
        date: 2014-06-01
        compare_from: 2014-07-01
        focus: b
        text: "No citation here."
"""


def test_each_mistake_in_a_story_is_one_line_with_its_place_and_exit_code_2(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_STORY, encoding="utf-8")
    done = cli("validate", str(path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert all(line.startswith(f"{path}:") for line in done.stderr.strip().splitlines())
    assert "date 2031-01-01 is outside the data (2013-04-01 to 2015-04-01)" in done.stderr
    assert f"{path}:17:15:" in done.stderr
    assert f"{path}:18:17: unknown kind 'Trusty' (did you mean 'Trust'?)" in done.stderr
    assert f"{path}:19:15: the text cites unknown source 's2'" in done.stderr
    assert "citation '[@Bad Id]' does not name source ids" in done.stderr
    assert "is not before the step's date" in done.stderr
    assert "'b' does not exist on 2014-06-01" in done.stderr


def test_stories_need_format_1_3_and_older_files_stay_valid(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text(BAD_STORY.replace("format: 1.3", "format: 1.2"), encoding="utf-8")
    done = cli("validate", str(path))
    assert done.returncode == 2
    assert f"{path}:9:1: 'stories' needs format 1.3 (write 'format: 1.3' at the top of the " \
           f"file)" in done.stderr
    assert cli("validate", "tests/data/mini.yaml").returncode == 0  # format 1, no stories


def test_the_json_schema_describes_stories():
    done = cli("schema")
    assert done.returncode == 0
    assert '"story_step"' in done.stdout and '"compare_from"' in done.stdout


@given(st.text(alphabet=st.characters(blacklist_characters="*_[]@\r\n\x0b\x0c\x1c\x1d\x1e"
                                      "\x85\u2028\u2029", blacklist_categories=("Cs",)),
               max_size=200))
def test_text_without_markup_keeps_every_word(text):
    runs = [run for paragraph in paragraphs(text, {}) for run in paragraph]
    assert "".join(r.text for r in runs) == " ".join(text.split())
    assert not any(r.bold or r.italic for r in runs)


@given(st.lists(st.sampled_from(["s1", "src-b", "a-3"]), min_size=1, max_size=5))
def test_citations_become_the_numbers_of_their_sources_in_order_of_first_use(ids):
    text = "Claim " + " and ".join(f"[@{i}]" for i in ids) + f" then [@{'; @'.join(ids)}]."
    found, bad = citations(text)
    assert not bad and list(found) == list(dict.fromkeys(ids))
    numbers = {i: n for n, i in enumerate(found, 1)}
    flat = "".join(r.text for r in paragraphs(text, numbers)[0])
    assert flat == ("Claim " + " and ".join(f"[{numbers[i]}]" for i in ids)
                    + f" then [{', '.join(str(numbers[i]) for i in ids)}].")


def test_emphasis_is_kept_as_runs_and_names_stay_text():
    runs = paragraphs("**North** and *South* <b>x</b> snake_case_name [@a]", {"a": 4})[0]
    assert [(r.text, r.bold, r.italic) for r in runs] == [
        ("North", True, False), (" and ", False, False), ("South", False, True),
        (" <b>x</b> snake_case_name [4]", False, False)]


# -- one numbering, what changed ------------------------------------------------------------

def test_one_numbering_for_the_whole_brief_in_order_of_first_use(small):
    brief = prepare(small, "testshire", made=MADE)
    assert [s.id for s in brief.sources] == ["src-a", "src-b"]
    assert [s.number for s in brief.sources] == [1, 2]
    assert brief.steps[2].text() == ["The CCGs merge in 2021 [2] and an ICB follows in 2022 "
                                     "[2, 1]."]
    first = brief.steps[0]
    assert first.since is None and first.changes == ()
    assert first.changes_heading == "The first step: nothing is marked as changed."
    # the last step compares with its own compare_from, and lists only what it draws
    last = brief.steps[2]
    assert last.since == dt.date(2016, 4, 1)
    assert [c.cited for c in last.changes] == [
        "+ began: Testshire ICB (from 1 July 2022) [2]",
        "− ended: North CCG (until 31 March 2021) [1]",
        "− ended: South CCG (until 31 March 2021) [1]",
        "− North CCG commissions Testshire Hospitals Trust (from 1 April 2013 until 31 March "
        "2021, the last day of North CCG) [1]"]
    drawn = {n.id: n.state for n in last.view.nodes}
    assert drawn == {"icb": "added", "ccg-north": "ended", "ccg-south": "ended",
                     "hospital": "current"}
    assert brief.steps[1].request.focus == "hospital"  # the step's view, as the page draws it


def test_a_step_that_cannot_be_drawn_says_which_step(small, tmp_path):
    text = SMALL.read_text(encoding="utf-8").replace("focus: hospital",
                                                     "focus: hospital\n        depth: -1")
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    done = cli("validate", str(path))
    assert done.returncode == 2 and "depth -1 is below 0" in done.stderr
    done = cli("brief", "no-such-story", "--data", str(SMALL), "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert done.stderr.strip() == "error: no story 'no-such-story' in this file (stories: " \
                                  "testshire)"
    done = cli("brief", "testshire", "--data", str(SMALL), "-o", str(tmp_path / "x.odt"))
    assert done.returncode == 2 and "end the file name in .pdf, .pptx, .docx, .html" in \
        done.stderr
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.odt").exists()


def test_brief_without_a_story_lists_the_stories():
    done = cli("brief", "--data", str(SMALL))
    assert done.returncode == 0
    assert done.stdout == "testshire\t3 steps\tHow Testshire's commissioning changed, " \
                          "2013–2022\n"


# -- the files, read back -------------------------------------------------------------------

def pdf_font_sizes(reader) -> set[float]:
    """Every text size drawn, in points (the text matrix's scale times the font size)."""
    sizes: set[float] = set()

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            sizes.add(round(size * scale, 2))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes


def check_pdf(made: bytes, brief) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(made))
    steps = len(brief.steps)
    assert len(reader.pages) >= steps + 2  # a title page, a page per step, the sources
    for page in reader.pages:
        assert [round(float(v)) for v in page.mediabox[2:]] == [842, 595]  # A4 landscape
    title = words(reader.pages[0].extract_text())
    assert brief.story.title in title and brief.content_hash in title
    assert f"made on {MADE.day} December {MADE.year}" in title
    for step in brief.steps:
        page = words(reader.pages[1 + step.index].extract_text())
        assert f"Step {step.index + 1} of {steps}" in page
        assert f"{words(step.step.title)} (as at {step.as_at})" in page
        for paragraph in step.text():
            assert words(paragraph) in page
        assert step.changes_heading in page
    rest = words(" ".join(p.extract_text() for p in reader.pages[1 + steps:]))
    for source in brief.sources:
        assert f"{source.number}. {words(source.title)}" in rest, source
    assert min(pdf_font_sizes(reader)) >= MIN_PT - 0.01


def test_the_pdf_is_a_title_page_a_page_per_step_and_the_sources(small):
    made = brief_module.render(small, "testshire", ".pdf", made=MADE)
    assert made == brief_module.render(small, "testshire", ".pdf", made=MADE)  # reproducible
    check_pdf(made, prepare(small, "testshire", made=MADE))


def check_pptx(made: bytes, brief) -> None:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(made))
    slides = list(deck.slides)
    steps = len(brief.steps)
    assert len(slides) >= steps + 2
    assert brief.story.title in slides[0].shapes[0].text_frame.text
    numbers = brief.numbers
    for step in brief.steps:
        slide = slides[1 + step.index]
        shapes = {s.name: s for s in slide.shapes}
        assert shapes["Title"].text_frame.text == step.step.title
        assert words(shapes["Text"].text_frame.text) == words(" ".join(step.text()))
        assert f"as at {step.as_at}" in shapes["Step"].text_frame.text
        picture = shapes["Picture"]  # at its own size: the whole slide, so 7 pt stays 7 pt
        assert (picture.width, picture.height) == (deck.slide_width, deck.slide_height)
        assert "organisations and" in picture._element.nvPicPr.cNvPr.get("descr")
        notes = words(slide.notes_slide.notes_text_frame.text)
        for source_id in (*step.step.sources, *step.view.sources):
            assert f"{numbers[source_id]}. " in notes
        for source in brief.sources:
            if source.id in step.step.sources:
                assert words(brief.source_text(source)) in notes
        for change in step.changes:
            assert words(change.cited) in notes
    rest = " ".join(shape.text_frame.text for slide in slides[1 + steps:]
                    for shape in slide.shapes if shape.has_text_frame)
    for source in brief.sources:
        assert words(brief.source_text(source)) in words(rest)


def test_the_powerpoint_has_a_slide_per_step_with_real_text_and_the_sources_in_the_notes(small):
    made = brief_module.render(small, "testshire", ".pptx", made=MADE)
    check_pptx(made, prepare(small, "testshire", "pptx", made=MADE, size="slide"))


def check_docx(made: bytes, brief) -> None:
    from docx import Document

    document = Document(io.BytesIO(made))
    paragraphs_ = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [text for style, text in paragraphs_ if style == "Heading 1"]
    assert headings == [f"Step {s.index + 1} of {len(brief.steps)}: {s.step.title}"
                        for s in brief.steps] + ["Sources"]
    captions = [text for style, text in paragraphs_ if style == "Caption"]
    assert [c.split(".")[0] for c in captions] == [f"Figure {s.index + 1}" for s in brief.steps]
    body = words(" ".join(text for _, text in paragraphs_))
    for step in brief.steps:
        for paragraph in step.text():
            assert words(paragraph) in body
        for change in step.changes:
            assert words(change.cited) in body
    references = [text for _, text in paragraphs_[[t for _, t in paragraphs_].index("Sources"):]]
    for source in brief.sources:
        assert brief.source_text(source) in references
    assert len(document.inline_shapes) == len(brief.steps)
    from docx.shared import Mm

    from graph.export.brief_docx import FIGURE_SIZE
    for shape in document.inline_shapes:  # at its own width: its 7 pt stays 7 pt
        assert abs(shape.width - Mm(FIGURE_SIZE[0])) <= 1
    assert len(document.sections) == len(brief.steps) + 2
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_word_document_has_a_section_per_step_figures_captions_and_references(small):
    made = brief_module.render(small, "testshire", ".docx", made=MADE)
    check_docx(made, prepare(small, "testshire", "docx", made=MADE))


def test_pictures_in_every_format_have_no_text_under_7_pt(small):
    """The picture's smallest label at the size each format places it (the PowerPoint and
    Word pictures are placed at their own size, checked above)."""
    from graph.export.brief_docx import FIGURE_SIZE
    from graph.export.brief_docx import FRAME as DOCX_FRAME

    for size, frame, fmt in (("a4", "a4", "pdf"), ("slide", "slide", "pptx"),
                             (FIGURE_SIZE, DOCX_FRAME, "docx")):
        brief = prepare(small, "testshire", fmt, made=MADE,
                        size=size if isinstance(size, str) else "a4")
        for step in brief.steps:
            planned = brief.sheet(small, step, size, frame)
            smallest = min([n.font_size for n in planned.drawn.nodes]
                           + [planned.drawn.font_size for e in planned.drawn.edges if e.label])
            assert smallest * planned.scale >= MIN_PT - 1e-9


needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                       reason="LibreOffice is installed by ./scripts/test")


@needs_libreoffice
def test_libreoffice_converts_the_powerpoint_and_the_word_brief_to_pdf(small, tmp_path):
    from pypdf import PdfReader

    brief = prepare(small, "testshire", made=MADE)
    for suffix in (".pptx", ".docx"):
        source = tmp_path / f"brief{suffix}"
        source.write_bytes(brief_module.render(small, "testshire", suffix, made=MADE))
        done = subprocess.run(["soffice", "--headless", "--norestore",
                               f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                               "--convert-to", "pdf", "--outdir", str(tmp_path / suffix[1:]),
                               str(source)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        reader = PdfReader(tmp_path / suffix[1:] / "brief.pdf")
        text = words(" ".join(page.extract_text() for page in reader.pages))
        for step in brief.steps:
            assert words(step.step.title) in text
        assert len(reader.pages) >= len(brief.steps) + 2


def test_the_html_brief_walks_the_steps_offline_in_chromium(small, browser, tmp_path):
    """Opened from disk with every request but the file itself refused: step 2 from its link,
    Next to step 3, each drawing exactly the organisations of its step's view."""
    brief = prepare(small, "testshire", made=MADE)
    path = tmp_path / "brief.html"
    path.write_bytes(brief_module.render(small, "testshire", ".html", made=MADE))
    page = browser.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(path.as_uri() + "#step-2")
    page.wait_for_selector("body[data-ready=true]")
    assert page.text_content("#title") == brief.steps[1].step.title
    drawn = page.evaluate("window.briefView.nodes.getIds()")
    assert sorted(drawn) == sorted(n.id for n in brief.steps[1].view.nodes)
    page.click("#next")
    page.wait_for_function("window.briefView.current() === 2")
    assert page.text_content("#title") == brief.steps[2].step.title
    assert page.url.endswith("#step-3")
    assert sorted(page.evaluate("window.briefView.nodes.getIds()")) == sorted(
        n.id for n in brief.steps[2].view.nodes)
    assert page.is_disabled("#next") and not page.is_disabled("#previous")
    assert words(page.text_content("#text")) == words(" ".join(brief.steps[2].text()))
    listed = page.locator("#sources li").all_text_contents()
    assert listed == [brief.source_text(s) for s in brief.sources]
    assert [url for url in asked if url != path.as_uri() + "#step-2"
            and not url.startswith(path.as_uri())] == []
    page.close()


for _mark in needs_chromium:
    test_the_html_brief_walks_the_steps_offline_in_chromium = _mark(
        test_the_html_brief_walks_the_steps_offline_in_chromium)


# -- the bundled story -----------------------------------------------------------------------

def test_the_bundled_story_has_8_to_12_sourced_steps_in_date_order(blmk):
    from graph.core.temporal import dataset_of

    story = next(s for s in dataset_of(blmk).stories if s.id == BLMK_STORY)
    assert story.title == ("How Bedfordshire, Luton and Milton Keynes' NHS governance changed, "
                           "2013–2025")
    assert 8 <= len(story.steps) <= 12
    days = [s.date.start for s in story.steps]
    assert days == sorted(days) and days[0].year == 2013 and days[-1].year == 2025
    assert all(step.sources for step in story.steps)  # every step's text cites a source


@pytest.mark.parametrize("suffix", [".pdf", ".pptx", ".docx"])
def test_the_bundled_story_in_each_office_format(blmk, suffix):
    made = brief_module.render(blmk, BLMK_STORY, suffix, made=MADE)
    if suffix == ".pdf":
        check_pdf(made, prepare(blmk, BLMK_STORY, made=MADE))
    elif suffix == ".pptx":
        check_pptx(made, prepare(blmk, BLMK_STORY, "pptx", made=MADE, size="slide"))
    else:
        check_docx(made, prepare(blmk, BLMK_STORY, "docx", made=MADE))


def test_the_readme_links_the_pdf_the_command_makes(tmp_path):
    """A sync check, and only that: docs/brief/blmk-2013-2025.pdf, linked from the README, is
    what ``python -m graph brief blmk-2013-2025 -o brief.pdf`` makes on the day it says (run
    that command with SOURCE_DATE_EPOCH=1796601600 to refresh it). What the PDF holds is
    proved by ``test_the_bundled_story_in_each_office_format``."""
    import os

    assert "docs/brief/blmk-2013-2025.pdf" in (ROOT / "README.md").read_text(encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1796601600"}  # 7 December 2026, 00:00 UTC
    done = cli("brief", BLMK_STORY, "-o", str(tmp_path / "brief.pdf"), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"wrote {tmp_path / 'brief.pdf'} (pdf brief, ")
    assert (tmp_path / "brief.pdf").read_bytes() == \
        (ROOT / "docs" / "brief" / "blmk-2013-2025.pdf").read_bytes()
