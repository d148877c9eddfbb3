"""The same rows on both stores: every saved query of the bundled and the schools areas, and a
set of ad-hoc queries (nodes, relationships and paths as dicts, dates, lists, nulls, aggregates,
subqueries, UNION, parameters), asked of the embedded store and of a Neo4j server holding the
same area. Rows compare in order where the query has an ORDER BY, as a multiset where it has
none; the nodes and relationships collected for drawing compare too.

Needs a Neo4j server: skips, saying so, only when none is configured.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stores_under_test import wipe

from loaders import dataset as dataset_loader
from loaders.query.result import QueryResult
from loaders.query.run import run_embedded, run_query
from loaders.stores import embedded, neo4j_store

ROOT = Path(__file__).resolve().parent.parent
AREAS = {"bundled": ROOT / "data" / "orgs.yaml", "schools": ROOT / "tests" / "data" / "schools.yaml"}
AD_HOC = {
    "bundled": [
        ("MATCH (r:Regulator)-[o:OVERSEES]->(t:Trust) WHERE o.valid_from <= date('2014-06-01') "
         "RETURN r.name, t.name", {}),
        ("MATCH p = (c:CCG)-[:MERGED_INTO|SUCCEEDED_BY*1..4]->(i:ICB) RETURN c.name AS "
         "predecessor, c.valid_to AS ended, length(p) AS steps ORDER BY ended, predecessor", {}),
        ("MATCH (o) RETURN o", {}),
        ("MATCH (a)-[r]->(b) RETURN a.id, r, b.id", {}),
        ("MATCH p = (c:CCG)-[:MERGED_INTO|SUCCEEDED_BY*1..4]->(i:ICB) RETURN p", {}),
        ("MATCH (a)-[:MERGED_INTO|SUCCEEDED_BY*1..3]->(b) RETURN a.id, b.id", {}),
        ("MATCH (o)-[:CITES]->(s:Source) RETURN s.id AS source, count(o) AS claims "
         "ORDER BY claims DESC, source", {}),
        ("MATCH (e:Event)-[:INVOLVES]->(o) RETURN e.date, e.date_precision, e.title, o.id", {}),
        ("MATCH (t:Trust) OPTIONAL MATCH (t)-[m:MERGED_INTO]->(s) RETURN t.id, m.valid_from, s.id",
         {}),
        ("MATCH (o) WHERE o.kind IS NOT NULL RETURN o.kind AS kind, count(*) AS n, "
         "min(o.valid_from) AS first, max(o.valid_to) AS last ORDER BY kind", {}),
        ("MATCH (o {ods_code: $code})-[r]-(x) RETURN r.type, r.valid_from, r.valid_to_precision, "
         "x.name", {"code": "M1J4Y"}),
        ("MATCH (o) WHERE $source IN o.sources RETURN o.id, o.former_names, "
         "o.former_names_valid_from, o.former_names_valid_to", {"source": "ods-successors"}),
        ("UNWIND [date('2014-06-01'), date('2021-04-01')] AS day OPTIONAL MATCH (c:CCG) "
         "WHERE c.valid_from <= day AND (c.valid_to IS NULL OR day < c.valid_to) "
         "WITH day, count(c) AS ccgs RETURN day, ccgs ORDER BY day", {}),
        ("MATCH ()-[r]->() WHERE r.amount_gbp IS NOT NULL RETURN r.amount_gbp, r.basis, r.notes",
         {}),
        ("MATCH (n:CCG) WHERE EXISTS { MATCH (n)-[:MERGED_INTO]->() } RETURN n.id ORDER BY n.id",
         {}),
        ("MATCH (n:CCG) RETURN n.id, COUNT { MATCH (n)-->() } AS links ORDER BY n.id", {}),
        ("MATCH (c:CCG) RETURN c.id AS id UNION MATCH (i:ICB) RETURN i.id AS id", {}),
        ("MATCH (o:Person)-[r]->(b) RETURN DISTINCT r.role AS role ORDER BY role SKIP 1 LIMIT 5",
         {}),
        ("MATCH (s:Source) WHERE s.published >= date('2020-01-01') RETURN s.id, s.published, "
         "s.published_precision, s.publisher, s.file", {}),
    ],
    "schools": [
        ("MATCH (o) RETURN o", {}),
        ("MATCH p = (a)-[r]->(b) RETURN p", {}),
        ("MATCH (s:School) RETURN s.name, s.valid_from, s.valid_from_precision, s.valid_to, "
         "s.former_names, s.unverified", {}),
    ],
}


def _ordered(cypher: str) -> bool:
    return "ORDER BY" in cypher.upper()


def _canonical(values: list) -> list[str]:
    return sorted(json.dumps(value, sort_keys=True, default=str) for value in values)


def _same(embedded_result: QueryResult, neo4j_result: QueryResult, ordered: bool) -> None:
    assert neo4j_result.columns == embedded_result.columns
    assert neo4j_result.rows, "no rows: nothing was compared"
    if ordered:
        assert neo4j_result.rows == embedded_result.rows
    else:
        assert _canonical(neo4j_result.rows) == _canonical(embedded_result.rows)
    for kind in ("nodes", "relationships"):
        assert (_canonical(neo4j_result.elements[kind])
                == _canonical(embedded_result.elements[kind]))
    assert (embedded_result.store, neo4j_result.store) == ("embedded", "neo4j")


@pytest.fixture(scope="module")
def area(request, neo4j_server, tmp_path_factory):
    """The area loaded into a store file of its own and into the (emptied) Neo4j server."""
    dataset = dataset_loader.load(AREAS[request.param])
    store = tmp_path_factory.mktemp("store") / "area.lbug"
    embedded.build(dataset, store)
    wipe(neo4j_server)
    neo4j_store.load(dataset, settings=neo4j_server[0])
    yield store
    wipe(neo4j_server)


def _cases(kind: str) -> list:
    cases = []
    for name, path in AREAS.items():
        found = (dataset_loader.load(path).queries if kind == "saved"
                 else [(cypher, params) for cypher, params in AD_HOC[name]])
        for number, query in enumerate(found):
            label = query.id if kind == "saved" else f"{name}-{number + 1}"
            cases.append(pytest.param(name, query, id=label))
    return cases


@pytest.mark.parametrize("area, query", _cases("saved"), indirect=["area"])
def test_every_saved_query_gives_the_same_rows_on_both_stores(area, query):
    on_embedded = run_embedded(area, query.cypher, dict(query.params))
    _same(on_embedded, run_query(query.cypher, params=dict(query.params), neo4j=True),
          _ordered(query.cypher))


@pytest.mark.parametrize("area, query", _cases("ad hoc"), indirect=["area"])
def test_ad_hoc_queries_give_the_same_rows_on_both_stores(area, query):
    cypher, params = query
    _same(run_embedded(area, cypher, params), run_query(cypher, params=params, neo4j=True),
          _ordered(cypher))
