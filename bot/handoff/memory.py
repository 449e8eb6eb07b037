"""In-memory desk and user channel: fakes for tests and for trying handoffs without Slack."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from bot.db.repositories import Ticket
from bot.handoff.ports import BotMessage, DeskRef
from bot.handoff.store import Handoff


@dataclass
class MemoryDesk:
    """Records what would have been posted to the engineers' desk.

    Attributes:
        posts: tickets posted, with where.
        updates: ``(reference, handoff state)`` after each state change.
        relayed: ``(reference, author, text)`` user messages shown in threads.
        notes: ``(reference, text)`` notices from Frontline.
        channel: the desk channel name used in refs.
    """

    channel: str = "C0DESK"
    posts: List[Tuple[Ticket, DeskRef]] = field(default_factory=list)
    updates: List[Tuple[str, str]] = field(default_factory=list)
    relayed: List[Tuple[str, str, str]] = field(default_factory=list)
    notes: List[Tuple[str, str]] = field(default_factory=list)
    fail_posts: int = 0
    _ts: Any = field(default_factory=lambda: itertools.count(1), repr=False)

    async def post_ticket(self, ticket: Ticket, handoff: Handoff) -> DeskRef:
        """Record the post (or fail, while ``fail_posts`` is positive)."""
        if self.fail_posts > 0:
            self.fail_posts -= 1
            raise ConnectionError("desk unavailable (scripted)")
        ref = DeskRef(self.channel, f"1700000000.{next(self._ts):06d}")
        self.posts.append((ticket, ref))
        return ref

    async def update_ticket(self, ticket: Ticket, handoff: Handoff) -> None:
        """Record the new state."""
        self.updates.append((ticket.reference, handoff.state))

    async def relay_user_message(self, ticket: Ticket, handoff: Handoff, author: str, text: str) -> None:
        """Record the relayed message."""
        self.relayed.append((ticket.reference, author, text))

    async def post_note(self, ticket: Ticket, handoff: Handoff, text: str) -> None:
        """Record the note."""
        self.notes.append((ticket.reference, text))


@dataclass
class MemoryUserChannel:
    """Records what would have been pushed into users' conversations.

    Attributes:
        pushes: ``(conversation id, messages, slots)`` in order.
        fail: raise on push (the user's chat is unreachable).
    """

    pushes: List[Tuple[str, List[BotMessage], Dict[str, Any]]] = field(default_factory=list)
    fail: bool = False

    async def push(self, conversation_id: str, messages: Sequence[BotMessage], slots: Mapping[str, Any]) -> None:
        """Record the push (or fail if told to)."""
        if self.fail:
            raise ConnectionError("conversation unreachable (scripted)")
        self.pushes.append((conversation_id, list(messages), dict(slots)))

    def texts(self, conversation_id: str) -> List[str]:
        """Texts pushed to one conversation."""
        return [m.text or "" for c, msgs, _ in self.pushes if c == conversation_id for m in msgs]

    def slots(self, conversation_id: str) -> Dict[str, Any]:
        """The slot values pushed to one conversation, latest winning."""
        merged: Dict[str, Any] = {}
        for c, _, slots in self.pushes:
            if c == conversation_id:
                merged.update(slots)
        return merged
