"""Slack payloads → who said what, in which Frontline conversation, and where to answer.

Conversations (Rasa sender ids) are stable and readable:

- a direct message: ``slack:<team>:<user>`` — one conversation per person, like a chat window;
- a mention in a channel: ``slack:<team>:<channel>:<thread_ts>`` — the thread is the
  conversation, so colleagues can follow (and join) it, and one person's several threads are
  separate problems.

Everything that is not a person talking to the bot is ignored here: our own and other bots'
messages, edits, deletions, joins and other message subtypes, and empty messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from bot.slack.blocks import ACTION_ID_RE

DM = "dm"
MENTION = "mention"
THREAD_REPLY = "thread_reply"
CLICK = "click"

# Subtypes that are still a person writing; every other subtype (message_changed,
# message_deleted, channel_join, bot_message, …) is not a new user turn.
USER_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
CHANNEL_TYPES = frozenset({"channel", "group"})


@dataclass(frozen=True)
class Incoming:
    """A user turn for Rasa.

    Attributes:
        kind: ``dm``, ``mention``, ``thread_reply`` or ``click``.
        team: the workspace id.
        user: the Slack user id of who wrote or clicked.
        channel: the Slack conversation to answer in (``D…``, ``C…``, ``G…``).
        text: the message for Rasa (the bot mention removed; a click's button payload).
        conversation_id: the Rasa sender id.
        thread_ts: where to answer: this thread, or None for the top level of a DM.
    """

    kind: str
    team: str
    user: str
    channel: str
    text: str
    conversation_id: str
    thread_ts: Optional[str]

    @property
    def in_thread_conversation(self) -> bool:
        """True when the conversation is a channel thread (not a DM)."""
        return not self.channel.startswith("D")


@dataclass(frozen=True)
class Click:
    """A click on one of our buttons.

    Attributes:
        incoming: the click as a user turn (text = the button's Rasa payload).
        label: the clicked button's label.
        message_ts: ts of the message holding the buttons (to update it).
        message_text: that message's notification text (kept when it is updated).
        blocks: that message's blocks as Slack sent them with the click.
    """

    incoming: Incoming
    label: str
    message_ts: str
    message_text: str
    blocks: List[Dict[str, Any]]


def dm_conversation(team: str, user: str) -> str:
    """Rasa sender id of a person's direct-message conversation."""
    return f"slack:{team}:{user}"


def thread_conversation(team: str, channel: str, thread_ts: str) -> str:
    """Rasa sender id of a channel thread."""
    return f"slack:{team}:{channel}:{thread_ts}"


def mention_of(bot_user_id: Optional[str]) -> Optional[str]:
    """How Slack writes a mention of the bot in message text."""
    return f"<@{bot_user_id}>" if bot_user_id else None


def strip_mentions(text: str, bot_user_id: Optional[str]) -> str:
    """Remove mentions of the bot (``<@U123>`` or ``<@U123|name>``) and tidy the spaces."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def is_from_bot(event: Mapping[str, Any], bot_user_id: Optional[str]) -> bool:
    """True for messages written by any bot or app, including this one."""
    return bool(
        event.get("bot_id")
        or event.get("subtype") == "bot_message"
        or event.get("bot_profile")
        or (bot_user_id and event.get("user") == bot_user_id)
    )


def team_of(body: Mapping[str, Any]) -> str:
    """The workspace an event or interaction belongs to."""
    team = body.get("team_id") or body.get("team")
    if isinstance(team, Mapping):
        team = team.get("id")
    if not team:
        user = body.get("user")
        team = user.get("team_id") if isinstance(user, Mapping) else None
    if not team:
        event = body.get("event")
        team = event.get("team") if isinstance(event, Mapping) else None
    return str(team or "unknown")


def _is_user_turn(event: Mapping[str, Any], bot_user_id: Optional[str]) -> bool:
    return (
        event.get("subtype") in USER_SUBTYPES
        and not event.get("hidden")
        and bool(event.get("user"))
        and bool(event.get("channel"))
        and not is_from_bot(event, bot_user_id)
    )


def from_message(body: Mapping[str, Any], bot_user_id: Optional[str]) -> Optional[Incoming]:
    """A ``message`` event as a user turn: a DM, or a reply in a channel thread.

    Channel thread replies still have to be checked against the threads the bot is in (the
    caller asks :mod:`bot.slack.dedupe`); replies that mention the bot are skipped because
    Slack also sends them as ``app_mention`` events, which answer them.

    Args:
        body: the event callback body.
        bot_user_id: the bot's own user id (from ``auth.test``).

    Returns:
        The turn, or None if this message is not for the bot.
    """
    event = body.get("event") or {}
    if event.get("type") != "message" or not _is_user_turn(event, bot_user_id):
        return None
    team = team_of(body)
    channel = str(event["channel"])
    text = strip_mentions(str(event.get("text") or ""), bot_user_id)
    if not text:
        return None
    channel_type = event.get("channel_type")
    if channel_type == "im":
        return Incoming(DM, team, str(event["user"]), channel, text, dm_conversation(team, str(event["user"])), event.get("thread_ts"))
    thread_ts = event.get("thread_ts")
    mention = mention_of(bot_user_id)
    if (
        channel_type in CHANNEL_TYPES
        and thread_ts
        and thread_ts != event.get("ts")
        and not (mention and mention in str(event.get("text") or ""))
    ):
        conversation = thread_conversation(team, channel, str(thread_ts))
        return Incoming(THREAD_REPLY, team, str(event["user"]), channel, text, conversation, str(thread_ts))
    return None


def from_mention(body: Mapping[str, Any], bot_user_id: Optional[str]) -> Optional[Incoming]:
    """An ``app_mention`` event as a user turn in its thread (a new thread if top-level).

    A mention with nothing but the mention in it still counts (as "hi"): someone called the
    bot and deserves an answer.
    """
    event = body.get("event") or {}
    if event.get("type") != "app_mention" or not _is_user_turn(event, bot_user_id):
        return None
    team = team_of(body)
    channel = str(event["channel"])
    root = str(event.get("thread_ts") or event.get("ts") or "")
    if not root:
        return None
    text = strip_mentions(str(event.get("text") or ""), bot_user_id) or "hi"
    return Incoming(MENTION, team, str(event["user"]), channel, text, thread_conversation(team, channel, root), root)


def from_click(body: Mapping[str, Any]) -> Optional[Click]:
    """A ``block_actions`` interaction on one of our buttons as a user turn.

    Args:
        body: the interaction payload.

    Returns:
        The click, or None for other interactions (or malformed ones).
    """
    actions = body.get("actions") or []
    action = actions[0] if actions else {}
    if body.get("type") != "block_actions" or not ACTION_ID_RE.match(str(action.get("action_id") or "")):
        return None
    user = (body.get("user") or {}).get("id")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    message = body.get("message") or {}
    message_ts = message.get("ts") or (body.get("container") or {}).get("message_ts")
    value = action.get("value")
    if not (user and channel and message_ts and value):
        return None
    team = team_of(body)
    label = str((action.get("text") or {}).get("text") or value)
    if str(channel).startswith("D"):  # DM channel ids start with D: the person's conversation
        conversation, thread_ts = dm_conversation(team, user), message.get("thread_ts")
    else:
        thread_ts = str(message.get("thread_ts") or message_ts)
        conversation = thread_conversation(team, channel, thread_ts)
    incoming = Incoming(CLICK, team, str(user), str(channel), str(value), conversation, thread_ts)
    return Click(incoming, label, str(message_ts), str(message.get("text") or ""), list(message.get("blocks") or []))
