"""The embedded LadybugDB store: schema, round trip, cache keyed by file and content hash,
bounded read handles, old stores removed."""

from __future__ import annotations

import datetime as dt
import gc
import os
from pathlib import Path

import ladybug
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stores_under_test import same_model

from loaders import dataset as dataset_loader
from loaders.query.run import run_embedded
from loaders.stores import embedded, embedded_write
from loaders.stores.records import StoreError

DATA = Path(__file__).parent / "data"
BUNDLED = Path(__file__).resolve().parent.parent / "data" / "orgs.yaml"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ORGS_CACHE_DIR", str(folder))
    return folder


@pytest.mark.parametrize("copy_min_rows", [10 ** 9, 20, 0])  # all created, mixed, all COPY'd
def test_the_bundled_file_reads_back_whole_whichever_way_each_group_is_written(
        tmp_path, monkeypatch, copy_min_rows):
    loaded = dataset_loader.load(BUNDLED)
    monkeypatch.setattr(embedded_write, "COPY_MIN_ROWS", copy_min_rows)
    monkeypatch.setattr(embedded_write, "NODE_COPIES_PER_OPEN", 2)  # reopened on the way
    monkeypatch.setattr(embedded_write, "GROUPS_PER_CHECKPOINT", 7)
    copied, copy = [], embedded_write._copy
    monkeypatch.setattr(embedded_write, "_copy",
                        lambda writer, table, *rest: (copied.append(table), copy(writer, table, *rest)))
    counts = embedded.build(loaded, tmp_path / "bundled.lbug")
    same_model(loaded, embedded.read_back(tmp_path / "bundled.lbug"))
    records = embedded.graph_records(loaded)
    sizes = [len(rows) for rows in records.nodes.values() if rows]
    sizes += [len(edges.rows) for edges in records.edges]
    assert len(copied) == sum(size >= copy_min_rows for size in sizes)
    assert (counts["organisations"], counts["relationships"]) == (
        len(loaded.organisations), len(loaded.relationships))


def test_partial_dates_keep_their_precision_as_a_date_and_a_precision_column():
    loaded = dataset_loader.load(DATA / "schools.yaml")
    store = embedded.store_path(loaded.path, loaded.content_hash)
    embedded.build(loaded, store)
    result = run_embedded(store, "MATCH (o:AcademyTrust) RETURN o.valid_from, o.valid_from_precision", {})
    assert result.rows == [[dt.date(2019, 9, 1), "month"]]
    back = embedded.read_back(store)
    assert back.organisations["oak-trust"].valid_from.words() == "September 2019"
    assert back.organisations["hill-school"].former_names[0].valid_to.iso() == "1980"


def test_tables_per_kind_and_type_with_date_and_list_columns():
    loaded = dataset_loader.load(DATA / "schools.yaml")
    embedded.build(loaded)
    connection = ladybug.Connection(embedded.open_read_only(embedded.store_path(loaded.path, loaded.content_hash)))
    tables = {row[1]: row[2] for row in connection.execute("CALL show_tables() RETURN *").get_all()}
    assert tables == {"LocalAuthority": "NODE", "AcademyTrust": "NODE", "School": "NODE",
                      "Source": "NODE", "Event": "NODE", "RUNS": "REL", "FUNDS": "REL",
                      "CONVERTED_TO": "REL", "CITES": "REL", "INVOLVES": "REL"}
    columns = {row[1]: row[2] for row in
               connection.execute("CALL table_info('School') RETURN *").get_all()}
    assert columns["valid_from"] == "DATE"
    assert columns["sources"] == "STRING[]"
    assert columns["former_names"] == "STRING[]"


def test_a_declared_but_unused_type_still_answers_with_no_rows(tmp_path):
    text = (DATA / "mini.yaml").read_text().replace(
        "  SUCCEEDED_BY: {label: succeeded by, lineage: true}",
        "  SUCCEEDED_BY: {label: succeeded by, lineage: true}\n  FUNDS: {label: funds}")
    path = tmp_path / "unused.yaml"
    path.write_text(text)
    store = embedded.ensure_store(path)
    assert run_embedded(store, "MATCH ()-[f:FUNDS]->() RETURN count(f)", {}).rows == [[0]]


def test_store_is_built_on_first_use_reused_then_rebuilt_when_the_yaml_changes(tmp_path, cache):
    path = tmp_path / "area.yaml"
    path.write_bytes((DATA / "mini.yaml").read_bytes())
    assert embedded.file_hash(path) == dataset_loader.load(path).content_hash  # no parse to find it
    first = embedded.ensure_store(path)
    key = embedded.store_path(path, "x").name.removesuffix("-x.lbug")
    assert key.startswith("area-") and len(key) == len("area-") + 8  # the file's name and path
    assert first.parent == cache and first.name == f"{key}-{dataset_loader.load(path).content_hash}.lbug"
    stamp = first.stat().st_mtime_ns
    assert embedded.ensure_store(path) == first and first.stat().st_mtime_ns == stamp

    path.write_text(path.read_text().replace("Old Regulator", "Former Regulator"))
    second = embedded.ensure_store(path)
    assert second != first
    names = run_embedded(second, "MATCH (r:Regulator) RETURN r.name ORDER BY r.name", {}).rows
    assert names == [["Former Regulator"], ["New Regulator"]]
    assert not list(cache.glob("*.building*")), "no half-built file is left behind"
    assert not first.exists(), "the store of the file's earlier content is removed"


def test_a_reader_reopens_when_the_store_file_is_replaced(cache):
    loaded = dataset_loader.load(DATA / "mini.yaml")
    store = embedded.store_path(loaded.path, loaded.content_hash)
    embedded.build(loaded)
    before = embedded.open_read_only(store)
    assert embedded.open_read_only(store) is before
    embedded.build(loaded)  # a reload replaces the file: new inode
    assert embedded.open_read_only(store) is not before


def test_labels_reach_cypher_only_as_checked_quoted_identifiers():
    assert embedded.quote_identifier("AcademyTrust") == "`AcademyTrust`"
    for hostile in ["Trust`) DETACH DELETE n //", "a b", "1Trust", "", "Trust;DROP"]:
        with pytest.raises(StoreError, match="not an identifier"):
            embedded.quote_identifier(hostile)


def test_a_dataset_that_bypassed_the_validator_is_still_refused():
    loaded = dataset_loader.load(DATA / "mini.yaml")
    bad = {**loaded.kinds, "Bad`) DELETE": loaded.kinds["Trust"]}
    with pytest.raises(StoreError):
        embedded.graph_records(type(loaded)(**{**loaded.__dict__, "kinds": bad}))


_names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and s.strip())
_dates = st.one_of(st.integers(1990, 2030).map(str),
                   st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 1)).map(lambda d: d.strftime("%Y-%m")),
                   st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 1)).map(lambda d: d.isoformat()))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_names, min_size=1, max_size=5), starts=st.lists(_dates, min_size=5, max_size=5),
       notes=_names)
def test_any_names_and_partial_dates_survive_the_round_trip(tmp_path_factory, names, starts, notes):
    organisations = [{"id": f"org-{i}", "name": name, "kind": "Body", "valid_from": starts[i],
                      "notes": notes, "sources": ["s"]} for i, name in enumerate(names)]
    relationships = [{"from": "org-0", "type": "LINKS", "to": f"org-{i}", "sources": ["s"],
                      "role": name} for i, name in enumerate(names)]
    document = {"format": 1, "area": {"name": "Generated"}, "sources": [{"id": "s", "title": notes}],
                "kinds": {"Body": {"label": "Body"}}, "relationship_types": {"LINKS": {"label": "links"}},
                "organisations": organisations, "relationships": relationships}
    path = tmp_path_factory.mktemp("gen") / "generated.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    loaded, problems = dataset_loader.check(path)
    assert loaded is not None, problems
    store = path.parent / "store.lbug"
    embedded.build(loaded, store)
    same_model(loaded, embedded.read_back(store))


def _open_store_files(cache: Path) -> list[str]:
    """The store files this process holds open (from /proc/self/fd)."""
    held = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(cache)) and ".lbug" in target:
            held.append(target)
    return held


def test_at_most_four_read_handles_stay_open_and_a_query_on_a_closed_one_finishes(tmp_path, cache):
    stores = []
    for number in range(6):
        path = tmp_path / f"area{number}.yaml"
        path.write_text((DATA / "mini.yaml").read_text().replace("Testshire", f"Shire {number}"))
        stores.append(embedded.ensure_store(path))
    first = ladybug.Connection(embedded.open_read_only(stores[0]))
    for store in stores[1:]:
        embedded.open_read_only(store)
    gc.collect()
    held = _open_store_files(cache)
    assert embedded.MAX_OPEN_STORES == 4
    # the four most recent, and the first, which a connection still uses
    assert sorted(set(held)) == sorted(str(s) for s in [stores[0], *stores[2:]])
    assert first.execute("MATCH (t:Trust) RETURN t.name").get_all() == [["Shire 0 Hospitals Trust"]]
    first.close()
    del first
    gc.collect()
    assert sorted(set(_open_store_files(cache))) == sorted(str(s) for s in stores[2:])


def test_a_files_earlier_stores_are_removed_and_other_files_stores_kept(tmp_path, cache):
    area, other = tmp_path / "area.yaml", tmp_path / "other.yaml"
    area.write_text((DATA / "mini.yaml").read_text())
    other.write_text((DATA / "mini.yaml").read_text())
    old, kept = embedded.ensure_store(area), embedded.ensure_store(other)
    reader = ladybug.Connection(embedded.open_read_only(old))
    area.write_text(area.read_text().replace("Old Regulator", "Former Regulator"))
    new = embedded.ensure_store(area)
    assert sorted(p.name for p in cache.glob("*.lbug")) == sorted([new.name, kept.name])
    assert reader.execute("MATCH (r:Regulator) RETURN r.name ORDER BY r.name").get_all() == [
        ["New Regulator"], ["Old Regulator"]], "a reader of the removed store finishes its work"
    reader.close()
