"""Shaping one turn's bot messages: at most two where the content allows, no link twice.

A turn can produce four messages or more (a flow's say → kb → question, an answer to an aside
before it, the ticket's handoff message after it); people read that as the bot talking over
them. Messages without buttons are merged into the next one until two are left, and a link
already shown earlier in the turn is not shown again (its text stays, without the URL).

:func:`compact` works on :class:`BotMessage` items; anything else in the sequence (a channel's
custom payload, an image, an attachment, a domain response the action server cannot read) is
kept as it is, in its place, and nothing is merged across it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, List, Optional, Sequence, Set, TypeVar, Union

from bot.flows.model.turns import BotMessage

MAX_MESSAGES = 2
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")

T = TypeVar("T")


def _always(item: object) -> bool:
    return True


def compact(
    messages: Sequence[Union[BotMessage, T]],
    limit: int = MAX_MESSAGES,
    counts: Callable[[T], bool] = _always,
) -> List[Union[BotMessage, T]]:
    """``messages`` with repeated links removed and mergeable messages merged (order kept).

    Args:
        messages: the turn's messages, in order; items that are not :class:`BotMessage` are
            fixed: never merged, never merged across, never changed.
        limit: the most messages the turn should have.
        counts: whether a fixed item counts as a message the person reads (a marker payload
            without text does not).

    Returns:
        The messages to send: merged only while the turn has more than ``limit``.
    """
    out = _without_repeated_links(messages)
    while _count(out, counts) > limit:
        index = _mergeable(out)
        if index is None:
            break
        first, second = out[index], out[index + 1]
        assert isinstance(first, BotMessage) and isinstance(second, BotMessage)
        out[index : index + 2] = [_merge(first, second)]
    return out


def _count(messages: Sequence[Union[BotMessage, T]], counts: Callable[[T], bool]) -> int:
    return sum(1 for m in messages if isinstance(m, BotMessage) or counts(m))


def _mergeable(messages: Sequence[Union[BotMessage, T]]) -> Optional[int]:
    """The first message that can be folded into the one after it (no buttons, no clashing image)."""
    for index in range(len(messages) - 1):
        first, second = messages[index], messages[index + 1]
        if not isinstance(first, BotMessage) or not isinstance(second, BotMessage):
            continue
        if first.buttons or (first.image and second.image):
            continue
        return index
    return None


def _merge(first: BotMessage, second: BotMessage) -> BotMessage:
    text = first.text.rstrip()  # a YAML block (`say: |`) ends with a newline: one blank line between
    if first.link and second.link:  # keep both links: the first goes into the text
        text = f"{text}\n[{first.link.get('title') or first.link.get('url')}]({first.link.get('url')})"
    return BotMessage(
        text=f"{text}\n\n{second.text.lstrip()}".strip(),
        buttons=list(second.buttons),
        image=first.image or second.image,
        link=second.link or first.link,
        articles=list(first.articles) + list(second.articles),
    )


def _without_repeated_links(messages: Sequence[Union[BotMessage, T]]) -> List[Union[BotMessage, T]]:
    seen: Set[str] = set()
    out: List[Union[BotMessage, T]] = []
    for message in messages:
        if not isinstance(message, BotMessage):
            out.append(message)
            continue

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
