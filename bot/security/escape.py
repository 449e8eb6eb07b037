"""Making user-supplied text safe where it meets Slack, and checking echoed entities.

Slack reads ``<…>`` as control sequences in every text field, not only in Block Kit: in
``chat.postMessage``'s top-level ``text``, ``chat.update`` and ephemeral messages,
``<!channel>`` pings a whole channel, ``<@U…>`` pings a person and ``<https://evil|Reset your
password>`` shows a disguised link. Escaping ``&``, ``<`` and ``>`` as Slack documents turns them
all into plain text.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from bot.slack.mrkdwn import escape

TICKET_REFERENCE = re.compile(r"^SUP-\d{3,12}$")


def slack_plain(text: Any) -> str:
    """``text`` as inert Slack text (``&``, ``<``, ``>`` escaped)."""
    return escape(str(text))


def ticket_reference(value: Any) -> Optional[str]:
    """A ticket reference from an entity or button (``SUP-1042``), or None if it is not one.

    Anything else (``<!channel>``, Markdown, a megabyte of text) is never echoed back.
    """
    if not isinstance(value, str):
        return None
    candidate = value.strip().upper().replace(" ", "-")
    if candidate.startswith("SUP") and not candidate.startswith("SUP-"):
        candidate = "SUP-" + candidate[3:]
    return candidate if TICKET_REFERENCE.match(candidate) else None
