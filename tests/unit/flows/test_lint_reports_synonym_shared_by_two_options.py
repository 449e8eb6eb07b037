"""`frontline flows lint` catches a synonym that maps to two options of one question."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      email_sync:
        description: Email not syncing
        triggers:
          - intent: email_sync
        steps:
          - id: ask_device
            ask: Where do you read your email?
            answer:
              type: choice
              options:
                - {label: "Windows PC", value: windows, synonyms: [pc, laptop]}
                - {label: "Mac", value: mac, synonyms: [macbook]}
                - {label: "Phone or tablet", value: mobile, synonyms: [iphone, Laptop]}
""")


def _lint(tmp_path: Path, text: str) -> list:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "email_sync.yml").write_text(text, encoding="utf-8")
    return lint_flows(flows, None, set(), set())


def test_synonym_naming_two_options_is_an_error_at_the_second_option(tmp_path: Path) -> None:
    problems = [p for p in _lint(tmp_path, FLOW) if "ambiguous" in p.message]

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("email_sync.yml")
    assert problem.location.line == 14
    assert "'Laptop'" in problem.message and "'Windows PC'" in problem.message


def test_synonym_equal_to_another_options_label_is_an_error(tmp_path: Path) -> None:
    text = FLOW.replace("synonyms: [iphone, Laptop]", "synonyms: [iphone, mac]")
    problems = [p for p in _lint(tmp_path, text) if "ambiguous" in p.message]

    assert len(problems) == 1 and "'Mac'" in problems[0].message


def test_distinct_synonyms_lint_clean(tmp_path: Path) -> None:
    text = FLOW.replace("synonyms: [iphone, Laptop]", "synonyms: [iphone, android]")
    assert _lint(tmp_path, text) == []
