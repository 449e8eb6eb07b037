"""The engineers' desk, seeing only redacted text."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.privacy.redact import Redactor


class RedactingDesk:
    """Wraps an engineers' desk (:class:`bot.handoff.ports.EngineerDesk`) so that what the
    person typed reaches the engineers' Slack channel redacted (tickets, relayed messages, notes).

    Args:
        inner: the real desk.
        redactor: the privacy redactor.
    """

    def __init__(self, inner: Any, redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor

    def _ticket(self, ticket: Any) -> Any:
        return dataclasses.replace(
            ticket, summary=self.redactor.redact(ticket.summary), details=self.redactor.redact_value(ticket.details)
        )

    async def post_ticket(self, ticket: Any, handoff: Any) -> Any:
        """Post the ticket, redacted."""
        return await self.inner.post_ticket(self._ticket(ticket), handoff)

    async def update_ticket(self, ticket: Any, handoff: Any) -> None:
        """Update the ticket's message, redacted."""
        await self.inner.update_ticket(self._ticket(ticket), handoff)

    async def relay_user_message(self, ticket: Any, handoff: Any, author: str, text: str) -> None:
        """Relay the person's message into the ticket's thread, redacted."""
        await self.inner.relay_user_message(self._ticket(ticket), handoff, author, self.redactor.redact(text))

    async def post_note(self, ticket: Any, handoff: Any, text: str) -> None:
        """Post a note in the ticket's thread, redacted."""
        await self.inner.post_note(self._ticket(ticket), handoff, self.redactor.redact(text))

    def __getattr__(self, item: str) -> Any:
        # Everything else (e.g. SlackDesk.tell, .channel) is the real desk's.
        return getattr(self.inner, item)
