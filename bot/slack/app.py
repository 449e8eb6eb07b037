"""The slack-bolt app: Frontline's listeners, identical in HTTP and Socket Mode.

Both transports end in :meth:`AsyncApp.async_dispatch` with the same payloads, so everything
below runs the same way whichever mode the workspace uses. What bolt does for us:

- verifies the request signature and rejects requests older than five minutes (HTTP mode;
  Socket Mode needs no signature: we opened the connection to Slack ourselves);
- answers Slack's URL verification and SSL checks;
- acknowledges events at once and runs our listener afterwards (``process_before_response``
  off), so Slack gets its answer within three seconds however slow the bot is;
- ignores events caused by this bot itself.

What we add:

- skipping events already handled (Slack's retries), by event id claimed in the database
  (:mod:`bot.slack.dedupe`) before an event is acted on;
- listeners turning DMs, mentions, thread replies and button clicks into Rasa user messages
  (:mod:`bot.slack.events`) with a stable sender id and the user's display name.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Sequence

from rasa.core.channels.channel import UserMessage
from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import events
from bot.slack.blocks import ACTION_ID_RE, chosen
from bot.slack.client import SlackClient
from bot.slack.config import SlackConfig
from bot.slack.dedupe import CLICK_TTL, EVENT_TTL, SeenStore, click_key, event_key
from bot.slack.mrkdwn import escape
from bot.slack.output import SlackOutput
from bot.slack.request_check import shape_problem
from bot.slack.users import UserDirectory

log = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]

INPUT_CHANNEL = "slack"
# Bolt logs rejected requests with their body at INFO; bodies carry what people wrote.
BOLT_LOG_LEVEL = logging.WARNING


class SlackBridge:
    """Turns Slack events and clicks into Rasa user messages."""

    def __init__(self, client: SlackClient, users: UserDirectory, seen: SeenStore, handle: Handler) -> None:
        """Create the bridge.

        Args:
            client: the retrying Web API client (replies, message updates).
            users: display-name lookups.
            seen: handled events, clicked messages, known threads.
            handle: Rasa's message handler, wrapped in the no-silent-bot guard.
        """
        self.client = client
        self.users = users
        self.seen = seen
        self.handle = handle

    async def first_time(self, body: Dict[str, Any]) -> bool:
        """Claim the event's id; False if it was handled before (Slack retrying it).

        Claimed only for events the bot acts on: channel chatter it ignores costs no write.
        """
        event_id = body.get("event_id")
        if not event_id:
            return True
        if await self.seen.first_time(event_key(events.team_of(body), str(event_id)), EVENT_TTL):
            return True
        log.info("Slack event %s was already handled; ignoring this retry", event_id)
        return False

    async def on_message(self, body: Dict[str, Any], context: AsyncBoltContext) -> None:
        """A ``message`` event: a DM, or a reply in a thread the bot takes part in."""
        incoming = events.from_message(body, context.bot_user_id)
        if incoming is None:
            return
        if incoming.kind == events.THREAD_REPLY and not await self.seen.in_thread(incoming.conversation_id):
            return  # a thread among people that the bot was never asked into
        if await self.first_time(body):
            await self.deliver(incoming)

    async def on_mention(self, body: Dict[str, Any], context: AsyncBoltContext) -> None:
        """An ``app_mention``: answer in its thread, which becomes (or is) the conversation."""
        incoming = events.from_mention(body, context.bot_user_id)
        if incoming is not None and await self.first_time(body):
            await self.deliver(incoming)

    async def on_click(self, ack: Callable[[], Awaitable[Any]], body: Dict[str, Any]) -> None:
        """A click on one of our buttons: show the choice instead of the buttons, then send
        the button's payload to Rasa as the user's message."""
        await ack()
        click = events.from_click(body)
        if click is None:
            return
        incoming = click.incoming
        if not await self.seen.first_time(click_key(incoming.team, incoming.channel, click.message_ts), CLICK_TTL):
            log.info("buttons of message %s were already answered; ignoring click by %s", click.message_ts, incoming.user)
            return
        chooser = incoming.user if incoming.in_thread_conversation else None
        blocks = chosen(click.blocks, click.label, chooser)
        if blocks is None:
            await self.deliver(incoming)
            return
        # Side by side: if Slack is slow to update the old message, the answer must not wait.
        # The notification text echoes what the click payload carried: escaped, never a ping.
        update = self.client.update_message(incoming.channel, click.message_ts, escape(click.message_text or click.label), blocks)
        await asyncio.gather(update, self.deliver(incoming))

    async def deliver(self, incoming: events.Incoming) -> None:
        """Hand one user turn to Rasa; the replies go back to where it came from."""
        if incoming.in_thread_conversation:
            await self.seen.join_thread(incoming.conversation_id)
        profile = await self.users.profile(incoming.user)
        metadata = {
            "slack": {
                "team": incoming.team,
                "user": incoming.user,
                "display_name": profile.name,
                # Links the person's tickets to a widget visitor verified under the same address
                # (bot/tickets/requester.py). Never logged; the tracker store redacts it.
                "email": profile.email,
                "channel": incoming.channel,
                "thread_ts": incoming.thread_ts,
                "kind": incoming.kind,
            }
        }
        log.info("Slack %s from user %s → conversation %s", incoming.kind, incoming.user, incoming.conversation_id)
        message = UserMessage(
            text=incoming.text,
            output_channel=SlackOutput(self.client, incoming.channel, incoming.thread_ts),
            sender_id=incoming.conversation_id,
            input_channel=INPUT_CHANNEL,
            metadata=metadata,
        )
        try:
            await self.handle(message)
        except Exception:  # the guard catches Rasa's errors; this is the last line of defence
            log.exception("Slack turn of user %s in %s failed", incoming.user, incoming.conversation_id)


async def refuse_malformed(body: Dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002 (bolt's name)
    """Bolt middleware: a payload of the wrong shape gets a 400 and reaches no listener."""
    problem = shape_problem(body)
    if problem:
        log.warning("refused a malformed Slack payload: %s", problem)
        return BoltResponse(status=400, body=problem)
    return await next()


def build_app(
    config: SlackConfig,
    web: AsyncWebClient,
    bridge: SlackBridge,
    register_first: Sequence[Callable[[AsyncApp], None]] = (),
) -> AsyncApp:
    """Assemble the bolt app (no network calls: bolt runs ``auth.test`` on the first request).

    Args:
        config: mode and secrets.
        web: the Web API client bolt itself uses (``auth.test``), same base URL as ours.
        bridge: the listeners.
        register_first: add listeners that take precedence over the bridge's (bolt runs the
            first matching listener), e.g. the engineers' channel of the live handoff.

    Returns:
        The app, ready for ``async_dispatch`` (HTTP) or a Socket Mode handler.
    """
    bolt_log = logging.getLogger("bot.slack.bolt")
    if bolt_log.getEffectiveLevel() < BOLT_LOG_LEVEL:
        bolt_log.setLevel(BOLT_LOG_LEVEL)
    app = AsyncApp(
        name="frontline",
        logger=bolt_log,
        client=web,  # carries the bot token; bolt reads it from here
        signing_secret=config.signing_secret or "",
        # Socket Mode messages come over our own authenticated connection, unsigned.
        request_verification_enabled=config.mode == "http",
        process_before_response=False,
    )
    app.use(refuse_malformed)  # Socket Mode payloads skip the HTTP pre-check (bot.slack.request_check)
    for register in register_first:
        register(app)
    app.event("message")(bridge.on_message)
    app.event("app_mention")(bridge.on_mention)
    app.action(ACTION_ID_RE)(bridge.on_click)
    return app
