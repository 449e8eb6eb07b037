"""docs/flows.md is the one place a designer reads about a step kind: every kind has a section."""

from __future__ import annotations

from pathlib import Path

from bot.flows.kinds import registry

DOCS = Path(__file__).resolve().parents[3] / "docs" / "flows.md"


def test_every_registered_kind_has_a_section_with_an_at_a_glance_line() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for kind in registry.all_kinds():
        heading = f"\n### {kind.name}\n"
        assert heading in text, f"docs/flows.md has no '### {kind.name}' section"
        section = text.split(heading, 1)[1].split("\n### ", 1)[0]
        assert "*At a glance:*" in section and f"`{kind.name}`" in section
