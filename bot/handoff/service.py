"""The live handoff state machine, independent of Slack and of Rasa.

A ticket's handoff goes::

    (none) ──open──► waiting ──claim──► claimed ──resolve──► resolved
                        │                  └──────return───► returned
                        └──resolve / return (without claiming)──┘

- **open** (after an escalation): the handoff waits for an engineer; it is posted to the desk
  by :meth:`HandoffService.post_pending` (a background job) when support hours are open — at
  once during hours, at opening time otherwise — so the user's reply never waits for the desk.
- **claim**: the ticket becomes ``claimed`` and assigned; the user is told who joined and the
  conversation's ``handoff_active`` slot is set, so the bot goes quiet and relays instead.
- while claimed, the user's messages go to the desk thread (:meth:`user_message`) and the
  claiming engineer's thread replies go to the user (:meth:`engineer_message`); other people's
  replies in the thread stay internal notes. Everything is recorded as ticket events.
- **resolve** / **return**: the ticket becomes ``resolved`` / ``closed``, the outcome is noted,
  the bot takes over again and asks the user for a 1–5 rating (:meth:`rate`).

The service records everything in the ticket store first (the source of truth) and only then
talks to the desk and the user; a failure to reach either is logged and reported back, never
lost from the ticket's history.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Set

from bot.contract import HANDOFF_SLOT, RATING_SLOT
from bot.db.repositories import Ticket, TicketStore
from bot.handoff import messages
from bot.handoff.ports import BotMessage, Engineer, EngineerDesk, UserChannel
from bot.handoff.store import ACTIVE_STATES, Handoff, HandoffConflict, HandoffStore

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
OUTCOME_STATUS = {"resolved": "resolved", "returned": "closed"}


class Calendar(Protocol):
    """Support hours (see :class:`bot.handoff.calendar.SupportCalendarFile`)."""

    def is_open(self, now: datetime) -> bool:
        """Whether engineers are working at ``now``."""
        ...

    def describe_next(self, now: datetime) -> str:
        """The next opening in words."""
        ...

    def describe_hours(self) -> str:
        """The weekly hours in words."""
        ...


class Promises(Protocol):
    """Team names and reply promises (see :class:`bot.support.eta.ReplyPromises`)."""

    def team_name(self, team: str) -> str:
        """How the team is named to users."""
        ...

    def text(self, ticket: Ticket, now: datetime) -> str:
        """When and where the person will hear back about ``ticket``."""
        ...


def was_tried(ticket: Ticket) -> bool:
    """Whether the bot tried anything before this ticket: questions, checks or articles."""
    details = ticket.details or {}
    steps = [s for s in details.get("steps") or [] if s.get("kind") not in ("escalate", "link", "call")]
    return bool(details.get("questions") or details.get("kb") or steps)


@dataclass(frozen=True)
class HandoffStart:
    """What happened to a fresh escalation, and what to tell the user.

    Attributes:
        mode: ``live`` (engineers on duty were asked to join), ``after_hours`` (it waits for
            the desk to open) or ``queued`` (no live desk is configured).
        text: the reply for the user.
        handoff: the handoff, unless ``queued``.
    """

    mode: str
    text: str
    handoff: Optional[Handoff]


@dataclass(frozen=True)
class HandoffResult:
    """The outcome of an engineer's action.

    Attributes:
        ok: whether it was applied.
        message: for the engineer (e.g. "Already claimed by Dana").
        handoff: the handoff after the action (or as it is, when refused).
        ticket: the ticket after the action.
    """

    ok: bool
    message: str
    handoff: Optional[Handoff] = None
    ticket: Optional[Ticket] = None


@dataclass(frozen=True)
class RatingResult:
    """The outcome of a rating: recorded, or why not."""

    recorded: bool
    message: str
    ticket: Optional[Ticket] = None


class HandoffService:
    """Runs handoffs: opens them, posts them to the desk, and moves them through their states.

    Args:
        tickets: the ticket store (source of truth; every step is a ticket event).
        handoffs: the handoff table.
        desk: the engineers' desk, or None when no live desk is configured.
        users: pushes messages into users' conversations.
        calendar: support hours.
        clock: returns aware UTC datetimes.
        promises: team names and "expect a reply by …" sentences (None: generic wording).
    """

    def __init__(
        self,
        tickets: TicketStore,
        handoffs: HandoffStore,
        desk: Optional[EngineerDesk],
        users: UserChannel,
        calendar: Calendar,
        clock: Clock,
        promises: Optional[Promises] = None,
    ) -> None:
        self.tickets = tickets
        self.handoffs = handoffs
        self.desk = desk
        self.users = users
        self.calendar = calendar
        self.clock = clock
        self.promises = promises
        self._background: Set["asyncio.Task[Any]"] = set()

    # -- opening ------------------------------------------------------------------------------

    def open(self, ticket: Ticket) -> HandoffStart:
        """Start the handoff of a just-opened (or updated) ticket and say what happens next.

        Nothing is sent to the desk here: :meth:`post_pending` does that in the background.
        """
        now = self.clock()
        tried = was_tried(ticket)
        team = self.promises.team_name(ticket.team) if self.promises else ticket.team
        promise = self.promises.text(ticket, now) if self.promises else ""
        if self.desk is None:
            return HandoffStart("queued", messages.start_queued(ticket.reference, team, tried, promise), None)
        existing = self.handoffs.for_ticket(ticket.id)
        handoff = existing or self.handoffs.open(ticket.id, ticket.conversation_id, ticket.channel)
        if handoff.state == "claimed":
            text = (f"**{ticket.reference}** is already with {handoff.engineer_name or 'an engineer'} — "
                    "I've added what we just tried to it.")
            return HandoffStart("live", text, handoff)
        if self.calendar.is_open(now):
            return HandoffStart("live", messages.start_live(ticket.reference, team, tried, promise), handoff)
        text = messages.start_after_hours(
            ticket.reference, team, self.calendar.describe_hours(), self.calendar.describe_next(now), tried, promise
        )
        return HandoffStart("after_hours", text, handoff)

    async def post_pending(self) -> int:
        """Post waiting tickets that are not on the desk yet (only during support hours).

        Returns:
            How many were posted.
        """
        if self.desk is None or not self.calendar.is_open(self.clock()):
            return 0
        posted = 0
        for handoff in await asyncio.to_thread(self.handoffs.unposted):
            ticket = await asyncio.to_thread(self.tickets.get, handoff.ticket_id)
            if ticket is None:
                continue
            try:
                ref = await self.desk.post_ticket(ticket, handoff)
            except Exception as exc:  # Slack down or misconfigured: the next round tries again
                log.error("could not post %s to the engineers' desk: %s", ticket.reference, exc)
                continue
            await asyncio.to_thread(self.handoffs.set_desk, handoff.id, ref.channel, ref.thread)
            posted += 1
            log.info("posted %s to the engineers' desk (%s %s)", ticket.reference, ref.channel, ref.thread)
        return posted

    # -- engineer actions ---------------------------------------------------------------------

    async def claim(self, ticket_id: int, engineer: Engineer) -> HandoffResult:
        """An engineer takes the conversation.

        Returns:
            Refused (``ok`` False) when someone else has it or it has ended.
        """
        handoff, ticket = self._load(ticket_id)
        if handoff is None or ticket is None:
            return HandoffResult(False, "This ticket has no live conversation.")
        try:
            handoff = self.handoffs.transition(
                handoff.id, "claimed", ["waiting"], engineer_id=engineer.id, engineer_name=engineer.name
            )
        except HandoffConflict as conflict:
            current = conflict.current
            if current.state == "claimed" and current.engineer_id == engineer.id:
                return HandoffResult(True, "You already have this conversation.", current, ticket)
            holder = current.engineer_name or current.engineer_id or "someone"
            why = f"Already claimed by {holder}." if current.state == "claimed" else f"This conversation has ended ({current.state})."
            return HandoffResult(False, why, current, ticket)
        self.tickets.assign(ticket.id, engineer.id, actor=engineer.id)
        ticket = self.tickets.set_status(ticket.id, "claimed", actor=engineer.id, body=f"Claimed by {engineer.name}")
        pushed = await self._push(handoff, messages.joined(engineer, ticket.reference, handoff.channel), {HANDOFF_SLOT: True})
        await self._update_desk(ticket, handoff)
        text = f"You have the conversation with {ticket.requester_name or ticket.requester_id}."
        if not pushed:
            text += " (I couldn't tell the user yet — they'll see your messages once their chat is reachable.)"
        return HandoffResult(True, text, handoff, ticket)

    async def resolve(self, ticket_id: int, engineer: Engineer) -> HandoffResult:
        """The engineer solved it: ticket resolved, bot back, rating asked."""
        return await self._end(ticket_id, engineer, "resolved")

    async def return_to_bot(self, ticket_id: int, engineer: Engineer) -> HandoffResult:
        """The engineer hands the user back to the bot: ticket closed, rating asked."""
        return await self._end(ticket_id, engineer, "returned")

    async def _end(self, ticket_id: int, engineer: Engineer, outcome: str) -> HandoffResult:
        handoff, ticket = self._load(ticket_id)
        if handoff is None or ticket is None:
            return HandoffResult(False, "This ticket has no live conversation.")
        try:
            handoff = self.handoffs.transition(handoff.id, outcome, list(ACTIVE_STATES))
        except HandoffConflict as conflict:
            return HandoffResult(False, f"This conversation has already ended ({conflict.current.state}).", conflict.current, ticket)
        label = "Resolved" if outcome == "resolved" else "Returned to the bot"
        self.tickets.add_event(ticket.id, "note", engineer.id, f"{label} by {engineer.name}.",
                               {"handoff": outcome, "engineer": engineer.name})
        ticket = self.tickets.set_status(ticket.id, OUTCOME_STATUS[outcome], actor=engineer.id, body=label)
        slots = {HANDOFF_SLOT: False, RATING_SLOT: ticket.reference}
        pushed = await self._push(handoff, messages.ended(outcome, engineer, ticket.reference, handoff.channel), slots)
        await self._update_desk(ticket, handoff)
        text = f"{label}. The user is back with the bot and has been asked for a rating."
        if not pushed:
            text = f"{label}. (I couldn't reach the user's chat to tell them.)"
        return HandoffResult(True, text, handoff, ticket)

    # -- messages -----------------------------------------------------------------------------

    async def engineer_message(self, desk_channel: str, desk_thread: str, engineer: Engineer, text: str) -> HandoffResult:
        """Someone wrote in a ticket's desk thread.

        The claiming engineer's messages go to the user; anyone else's (colleagues discussing the
        ticket, or anyone before it is claimed) stay internal ``note`` events.

        Returns:
            ``ok`` True when the message reached (or was sent towards) the user; a refusal
            message says why not (None-like empty message when it was just a note).
        """
        handoff = self.handoffs.for_desk_thread(desk_channel, desk_thread)
        if handoff is None:
            return HandoffResult(False, "")
        ticket = self.tickets.get(handoff.ticket_id)
        if ticket is None:
            return HandoffResult(False, "", handoff)
        if handoff.state != "claimed" or handoff.engineer_id != engineer.id:
            self.tickets.add_event(ticket.id, "note", engineer.id, text, {"source": "desk", "engineer": engineer.name})
            if handoff.state == "waiting":
                why = "Noted on the ticket. Click *Claim* to talk to the user — only then do thread replies reach them."
            elif handoff.state == "claimed":
                why = ""  # a colleague's remark: a note, silently
            else:
                why = "Noted on the ticket. This conversation has ended, so the user doesn't see thread replies any more."
            return HandoffResult(False, why, handoff, ticket)
        self.tickets.add_event(ticket.id, "message", engineer.id, text,
                               {"source": "engineer", "engineer": engineer.name, "to": ticket.requester_id})
        pushed = await self._push(handoff, [messages.engineer_says(engineer, text, handoff.channel)], {})
        return HandoffResult(pushed, "" if pushed else "I couldn't deliver that to the user's chat; it is recorded on the ticket.", handoff, ticket)

    async def user_message(self, conversation_id: str, text: str, author: Optional[str] = None) -> Optional[Ticket]:
        """The user wrote while an engineer has their conversation: record it and show it in
        the desk thread.

        Returns:
            The ticket, or None when the conversation has no claimed handoff.
        """
        handoff = self.handoffs.for_conversation(conversation_id, states=["claimed"])
        if handoff is None:
            return None
        ticket = self.tickets.get(handoff.ticket_id)
        if ticket is None:
            return None
        self.tickets.add_event(ticket.id, "message", ticket.requester_id, text, {"source": "user"})
        if self.desk is not None and handoff.posted:
            try:
                await self.desk.relay_user_message(ticket, handoff, author or ticket.requester_name or ticket.requester_id, text)
            except Exception:
                log.exception("could not relay a message of %s to the desk", ticket.reference)
        return ticket

    async def add_information(self, ticket: Ticket, text: str, author: Optional[str] = None) -> None:
        """The user added information to an open ticket outside a live conversation: record it
        and show it in the desk thread, if the ticket is there."""
        self.tickets.add_event(ticket.id, "message", ticket.requester_id, text, {"source": "user", "added_info": True})
        handoff = self.handoffs.for_ticket(ticket.id)
        if self.desk is not None and handoff is not None and handoff.posted:
            self._spawn(self.desk.relay_user_message(ticket, handoff, author or ticket.requester_name or ticket.requester_id,
                                                     f"(added to the ticket) {text}"))

    # -- rating -------------------------------------------------------------------------------

    async def rate(self, reference: str, requester_id: str, rating: int, conversation_id: Optional[str] = None) -> RatingResult:
        """Record the user's 1–5 satisfaction rating as a ``rating`` ticket event (once).

        Args:
            reference: the rated ticket.
            requester_id: who is rating; must be the requester (or write from the ticket's
                conversation).
            rating: 1 to 5.
            conversation_id: the conversation the rating comes from.
        """
        if rating not in messages.RATINGS:
            return RatingResult(False, "Ratings go from 1 (poor) to 5 (excellent).")
        ticket = self.tickets.get_by_reference(reference)
        if ticket is None or (ticket.requester_id != requester_id and ticket.conversation_id != conversation_id):
            return RatingResult(False, f"I can't find {reference} among your tickets.")
        if any(event.kind == "rating" for event in self.tickets.list_events(ticket.id)):
            return RatingResult(False, f"You've already rated {ticket.reference} — thank you!", ticket)
        self.tickets.add_event(ticket.id, "rating", requester_id, str(rating), {"rating": rating})
        handoff = self.handoffs.for_ticket(ticket.id)
        if self.desk is not None and handoff is not None and handoff.posted:
            stars = "★" * rating + "☆" * (5 - rating)
            self._spawn(self.desk.post_note(ticket, handoff, f"The user rated this conversation {rating}/5 {stars}"))
        return RatingResult(True, f"Thanks for rating {ticket.reference}: {rating}/5.", ticket)

    async def refresh_desk(self, ticket: Ticket) -> None:
        """Update the ticket's desk message if it is posted (e.g. after a contact route was added).

        Errors are logged, not raised: the person's reply does not depend on Slack.
        """
        handoff = await asyncio.to_thread(self.handoffs.for_ticket, ticket.id)
        if handoff is not None:
            await self._update_desk(ticket, handoff)

    # -- helpers ------------------------------------------------------------------------------

    def _load(self, ticket_id: int) -> "tuple[Optional[Handoff], Optional[Ticket]]":
        return self.handoffs.for_ticket(ticket_id), self.tickets.get(ticket_id)

    async def _push(self, handoff: Handoff, bot_messages: List[BotMessage], slots: Dict[str, Any]) -> bool:
        try:
            await self.users.push(handoff.conversation_id, bot_messages, slots)
            return True
        except Exception:
            log.exception("could not update conversation %s", handoff.conversation_id)
            return False

    async def _update_desk(self, ticket: Ticket, handoff: Handoff) -> None:
        if self.desk is None or not handoff.posted:
            return
        try:
            await self.desk.update_ticket(ticket, handoff)
        except Exception:
            log.exception("could not update %s on the desk", ticket.reference)

    def _spawn(self, job: Awaitable[Any]) -> None:
        """Run a desk call without making the user wait (errors are logged)."""

        async def run() -> None:
            try:
                await job
            except Exception:
                log.exception("a background desk call failed")

        task = asyncio.ensure_future(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for background desk calls (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
