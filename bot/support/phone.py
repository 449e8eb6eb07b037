"""Phone numbers in what people type ("call me on 07700 900123")."""

from __future__ import annotations

import re
from typing import Optional

from bot.support.teams import Contact

# The same shape as the ``phone`` regex in nlu_data/nlu/support_chat.yml: 10-15 digits with
# spaces, dots, dashes or brackets between them; ticket references and error codes are shorter.
PHONE = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){9,14}(?!\w)")


def find_phone(text: str) -> Optional[str]:
    """The first phone number in ``text``, tidied (single spaces, no trailing punctuation).

    Args:
        text: what the user wrote.

    Returns:
        The number as written (whitespace collapsed), or None when there is none.
    """
    match = PHONE.search(text or "")
    if match is None:
        return None
    return " ".join(match.group(0).split()).strip(" .-")


def mask_phone(number: str) -> str:
    """The number with all but its last three digits hidden, for confirmations in shared
    channels and logs ("07700 900123" → "•••••••••123")."""
    digits = re.sub(r"\D", "", number)
    return "•" * max(len(digits) - 3, 0) + digits[-3:]


def how_to_reach_the_desk(contact: Contact, hours: str, fallback: str) -> str:
    """The answer to "is there a phone number?": the desk's number and hours, its e-mail, and
    the offer to be called back.

    Args:
        contact: the desk's contact details (``config/teams.yml``).
        hours: the support hours in words ("Monday to Friday, 08:00–18:00 UTC").
        fallback: the configured support contact, used when the file names no phone.
    """
    if contact.phone:
        text = f"Yes — you can call the IT service desk on **{contact.phone}**, {hours}."
        if contact.hours_note:
            text += f" {contact.hours_note}"
    else:
        text = f"You can reach {fallback} ({hours})."
    if contact.email:
        text += f" Or e-mail {contact.email}."
    return text + " If you'd rather they call you, tell me your number (\"call me on …\")."
