"""Questions asked back at the bot ("how do I tell which one I have?", "where's that?").

A person who asks how to find the answer has not answered: the reply must not be stored (an open
question would otherwise save "where do I find the name?" as the printer's name), and the
question is asked again with the designer's hint, without counting a failed attempt.
"""

from __future__ import annotations

import re

from .text import normalize

#: How a question about the question starts (after "sorry", "um", "ok but"…).
_ASKS_BACK = re.compile(
    r"^(?:(?:sorry|um+|erm?|uh+|hm+|ok(?:ay)?|so|but|and|wait|hi|hey|er)\s+)*"
    r"(?:how (?:do|can|would|should|will) (?:i|you|we)\b"
    r"|how to (?:find|check|tell|see|know|look)\b"
    r"|where (?:do|can|would|should|will) (?:i|you|we)\b|where(?:'s| is| are| would) (?:it|that|this|they|the|i)\b|where's\b"
    r"|what (?:do|does|did) (?:you|that|this|it) mean\b|what do i (?:do|look|check)\b"
    r"|what(?:'s| is| are) (?:that|this|those|a|an|the difference)\b"
    r"|which (?:one )?(?:do|should|would) i\b|which is which\b"
    r"|(?:i'?m )?not sure what you mean\b|(?:i )?(?:don'?t|do not) (?:know|understand) (?:where|how|what you mean)\b"
    r"|(?:can|could) you (?:explain|tell me (?:how|where))\b|meaning\b|huh\b)"
)


def asks_back(text: str) -> bool:
    """Whether ``text`` is a question about the question rather than an answer to it."""
    norm = normalize(text)
    return bool(norm) and _ASKS_BACK.search(norm) is not None
