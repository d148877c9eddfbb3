"""The rules that tie a record's dates to others': a span's order, a relationship within both
ends' lifetimes (``graph.core.model.lifetime_conflicts``), a lineage on its predecessor's end."""

from __future__ import annotations

from graph.core.dates import PartialDate
from graph.core.model import Organisation, lifetime_conflicts
from loaders.checker import Checker


def check_order(c: Checker, path: tuple, valid_from: PartialDate | None,
                 valid_to: PartialDate | None) -> None:
    if valid_from and valid_to and valid_to.start <= valid_from.start:
        c.error((*path, "valid_to"), f"valid_to {valid_to} is not after valid_from {valid_from}",
                "valid_to is the first day it no longer holds")


def check_within(c: Checker, path: tuple, org: Organisation, valid_from: PartialDate | None,
                  valid_to: PartialDate | None) -> None:
    """Explicit relationship dates must overlap the organisation's lifetime (open ends clip)."""
    if org.valid_from is None and org.valid_to is None:
        return  # an open lifetime holds every date
    for conflict in lifetime_conflicts(valid_from, valid_to, org.valid_from, org.valid_to):
        key, message, hint = {  # worded only when needed: most relationships fit
            "starts_before": ("valid_from", f"starts {valid_from}, before '{org.id}' exists "
                              f"(from {org.valid_from})", f"start on or after {org.valid_from}"),
            "starts_after": ("valid_from", f"starts {valid_from}, after '{org.id}' ended "
                             f"({org.valid_to})", f"start before {org.valid_to}"),
            "ends_after": ("valid_to", f"ends {valid_to}, after '{org.id}' ended "
                           f"({org.valid_to})", f"end on or before {org.valid_to}"),
            "ends_before": ("valid_to", f"ends {valid_to}, before '{org.id}' exists "
                            f"(from {org.valid_from})", f"end after {org.valid_from}"),
        }[conflict]
        c.error((*path, key), message, hint)


def check_lineage(c: Checker, path: tuple, rtype: str, predecessor: Organisation,
                   successor: Organisation, valid_from: PartialDate | None) -> None:
    end = predecessor.valid_to
    if end is None:
        c.error((*path, "from"), f"{rtype} is a lineage type but '{predecessor.id}' has no valid_to",
                "give the predecessor the day it ended as valid_to")
    elif valid_from is None or valid_from.start != end.start:
        c.error((*path, "valid_from") if valid_from else path,
                f"lineage relationship {rtype} must be dated on '{predecessor.id}''s end date {end}",
                f"set valid_from: {end}")
    elif not successor.exists_on(end.start) and not (
        successor.valid_from and successor.valid_from.precision != "day"
        and successor.valid_from.start <= end.start < successor.valid_from.end
    ):
        c.error((*path, "to"), f"successor '{successor.id}' does not exist on the take-over day {end}",
                "check the successor's valid_from and valid_to")
