"""When engineers are at their desks: a weekly timetable in a timezone, minus holidays.

Read from ``config/support_hours.yml`` (re-read when it changes)::

    timezone: Europe/London
    hours:                       # days not listed are closed
      mon: "08:00-18:00"
      fri: "08:00-12:00, 13:00-16:00"   # several ranges
      sat: closed
    holidays:
      - 2024-12-25
      - {date: 2024-12-26, name: Boxing Day}

It decides whether an escalation is handed to an engineer live, and otherwise tells the user
when to expect an answer. :class:`SupportCalendar` also serves the flows' ``check_support_hours``
check (it has the same ``is_open`` method as :class:`bot.flows.runtime.checks.SupportHours`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

from bot.datafile import DataFileError, WatchedFile, load_yaml

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
Range = Tuple[time, time]


def _zone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return timezone.utc
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DataFileError(f"unknown timezone {name!r} (use an IANA name such as Europe/London)") from None


@dataclass(frozen=True)
class SupportCalendar:
    """Opening hours per weekday (0 = Monday) in ``zone``, closed on ``holidays``."""

    zone: tzinfo = timezone.utc
    zone_name: str = "UTC"
    week: Mapping[int, Tuple[Range, ...]] = field(
        default_factory=lambda: {day: ((time(8, 0), time(18, 0)),) for day in range(5)}
    )
    holidays: FrozenSet[date] = frozenset()

    def _local(self, now: datetime) -> datetime:
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
        return now.astimezone(self.zone)

    def is_open(self, now: datetime) -> bool:
        """Whether engineers are working at ``now`` (opening inclusive, closing exclusive).

        Args:
            now: an aware datetime (naive values are taken as UTC).
        """
        local = self._local(now)
        if local.date() in self.holidays:
            return False
        return any(start <= local.time() < end for start, end in self.week.get(local.weekday(), ()))

    def next_open(self, now: datetime) -> Optional[datetime]:
        """When the desk next opens after ``now`` (``now`` itself if open), in the calendar's
        timezone; None if it never opens within a year."""
        local = self._local(now)
        if self.is_open(local):
            return local
        for offset in range(0, 367):
            day = local.date() + timedelta(days=offset)
            if day in self.holidays:
                continue
            for start, _end in sorted(self.week.get(day.weekday(), ())):
                candidate = datetime.combine(day, start, tzinfo=self.zone)
                if candidate > local:
                    return candidate
        return None

    def describe_next(self, now: datetime) -> str:
        """The next opening in words, e.g. ``"tomorrow (Tuesday) at 08:00 Europe/London time"``."""
        when = self.next_open(now)
        if when is None:
            return "as soon as the service desk is staffed again"
        local_today = self._local(now).date()
        if when.date() == local_today:
            day = "today"
        elif when.date() == local_today + timedelta(days=1):
            day = f"tomorrow ({DAY_NAMES[when.weekday()]})"
        elif when.date() - local_today < timedelta(days=7):
            day = DAY_NAMES[when.weekday()]
        else:
            day = f"{DAY_NAMES[when.weekday()]} {when.day} {when.strftime('%B')}"
        return f"{day} at {when.strftime('%H:%M')} {self.zone_name} time"

    def describe_hours(self) -> str:
        """The weekly timetable in words, e.g. ``"Monday–Friday 08:00–18:00"``."""
        groups: List[Tuple[List[int], Tuple[Range, ...]]] = []
        for day in range(7):
            ranges = tuple(sorted(self.week.get(day, ())))
            if not ranges:
                continue
            if groups and groups[-1][1] == ranges and groups[-1][0][-1] == day - 1:
                groups[-1][0].append(day)
            else:
                groups.append(([day], ranges))
        parts = []
        for days, ranges in groups:
            label = DAY_NAMES[days[0]] if len(days) == 1 else f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[-1]]}"
            hours = ", ".join(f"{a.strftime('%H:%M')}–{'24:00' if b == time.max else b.strftime('%H:%M')}" for a, b in ranges)
            parts.append(f"{label} {hours}")
        return "; ".join(parts) + f" ({self.zone_name} time)" if parts else "never (no hours configured)"


def _ranges(where: str, value: Any) -> Tuple[Range, ...]:
    if value is None or value is False or str(value).strip().lower() in ("closed", "none", ""):
        return ()
    ranges: List[Range] = []
    for part in str(value).split(","):
        match = _RANGE.match(part)
        if not match:
            raise DataFileError(f"{where}: {part.strip()!r} is not a time range like 08:00-18:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise DataFileError(f"{where}: {part.strip()!r} is not a valid time range")
        start, end = time(h1, m1), (time.max if h2 == 24 else time(h2, m2))
        if end <= start:
            raise DataFileError(f"{where}: {part.strip()!r} ends before it starts (ranges cannot cross midnight)")
        ranges.append((start, end))
    return tuple(sorted(ranges))


def parse_calendar(path: Path) -> SupportCalendar:
    """Parse a support hours file.

    Raises:
        DataFileError: malformed timezone, day, range or holiday; the message names it.
    """
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected a mapping with timezone, hours and holidays")
    zone_name = str(data.get("timezone") or "UTC")
    try:
        zone = _zone(zone_name)
    except DataFileError as exc:
        raise DataFileError(f"{path}: {exc}") from None
    hours = data.get("hours") or {}
    if not isinstance(hours, dict):
        raise DataFileError(f"{path}: 'hours' must map days (mon … sun) to ranges like 08:00-18:00")
    week: Dict[int, Tuple[Range, ...]] = {}
    for day, value in hours.items():
        key = str(day).strip().lower()[:3]
        if key not in DAYS:
            raise DataFileError(f"{path}: unknown day {day!r} (use mon, tue, wed, thu, fri, sat, sun)")
        week[DAYS.index(key)] = _ranges(f"{path}: {day}", value)
    holidays = set()
    for item in data.get("holidays") or []:
        raw = item.get("date") if isinstance(item, dict) else item
        if isinstance(raw, date):
            holidays.add(raw)
            continue
        try:
            holidays.add(date.fromisoformat(str(raw)))
        except ValueError:
            raise DataFileError(f"{path}: holiday {raw!r} is not a date like 2024-12-25") from None
    return SupportCalendar(zone=zone, zone_name=zone_name, week=week, holidays=frozenset(holidays))


class SupportCalendarFile:
    """The support hours file, re-read when it changes (default: weekdays 08:00–18:00 UTC)."""

    def __init__(self, path: Path) -> None:
        self._file: WatchedFile[SupportCalendar] = WatchedFile(path, parse_calendar, SupportCalendar())

    def get(self) -> SupportCalendar:
        """The current calendar."""
        return self._file.get()

    def is_open(self, now: datetime) -> bool:
        """See :meth:`SupportCalendar.is_open`."""
        return self.get().is_open(now)

    def next_open(self, now: datetime) -> Optional[datetime]:
        """See :meth:`SupportCalendar.next_open`."""
        return self.get().next_open(now)

    def describe_next(self, now: datetime) -> str:
        """See :meth:`SupportCalendar.describe_next`."""
        return self.get().describe_next(now)

    def describe_hours(self) -> str:
        """See :meth:`SupportCalendar.describe_hours`."""
        return self.get().describe_hours()
