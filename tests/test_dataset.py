"""The bundled BLMK dataset: clean, sourced, and telling the story the seed articles tell."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from graph.core.temporal import at, build_graph, lineage
from loaders.dataset import check

ROOT = Path(__file__).parent.parent
BUNDLED = ROOT / "data" / "orgs.yaml"
ODS = ROOT / "data" / "ods"
SEED_MANIFEST = ROOT / "data" / "seeds.tsv"
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
    assert sorted(listed) == data_files and len(data_files) == 11
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
    renamed = [e for e in DATASET.events if "University Hospital" in e.title and "renamed" in e.title]
    assert renamed and all(e.date.precision == "month" for e in renamed)
    assert all(s.date.start <= dt.date.today() for s in DATASET.snapshots)


# --- Issue 20: the errors fixed, names as they were, and the wider system ----------------------------

def relationships_in_force(day: str, rtype: str) -> list:
    view = at(GRAPH, day)
    return [r for r in DATASET.relationships if r.id in view.relationships and r.type == rtype]


def test_the_ambulance_services_and_their_commissioners() -> None:
    eeast, scas = DATASET.resolve("RYC"), DATASET.resolve("RYE")
    for day, expected in (("2016-06-01", ({"bedfordshire-ccg", "luton-ccg"}, {"mk-ccg"})),
                          ("2021-06-01", ({"blmk-ccg"}, {"blmk-ccg"})),
                          ("2023-06-01", ({"blmk-icb"}, {"blmk-icb"}))):
        commissions = relationships_in_force(day, "COMMISSIONS")
        assert {r.source for r in commissions if r.target == eeast} == expected[0], day
        assert {r.source for r in commissions if r.target == scas} == expected[1], day
    assert DATASET.organisations[scas].name_at(dt.date(2010, 1, 1)) == (
        "South Central Ambulance Service NHS Trust")


def test_the_pcts_handed_over_to_the_ccgs_on_1_april_2013() -> None:
    for pct, ccg in (("bedfordshire-pct", "06F"), ("luton-pct", "06P"), ("mk-pct", "04F")):
        steps = [(s.organisation, s.type, s.date.iso()) for s in lineage(GRAPH, pct).successors]
        assert (DATASET.resolve(ccg), "SUCCEEDED_BY", "2013-04-01") in steps
        assert pct in at(GRAPH, "2013-03-31").organisations
        assert pct not in at(GRAPH, "2013-04-01").organisations
    assert {"nhs-east-of-england-sha", "nhs-south-central-sha"} <= set(at(GRAPH, "2013-03-31").organisations)
    assert not {"nhs-east-of-england-sha", "nhs-south-central-sha"} & set(at(GRAPH, "2013-04-01").organisations)


def test_public_health_england_ended_on_30_september_2021() -> None:
    phe = DATASET.organisations["phe"]
    assert (phe.valid_from.iso(), phe.valid_to.iso()) == ("2013-04-01", "2021-10-01")  # exclusive end
    assert "phe" in at(GRAPH, "2021-09-30").organisations
    after = at(GRAPH, "2021-10-01").organisations
    assert "phe" not in after and {"ukhsa", "ohid"} <= set(after)
    assert sorted((s.organisation, s.date.iso()) for s in lineage(GRAPH, "phe").successors) == [
        ("ohid", "2021-10-01"), ("ukhsa", "2021-10-01")]
    titles = {e.date.iso(): e.title for e in DATASET.events if "phe" in e.organisations}
    assert "ceases all operations" in titles["2021-09-30"]


def test_health_education_england_joined_nhs_england_on_1_april_2023() -> None:
    assert [(s.organisation, s.type, s.date.iso()) for s in lineage(GRAPH, "hee").successors] == [
        ("nhs-england", "MERGED_INTO", "2023-04-01")]


def test_names_as_they_were() -> None:
    mk = DATASET.organisations[DATASET.resolve("RD8")]
    assert at(GRAPH, "2010-01-01").organisations[mk.id] == "Milton Keynes Hospital NHS Foundation Trust"
    assert at(GRAPH, "2016-01-01").organisations[mk.id] == (
        "Milton Keynes University Hospital NHS Foundation Trust")
    # No source gives its name as an NHS trust (1992-2007): no recorded name covers 2000.
    assert all(f.valid_from and f.valid_from.start > dt.date(2000, 1, 1) for f in mk.former_names)
    names = {(oid, day): DATASET.organisations[oid].name_at(dt.date.fromisoformat(day))
             for oid, day in (("elft", "2005-01-01"), ("elft", "2007-06-01"), ("elft", "2008-01-01"),
                              ("nhs-england", "2013-01-01"), ("monitor", "2004-03-01"),
                              ("blmk-partnership", "2017-01-01"), ("blmk-partnership", "2018-09-01"),
                              ("blmk-partnership", "2020-06-01"), ("blmk-partnership", "2023-01-01"),
                              ("milton-keynes-city-council", "2020-01-01"))}
    assert names == {
        ("elft", "2005-01-01"): "East London and The City Mental Health NHS Trust",
        ("elft", "2007-06-01"): "East London and The City University Mental Health NHS Trust",
        ("elft", "2008-01-01"): "East London NHS Foundation Trust",
        ("nhs-england", "2013-01-01"): "NHS Commissioning Board",
        ("monitor", "2004-03-01"): "Independent Regulator of NHS Foundation Trusts",
        ("blmk-partnership", "2017-01-01"):
            "Bedfordshire, Luton and Milton Keynes Sustainability and Transformation Plan (STP)",
        ("blmk-partnership", "2018-09-01"):
            "Bedfordshire, Luton and Milton Keynes Sustainability and Transformation Partnership",
        ("blmk-partnership", "2020-06-01"): "Bedfordshire, Luton and Milton Keynes Integrated Care System",
        ("blmk-partnership", "2023-01-01"):
            "Bedfordshire, Luton and Milton Keynes Health and Care Partnership (integrated care system)",
        ("milton-keynes-city-council", "2020-01-01"): "Milton Keynes Council",
    }
    # The STP's old names rest on documents, not on a known day: marked unverified.
    assert "former_names" in DATASET.organisations["blmk-partnership"].unverified


def test_every_trust_and_body_says_what_is_known_of_its_names() -> None:
    for org in DATASET.organisations.values():
        if org.kind == "Person":
            continue
        if org.kind == "Trust" and not org.former_names:
            assert org.notes and "name" in org.notes, org.id  # the same name, or an earlier one unknown
        for former in org.former_names:
            assert former.valid_to and (org.valid_from is None or former.valid_to.start > org.valid_from.start)


def test_the_errors_of_issue_20_stay_fixed() -> None:
    events = {(e.date.iso(), e.title): e for e in DATASET.events}
    postponed = [e for (day, _), e in events.items() if day == "2016-06-10"]
    assert postponed and "bccg-2016-06-10-postponed" in postponed[0].sources
    assert all("postponed" not in title for (day, title) in events if day == "2016-06-08")
    assert {day for (day, title) in events if "Milton Keynes" in title and "city" in title.lower()} >= {
        "2022-05-20", "2023-02-16"}

    def rel(source: str, rtype: str, target: str):
        return next(r for r in DATASET.relationships
                    if (r.source, r.type, r.target) == (source, rtype, target))

    assert "2014-2017" not in (rel("nicola-smith", "HOLDS_ROLE", "mk-ccg").notes or "")
    for ccg in ("bedfordshire-ccg", "luton-ccg", "mk-ccg"):
        q58 = rel(ccg, "PART_OF", "q58-area-team")
        assert "ods-eccg-2016-02" not in q58.sources and "ons-ccg13-lookup" in q58.sources
        assert {"to", "valid_from"} <= set(rel(ccg, "PART_OF", "y61-region").unverified)
        davies = rel("patricia-davies", "HOLDS_ROLE", ccg)
        assert davies.valid_from.iso() == "2018-11" and "valid_from" not in davies.unverified
    assert "valid_from" in rel("robin-porter", "HOLDS_ROLE", "blmk-icb").unverified
    stp = DATASET.organisations["blmk-partnership"].former_names[0]
    assert stp.valid_to.iso() == "2018-07"  # a February 2018 document still uses the old name


def test_every_person_holds_a_dated_role() -> None:
    people = {o.id for o in DATASET.organisations.values() if o.kind == "Person"}
    for rel in DATASET.relationships:
        if rel.source in people or rel.target in people:
            assert rel.role, rel.id
    dated = {r.source for r in DATASET.relationships
             if r.source in people and r.type in ("HOLDS_ROLE", "LEADS") and r.valid_from}
    assert dated == people


def test_the_seed_people_and_bodies_are_present_and_cite_their_seed() -> None:
    for oid, seed in (("jonathan-guppy", "seed-000"), ("jeannie-ablett", "seed-000"),
                      ("paul-hassan", "seed-000"), ("nicola-smith", "seed-001"),
                      ("jane-halpin", "seed-003"), ("matthew-webb", "seed-002"),
                      ("pauline-philip", "seed-002"), ("healthcare-review", "seed-000"),
                      ("blmk-partnership", "seed-002")):
        assert seed in DATASET.organisations[oid].sources, oid


def test_the_wider_system_is_there() -> None:
    view = at(GRAPH, "2023-06-01")
    kinds = {}
    for oid in view.organisations:
        kinds.setdefault(DATASET.organisations[oid].kind, set()).add(oid)
    assert len(kinds["Board"] & {"bedford-hwb", "central-bedfordshire-hwb", "luton-hwb", "mk-hwb"}) == 4
    assert len(kinds["Healthwatch"]) == 4
    icp_members = {r.source for r in relationships_in_force("2023-06-01", "MEMBER_OF") if r.target == "blmk-icp"}
    assert icp_members == {"blmk-icb", "bedford-borough-council", "central-bedfordshire-council",
                           "luton-borough-council", "milton-keynes-city-council"}
