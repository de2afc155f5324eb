"""ISO 8601 times given by people (query strings, command options) as aware UTC datetimes, or a clear 400."""
from datetime import UTC, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .exceptions import ApplicationError


def utc_datetime(value: str | None, name: str, *, dates: bool = False) -> datetime | None:
    """`value` as an aware UTC datetime (no zone given: UTC); None for nothing. `dates`: a bare date is midnight
    UTC. Anything else is an ApplicationError naming `name`."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None and dates and (day := parse_date(value)):
            parsed = datetime.combine(day, time.min)
    except ValueError:  # well-formed but impossible, e.g. month 13
        parsed = None
    if parsed is None:
        raise ApplicationError(f"{name}: not an ISO 8601 date{' or date' if dates else ''}-time: {value!r}.")
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed, UTC)
    try:
        # In UTC: PostgreSQL refuses offsets past ±15:59 that Python parses (+18:21 was a 500, found by the fuzzer).
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise ApplicationError(f"{name}: out of range: {value!r}.") from None
