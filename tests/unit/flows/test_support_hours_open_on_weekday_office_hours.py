"""check_support_hours: open on weekdays 08:00–18:00 by default, configurable."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from bot.flows.runtime.checks import SupportHours, SupportHoursCheck


@pytest.mark.parametrize(
    "now, expected",
    [
        (datetime(2024, 5, 6, 8, 0), "open"),  # Monday, opening minute
        (datetime(2024, 5, 6, 17, 59), "open"),
        (datetime(2024, 5, 6, 18, 0), "closed"),  # closing time is exclusive
        (datetime(2024, 5, 6, 7, 59), "closed"),
        (datetime(2024, 5, 11, 12, 0), "closed"),  # Saturday
    ],
)
def test_default_hours(now: datetime, expected: str) -> None:
    assert SupportHoursCheck(lambda: now)({}) == expected


def test_configured_hours() -> None:
    hours = SupportHours.from_config({"days": ["sat", "sun"], "open": "10:00", "close": "14:00"})
    assert hours.days == frozenset({5, 6}) and hours.opens == time(10) and hours.closes == time(14)
    assert SupportHoursCheck(lambda: datetime(2024, 5, 11, 12, 0), hours)({}) == "open"
    assert SupportHoursCheck(lambda: datetime(2024, 5, 6, 12, 0), hours)({}) == "closed"


def test_aware_clock_is_converted_to_the_configured_zone() -> None:
    cet = timezone(timedelta(hours=1))
    hours = SupportHours(timezone=cet)
    utc_7_30 = datetime(2024, 1, 8, 7, 30, tzinfo=timezone.utc)  # 08:30 in UTC+1
    assert SupportHoursCheck(lambda: utc_7_30, hours)({}) == "open"


def test_bad_config_is_rejected() -> None:
    with pytest.raises(ValueError):
        SupportHours.from_config({"days": ["funday"]})
    with pytest.raises(ValueError):
        SupportHours.from_config({"open": "8am"})
