"""Shaping one turn's bot messages: at most two where the content allows, no link twice.

A flow step sequence (say → kb → resolve) can produce four messages in one turn; people read
that as the bot talking over them. Messages without buttons or pictures are merged into the
next one until two are left, and a link already shown earlier in the turn is not shown again
(its text stays, without the URL).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import List, Optional, Sequence, Set

from bot.flows.model.turns import BotMessage

MAX_MESSAGES = 2
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def compact(messages: Sequence[BotMessage], limit: int = MAX_MESSAGES) -> List[BotMessage]:
    """``messages`` with repeated links removed and mergeable messages merged (order kept)."""
    out = _without_repeated_links(messages)
    while len(out) > limit:
        index = _mergeable(out)
        if index is None:
            break
        out[index : index + 2] = [_merge(out[index], out[index + 1])]
    return out


def _mergeable(messages: List[BotMessage]) -> Optional[int]:
    """The first message that can be folded into the one after it (no buttons, no clashing image)."""
    for index in range(len(messages) - 1):
        first, second = messages[index], messages[index + 1]
        if first.buttons or (first.image and second.image):
            continue
        return index
    return None


def _merge(first: BotMessage, second: BotMessage) -> BotMessage:
    text = first.text
    if first.link and second.link:  # keep both links: the first goes into the text
        text = f"{text}\n[{first.link.get('title') or first.link.get('url')}]({first.link.get('url')})"
    return BotMessage(
        text=f"{text}\n\n{second.text}".strip(),
        buttons=list(second.buttons),
        image=first.image or second.image,
        link=second.link or first.link,
        articles=list(first.articles) + list(second.articles),
    )


def _without_repeated_links(messages: Sequence[BotMessage]) -> List[BotMessage]:
    seen: Set[str] = set()
    out: List[BotMessage] = []
    for message in messages:
        def unlink(match: "re.Match[str]") -> str:
            url = match.group(2)
            if url in seen:
                return match.group(1)
            seen.add(url)
            return match.group(0)

        text = _MD_LINK.sub(unlink, message.text)
        link = message.link
        if link and link.get("url") in seen:
            link = None
        elif link and link.get("url"):
            seen.add(str(link["url"]))
        articles = [a for a in message.articles if not a.get("url") or a.get("url") in _urls(text) or a.get("url") not in seen]
        out.append(replace(message, text=text, link=link, articles=articles))
    return out


def _urls(text: str) -> Set[str]:
    return {m.group(2) for m in _MD_LINK.finditer(text)}
