"""When a person can expect a reply: support hours plus the team's response target.

``reply_by`` counts working time only (the support calendar's hours, skipping closed days and
holidays), so a high-priority ticket with a two-hour target opened at 17:30 on a Friday is due
at 09:30 on Monday. :func:`promise` turns that into the sentence the bot says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Optional

from bot.db.repositories import Ticket
from bot.handoff.calendar import SupportCalendar, SupportCalendarFile
from bot.support.teams import DAY, Target, TeamsFile

# How far ahead to look for working time before giving up (a calendar with no hours).
HORIZON_DAYS = 400
CHANNEL_PHRASES = {
    "slack": "here in Slack",
    "socketio": "here in this chat",
    "rest": "here in this chat",
}


def _end_of(day: datetime, end: time, zone: object) -> datetime:
    if end == time.max:  # "24:00"
        return datetime.combine(day.date() + timedelta(days=1), time(0, 0), tzinfo=zone)  # type: ignore[arg-type]
    return datetime.combine(day.date(), end, tzinfo=zone)  # type: ignore[arg-type]


def working_day_minutes(calendar: SupportCalendar) -> float:
    """The length of the longest open day, in minutes (what "1 working day" means)."""
    longest = 0.0
    for ranges in calendar.week.values():
        total = 0.0
        for start, end in ranges:
            end_minutes = 24 * 60 if end == time.max else end.hour * 60 + end.minute
            total += end_minutes - (start.hour * 60 + start.minute)
        longest = max(longest, total)
    return longest or 8 * 60


def target_minutes(calendar: SupportCalendar, target: Target) -> float:
    """A target in working minutes."""
    return target.amount * working_day_minutes(calendar) if target.unit == DAY else target.amount


def reply_by(calendar: SupportCalendar, start: datetime, minutes: float) -> Optional[datetime]:
    """``start`` plus ``minutes`` of working time, in the calendar's timezone.

    Args:
        calendar: support hours.
        start: when the clock starts (an aware datetime; naive is taken as UTC).
        minutes: working minutes to add.

    Returns:
        The moment the working time is used up, or None if the calendar has no hours within
        :data:`HORIZON_DAYS`.
    """
    local = calendar._local(start)  # noqa: SLF001 - the calendar's own timezone conversion
    remaining = timedelta(minutes=minutes)
    for offset in range(HORIZON_DAYS):
        day = datetime.combine(local.date() + timedelta(days=offset), time(0, 0), tzinfo=calendar.zone)
        if day.date() in calendar.holidays:
            continue
        for range_start, range_end in sorted(calendar.week.get(day.weekday(), ())):
            opens = datetime.combine(day.date(), range_start, tzinfo=calendar.zone)
            closes = _end_of(day, range_end, calendar.zone)
            begin = max(opens, local)
            if begin >= closes:
                continue
            if begin + remaining <= closes:
                return begin + remaining
            remaining -= closes - begin
    return None


@dataclass(frozen=True)
class Promise:
    """What to tell someone waiting for a reply.

    Attributes:
        text: the sentence(s) for the user.
        due: when the reply is due (calendar timezone), if it could be worked out.
        open_now: whether engineers are working at the moment.
    """

    text: str
    due: Optional[datetime]
    open_now: bool


def _when(due: datetime, now_local: datetime, zone_name: str) -> str:
    if due.date() == now_local.date():
        day = "today"
    elif due.date() == now_local.date() + timedelta(days=1):
        day = "tomorrow"
    elif due.date() - now_local.date() < timedelta(days=7):
        day = due.strftime("%A")
    else:
        day = f"{due.strftime('%A')} {due.day} {due.strftime('%B')}"
    return f"{day} at {due.strftime('%H:%M')} ({zone_name} time)"


def channel_phrase(channel: str) -> str:
    """Where replies will reach the person: "here in Slack", "here in this chat"."""
    return CHANNEL_PHRASES.get(channel, "here in this conversation")


def promise(
    calendar: SupportCalendar, *, team_name: str, priority: str, target: Target,
    opened_at: datetime, now: datetime, channel: str,
) -> Promise:
    """When and how the person will hear back about a ticket.

    Args:
        calendar: support hours.
        team_name: the team as users know it.
        priority: the ticket's priority.
        target: the team's first-response target for that priority.
        opened_at: when the ticket was opened (the target counts from there).
        now: the current time.
        channel: the person's channel (replies come back on it).

    Returns:
        The promise; its text never names a time the calendar cannot back.
    """
    now_local = calendar._local(now)  # noqa: SLF001
    open_now = calendar.is_open(now)
    due = reply_by(calendar, opened_at, target_minutes(calendar, target))
    where = channel_phrase(channel)
    aim = f"The {team_name} team aims to answer {priority}-priority tickets within {target.describe()}"
    if due is None:
        return Promise(f"{aim}. An engineer will reply {where}.", None, open_now)
    if due <= now_local:
        text = (f"{aim}, so it's now later than they'd like — the ticket is in their queue and an engineer "
                f"will reply {where}. If it's blocking your work, say \"mark it urgent\".")
        return Promise(text, due, open_now)
    hours = "" if open_now else f" Our engineers work {calendar.describe_hours()}, so nobody is in right now."
    text = f"{aim}, so expect a reply by {_when(due, now_local, calendar.zone_name)}, {where}.{hours}"
    return Promise(text, due, open_now)


def promise_if_escalated(
    calendar: SupportCalendar, *, team_name: str, priority: str, target: Target, now: datetime, channel: str,
) -> Promise:
    """When someone would hear back if the ticket were opened now (asked in the middle of a flow).

    Nothing has been handed over yet, so the text says what *would* happen and never promises a
    ticket exists.

    Args:
        calendar: support hours.
        team_name: the team the flow's ticket would go to, as users know it.
        priority: the priority that ticket would have.
        target: the team's first-response target for that priority.
        now: the current time (the target would count from here).
        channel: the person's channel (replies come back on it).

    Returns:
        The promise; ``due`` is when the reply would be due.
    """
    now_local = calendar._local(now)  # noqa: SLF001
    open_now = calendar.is_open(now)
    due = reply_by(calendar, now, target_minutes(calendar, target))
    first = "If we can sort it out here, it's usually a matter of minutes."
    aim = (f"If not, I'll open a ticket: the {team_name} team aims to answer {priority}-priority "
           f"tickets within {target.describe()}")
    if due is None:
        return Promise(f"{first} {aim}, and an engineer will reply {channel_phrase(channel)}.", None, open_now)
    hours = "" if open_now else f" Our engineers work {calendar.describe_hours()}, so nobody is in right now."
    text = (f"{first} {aim}, so opened now you'd hear back by {_when(due, now_local, calendar.zone_name)}, "
            f"{channel_phrase(channel)}.{hours}")
    return Promise(text, due, open_now)


class ReplyPromises:
    """Team names and reply promises for tickets, from the teams file and the support hours.

    Args:
        teams: ``config/teams.yml``.
        calendar: ``config/support_hours.yml``.
    """

    def __init__(self, teams: TeamsFile, calendar: SupportCalendarFile) -> None:
        self.teams = teams
        self.calendar = calendar

    def team_name(self, team: str) -> str:
        """How the team is named to users."""
        return self.teams.get().team_name(team)

    def for_ticket(self, ticket: Ticket, now: datetime) -> Promise:
        """When and where the requester of ``ticket`` will hear back."""
        directory = self.teams.get()
        return promise(
            self.calendar.get(), team_name=directory.team_name(ticket.team), priority=ticket.priority,
            target=directory.target(ticket.team, ticket.priority), opened_at=ticket.created_at, now=now,
            channel=ticket.channel,
        )

    def if_escalated(self, team: str, priority: str, now: datetime, channel: str) -> Promise:
        """When the person would hear back if a ticket for ``team`` were opened now."""
        directory = self.teams.get()
        return promise_if_escalated(
            self.calendar.get(), team_name=directory.team_name(team), priority=priority,
            target=directory.target(team, priority), now=now, channel=channel,
        )

    def text(self, ticket: Ticket, now: datetime) -> str:
        """The promise as a sentence (see :func:`promise`)."""
        return self.for_ticket(ticket, now).text
