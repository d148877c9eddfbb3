"""Dates that keep their precision: a day, a month or a year.

A partial date starts on its period's first day for arithmetic ("2014-03" is 1 March 2014
when compared), but it is always shown at the precision it was written ("March 2014").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

# ASCII digits to the very end: '\d' takes any script's digits, '$' a final newline.
_DATE_TEXT = re.compile(r"\A([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")
MONTHS = (
    "January February March April May June July August September October November December"
).split()


class DateError(ValueError):
    """A date written in a shape the format does not allow."""


@dataclass(frozen=True, order=False)
class PartialDate:
    """A date at day, month or year precision, e.g. ``PartialDate.parse("2014-03")``."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str | int) -> PartialDate:
        """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (an int year as YAML gives it)."""
        if isinstance(text, bool) or not isinstance(text, (str, int)):
            raise DateError(f"expected a date, found {type(text).__name__}")
        match = _DATE_TEXT.match(str(text))
        if not match:
            raise DateError(f"'{text}' is not a date")
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError as exc:
            raise DateError(f"'{text}' is not a real date ({exc})") from None
        return cls(year, month, day)

    @classmethod
    def of(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @functools.cached_property
    def start(self) -> dt.date:
        """The first day of the period, used for all comparisons (worked out once)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @functools.cached_property
    def end(self) -> dt.date:
        """The first day after the period: the day after a day, the next month, the next year."""
        if self.day:
            return self.start + dt.timedelta(days=1)
        if self.month:
            return dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return dt.date(self.year + 1, 1, 1)

    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def words(self) -> str:
        """'1 April 2021', 'April 2021' or '2021'."""
        if self.day:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    def __str__(self) -> str:
        return self.iso()

    def __lt__(self, other: PartialDate) -> bool:
        return self.start < other.start

    def __le__(self, other: PartialDate) -> bool:
        return self.start <= other.start


def as_day(value: PartialDate | dt.date | str) -> dt.date:
    """Any accepted date form as the day it starts on."""
    if isinstance(value, PartialDate):
        return value.start
    if isinstance(value, dt.date):
        return value
    return PartialDate.parse(value).start


def words(value: PartialDate | dt.date | None, fallback: str = "") -> str:
    """A date in words at its own precision ('1 April 2021', 'April 2021'); ``fallback`` for
    an open end (None)."""
    if value is None:
        return fallback
    if isinstance(value, dt.date):
        value = PartialDate.of(value)
    return value.words()


def last_day(valid_to: PartialDate) -> PartialDate:
    """The last day (or month, or year) in force before an exclusive end: ``2021-04-01`` gives
    31 March 2021, ``2015-04`` March 2015 and ``2018`` 2017, so a reader never mistakes the
    first day *out* of force for the last day in it."""
    if valid_to.day:
        return PartialDate.of(valid_to.start - dt.timedelta(days=1))
    if valid_to.month:
        before = valid_to.start - dt.timedelta(days=1)
        return PartialDate(before.year, before.month)
    return PartialDate(valid_to.year - 1)


def until(valid_to: PartialDate) -> str:
    """An exclusive end in words, as its last day: 'until 31 March 2021', 'until March 2015'."""
    return f"until {last_day(valid_to).words()}"


def span(valid_from: PartialDate | None, valid_to: PartialDate | None,
         open_text: str = "") -> str:
    """A period in words with its last day, never its exclusive end: 'from 1 April 2013 until
    31 March 2021', 'from October 2007', 'until March 2015'; ``open_text`` when both are open."""
    parts = ([f"from {valid_from.words()}"] if valid_from else []) + (
        [until(valid_to)] if valid_to else [])
    return " ".join(parts) or open_text
