"""The engineers' side of the Slack app: Claim / Resolve / Return to bot clicks, and replies in
ticket threads. Registered on the same slack-bolt app as the Slack channel (before its own
listeners, so a ticket thread is never mistaken for a conversation with the bot).

- A button click (``fl_handoff_claim|resolve|return``, value = ticket id) runs the handoff
  service as the clicking engineer; the result is shown to them alone (ephemeral).
- A human's message in a thread of the engineers' channel whose root is a ticket goes to
  :meth:`bot.handoff.service.HandoffService.engineer_message`: the claiming engineer's words
  reach the user, anyone else's become internal notes on the ticket.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.slack.engineer_auth import REFUSAL, EngineerAuthorizer
from bot.handoff.ports import Engineer
from bot.handoff.service import HandoffResult, HandoffService
from bot.slack.desk import ACTION_ID_RE, CLAIM, RESOLVE, SlackDesk
from bot.slack import events
from bot.slack.users import UserDirectory

log = logging.getLogger(__name__)

FirstTime = Callable[[Dict[str, Any]], Awaitable[bool]]


class HandoffListeners:
    """Listeners for the engineers' channel.

    Args:
        service: the handoff service.
        desk: the Slack desk (ephemeral notices).
        users: display names of engineers.
        first_time: claims an event id (Slack retries events); False if already handled.
    """

    def __init__(self, service: HandoffService, desk: SlackDesk, users: UserDirectory, first_time: FirstTime,
                 authorizer: Optional[EngineerAuthorizer] = None) -> None:
        self.service = service
        self.desk = desk
        self.users = users
        self.first_time = first_time
        # Default: members of the desk's own channel (bot.slack.engineer_auth).
        self.authorizer = authorizer or EngineerAuthorizer(desk.client, desk.channel)

    @property
    def channel(self) -> str:
        """The engineers' channel id."""
        return self.desk.channel

    def register(self, app: AsyncApp) -> None:
        """Add the listeners to ``app`` (call before the channel's own listeners)."""
        app.action(ACTION_ID_RE)(self.on_button)
        app.event("message", matchers=[self.is_ticket_thread_event])(self.on_thread_message)
        # A mention of the bot in a ticket thread is still the engineer talking to the user (the
        # message event carries it); it must not start a conversation with the bot.
        app.event("app_mention", matchers=[self.is_ticket_thread_event])(self.ignore)

    async def is_ticket_thread_event(self, body: Dict[str, Any]) -> bool:
        """True for a reply in a thread of the engineers' channel."""
        event = body.get("event") or {}
        thread_ts = event.get("thread_ts")
        return event.get("channel") == self.channel and bool(thread_ts) and thread_ts != event.get("ts")

    async def ignore(self, body: Dict[str, Any]) -> None:
        """Acknowledge and do nothing."""

    async def engineer(self, user_id: str, fallback: Optional[str] = None) -> Engineer:
        """The engineer with their display name."""
        name = await self.users.display_name(user_id)
        return Engineer(user_id, name or fallback or user_id)

    async def on_button(self, ack: Callable[[], Awaitable[Any]], body: Dict[str, Any]) -> None:
        """Claim, Resolve or Return to bot."""
        await ack()
        action = (body.get("actions") or [{}])[0]
        match = ACTION_ID_RE.match(str(action.get("action_id") or ""))
        user = body.get("user") or {}
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        try:
            ticket_id = int(str(action.get("value")))
        except ValueError:
            return
        if not match or not user.get("id"):
            return
        if not await self.authorizer.allowed(str(user["id"]), channel):
            log.warning("refused a ticket button click by a non-engineer (user %s)", user["id"])
            if channel:
                await self.desk.tell(str(channel), str(user["id"]), REFUSAL)
            return
        engineer = await self.engineer(str(user["id"]), user.get("name") or user.get("username"))
        verb = match.group(1)
        log.info("engineer %s clicked %s on ticket %s", engineer.id, verb, ticket_id)
        if verb == CLAIM:
            result = await self.service.claim(ticket_id, engineer)
        elif verb == RESOLVE:
            result = await self.service.resolve(ticket_id, engineer)
        else:
            result = await self.service.return_to_bot(ticket_id, engineer)
        await self._tell(result, channel, engineer.id)

    async def on_thread_message(self, body: Dict[str, Any], context: AsyncBoltContext) -> None:
        """A reply in a ticket thread."""
        event: Mapping[str, Any] = body.get("event") or {}
        if (
            events.is_from_bot(event, context.bot_user_id)
            or event.get("subtype") not in events.USER_SUBTYPES
            or not event.get("user")
        ):
            return
        text = events.strip_mentions(str(event.get("text") or ""), context.bot_user_id)
        if not text or not await self.first_time(body):
            return
        if not await self.authorizer.allowed(str(event["user"]), str(event.get("channel"))):
            log.warning("ignored a ticket-thread reply by a non-engineer (user %s)", event["user"])
            await self.desk.tell(str(event["channel"]), str(event["user"]), REFUSAL, str(event["thread_ts"]))
            return
        engineer = await self.engineer(str(event["user"]))
        result = await self.service.engineer_message(str(event["channel"]), str(event["thread_ts"]), engineer, text)
        if result.message:
            await self.desk.tell(str(event["channel"]), engineer.id, result.message, str(event["thread_ts"]))

    async def _tell(self, result: HandoffResult, channel: Optional[str], user: str) -> None:
        if channel and result.message:
            handoff = result.handoff
            await self.desk.tell(channel, user, result.message, handoff.desk_thread if handoff else None)
