"""Advice that fits the person: which platform the conversation established, which articles fit it.

Articles list the products they are about in their front matter (``products: [outlook, ios,
android]``). Once the conversation knows the person's platform (an answer such as
``email_client: mobile``, or the ``os`` entity), an article tagged only for *other* platforms is
not shown: the iPhone user does not get desktop Outlook steps.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, TypeVar

#: Platform tags used in kb front matter.
PLATFORMS: Dict[str, FrozenSet[str]] = {
    "windows": frozenset({"windows"}),
    "macos": frozenset({"macos"}),
    "mobile": frozenset({"ios", "android", "phone"}),
}
ALL_PLATFORM_TAGS = frozenset().union(*PLATFORMS.values())

#: Answer values and entity values that establish a platform.
_VALUES = {
    "windows": "windows", "outlook_windows": "windows", "windows 10": "windows", "windows 11": "windows",
    "windows10": "windows", "windows11": "windows",
    "mac": "macos", "macos": "macos", "outlook_mac": "macos", "mac os x": "macos", "macos sonoma": "macos",
    "macos ventura": "macos",
    "mobile": "mobile", "phone": "mobile", "tablet": "mobile", "iphone": "mobile", "ipad": "mobile",
    "android": "mobile", "ios": "mobile",
}

T = TypeVar("T")


def platform_of(answers: Mapping[str, Any], entities: Mapping[str, Any]) -> Optional[str]:
    """The platform established so far: the latest answer naming one, else the ``os`` entity."""
    for value in reversed(list(answers.values())):
        if isinstance(value, str) and value.casefold() in _VALUES:
            return _VALUES[value.casefold()]
    os_value = entities.get("os")
    if isinstance(os_value, str):
        return _VALUES.get(os_value.casefold())
    return None


def fits(products: Iterable[str], platform: Optional[str]) -> bool:
    """Whether an article with these product tags suits ``platform`` (untagged ones always do)."""
    tags = {p.casefold() for p in products} & ALL_PLATFORM_TAGS
    if platform is None or not tags:
        return True
    return bool(tags & PLATFORMS[platform])


def for_platform(articles: Sequence[T], platform: Optional[str], products: Callable[[T], Iterable[str]]) -> List[T]:
    """``articles`` without those written only for other platforms."""
    return [a for a in articles if fits(products(a), platform)]
