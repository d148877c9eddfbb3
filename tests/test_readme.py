"""The README's promises point to tests: every test it names exists, in the file it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# `tests/test_x.py::test_y`, `test_x.py::test_y`, and `::test_z` (in the file named before it)
NAMED = re.compile(r"(?:(?:tests/)?(test_\w+\.py))?::(test_\w+)|(?:tests/)?(test_\w+\.py)")


def named_tests(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    files: set[str] = set()
    tests: set[tuple[str, str]] = set()
    current = None
    for file, test, alone in NAMED.findall(text):
        if alone:
            current = alone
            files.add(alone)
        elif test:
            current = file or current
            assert current, f"'::{test}' with no test file named before it"
            files.add(current)
            tests.add((current, test))
    return files, tests


def test_the_pattern_reads_files_tests_and_continuations():
    files, tests = named_tests("`tests/test_a.py::test_one`, `::test_two`; test_b.py and "
                               "`test_c.py::test_three`")
    assert files == {"test_a.py", "test_b.py", "test_c.py"}
    assert tests == {("test_a.py", "test_one"), ("test_a.py", "test_two"),
                     ("test_c.py", "test_three")}


def test_every_test_the_readme_and_the_docs_name_exists():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        files, tests = named_tests(doc.read_text(encoding="utf-8"))
        assert_exist(files, tests)
    files, tests = named_tests("\n".join(p.read_text(encoding="utf-8")
                                         for p in (ROOT / "docs").glob("*.md")))
    assert len(tests) > 100  # the safety list and the store pages name many


def test_the_readme_is_a_front_page_that_links_every_doc():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    assert "./scripts/run" in text and "./scripts/test" in text  # the two commands
    linked = set(re.findall(r"\]\(docs/([\w-]+\.md)\)", text))
    # every page but the site's own front page
    assert linked == {p.name for p in (ROOT / "docs").glob("*.md")} - {"index.md"}


def test_every_test_the_export_docs_name_exists():
    docs = [ROOT / "docs" / "exports.md", ROOT / "tests" / "data" / "gexf-schema" / "1.3" / "README.md"]
    files, tests = named_tests("\n".join(p.read_text(encoding="utf-8") for p in docs))
    assert len(tests) > 15  # each format names the tests that prove what survives
    assert_exist(files, tests)


def assert_exist(files: set[str], tests: set[tuple[str, str]]) -> None:
    missing_files = sorted(f for f in files if not (ROOT / "tests" / f).is_file())
    assert not missing_files
    missing = sorted(f"{file}::{test}" for file, test in tests
                     if not re.search(rf"^(?:async )?def {test}\(",
                                      (ROOT / "tests" / file).read_text(encoding="utf-8"),
                                      re.MULTILINE))
    assert not missing


@pytest.mark.parametrize("doc", ["picture.md", "safety.md"])
def test_every_test_the_other_docs_name_exists(doc):
    files, tests = named_tests((ROOT / "docs" / doc).read_text(encoding="utf-8"))
    assert tests  # each names the tests behind its claims
    assert_exist(files, tests)
