"""The support hours calendar: weekly hours in a timezone, holidays, and the next opening."""

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.datafile import DataFileError
from bot.handoff.calendar import SupportCalendarFile, parse_calendar

CALENDAR = """
timezone: Europe/London
hours:
  mon: "08:00-18:00"
  tue: "08:00-18:00"
  wed: "08:00-12:00, 13:00-17:00"
  thu: "08:00-18:00"
  fri: "08:00-16:00"
  sat: closed
holidays:
  - 2024-12-25
  - {date: 2024-12-26, name: Boxing Day}
"""


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "support_hours.yml"
    p.write_text(CALENDAR)
    return p


def test_open_during_local_weekday_hours_only(path: Path) -> None:
    cal = parse_calendar(path)
    assert cal.is_open(utc(2024, 7, 1, 7, 30))       # Monday 08:30 BST
    assert not cal.is_open(utc(2024, 7, 1, 6, 30))   # Monday 07:30 BST
    assert cal.is_open(utc(2024, 1, 8, 8, 0))        # Monday 08:00 GMT (opening is inclusive)
    assert not cal.is_open(utc(2024, 1, 8, 18, 0))   # closing is exclusive
    assert not cal.is_open(utc(2024, 7, 3, 11, 30))  # Wednesday lunch 12:30 BST
    assert not cal.is_open(utc(2024, 7, 6, 10, 0))   # Saturday


def test_holidays_are_closed_all_day(path: Path) -> None:
    cal = parse_calendar(path)
    assert not cal.is_open(utc(2024, 12, 25, 10, 0))  # a Wednesday
    assert cal.is_open(utc(2024, 12, 24, 10, 0))


def test_next_opening_skips_weekends_and_holidays(path: Path) -> None:
    cal = parse_calendar(path)
    friday_evening = utc(2024, 7, 5, 17, 0)  # 18:00 BST
    assert cal.next_open(friday_evening).isoformat() == "2024-07-08T08:00:00+01:00"
    assert cal.describe_next(friday_evening) == "Monday at 08:00 Europe/London time"
    assert cal.describe_next(utc(2024, 7, 1, 20, 0)) == "tomorrow (Tuesday) at 08:00 Europe/London time"
    assert cal.describe_next(utc(2024, 7, 3, 11, 30)) == "today at 13:00 Europe/London time"
    christmas_eve_night = utc(2024, 12, 24, 20, 0)
    assert cal.next_open(christmas_eve_night).date().isoformat() == "2024-12-27"


def test_hours_are_described_for_people(path: Path) -> None:
    assert parse_calendar(path).describe_hours() == (
        "Monday–Tuesday 08:00–18:00; Wednesday 08:00–12:00, 13:00–17:00; Thursday 08:00–18:00; "
        "Friday 08:00–16:00 (Europe/London time)")


@pytest.mark.parametrize("content, message", [
    ("timezone: Mars/Olympus\n", "unknown timezone"),
    ("hours: {funday: '08:00-18:00'}\n", "unknown day"),
    ("hours: {mon: '18:00-08:00'}\n", "ends before it starts"),
    ("hours: {mon: 'nine to five'}\n", "not a time range"),
    ("holidays: [christmas]\n", "not a date"),
])
def test_malformed_calendars_are_rejected_with_the_reason(tmp_path: Path, content: str, message: str) -> None:
    p = tmp_path / "bad.yml"
    p.write_text(content)
    with pytest.raises(DataFileError, match=message):
        parse_calendar(p)


def test_the_file_is_reread_when_it_changes_and_a_missing_file_means_weekdays(path: Path, tmp_path: Path) -> None:
    calendar = SupportCalendarFile(path)
    saturday = utc(2024, 7, 6, 10, 0)
    assert not calendar.is_open(saturday)
    path.write_text(CALENDAR.replace("sat: closed", 'sat: "09:00-13:00"'))
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert calendar.is_open(saturday)
    default = SupportCalendarFile(tmp_path / "missing.yml")
    assert default.is_open(utc(2024, 7, 1, 9, 0)) and not default.is_open(saturday)


def test_the_shipped_calendar_parses() -> None:
    root = Path(__file__).resolve().parents[3]
    cal = parse_calendar(root / "config" / "support_hours.yml")
    assert cal.zone_name == "Europe/London"
    assert not cal.week.get(5) and not cal.week.get(6)
    assert cal.is_open(utc(2025, 3, 3, 10, 0))
