"""The service's one clock, and the JavaScript ``Date`` arithmetic the original used.

Time is kept as integer epoch milliseconds, like ``Date.now()``. The clock can start at a
chosen instant and then advance in real time (``CLOCK_START``), which is how the recorded
reference responses are served exactly and how demos stay deterministic.

"Local midnight" follows the process time zone (``TZ``), as ``Date.setHours(0,0,0,0)`` did.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


class Clock:
    """Wall clock with an adjustable offset: starts where told, then advances in real time."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset_ms = 0
        self._frozen_ms: int | None = None
        if start is not None:
            self.set(start)

    @staticmethod
    def _wall_ms() -> int:
        return time.time_ns() // 1_000_000

    def now_ms(self) -> int:
        """Current instant in epoch milliseconds."""
        if self._frozen_ms is not None:
            return self._frozen_ms
        return self._wall_ms() + self._offset_ms

    def setting(self) -> str:
        """How the clock was last set (offset and frozen instant): changes on every jump."""
        return f"{self._offset_ms}/{self._frozen_ms}"

    def now(self) -> datetime:
        """Current instant as an aware UTC datetime (millisecond precision)."""
        return datetime.fromtimestamp(self.now_ms() / 1000, tz=UTC)

    def now_iso(self) -> str:
        """Current instant formatted like ``Date.prototype.toISOString``."""
        return iso_from_ms(self.now_ms())

    def set(self, instant: datetime | int) -> None:
        """Move the clock to ``instant``; it keeps advancing from there."""
        target = instant if isinstance(instant, int) else datetime_to_ms(instant)
        if self._frozen_ms is not None:
            self._frozen_ms = target
        else:
            self._offset_ms = target - self._wall_ms()

    def advance(self, milliseconds: int) -> None:
        """Jump forward (or back, when negative) by ``milliseconds``."""
        if self._frozen_ms is not None:
            self._frozen_ms += milliseconds
        else:
            self._offset_ms += milliseconds

    def freeze(self, at: datetime | int | None = None) -> None:
        """Stop the clock (tests): at ``at`` exactly when given, else at the current instant.

        Setting and then freezing is a race, since a millisecond can pass in between; pass
        the instant here when a test needs that exact one.
        """
        if at is None:
            self._frozen_ms = self.now_ms()
        else:
            self._frozen_ms = at if isinstance(at, int) else datetime_to_ms(at)

    def unfreeze(self) -> None:
        """Let a frozen clock advance in real time again from where it stands."""
        if self._frozen_ms is not None:
            self._offset_ms = self._frozen_ms - self._wall_ms()
            self._frozen_ms = None


def datetime_to_ms(value: datetime) -> int:
    """Epoch milliseconds of an aware datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return calendar.timegm(value.utctimetuple()) * 1000 + value.microsecond // 1000


def iso_from_ms(ms: int) -> str:
    """``new Date(ms).toISOString()``: ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    seconds, millis = divmod(ms, 1000)
    tm = time.gmtime(seconds)
    year = tm.tm_year
    if 0 <= year <= 9999:
        head = f"{year:04d}"
    else:
        head = f"{'-' if year < 0 else '+'}{abs(year):06d}"
    return (
        f"{head}-{tm.tm_mon:02d}-{tm.tm_mday:02d}T"
        f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}.{millis:03d}Z"
    )


def ms_from_iso(text: str) -> int:
    """Parse a stored ``toISOString`` value back to epoch milliseconds."""
    parsed = parse_js_date(text)
    if parsed is None:
        raise ValueError(f"not an ISO timestamp: {text!r}")
    return parsed


# -- local-time arithmetic (Date.setHours / setDate in the server time zone) --------------


def local_midnight_ms(ms: int, days_back: int = 0) -> int:
    """Local midnight of the day ``days_back`` days before the local day of ``ms``."""
    tm = time.localtime(ms // 1000)
    return (
        int(time.mktime((tm.tm_year, tm.tm_mon, tm.tm_mday - days_back, 0, 0, 0, 0, 0, -1))) * 1000
    )


def local_end_of_day_ms(day_start_ms: int) -> int:
    """``setHours(23, 59, 59, 999)`` on the local day starting at ``day_start_ms``."""
    tm = time.localtime(day_start_ms // 1000)
    end = time.mktime((tm.tm_year, tm.tm_mon, tm.tm_mday, 23, 59, 59, 0, 0, -1))
    return int(end) * 1000 + 999


def local_days_ago_ms(ms: int, days: int) -> int:
    """``d.setDate(d.getDate() - days)``: same local time of day, ``days`` calendar days back."""
    seconds, millis = divmod(ms, 1000)
    tm = time.localtime(seconds)
    shifted = time.mktime(
        (tm.tm_year, tm.tm_mon, tm.tm_mday - days, tm.tm_hour, tm.tm_min, tm.tm_sec, 0, 0, -1)
    )
    return int(shifted) * 1000 + millis


def local_weekday(ms: int) -> int:
    """Local weekday of ``ms`` with Sunday = 0, like ``Date.prototype.getDay``."""
    return (time.localtime(ms // 1000).tm_wday + 1) % 7


def local_year(ms: int) -> int:
    """Local calendar year of ``ms`` (``getFullYear``)."""
    return time.localtime(ms // 1000).tm_year


# -- new Date(string) ---------------------------------------------------------------------

_ISO_RE = re.compile(
    r"^(?P<year>[+-]\d{6}|\d{4})"
    r"(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?$"
)
_LEGACY_NUMERIC_RE = re.compile(
    r"^(?P<a>\d{1,6})[/-](?P<b>\d{1,6})[/-](?P<c>\d{1,6})"
    r"(?: (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?$"
)


def _compose(
    year: int, month: int, day: int, hour: int, minute: int, second: int, millis: int
) -> tuple[int, int, int, int, int, int, int] | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if hour == 24:
        if minute or second or millis:
            return None
    elif not (0 <= hour <= 23):
        return None
    if not (0 <= minute <= 59 and 0 <= second <= 59):
        return None
    return year, month, day, hour, minute, second, millis


MAX_JS_TIME_MS = 8_640_000_000_000_000  # ECMAScript time values stay within +-8.64e15 ms


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year, day may overflow)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _utc_ms(parts: tuple[int, int, int, int, int, int, int]) -> int:
    year, month, day, hour, minute, second, millis = parts
    # Day overflow (Feb 30 -> Mar 1) carries over, like ECMAScript MakeDay.
    days = _days_from_civil(year, month, 1) + day - 1
    return (days * 86400 + hour * 3600 + minute * 60 + second) * 1000 + millis


def _local_ms(parts: tuple[int, int, int, int, int, int, int]) -> int:
    year, month, day, hour, minute, second, millis = parts
    try:
        return int(time.mktime((year, month, day, hour, minute, second, 0, 0, -1))) * 1000 + millis
    except (OverflowError, ValueError):
        # Outside what the C library handles: use the zone's standard offset.
        return _utc_ms(parts) + time.timezone * 1000


def parse_js_date(text: str) -> int | None:
    """``new Date(text).getTime()`` for the formats the API meets; ``None`` if invalid.

    ISO forms follow ECMAScript: date-only is UTC, date-time without an offset is local.
    The numeric legacy forms (``M/D/YYYY``, ``YYYY/M/D``, ``M-D-YYYY``, ``YYYY-M-D``, also with
    two-digit years) are local time, month first unless the first number is a year, as V8
    reads them.
    """
    parsed = _parse_js_date(text.strip())
    if parsed is None or abs(parsed) > MAX_JS_TIME_MS:
        return None
    return parsed


def _parse_js_date(text: str) -> int | None:
    match = _ISO_RE.match(text)
    if match:
        year_text = match["year"]
        if year_text == "-000000":
            return None
        fraction = match["fraction"] or "0"
        parts = _compose(
            int(year_text),
            int(match["month"] or 1),
            int(match["day"] or 1),
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            int((fraction + "00")[:3]),
        )
        if parts is None:
            # V8 retries a string its ISO parser rejects with the legacy parser.
            return _parse_legacy(text)
        zone = match["zone"]
        if match["hour"] is None:
            return _utc_ms(parts)
        if zone is None:
            return _local_ms(parts)
        ms = _utc_ms(parts)
        if zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            hours, minutes = int(zone[1:3]), int(zone[4:6])
            if hours > 23 or minutes > 59:
                return None
            ms -= sign * (hours * 60 + minutes) * 60_000
        return ms
    return _parse_legacy(text)


def _parse_legacy(text: str) -> int | None:
    match = _LEGACY_NUMERIC_RE.match(text)
    if match:
        # V8's legacy parser: a first number above 31 is the year (Y-M-D), otherwise the
        # order is month, day, year; years 0-49 mean 20xx and 50-99 mean 19xx.
        a, b, c = int(match["a"]), int(match["b"]), int(match["c"])
        year, month, day = (a, b, c) if a > 31 else (c, a, b)
        if 0 <= year <= 49:
            year += 2000
        elif 50 <= year <= 99:
            year += 1900
        parts = _compose(
            year,
            month,
            day,
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            0,
        )
        return None if parts is None else _local_ms(parts)
    return None
