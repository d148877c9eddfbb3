"""The bundled BLMK dataset: clean, sourced, and telling the story the seed articles tell."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from graph.temporal import at, build_graph, lineage
from loaders.dataset import check

ROOT = Path(__file__).parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"
ODS = ROOT / "data" / "ods"
SEED_MANIFEST = ROOT / "data" / "seeds.tsv"
# Optional local copies of the seed articles (never part of the repository); checked when present.
LOCAL_SEEDS = ROOT.parent / "shared" / "seeds"
DATASET, PROBLEMS = check(BUNDLED)
GRAPH = build_graph(DATASET) if DATASET else None


def test_validates_with_no_errors_and_no_warnings() -> None:
    assert [str(p) for p in PROBLEMS] == []


def test_every_item_cites_a_source_that_exists() -> None:
    records = (*DATASET.organisations.values(), *DATASET.relationships, *DATASET.snapshots,
               *DATASET.events)
    for record in records:
        assert record.sources, record
        assert set(record.sources) <= set(DATASET.sources)


def seed_manifest() -> list[tuple[str, str, str]]:
    rows = [line.split("\t") for line in SEED_MANIFEST.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert all(len(row) == 3 for row in rows), rows
    return [(name, digest, source) for name, digest, source in rows]


def test_each_seed_article_is_a_cited_source_with_title_publisher_date_and_url() -> None:
    cited = {s for r in (*DATASET.organisations.values(), *DATASET.relationships,
                         *DATASET.events) for s in r.sources}
    manifest = seed_manifest()
    assert len(manifest) == 5
    for name, digest, source_id in manifest:
        assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", name) and re.fullmatch(r"[0-9a-f]{64}", digest)
        source = DATASET.sources[source_id]
        assert source_id in cited, source_id
        assert source.title and source.publisher and source.published and source.url, source
        assert source.file is None  # the articles' text stays out of the repository
        local = LOCAL_SEEDS / name  # an optional local copy, checked only when it is there
        if local.is_file():
            assert hashlib.sha256(local.read_bytes()).hexdigest() == digest, name


def test_no_source_file_leaves_the_repository_and_every_one_exists() -> None:
    files = [s.file for s in DATASET.sources.values() if s.file]
    assert files
    for file in files:
        path = (BUNDLED.parent / file).resolve()
        assert path.is_relative_to(ROOT.resolve()), file
        assert path.is_file(), file


def test_the_ods_extracts_match_their_readme_checksums() -> None:
    readme = (ODS / "README.md").read_text("utf-8")
    listed = dict(re.findall(r"\| `([^`]+)` \|[^\n]*\| ([0-9a-f]{64}) \|", readme))
    data_files = sorted(p.name for p in ODS.iterdir() if p.suffix in (".csv", ".json"))
    assert sorted(listed) == data_files and len(data_files) == 10
    for name, digest in listed.items():
        assert hashlib.sha256((ODS / name).read_bytes()).hexdigest() == digest, name
    assert "Open Government Licence v3.0" in readme


def test_every_ods_code_appears_in_the_real_ods_extracts() -> None:
    extracts = " ".join(p.read_bytes().decode("latin-1") for p in ODS.glob("*.csv"))
    codes = {o.ods_code for o in DATASET.organisations.values() if o.ods_code}
    assert len(codes) >= 15
    missing = {c for c in codes if not re.search(rf"\b{re.escape(c)}\b", extracts)}
    assert missing == set()


def test_the_slider_has_enough_stops_and_the_timeline_enough_events() -> None:
    assert len(DATASET.snapshots) >= 8
    assert len(DATASET.events) >= 12


def test_the_three_ccgs_became_the_blmk_ccg_then_the_icb() -> None:
    icb = DATASET.resolve("QHG")
    steps = {(s.organisation, s.type, s.date.iso()) for s in lineage(GRAPH, icb).predecessors}
    ccgs = {DATASET.resolve(code) for code in ("06F", "06P", "04F")}
    assert {(c, "MERGED_INTO", "2021-04-01") for c in ccgs} <= steps
    assert (DATASET.resolve("M1J4Y"), "SUCCEEDED_BY", "2022-07-01") in steps


def test_bedford_hospital_merged_into_the_renamed_l_and_d_in_april_2020() -> None:
    rc1, rc9 = DATASET.resolve("RC1"), DATASET.resolve("RC9")
    assert [(s.organisation, s.date.iso()) for s in lineage(GRAPH, rc1).successors] == [
        (rc9, "2020-04-01")]
    assert "Luton and Dunstable" in at(GRAPH, "2020-03-31").organisations[rc9]
    assert at(GRAPH, "2020-04-01").organisations[rc9].startswith("Bedfordshire Hospitals")
    assert rc1 not in at(GRAPH, "2020-04-01").organisations


def test_milton_keynes_hospital_was_overseen_by_monitor_in_2014() -> None:
    mk = DATASET.resolve("RD8")
    view = at(GRAPH, "2014-06-01")
    overseers = {r.source for r in DATASET.relationships
                 if r.id in view.relationships and r.type == "OVERSEES" and r.target == mk}
    assert "monitor" in overseers


def test_the_seed_figures_are_recorded() -> None:
    text = " ".join(filter(None, [e.title + " " + (e.notes or "") for e in DATASET.events]))
    assert "£21m" in text and "£100m" in text  # 'A case for change', 2014
    funding = [r for r in DATASET.relationships if r.type == "FUNDS" and r.amount_gbp]
    assert [(r.source, r.amount_gbp) for r in funding] == [("monitor", 3_200_000)]


def test_no_date_is_more_precise_than_the_seeds_allow() -> None:
    # The review's work began in January 2014 and MKUH's rename in April 2015: months, not days.
    titles = {e.title: e.date for e in DATASET.events}
    assert titles["Healthcare Review work begins"].precision == "month"
    renamed = [e for e in DATASET.events if "University Hospital" in e.title]
    assert renamed and all(e.date.precision == "month" for e in renamed)
    assert all(s.date.start <= dt.date.today() for s in DATASET.snapshots)
