"""What the handoff service needs from the outside: the engineers' desk and the user's chat.

- :class:`EngineerDesk`: where engineers see and answer tickets. The Slack implementation posts
  to the engineers' channel with Claim / Resolve / Return to bot buttons and uses the message's
  thread for the conversation; tests use :class:`bot.handoff.memory.MemoryDesk`.
- :class:`UserChannel`: pushes messages (and slot changes) into the user's conversation on
  whatever channel they use; the real one goes through Rasa's HTTP API
  (:class:`bot.handoff.rasa_api.RasaConversationApi`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Protocol, Sequence

from bot.db.repositories import Ticket
from bot.handoff.store import Handoff


@dataclass(frozen=True)
class Engineer:
    """A person on the desk.

    Attributes:
        id: their desk id (a Slack user id).
        name: their display name, shown to the user.
    """

    id: str
    name: str


@dataclass(frozen=True)
class DeskRef:
    """Where a ticket sits on the desk: a channel and the message that opens its thread."""

    channel: str
    thread: str


@dataclass(frozen=True)
class BotMessage:
    """A message for the user, as Rasa's ``bot`` event carries it.

    Attributes:
        text: the text (Markdown), or None for a custom-only message.
        buttons: ``{"title", "payload"}`` dicts.
        custom: a custom payload (e.g. ``{"handoff": {"state": "joined", "engineer": "Dana"}}``,
            which the website widget renders as "Dana has joined").
        metadata: extra keys of the message (e.g. ``{"engineer": "Dana"}``: an engineer wrote it).
    """

    text: Optional[str] = None
    buttons: Sequence[Mapping[str, str]] = ()
    custom: Optional[Mapping[str, Any]] = None
    metadata: Optional[Mapping[str, Any]] = None

    def to_event(self) -> Dict[str, Any]:
        """Rasa's ``bot`` event JSON."""
        return {
            "event": "bot",
            "text": self.text,
            "data": {"buttons": [dict(b) for b in self.buttons] or None, "custom": dict(self.custom) if self.custom else None},
            "metadata": dict(self.metadata or {}),
        }


class EngineerDesk(Protocol):
    """The engineers' side of a handoff."""

    async def post_ticket(self, ticket: Ticket, handoff: Handoff) -> DeskRef:
        """Post a new ticket (summary, trail, Claim / Resolve / Return to bot) and return where."""
        ...

    async def update_ticket(self, ticket: Ticket, handoff: Handoff) -> None:
        """Refresh the posted ticket after a state change (who claimed it, outcome, buttons)."""
        ...

    async def relay_user_message(self, ticket: Ticket, handoff: Handoff, author: str, text: str) -> None:
        """Show what the user wrote in the ticket's thread."""
        ...

    async def post_note(self, ticket: Ticket, handoff: Handoff, text: str) -> None:
        """Post a notice from Frontline in the ticket's thread (e.g. the user's rating)."""
        ...


class UserChannel(Protocol):
    """The user's side of a handoff."""

    async def push(self, conversation_id: str, messages: Sequence[BotMessage], slots: Mapping[str, Any]) -> None:
        """Add messages to the user's conversation (delivered on their channel where it can
        push) and set slots, in one step.

        Raises:
            Exception: the conversation could not be updated.
        """
        ...


def slot_events(slots: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """Rasa ``slot`` events for ``slots``."""
    return [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]
