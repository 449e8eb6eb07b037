"""Articles split into heading sections; text normalises to lemmas with support-desk synonyms."""

from __future__ import annotations

from datetime import date

import pytest

from bot.kb.chunk import MAX_WORDS, anchor_for, split_sections
from bot.kb.model import ArticleDoc
from bot.kb.normalise import Normaliser


def doc(body: str, title: str = "VPN keeps disconnecting") -> ArticleDoc:
    return ArticleDoc(
        slug="vpn", path="kb/vpn.md", title=title, tags=("vpn",), products=(), audience="everyone",
        updated=date(2024, 1, 1), body=body, body_line=8,
    )


def test_sections_follow_headings_with_intro_anchor_and_line() -> None:
    body = "# VPN keeps disconnecting\nIntro line.\n\n## Check your Wi-Fi\nRestart the router.\n\n### Step 2: Reset (adapter)\nDo it.\n"

    sections = split_sections(doc(body))

    assert [(s.heading, s.anchor, s.line) for s in sections] == [
        ("VPN keeps disconnecting", "", 8),
        ("Check your Wi-Fi", "check-your-wi-fi", 11),
        ("Step 2: Reset (adapter)", "step-2-reset-adapter", 14),
    ]
    assert sections[0].text == "Intro line."
    assert sections[1].text == "Restart the router."


def test_headings_inside_code_blocks_and_empty_sections_are_ignored() -> None:
    body = "## Empty\n\n## Commands\n```\n# not a heading\nipconfig /flushdns\n```\n"

    sections = split_sections(doc(body))

    assert [s.heading for s in sections] == ["Commands"]
    assert "# not a heading" in sections[0].text


def test_long_sections_are_cut_at_paragraphs() -> None:
    paragraph = " ".join(["word"] * 70)
    body = "## Long\n" + "\n\n".join([paragraph] * 5)

    sections = split_sections(doc(body))

    assert len(sections) > 1
    assert all(s.heading == "Long" and len(s.text.split()) <= MAX_WORDS for s in sections)


def test_anchor_matches_common_markdown_renderers() -> None:
    assert anchor_for("Outlook error 0x800CCC0E - what now?") == "outlook-error-0x800ccc0e---what-now"


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The printers are jamming!", ["printer", "jam"]),
        ("My Wi-Fi pw won't work", ["wifi", "password", "work"]),
        ("Can't log in to OneDrive", ["signin", "onedrive"]),
        ("Set up **Out of Office** ([guide](https://x.example.com/ooo))", ["setup", "outofoffice", "guide"]),
        ("Outlook error 0x800CCC0E", ["outlook", "error", "0x800ccc0e"]),
        ("turn the laptop off and on", ["turn", "laptop", "off", "on"]),
    ],
)
def test_terms_are_lemmas_without_stop_words(normaliser: Normaliser, text: str, expected: list) -> None:
    assert normaliser.terms(text) == expected


def test_query_terms_are_distinct_and_index_safe(normaliser: Normaliser) -> None:
    terms = normaliser.query_terms("VPN vpn drops: \"VPN\" OR * NEAR(x) -- ERR-4012")

    assert terms == ["vpn", "drop", "near", "err", "4012"]
    assert all(t.isalnum() and t.isascii() for t in terms)


def test_normalise_many_matches_normalise(normaliser: Normaliser) -> None:
    texts = ["Printers jamming", "Mailbox is full"]

    assert normaliser.normalise_many(texts) == [normaliser.normalise(t) for t in texts]
