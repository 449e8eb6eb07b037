"""KB results fit the application the conversation established (flow answers, the ``app_name``
entity) against the articles' ``products`` front matter: theirs first, other applications' left
out when one fits, untagged and platform-only articles kept."""

from __future__ import annotations

from bot.flows.runtime.fit import application_of, for_application
from bot.flows.runtime.ports import Article

ANYCONNECT = Article("AnyConnect certificate error", "https://kb/anyconnect", products=("anyconnect", "windows"))
GLOBALPROTECT = Article("GlobalProtect keeps disconnecting", "https://kb/gp", products=("globalprotect", "teams"))
GENERAL = Article("VPN basics", "https://kb/vpn", products=("windows", "macos"))
UNTAGGED = Article("Home network checks", "https://kb/home")


def products(article: Article):
    return article.products


def test_the_application_comes_from_the_latest_answer_then_the_app_name_entity() -> None:
    assert application_of({"vpn_client": "anyconnect"}, {"app_name": "outlook"}) == {"anyconnect"}
    assert application_of({"email_client": "outlook_mac"}, {}) == {"outlook"}
    assert application_of({"x": "home"}, {"app_name": ["Teams"]}) == {"teams"}
    assert application_of({"vpn_client": "unknown"}, {}) == frozenset()


def test_articles_about_their_application_come_first_and_other_applications_are_left_out() -> None:
    ranked = [GLOBALPROTECT, GENERAL, ANYCONNECT, UNTAGGED]
    assert for_application(ranked, frozenset({"anyconnect"}), products) == [ANYCONNECT, GENERAL, UNTAGGED]


def test_nothing_is_left_out_when_no_article_is_about_their_application() -> None:
    ranked = [GLOBALPROTECT, GENERAL]
    assert for_application(ranked, frozenset({"salesforce"}), products) == ranked


def test_without_an_established_application_the_order_is_kept() -> None:
    ranked = [GLOBALPROTECT, GENERAL, ANYCONNECT]
    assert for_application(ranked, frozenset(), products) == ranked
