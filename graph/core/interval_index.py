"""An interval index for ``at``: what is in force on a day without scanning every record.

Every organisation and relationship becomes two change events (it begins, it ends) on the
ordinal day line, sorted once. A checkpoint holds the state after every ``STRIDE`` events, so a
day is answered from the checkpoint before it plus at most ``STRIDE`` events, applied with numpy;
only the answer itself (the names and ids in force) is built in Python.

A relationship's interval is its own dates clipped to both ends' lifetimes (``effective_span``'s
rule on days), so "both ends exist" needs no check per query; an organisation of a kind present
only while related exists while it has a relationship in force (a count kept per organisation).
Views are cached per epoch (the span between two change days) in a bounded LRU, behind a lock
because Streamlit serves several sessions from threads.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import OrderedDict

import numpy as np

from graph.core.dates import PartialDate
from graph.core.model import Dataset

STRIDE = 2048  # change events between checkpoints
OPEN_START, OPEN_END = 0, 10**7  # ordinals beyond any real date
CACHE_EPOCHS = 256
CACHE_ITEMS = 2_000_000  # organisations + relationships held by cached views, all told


def ordinal_span(valid_from: PartialDate | None, valid_to: PartialDate | None) -> tuple[int, int]:
    """A lifetime as ordinal days ``[first, after)``; open ends run off the line."""
    return (valid_from.start.toordinal() if valid_from else OPEN_START,
            valid_to.start.toordinal() if valid_to else OPEN_END)


class IntervalIndex:
    """``at(day)`` as (names in force, relationship ids in force) for one dataset."""

    def __init__(self, dataset: Dataset):
        orgs = list(dataset.organisations.values())
        self.organisations = orgs
        self.org_ids = np.array([o.id for o in orgs], dtype=object)
        self.org_names = np.array([o.name for o in orgs], dtype=object)
        self.renamed = np.array([bool(o.former_names) for o in orgs])
        position = {o.id: i for i, o in enumerate(orgs)}
        related_kinds = {k for k, kind in dataset.kinds.items() if kind.while_related}
        self.related_only = np.array([o.kind in related_kinds for o in orgs])
        life = np.array([ordinal_span(o.valid_from, o.valid_to) for o in orgs],
                        dtype=np.int64).reshape(-1, 2)
        rels = dataset.relationships
        self.rel_ids = np.array([r.id for r in rels], dtype=object)
        self.sources = np.array([position[r.source] for r in rels], dtype=np.int64)
        self.targets = np.array([position[r.target] for r in rels], dtype=np.int64)
        own = np.array([ordinal_span(r.valid_from, r.valid_to) for r in rels],
                       dtype=np.int64).reshape(-1, 2)
        # in force only while both ends exist: clip to the later start and the earlier end
        first = np.maximum(own[:, 0], np.maximum(life[self.sources, 0], life[self.targets, 0]))
        after = np.minimum(own[:, 1], np.minimum(life[self.sources, 1], life[self.targets, 1]))
        self._events(life, first, after)
        self.name_days = sorted({d.start for o in orgs for f in o.former_names
                                 for d in (f.valid_from, f.valid_to) if d})
        self.cache: OrderedDict[int, tuple[dict[str, str], frozenset[str]]] = OrderedDict()
        self.cached_items = 0
        self.lock = threading.Lock()

    def __getstate__(self) -> dict:
        """Pickled (the warm start) without the lock and the cached views."""
        return {k: v for k, v in self.__dict__.items() if k not in ("lock", "cache")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, cache=OrderedDict(), cached_items=0, lock=threading.Lock())

    def _events(self, life: np.ndarray, first: np.ndarray, after: np.ndarray) -> None:
        """Sorted change events (day, is_relationship, position, +1 or -1) and checkpoints."""
        n_orgs = len(self.org_ids)
        own_life = ~self.related_only  # the others exist only through their relationships
        org_pos = np.flatnonzero(own_life)
        rel_pos = np.flatnonzero(first < after)
        days = np.concatenate([life[org_pos, 0], life[org_pos, 1], first[rel_pos], after[rel_pos]])
        is_rel = np.concatenate([np.zeros(2 * len(org_pos), bool), np.ones(2 * len(rel_pos), bool)])
        where = np.concatenate([org_pos, org_pos, rel_pos, rel_pos])
        sign = np.concatenate([np.ones(len(org_pos), np.int8), -np.ones(len(org_pos), np.int8),
                               np.ones(len(rel_pos), np.int8), -np.ones(len(rel_pos), np.int8)])
        keep = (days > OPEN_START) & (days < OPEN_END)  # open ends never change anything
        start_state = np.zeros(n_orgs, np.int8)
        start_state[org_pos[life[org_pos, 0] == OPEN_START]] = 1
        rel_state = np.zeros(len(self.rel_ids), np.int8)
        rel_state[rel_pos[first[rel_pos] == OPEN_START]] = 1
        order = np.argsort(days[keep], kind="stable")
        self.days = days[keep][order]
        self.is_rel, self.where, self.sign = is_rel[keep][order], where[keep][order], sign[keep][
            order]
        self.boundaries = sorted({dt.date.fromordinal(int(d)) for d in np.unique(self.days)})
        self.checkpoints = []
        orgs, rels = start_state, rel_state
        touching = self._touching(rels)
        for start in range(0, len(self.days) + 1, STRIDE):
            self.checkpoints.append((orgs.copy(), rels.copy(), touching.copy()))
            orgs, rels, touching = self._apply(orgs, rels, touching, start, start + STRIDE)

    def _touching(self, rels: np.ndarray) -> np.ndarray:
        """How many relationships in force touch each organisation."""
        held = np.flatnonzero(rels > 0)
        count = np.bincount(self.sources[held], minlength=len(self.org_ids))
        return count + np.bincount(self.targets[held], minlength=len(self.org_ids))

    def _apply(self, orgs: np.ndarray, rels: np.ndarray, touching: np.ndarray, start: int,
               stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        orgs, rels, touching = orgs.copy(), rels.copy(), touching.copy()
        is_rel, where, sign = self.is_rel[start:stop], self.where[start:stop], self.sign[start:stop]
        np.add.at(orgs, where[~is_rel], sign[~is_rel])
        changed, change = where[is_rel], sign[is_rel]
        np.add.at(rels, changed, change)
        np.add.at(touching, self.sources[changed], change.astype(touching.dtype))
        np.add.at(touching, self.targets[changed], change.astype(touching.dtype))
        return orgs, rels, touching

    def at(self, day: dt.date) -> tuple[dict[str, str], frozenset[str]]:
        """Names (as on ``day``) of the organisations in force, and the relationships."""
        epoch = (bisect.bisect_right(self.boundaries, day),
                 bisect.bisect_right(self.name_days, day))
        with self.lock:
            found = self.cache.get(epoch)
            if found is not None:
                self.cache.move_to_end(epoch)
                return found
        found = self._answer(day)
        with self.lock:
            if epoch not in self.cache:
                self.cache[epoch] = found
                self.cached_items += len(found[0]) + len(found[1])
                # bounded by count and by size, so a long-running page cannot grow without end
                while len(self.cache) > 1 and (len(self.cache) > CACHE_EPOCHS
                                               or self.cached_items > CACHE_ITEMS):
                    _, (old_names, old_rels) = self.cache.popitem(last=False)
                    self.cached_items -= len(old_names) + len(old_rels)
        return found

    def _answer(self, day: dt.date) -> tuple[dict[str, str], frozenset[str]]:
        n = day.toordinal()
        done = int(np.searchsorted(self.days, n, side="right"))  # events on or before the day
        checkpoint = done // STRIDE
        orgs, rels, touching = self._apply(*self.checkpoints[checkpoint], checkpoint * STRIDE,
                                           done)
        present = np.where(self.related_only, touching > 0, orgs > 0)
        chosen = np.flatnonzero(present)
        names = dict(zip(self.org_ids[chosen].tolist(), self.org_names[chosen].tolist(),
                         strict=True))
        for i in np.flatnonzero(present & self.renamed):
            names[self.org_ids[i]] = self.organisations[i].name_at(day)
        return names, frozenset(self.rel_ids[np.flatnonzero(rels > 0)].tolist())
