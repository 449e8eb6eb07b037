"""The engineers' desk in Slack: one message per ticket in the engineers' channel, and its thread.

The message shows the ticket's summary, who asked, the questions the bot asked with the answers
it got (the trail), and the buttons **Claim**, **Resolve** and **Return to bot**; it is updated
as the handoff moves on (who claimed it, the outcome; buttons that no longer apply disappear).
The message's thread is the conversation: the user's messages are posted there, and the
claiming engineer's replies there reach the user (see :mod:`bot.slack.handoff_listeners`).

Scopes: ``chat:write`` (post, update, ephemeral notices); the bot must be a member of the
engineers' channel.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Mapping, Optional

from bot.db.repositories import Ticket
from bot.handoff.ports import DeskRef
from bot.handoff.store import Handoff
from bot.slack.client import SlackClient
from bot.slack.mrkdwn import escape

log = logging.getLogger(__name__)

ACTION_PREFIX = "fl_handoff_"
CLAIM, RESOLVE, RETURN = "claim", "resolve", "return"
ACTION_ID_RE = re.compile(rf"^{ACTION_PREFIX}({CLAIM}|{RESOLVE}|{RETURN})$")
BUTTON_LABELS = {CLAIM: "Claim", RESOLVE: "Resolve", RETURN: "Return to bot"}
BUTTONS_BY_STATE = {"waiting": (CLAIM, RESOLVE, RETURN), "claimed": (RESOLVE, RETURN)}
PRIORITY_MARK = {"urgent": "🔴", "high": "🟠", "normal": "🟢", "low": "⚪"}
MAX_SECTION = 2900
MAX_TRAIL_LINES = 15

Block = Dict[str, Any]


class DeskPostError(RuntimeError):
    """Slack did not take the ticket's message (it is posted again on the next round)."""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def state_line(handoff: Handoff) -> str:
    """The handoff's state in words, for the desk message."""
    who = f"<@{escape(handoff.engineer_id)}>" if handoff.engineer_id else escape(handoff.engineer_name or "an engineer")
    if handoff.state == "claimed":
        return f"🙋 *Claimed by {who}* — replies in this thread reach the user; others' replies stay internal notes."
    by = escape(handoff.engineer_name) if handoff.engineer_name else who
    if handoff.state == "resolved":
        return f"✅ *Resolved* by {by}. The user is back with the bot."
    if handoff.state == "returned":
        return f"↩️ *Returned to the bot* by {by}."
    return "⏳ *Waiting for an engineer* — click *Claim* to talk to the user in this thread."


def trail_lines(details: Mapping[str, Any]) -> List[str]:
    """The questions the bot asked and the answers, then the KB articles shown (mrkdwn lines)."""
    lines: List[str] = []
    for item in details.get("questions") or []:
        question = escape(_clip(str(item.get("question") or item.get("step") or ""), 120))
        answer = escape(_clip(str(item.get("label") if item.get("label") is not None else item.get("answer")), 80))
        lines.append(f"• {question} → *{answer}*")
    for item in details.get("kb") or []:
        verdict = {True: "helped", False: "did not help"}.get(item.get("helpful"), "no feedback")
        titles = ", ".join(escape(str(t)) for t in (item.get("articles") or [])[:2]) or "nothing found"
        lines.append(f"• KB shown: {titles} ({verdict})")
    if len(lines) > MAX_TRAIL_LINES:
        lines = lines[:MAX_TRAIL_LINES] + [f"• … {len(lines) - MAX_TRAIL_LINES} more in the ticket"]
    return lines


def ticket_blocks(ticket: Ticket, handoff: Handoff) -> List[Block]:
    """The desk message for a ticket in its current state.

    Args:
        ticket: the ticket.
        handoff: its handoff (decides the state line and the buttons).

    Returns:
        Block Kit blocks.
    """
    mark = PRIORITY_MARK.get(ticket.priority, "")
    requester = escape(ticket.requester_name or ticket.requester_id)
    if ticket.contact_route:  # the route the person gave to be contacted on (docs/privacy.md)
        requester += f"\nContact: {escape(ticket.contact_route)}"
    blocks: List[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(
            f"{mark} {ticket.reference} · {ticket.category.replace('_', ' ')} · {ticket.priority}".strip(), 150
        )}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _clip(escape(ticket.summary), MAX_SECTION)}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*Requester*\n{requester} (via {escape(ticket.channel)})"},
            {"type": "mrkdwn", "text": f"*Team*\n{escape(ticket.team)}"},
        ]},
    ]
    lines = trail_lines(ticket.details or {})
    if lines:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip("*What the bot tried*\n" + "\n".join(lines), MAX_SECTION)}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": state_line(handoff)}]})
    buttons = BUTTONS_BY_STATE.get(handoff.state, ())
    if buttons:
        elements = []
        for action in buttons:
            button: Block = {"type": "button", "action_id": f"{ACTION_PREFIX}{action}",
                             "text": {"type": "plain_text", "text": BUTTON_LABELS[action]}, "value": str(ticket.id)}
            if action == CLAIM:
                button["style"] = "primary"
            elif action == RESOLVE:
                button["style"] = "primary" if handoff.state == "claimed" else None
            elements.append({k: v for k, v in button.items() if v is not None})
        blocks.append({"type": "actions", "block_id": f"fl_handoff_{ticket.id}", "elements": elements})
    return blocks


def notification_text(ticket: Ticket, handoff: Handoff) -> str:
    """The message's plain text (notifications, clients without blocks)."""
    # Top-level text is read as mrkdwn too: the user's words must not ping (<!channel>) or link.
    return _clip(escape(f"{ticket.reference} ({ticket.priority}, {ticket.team}): {ticket.summary}"), 2900)


class SlackDesk:
    """:class:`bot.handoff.ports.EngineerDesk` in a Slack channel.

    Args:
        client: the retrying Web API client.
        channel: the engineers' channel id (``C…``).
    """

    def __init__(self, client: SlackClient, channel: str) -> None:
        self.client = client
        self.channel = channel

    async def post_ticket(self, ticket: Ticket, handoff: Handoff) -> DeskRef:
        """Post the ticket's message.

        Raises:
            DeskPostError: Slack did not accept it (the background job tries again later).
        """
        result = await self.client.post_message(self.channel, notification_text(ticket, handoff), ticket_blocks(ticket, handoff))
        ts = result.data.get("ts") if result.ok else None
        if not ts:
            raise DeskPostError(f"could not post {ticket.reference} to {self.channel}: {result.error}")
        return DeskRef(str(result.data.get("channel") or self.channel), str(ts))

    async def update_ticket(self, ticket: Ticket, handoff: Handoff) -> None:
        """Re-render the ticket's message for its new state."""
        if handoff.desk_channel and handoff.desk_thread:
            await self.client.update_message(handoff.desk_channel, handoff.desk_thread,
                                             notification_text(ticket, handoff), ticket_blocks(ticket, handoff))

    async def relay_user_message(self, ticket: Ticket, handoff: Handoff, author: str, text: str) -> None:
        """Post what the user wrote in the ticket's thread."""
        if handoff.desk_channel and handoff.desk_thread:
            await self.client.post_message(handoff.desk_channel, f"*{escape(author)}:* {escape(text)}", None, handoff.desk_thread)

    async def post_note(self, ticket: Ticket, handoff: Handoff, text: str) -> None:
        """Post a notice from Frontline in the ticket's thread."""
        if handoff.desk_channel and handoff.desk_thread:
            await self.client.post_message(handoff.desk_channel, f"_{escape(text)}_", None, handoff.desk_thread)

    async def tell(self, channel: str, user: str, text: str, thread_ts: Optional[str] = None) -> None:
        """An ephemeral notice only ``user`` sees (e.g. "Already claimed by Dana")."""
        # Notices quote names and references that people chose: escaped, never a ping or a link.
        params: Dict[str, Any] = {"channel": channel, "user": user, "text": escape(text)}
        if thread_ts:
            params["thread_ts"] = thread_ts
        await self.client.call("chat.postEphemeral", give_up_after=10.0, **params)
