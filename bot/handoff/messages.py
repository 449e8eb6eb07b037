"""What the user sees during a handoff, shaped for their channel.

The website widget (socket.io) renders handoff state changes itself from a custom payload
(``{"handoff": {"state": "joined", "engineer": "Dana"}}`` → "Dana, an IT engineer, has joined
the chat.") and shows engineers' messages in their own colour from ``metadata.engineer``; other
channels get the same news as plain text, and in Slack an engineer's message carries their
name, because the bot user posts it.
"""

from __future__ import annotations

from typing import List, Optional

from bot.contract import rating_payload
from bot.handoff.ports import BotMessage, Engineer

WIDGET_CHANNEL = "socketio"
RATINGS = (1, 2, 3, 4, 5)


def rating_question(reference: str) -> BotMessage:
    """Ask for a 1–5 satisfaction rating, with one button per score."""
    return BotMessage(
        text=f"How happy are you with the help you got on **{reference}**? Tap 1 (poor) to 5 (excellent).",
        buttons=[{"title": str(score), "payload": rating_payload(score, reference)} for score in RATINGS],
    )


def requested(channel: str) -> Optional[BotMessage]:
    """The widget's "an engineer has been asked to join" marker (None on other channels)."""
    if channel != WIDGET_CHANNEL:
        return None
    return BotMessage(custom={"handoff": {"state": "requested"}})


def joined(engineer: Engineer, reference: str, channel: str) -> List[BotMessage]:
    """An engineer claimed the ticket and is now in the conversation."""
    if channel == WIDGET_CHANNEL:
        return [BotMessage(custom={"handoff": {"state": "joined", "engineer": engineer.name}})]
    return [
        BotMessage(
            text=(
                f"**{engineer.name}**, an IT engineer, has joined the conversation about {reference}. "
                "They have the ticket with everything you told me; anything you write now goes straight to them."
            )
        )
    ]


def engineer_says(engineer: Engineer, text: str, channel: str) -> BotMessage:
    """A message an engineer wrote for the user."""
    shown = f"*{engineer.name} (IT engineer):* {text}" if channel == "slack" else text
    return BotMessage(text=shown, metadata={"engineer": engineer.name})


def ended(outcome: str, engineer: Optional[Engineer], reference: str, channel: str) -> List[BotMessage]:
    """The engineer resolved the ticket or handed the user back to the bot; ask for a rating.

    Args:
        outcome: ``resolved`` or ``returned``.
        engineer: who ended it (None if unknown).
        reference: the ticket reference.
        channel: the user's channel.
    """
    name = engineer.name if engineer else "The engineer"
    messages: List[BotMessage] = []
    if channel == WIDGET_CHANNEL:
        messages.append(BotMessage(custom={"handoff": {"state": "ended", "engineer": engineer.name if engineer else ""}}))
    elif outcome == "resolved":
        messages.append(BotMessage(text=(
            f"{name} has marked **{reference}** as resolved, and you're back with the assistant. "
            "If the problem comes back, just tell me."
        )))
    else:
        messages.append(BotMessage(text=(
            f"{name} has handed the conversation back to me, the assistant, and closed **{reference}**. "
            "If you still need help, tell me what's wrong."
        )))
    messages.append(rating_question(reference))
    return messages


def seen(tried: bool) -> str:
    """What the engineer will see, said honestly: what was tried only when something was."""
    if tried:
        return "They'll see what we went through, so you won't need to repeat it."
    return "They'll see what you've told me here, so you won't need to repeat it."


def _with(text: str, promise: str) -> str:
    return f"{text} {promise}".strip() if promise else text


def start_live(reference: str, team: str, tried: bool = True, promise: str = "") -> str:
    """The escalation reply when engineers are on duty.

    Args:
        reference: the ticket reference.
        team: the team as users know it.
        tried: whether the bot tried anything (questions, checks, articles) before handing over.
        promise: when and where they will hear back (:mod:`bot.support.eta`), if known.
    """
    return _with(
        f"I've opened ticket **{reference}** for the {team} team and asked the engineers on duty to "
        f"join this chat — please stay here, someone will be with you shortly. {seen(tried)}",
        promise,
    )


def start_after_hours(reference: str, team: str, hours: str, next_open: str, tried: bool = True, promise: str = "") -> str:
    """The escalation reply outside support hours (``promise`` replaces the generic "from
    <next opening>" when the team's response target is known)."""
    # A promise made outside hours already says when the engineers work (bot/support/eta.py).
    when = promise or (f"Our engineers work {hours}, so nobody can join right now. "
                       f"Expect an answer from {next_open}; they'll reply here.")
    return (
        f"I've opened ticket **{reference}** for the {team} team. {when} {seen(tried)} "
        "You can ask me \"what's the status of my ticket?\" at any time."
    )


def start_queued(reference: str, team: str, tried: bool = True, promise: str = "") -> str:
    """The escalation reply when no live desk is configured."""
    return (
        f"I've opened ticket **{reference}** for the {team} team. "
        + (promise or "An engineer will pick it up and get back to you.")
        + f" {seen(tried)} You can ask me \"what's the status of my ticket?\" at any time."
    )
