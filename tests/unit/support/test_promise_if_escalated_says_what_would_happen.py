"""Asked "how long?" in the middle of a flow: what would happen if the flow's ticket were opened
now (nothing is promised as if a ticket existed), and the desk's number for "is there a phone?"."""

from datetime import datetime, time, timezone

from bot.handoff.calendar import SupportCalendar
from bot.support.eta import promise_if_escalated
from bot.support.phone import how_to_reach_the_desk
from bot.support.teams import Contact, Target

WEEKDAYS = SupportCalendar(week={d: ((time(8, 0), time(18, 0)),) for d in range(5)})


def test_during_hours_the_would_be_reply_time_counts_from_now() -> None:
    now = datetime(2024, 7, 1, 9, 0, tzinfo=timezone.utc)  # a Monday
    p = promise_if_escalated(WEEKDAYS, team_name="network", priority="high", target=Target(120, "m"), now=now, channel="slack")
    assert p.due == datetime(2024, 7, 1, 11, 0, tzinfo=timezone.utc) and p.open_now
    assert "If not, I'll open a ticket: the network team aims to answer high-priority tickets within 2 working hours" in p.text
    assert "you'd hear back by today at 11:00 (UTC time), here in Slack" in p.text
    assert "expect a reply" not in p.text  # no ticket exists yet


def test_after_hours_it_says_nobody_is_in_and_carries_over_the_weekend() -> None:
    now = datetime(2024, 7, 5, 19, 0, tzinfo=timezone.utc)  # Friday evening
    p = promise_if_escalated(WEEKDAYS, team_name="network", priority="normal", target=Target(60, "m"), now=now, channel="rest")
    assert p.due == datetime(2024, 7, 8, 9, 0, tzinfo=timezone.utc) and not p.open_now
    assert "Monday at 09:00" in p.text and "nobody is in right now" in p.text


def test_a_calendar_without_hours_names_no_time() -> None:
    now = datetime(2024, 7, 1, 9, 0, tzinfo=timezone.utc)
    p = promise_if_escalated(SupportCalendar(week={}), team_name="network", priority="normal", target=Target(60, "m"), now=now, channel="rest")
    assert p.due is None and "hear back by" not in p.text


def test_the_desks_number_hours_and_email_or_the_fallback_contact() -> None:
    text = how_to_reach_the_desk(Contact(phone="+44 20 7946 0000", email="it@example.com", hours_note="Staffed in hours."), "weekdays 8–18", "the desk")
    assert text.startswith("Yes — you can call the IT service desk on **+44 20 7946 0000**, weekdays 8–18. Staffed in hours.")
    assert "it@example.com" in text and "call me on" in text
    assert how_to_reach_the_desk(Contact(), "weekdays 8–18", "the desk").startswith("You can reach the desk (weekdays 8–18).")
