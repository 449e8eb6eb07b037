"""When a person can expect a reply: the team's target counted in support hours only."""

from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest

from bot.datafile import DataFileError
from bot.handoff.calendar import SupportCalendar, parse_calendar
from bot.support.eta import promise, reply_by
from bot.support.teams import Target, parse_target, parse_teams

ROOT = Path(__file__).parents[3]
WEEKDAYS = SupportCalendar(week={d: ((time(8, 0), time(18, 0)),) for d in range(5)},
                           holidays=frozenset({date(2024, 12, 25)}))


def at(day: int, hour: int, minute: int = 0, month: int = 7) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=timezone.utc)


def test_a_target_inside_the_day_is_simple_addition() -> None:
    assert reply_by(WEEKDAYS, at(1, 9), 120) == at(1, 11)  # Monday 1 July 2024


def test_friday_evening_time_carries_over_the_weekend() -> None:
    # Friday 5 July 17:30 + 2 working hours: 30 minutes on Friday, 90 on Monday from 08:00.
    assert reply_by(WEEKDAYS, at(5, 17, 30), 120) == at(8, 9, 30)


def test_before_opening_the_clock_starts_at_opening_and_holidays_are_skipped() -> None:
    assert reply_by(WEEKDAYS, at(24, 20, 0, month=12), 60) == at(26, 9, 0, month=12)


def test_a_calendar_without_hours_promises_no_time() -> None:
    assert reply_by(SupportCalendar(week={}), at(1, 9), 60) is None


def test_promise_names_the_team_target_time_and_channel_during_hours() -> None:
    p = promise(WEEKDAYS, team_name="identity & access", priority="high", target=Target(60, "m"),
                opened_at=at(1, 9), now=at(1, 9, 5), channel="slack")
    assert p.open_now and p.due == at(1, 10)
    assert p.text == ("The identity & access team aims to answer high-priority tickets within 1 working hour, "
                      "so expect a reply by today at 10:00 (UTC time), here in Slack.")


def test_after_hours_the_promise_says_nobody_is_in_and_when_the_reply_is_due() -> None:
    p = promise(WEEKDAYS, team_name="network", priority="normal", target=Target(1, "d"),
                opened_at=at(5, 19), now=at(5, 19), channel="socketio")
    assert not p.open_now
    assert "by Monday at 18:00 (UTC time), here in this chat" in p.text
    assert "nobody is in right now" in p.text


def test_an_overdue_ticket_is_not_given_a_time_in_the_past() -> None:
    p = promise(WEEKDAYS, team_name="network", priority="normal", target=Target(30, "m"),
                opened_at=at(1, 9), now=at(1, 15), channel="rest")
    assert "later than they'd like" in p.text and "mark it urgent" in p.text


def test_the_shipped_teams_file_has_targets_for_every_team_flows_escalate_to() -> None:
    directory = parse_teams(ROOT / "config" / "teams.yml")
    flows_teams = {line.split("team:", 1)[1].strip() for f in (ROOT / "flows").glob("*.yml")
                   for line in f.read_text().splitlines() if line.strip().startswith("team:")}
    assert flows_teams <= set(directory.teams), flows_teams - set(directory.teams)
    assert directory.target("security", "high").describe() == "30 minutes"
    assert directory.target("network", "normal").describe() == "1 working day"
    assert directory.asks_contact_route("account_locked") and not directory.asks_contact_route("printer_problem")
    assert directory.contact.phone
    assert parse_calendar(ROOT / "config" / "support_hours.yml").describe_hours()


def test_durations_read_minutes_hours_and_days() -> None:
    assert parse_target("x", "30m") == Target(30, "m")
    assert parse_target("x", "4h") == Target(240, "m")
    assert parse_target("x", 45) == Target(45, "m")
    assert parse_target("x", "2d") == Target(2, "d")


@pytest.mark.parametrize("body, message", [
    ("targets: {high: soon}\n", "targets: high: 'soon' is not a duration like 30m, 4h or 1d"),
    ("targets: {critical: 1h}\n", "unknown priority 'critical'"),
    ("teams: {network: {targets: {high: -1}}}\n", "teams: network: targets: high"),
    ("colour: blue\n", "unknown key(s) colour"),
])
def test_a_broken_teams_file_names_the_file_and_the_key(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "teams.yml"
    path.write_text(body)
    with pytest.raises(DataFileError) as error:
        parse_teams(path)
    assert str(path) in str(error.value) and message in str(error.value)
