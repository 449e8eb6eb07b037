"""The conversation as a person reads it, for a ticket (from Rasa tracker events)."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping

# A message that is a button's payload (``/intent{...}``): the transcript shows the button's title.
PAYLOAD = re.compile(r"^/[A-Za-z_]+(\{.*\})?\s*$", re.DOTALL)
# Messages the action server injects into the conversation (engineer relays) are not the user's.
EXTERNAL_PREFIX = "EXTERNAL: "
TRANSCRIPT_LIMIT = 80


def conversation_transcript(events: Iterable[Mapping[str, Any]], limit: int = TRANSCRIPT_LIMIT) -> List[Dict[str, Any]]:
    """What the user typed (a button click shows as the button's title), the bot's replies, and
    engineers' messages, oldest first; the last ``limit`` lines.

    Args:
        events: the conversation's tracker events (``{"event": "user" | "bot" | …}`` dicts).
        limit: how many lines to keep.
    """
    lines: List[Dict[str, Any]] = []
    last_buttons: List[Mapping[str, Any]] = []
    for event in events:
        kind = event.get("event")
        text = event.get("text")
        if kind == "bot":
            last_buttons = list((event.get("data") or {}).get("buttons") or [])
            if text:
                engineer = (event.get("metadata") or {}).get("engineer")
                line = {"from": "engineer" if engineer else "bot", "text": text, "at": event.get("timestamp")}
                if engineer:
                    line["engineer"] = engineer
                lines.append(line)
        elif kind == "user" and text and not str(text).startswith(EXTERNAL_PREFIX):
            shown = str(text)
            if PAYLOAD.match(shown.strip()):
                shown = next((str(b.get("title")) for b in last_buttons if b.get("payload") == text), shown)
            lines.append({"from": "user", "text": shown, "at": event.get("timestamp")})
    return lines[-limit:]
