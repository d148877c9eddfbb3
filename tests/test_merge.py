"""Merging two YAML files on ODS codes: the first file wins, conflicts are reported, gaps filled."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.cli import main as cli
from graph.core import temporal
from loaders import dataset as dataset_loader
from loaders.merge import same_name

HERE = Path(__file__).parent
MINI = HERE / "data" / "mini.yaml"
BLMK = HERE.parent / "data" / "orgs.yaml"
REAL_ODS = Path(__file__).parents[1] / "data" / "ods"

# An "import" of Testshire: same codes as mini.yaml, some facts differing, some new.
IMPORT = """\
format: 1
area: {name: Testshire from ODS}
sources:
  - {id: src-a, title: ODS file eccg.csv, file: eccg.csv}
kinds:
  CCG: {label: CCG, tier: 2}
  ICB: {label: Integrated care board, tier: 1}
relationship_types:
  PART_OF: {label: part of}
  SUCCEEDED_BY: {label: succeeded by, lineage: true}
organisations:
  - {id: ods-01n, name: NHS NORTH CCG, kind: CCG, valid_from: 2013-04-01, valid_to: 2021-04-01,
     ods_code: 01N, sources: [src-a]}
  - {id: ods-01s, name: NHS SOUTHERN CCG, kind: CCG, valid_from: 2013-04-01,
     valid_to: 2021-04-01, ods_code: 01S, sources: [src-a]}
  - {id: ods-99x, name: NHS ALL TESTSHIRE CCG, kind: CCG, valid_from: 2021-04-01,
     valid_to: 2022-08-01, ods_code: 99X, sources: [src-a]}
  - {id: ods-qqq, name: QQQ, kind: ICB, ods_code: QQQ, sources: [src-a],
     unverified: [name, kind]}
  - {id: hospital, name: Testshire hospitals trust, kind: CCG, url: https://example.org/h,
     sources: [src-a]}
  - {id: ods-r1, name: NEW TRUST, kind: CCG, valid_from: 2014-01-01, ods_code: R1,
     sources: [src-a]}
relationships:
  - {from: ods-01n, type: SUCCEEDED_BY, to: ods-99x, valid_from: 2021-04-01, sources: [src-a]}
  - {from: ods-r1, type: PART_OF, to: ods-qqq, valid_from: 2014-01-01, sources: [src-a]}
"""


@pytest.fixture()
def second(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "import.yaml"
    path.parent.mkdir()
    path.write_text(IMPORT, encoding="utf-8")
    (path.parent / "eccg.csv").write_text("x\n")
    return path


def merged(first: Path, second: Path, out: Path, *flags: str) -> int:
    return cli.main(["merge", str(first), str(second), "-o", str(out), *flags])


def test_conflicts_are_reported_one_per_line_and_the_first_file_wins(
        second: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out" / "merged.yaml"
    assert merged(MINI, second, out) == 0
    captured = capsys.readouterr()
    conflicts = [line for line in captured.err.splitlines() if not line.startswith("note:")]
    assert conflicts == [
        f"{second}:14:25: ODS code 01S: name is 'NHS SOUTHERN CCG' here but 'South CCG' in "
        f"{MINI} (kept {MINI}'s)",
        f"{second}:17:16: ODS code 99X: valid_to is '2022-08-01' here but '2022-07-01' in "
        f"{MINI} (kept {MINI}'s)"]
    assert "2 conflicts (first file's value kept)" in captured.out
    data = dataset_loader.load(out)
    south = data.organisations["ccg-south"]
    assert south.name == "South CCG" and "NHS SOUTHERN CCG" in south.notes
    assert data.organisations["ccg-all"].valid_to.iso() == "2022-07-01"
    # 'NHS NORTH CCG' is 'North CCG' written another way: no conflict, the same organisation.
    assert "ods-01n" not in data.organisations
    assert "src-a-2" in data.organisations["ccg-north"].sources  # both files' sources cited


def test_strict_turns_conflicts_into_exit_2(second: Path, tmp_path: Path) -> None:
    assert merged(MINI, second, tmp_path / "merged.yaml", "--strict") == 2


def test_gaps_are_filled_and_new_organisations_added_with_fresh_ids(
        second: Path, tmp_path: Path) -> None:
    out = tmp_path / "merged.yaml"
    assert merged(MINI, second, out) == 0
    data = dataset_loader.load(out)
    # The import's 'hospital' has no code and mini's has none either: joined on the id.
    assert data.organisations["hospital"].url == "https://example.org/h"
    assert data.organisations["hospital"].kind == "Trust"  # mini's kind kept
    assert data.organisations["ods-r1"].ods_code == "R1"
    new_link = next(r for r in data.relationships if r.source == "ods-r1")
    # QQQ is mini's 'icb' (from 2022-07-01): the link is clipped to its lifetime.
    assert (new_link.target, new_link.valid_from.iso()) == ("icb", "2022-07-01")
    lineage = [r for r in data.relationships if r.source == "ccg-north" and r.target == "ccg-all"]
    assert [r.type for r in lineage] == ["MERGED_INTO"]  # one succession, mini's word for it
    assert set(lineage[0].sources) == {"src-b", "src-a-2"}
    # QQQ joined mini's 'icb' (kind CCG there), so the import's ICB kind would go unused.
    assert "ICB" not in data.kinds


def test_source_files_are_repointed_to_the_output_folder(second: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere" / "merged.yaml"
    assert merged(MINI, second, out) == 0
    data, problems = dataset_loader.check(out)
    assert problems == []  # every source file is found from the new place
    assert data.sources["src-a-2"].file == "../in/eccg.csv"


def test_merging_a_file_with_itself_changes_nothing(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "same.yaml"
    assert merged(MINI, MINI, out) == 0
    assert "0 conflicts" in capsys.readouterr().out
    before, after = dataset_loader.load(MINI), dataset_loader.load(out)
    assert after.organisations.keys() == before.organisations.keys()
    assert [r.id for r in after.relationships] == [r.id for r in before.relationships]
    assert after.sources.keys() == before.sources.keys()


def test_an_invalid_input_is_reported_with_its_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\narea: {name: x}\nkinds: {}\norganisations:\n  - {id: Bad}\n")
    assert merged(MINI, bad, tmp_path / "out.yaml") == 2
    assert f"{bad}:5:" in capsys.readouterr().err
    assert not (tmp_path / "out.yaml").exists()


@given(st.text(alphabet="abcdefgh &", min_size=1, max_size=30), st.sampled_from([
    str.upper, str.lower, str.title, lambda s: f"  {s} ", lambda s: s.replace(" ", "  ")]))
def test_names_differing_only_in_case_and_spacing_are_the_same(name: str, change) -> None:
    assert same_name(name, change(name))


def test_the_bundled_blmk_file_merges_with_an_ods_import(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    imported = tmp_path / "blmk-ods.yaml"
    assert cli.main(["import-ods", "--ods-dir", str(REAL_ODS), "--area", "QHG", "M1J4Y",
                     "-o", str(imported)]) == 0
    out = tmp_path / "blmk-merged.yaml"
    assert merged(BLMK, imported, out) == 0
    data, problems = dataset_loader.check(out)
    assert [p for p in problems if not p.warning] == []
    ccg = data.resolve("M1J4Y")
    steps = temporal.lineage(temporal.build_graph(data), ccg).predecessors
    assert sorted(data.organisations[s.organisation].ods_code for s in steps
                  if s.depth == 1) == ["04F", "06F", "06P"]  # no duplicated successions
    assert "RC1" in data.ods_index  # what the hand-written file lacked, the import adds
    assert dataset_loader.load(BLMK).area.id == "blmk"
    assert data.area.id is None, "a merged file is a dataset of its own, not the first file's"
