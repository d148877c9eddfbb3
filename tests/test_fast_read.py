"""The fast reader (rapidyaml) gives exactly what the exact reader (PyYAML, YAML 1.1) gives, or
declines (None) and lets the exact reader decide."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import yaml_read
from loaders.problems import InvalidInput

ROOT = Path(__file__).resolve().parent.parent
VALID = [ROOT / "data" / "orgs.yaml", *sorted((ROOT / "tests" / "data").glob("*.yaml"))]
BAD = sorted((ROOT / "tests" / "data" / "bad").glob("*.yaml"))


def exact(raw: bytes) -> object:
    try:
        return yaml_read.parse(raw, "x.yaml").data
    except InvalidInput:
        return InvalidInput


def agrees(raw: bytes) -> bool:
    fast = yaml_read.read_fast(raw)
    return fast is None or fast == exact(raw)


@pytest.mark.parametrize("path", VALID + BAD, ids=lambda p: p.name)
def test_every_test_file_reads_the_same_or_is_declined(path: Path):
    assert agrees(path.read_bytes())


def test_the_bundled_file_takes_the_fast_path():
    raw = (ROOT / "data" / "orgs.yaml").read_bytes()
    assert yaml_read.read_fast(raw) == exact(raw)


@pytest.mark.parametrize("line", [
    "a: yes", "a: No", "a: ON", "a: ~", "a: null", "a: 0401", "a: 0x1F", "a: 0b101", "a: 1_000",
    "a: 1:20", "a: 1e3", "a: 1.5e3", "a: .inf", "a: .NaN", "a: =", "a: +12", "<<: {b: 1}",
    "a: !!str 12", "a: &x 1", "b: *x", "yes: 1", "a: '12'", 'a: "true"', "--- \na: 1",
    "a: 1\na: 2", "a:\n\t- 1", "%YAML 1.1\n---\na: 1", "a: \x07", "a: [1, 2", "- a\n- b",
])
def test_what_yaml_1_1_reads_differently_is_declined_or_read_the_same(line: str):
    raw = f"x: 1\n{line}\n".encode()
    assert agrees(raw)
    if any(word in line for word in ("yes", "No", "ON", "0401", "1:20", "1e3", "!!", "&x")):
        assert yaml_read.read_fast(raw) is None  # these would read differently: declined


scalars = st.one_of(
    st.text(max_size=30), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
    st.booleans(), st.none(),
    st.sampled_from(["yes", "No", "on", "off", "~", "0401", "1e3", "1:20", "2014-03-01", "2014-03",
                     "2014", ".inf", "0x1F", "1_000", "=", "<<", "a: b", "# not a comment",
                     "*star", "&amp", "!bang", "multi\nline", "  padded  ", "é ü ✓", "'", '"']))
documents = st.dictionaries(
    st.text(min_size=1, max_size=12),
    st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                 | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4),
                 max_leaves=12),
    min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([None, '"', "'", "|"]), st.booleans())
def test_any_plain_data_document_reads_the_same_or_is_declined(document, style, flow):
    raw = yaml.safe_dump(document, default_style=style, default_flow_style=flow,
                         allow_unicode=True).encode()
    assert agrees(raw)


# -- YAML written as text, not by yaml.dump: what an author may type --------------------------

INDICATORS = list("-?:,[]{}#&*!|>'\"%@`")  # every character YAML gives a meaning at a start
_REST = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs",)),
                max_size=8)
_PLAIN = st.sampled_from(["a", "x y", "1", "2014-03", "yes", "~", "0x1F", "a: b", "a #c", "é"])
_SCALAR = st.one_of(
    st.builds(str.__add__, st.sampled_from(INDICATORS), _REST),  # an indicator first
    st.builds(lambda word, mark, rest: word + mark + rest, _PLAIN,
              st.sampled_from([*INDICATORS, " ", ": ", " #"]), _REST),  # one inside
    _PLAIN, _REST)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """A mapping of a few entries, each value written in one of the ways YAML allows: plain,
    in a block list, in a flow list or map, as a key, nested, folded over two lines, as a block
    scalar, with a comment."""
    lines = []
    for n in range(draw(st.integers(1, 4))):
        s, t = draw(_SCALAR), draw(_SCALAR)
        lines.append(draw(st.sampled_from([
            f"k{n}: {s}", f"k{n}:\n  - {s}\n  - {t}", f"k{n}: [{s}, {t}]", f"k{n}: {{a: {s}}}",
            f"{s}: k{n}", f"k{n}:\n  {s}: {t}", f"k{n}: {s}\n  {t}", f"k{n}: |\n  {s}",
            f"k{n}: >-\n  {s}\n  {t}", f"k{n}: {s} # {t}", f"- {s}", f"k{n}: [{{a: {s}}}]",
        ])))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n# end\n"]))


@settings(max_examples=1500, deadline=None)
@given(yaml_texts())
def test_yaml_typed_as_text_reads_the_same_or_is_declined(text):
    """Above all: what PyYAML refuses (``name: @Testshire``), the fast reader declines."""
    assert agrees(text.encode())


def test_a_plain_scalar_starting_with_a_reserved_indicator_is_refused_with_its_place():
    raw = (ROOT / "tests" / "data" / "bad" / "plain_scalar_at.yaml").read_bytes()
    assert yaml_read.read_fast(raw) is None
    with pytest.raises(InvalidInput) as caught:
        yaml_read.parse(raw, "at.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "at.yaml:25:11: YAML syntax error: found character that cannot start any token "
        "(fix the YAML syntax here)"]
