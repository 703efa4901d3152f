"""Dates: reading them from front matter and writing them in German.

A time without an offset is Berlin time; a date without a time is midnight in
Berlin. Formatting goes through Babel so month names and daylight-saving
offsets are right without a hand-made table.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from ..errors import FieldError, short_repr

BERLIN = ZoneInfo("Europe/Berlin")
LOCALE = "de_DE"
EXAMPLES = "2017-10-04, 2017-10-04 10:30 or 2017-10-04T10:30:00+02:00"


class ImpossibleDate(ValueError):
    """ISO 8601 in form, but no such day or time (2016-02-30, 25:00)."""


class NotIsoDate(ValueError):
    """Not an ISO 8601 date or date-time at all."""


def from_iso(text: str) -> dt.datetime:
    """``datetime.fromisoformat`` (a date alone is midnight) that tells a wrong form from an impossible value."""
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day)
        return dt.datetime.fromisoformat(text)
    except ValueError as error:
        reason = str(error)
        if "out of range" in reason or "must be in" in reason:
            raise ImpossibleDate(reason) from None
        raise NotIsoDate(reason) from None


def parse_datetime(text: str) -> dt.datetime:
    """An aware datetime from an ISO 8601 date or date-time; naive means Berlin."""
    text = text.strip()
    try:
        value = from_iso(text)
    except ImpossibleDate as error:
        raise FieldError(f"{short_repr(text)} is not a valid date: {error}") from None
    except NotIsoDate:
        raise FieldError(f"{short_repr(text)} is not an ISO 8601 date; write for example {EXAMPLES}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BERLIN)
    try:
        # Through UTC: a Berlin time that does not exist (02:40 on the night clocks go forward) becomes the
        # one it is in fact (03:40 summer time), as it comes back from the content cache; astimezone to the
        # same zone would keep it as written.
        return value.astimezone(dt.UTC).astimezone(BERLIN)
    except OverflowError:
        raise FieldError(f"{short_repr(text)} is not a valid date: out of range in Berlin time") from None


@lru_cache(maxsize=65536)
def de_date(value: dt.datetime) -> str:
    """'4. Oktober 2017'. Remembered: Babel takes ~80 µs, and every list shows each date again."""
    from babel.dates import format_date  # here: the pre-commit hook imports this module and mostly shows no date

    return format_date(value.astimezone(BERLIN), "d. MMMM y", locale=LOCALE)


def de_datetime(value: dt.datetime) -> str:
    """'4. Oktober 2017, 10:30 Uhr'."""
    from babel.dates import format_time

    local = value.astimezone(BERLIN)
    return f"{de_date(local)}, {format_time(local, 'HH:mm', locale=LOCALE)} Uhr"


def isodate(value: dt.datetime) -> str:
    """'2017-10-04T10:30:00+02:00': ISO 8601 in Berlin time, with its offset."""
    return value.astimezone(BERLIN).isoformat(timespec="seconds")


JINJA_FILTERS = {"de_date": de_date, "de_datetime": de_datetime, "isodate": isodate}
