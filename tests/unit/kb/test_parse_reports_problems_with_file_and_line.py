"""Article files are validated with clear `file:line: message` problems, and kb/ itself is valid."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import List

import pytest

from bot.kb.parse import discover, load_folder, parse_article

GOOD = """---
title: Map a network drive
tags: [access_request, shared-drive]
products: [windows, macos]
audience: everyone
updated: 2024-10-03
---
Intro text.

## Windows
Open File Explorer.
"""

TOPICS = (
    "password_reset", "account_locked", "mfa_problem", "vpn_connection", "wifi_connectivity",
    "email_sync", "printer_problem", "slow_computer", "software_install", "app_error",
    "access_request", "hardware_failure",
)


def problems_of(text: str, slug: str = "some-article") -> List[str]:
    doc, problems = parse_article(text.encode(), f"kb/{slug}.md", slug)
    assert (doc is None) == bool(problems)
    return [str(p) for p in problems]


def test_a_valid_article_parses_with_its_front_matter() -> None:
    doc, problems = parse_article(GOOD.encode(), "kb/map-network-drive.md", "map-network-drive")

    assert problems == []
    assert doc is not None
    assert doc.title == "Map a network drive"
    assert doc.tags == ("access_request", "shared-drive")
    assert doc.products == ("windows", "macos")
    assert doc.audience == "everyone"
    assert doc.updated == date(2024, 10, 3)
    assert doc.body_line == 8
    assert doc.body.startswith("Intro text.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Just text\n", "kb/some-article.md:1: missing front matter"),
        ("---\ntitle: x\n", "kb/some-article.md:1: front matter is not closed"),
        (GOOD.replace("audience: everyone", "audience: everybody"), "kb/some-article.md:5: 'audience' must be one of"),
        (GOOD.replace("updated: 2024-10-03", "updated: last week"), "kb/some-article.md:6: 'updated' must be a date"),
        (GOOD.replace("tags: [access_request, shared-drive]", "tags: 12"), "kb/some-article.md:3: 'tags' must be a list"),
        (GOOD.replace("tags: [access_request, shared-drive]", "tags: []"), "kb/some-article.md:3: 'tags' must list at least one"),
        (GOOD.replace("tags: [access_request, shared-drive]", "tags: [VPN Stuff]"), "kb/some-article.md:3: 'tags' item 'VPN Stuff'"),
        (GOOD.replace("title: Map a network drive\n", ""), "kb/some-article.md:1: missing 'title'"),
        (GOOD.replace("title: Map a network drive", "title: \"\""), "kb/some-article.md:2: 'title' must be a non-empty text"),
        (GOOD.replace("products: [windows, macos]", "product: [windows]"), "kb/some-article.md:4: unknown front-matter key 'product'"),
        (GOOD.replace("title: Map a network drive", "title: [unclosed"), "kb/some-article.md:3: front matter is not valid YAML"),
        (GOOD.replace("## Windows", "##"), "kb/some-article.md:10: empty heading"),
        (GOOD + "```\ncode\n", "kb/some-article.md:12: code block is not closed"),
        (GOOD.split("---\nIntro")[0] + "---\n\n", "kb/some-article.md:8: the article has no text"),
    ],
)
def test_problems_name_the_file_and_line(text: str, expected: str) -> None:
    problems = problems_of(text)

    assert any(p.startswith(expected) for p in problems), problems


def test_unknown_key_suggests_the_close_match() -> None:
    problems = problems_of(GOOD.replace("products:", "prodcts:"))

    assert any("did you mean 'products'" in p for p in problems), problems


def test_file_name_must_be_a_url_friendly_slug() -> None:
    problems = problems_of(GOOD, slug="Map Drive")

    assert problems == [
        "kb/Map Drive.md:1: file name must be lower-case words joined by hyphens, e.g. "
        "vpn-keeps-disconnecting.md (it becomes the article's URL)"
    ]


def test_folder_checks_duplicate_titles_and_skips_readme_and_drafts(tmp_path: Path) -> None:
    (tmp_path / "a-one.md").write_text(GOOD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a-two.md").write_text(GOOD)
    (tmp_path / "README.md").write_text("how to write articles")
    (tmp_path / "_template.md").write_text("---\n")

    docs, problems = load_folder(tmp_path, shown_root=tmp_path)

    assert [d.slug for d in docs] == ["a-one", "a-two"]
    assert [str(p) for p in problems] == [
        "sub/a-two.md:2: title 'Map a network drive' is already used by a-one.md"
    ]


def test_missing_or_empty_folder_is_a_problem(tmp_path: Path) -> None:
    _, problems = load_folder(tmp_path / "nope")
    assert "knowledge-base folder not found" in str(problems[0])

    _, problems = load_folder(tmp_path)
    assert "no articles found" in str(problems[0])


def test_the_shipped_knowledge_base_is_valid_and_covers_every_flow_topic() -> None:
    kb = Path(__file__).resolve().parents[3] / "kb"

    docs, problems = load_folder(kb)

    assert [str(p) for p in problems] == []
    assert len(docs) == len(discover(kb)) >= 60
    for topic in TOPICS:
        assert sum(topic in doc.tags for doc in docs) >= 3, f"fewer than 3 articles tagged {topic}"
