"""Phone numbers in what people type ("call me on 07700 900123")."""

from __future__ import annotations

import re
from typing import Optional

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
