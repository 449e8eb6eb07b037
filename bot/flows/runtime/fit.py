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

#: Applications people name (the ``app_name`` entity's canonical values, flow answers) → the
#: product tags articles use for them. An answer value like ``outlook_windows`` names Outlook.
APPLICATIONS: Dict[str, FrozenSet[str]] = {
    "outlook": frozenset({"outlook"}), "outlook_windows": frozenset({"outlook"}), "outlook_mac": frozenset({"outlook"}),
    "teams": frozenset({"teams"}), "excel": frozenset({"excel", "office"}), "word": frozenset({"word", "office"}),
    "powerpoint": frozenset({"powerpoint", "office"}), "office": frozenset({"office", "excel", "word", "powerpoint"}),
    "onedrive": frozenset({"onedrive"}), "sharepoint": frozenset({"sharepoint"}), "onenote": frozenset({"onenote"}),
    "chrome": frozenset({"chrome"}), "firefox": frozenset({"firefox"}), "edge": frozenset({"edge"}),
    "salesforce": frozenset({"salesforce"}), "sap": frozenset({"sap", "sap-gui"}), "zoom": frozenset({"zoom"}),
    "jira": frozenset({"jira"}), "globalprotect": frozenset({"globalprotect"}), "anyconnect": frozenset({"anyconnect"}),
    "authenticator": frozenset({"microsoft-authenticator"}), "microsoft authenticator": frozenset({"microsoft-authenticator"}),
    "remote desktop": frozenset({"remote-desktop"}), "power bi": frozenset({"power-bi"}),
}
ALL_APPLICATION_TAGS = frozenset().union(*APPLICATIONS.values())

T = TypeVar("T")


def application_of(answers: Mapping[str, Any], entities: Mapping[str, Any]) -> FrozenSet[str]:
    """The product tags of the application the conversation established: the latest answer
    naming one (``vpn_client: anyconnect``, ``email_client: outlook_mac``), else the
    ``app_name`` entity; empty when none is known."""
    for value in reversed(list(answers.values())):
        if isinstance(value, str) and value.casefold() in APPLICATIONS:
            return APPLICATIONS[value.casefold()]
    app = entities.get("app_name")
    for item in app if isinstance(app, (list, tuple)) else [app]:
        if isinstance(item, str) and item.casefold() in APPLICATIONS:
            return APPLICATIONS[item.casefold()]
    return frozenset()


def for_application(articles: Sequence[T], application: FrozenSet[str], products: Callable[[T], Iterable[str]]) -> List[T]:
    """``articles`` with those about the person's application first, and without those about
    *other* applications only — when at least one article is about theirs (so a question is
    never left without an answer because the tags don't fit).

    Untagged articles and articles tagged only with platforms or services stay, in order.
    """
    if not application:
        return list(articles)

    def apps(article: T) -> FrozenSet[str]:
        return frozenset(p.casefold() for p in products(article)) & ALL_APPLICATION_TAGS

    theirs = [a for a in articles if apps(a) & application]
    if not theirs:
        return list(articles)
    neutral = [a for a in articles if not apps(a)]
    return theirs + [a for a in articles if a in neutral]


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


def fitting(
    articles: Sequence[T], answers: Mapping[str, Any], entities: Mapping[str, Any], products: Callable[[T], Iterable[str]]
) -> List[T]:
    """``articles`` fitted to what the conversation established: without those only for other
    platforms (:func:`for_platform`), those about the person's application first
    (:func:`for_application`). A flow's ``kb:`` steps and the knowledge-base answers outside
    flows both choose their articles with this.

    Args:
        articles: the search hits, best first.
        answers: the flow's answers (empty outside a flow).
        entities: entity values the conversation established (``os``, ``app_name``: slots or
            the entities a flow has seen).
        products: an article's product tags.
    """
    return for_application(
        for_platform(articles, platform_of(answers, entities), products), application_of(answers, entities), products
    )


def establishes_anything(answers: Mapping[str, Any], entities: Mapping[str, Any]) -> bool:
    """Whether the conversation established a platform or an application (searches then rank more hits)."""
    return platform_of(answers, entities) is not None or bool(application_of(answers, entities))
