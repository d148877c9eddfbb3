"""What a source supports on the page's date: the boxes and lines of the view that cite it (the
graph highlights them), the claims citing it that are not drawn that day, with their dates, and
what would be left with no source if it were withdrawn (``graph.core.sources``)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.core.dates import span, words
from graph.core.model import Dataset
from graph.core.sources import Claim, withdrawal
from graph.drawing.scene import Scene


@dataclass(frozen=True)
class Evidence:
    source: str
    nodes: frozenset[str]  # organisations drawn that cite it
    edges: frozenset[str]  # relationships drawn that cite it
    drawn: tuple[str, ...]  # those claims in words
    elsewhere: tuple[str, ...]  # the claims citing it not drawn on the date, with their dates
    unsourced: tuple[str, ...]  # the claims left with no source if it were withdrawn


def supported(view: Scene, source_id: str) -> tuple[frozenset[str], frozenset[str]]:
    """The organisations and relationships drawn in ``view`` that cite ``source_id``."""
    return (frozenset(n.id for n in view.nodes if source_id in n.sources),
            frozenset(e.id for e in view.edges if source_id in e.sources))


def evidence(dataset: Dataset, view: Scene, source_id: str) -> Evidence:
    """Everything that rests on ``source_id``, split by what the view draws."""
    nodes, edges = supported(view, source_id)
    found = withdrawal(dataset, source_id)
    drawn, elsewhere = [], []
    for claim in found.citing:
        on_graph = claim.id in (nodes if claim.kind == "organisation" else
                                edges if claim.kind == "relationship" else ())
        (drawn if on_graph else elsewhere).append(said(dataset, claim))
    return Evidence(source_id, nodes, edges, tuple(drawn), tuple(elsewhere),
                    tuple(said(dataset, c) for c in found.unsourced))


def said(dataset: Dataset, claim: Claim) -> str:
    """A claim in words with its dates: an organisation with its kind and lifetime (its last
    day, never the exclusive end), a relationship as ``graph.core.sources`` words it (named as
    when it began), an event or a named snapshot with its date."""
    if claim.kind == "organisation":
        org = dataset.organisations[claim.id]
        return (f"{claim.text} ({dataset.kinds[org.kind].label}), "
                f"{span(org.valid_from, org.valid_to, 'no dates recorded')}")
    if claim.kind == "relationship":
        return claim.text
    if claim.kind == "story step":
        return f"The story {claim.text}"
    return f"{claim.kind.capitalize()} of {claim.text}"


def source_choices(dataset: Dataset) -> dict[str, str]:
    """Source id -> how the picker lists it: its title, publisher, date and standing."""
    return {s.id: " · ".join(filter(None, [s.title, s.publisher, words(s.published),
                                           s.standing]))
            for s in dataset.sources.values()}
