"""A flow without triggers cannot start; lint says so at the flow's line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

WITHOUT = textwrap.dedent("""\
    flows:
      mfa_problem:
        description: MFA codes don't arrive
        steps:
          - id: intro
            say: Let's fix your MFA.
""")

EMPTY = textwrap.dedent("""\
    flows:
      mfa_problem:
        description: MFA codes don't arrive
        triggers: []
        steps:
          - id: intro
            say: Let's fix your MFA.
""")


def lint_text(tmp_path: Path, text: str) -> list:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "mfa.yml").write_text(text, encoding="utf-8")
    return lint_flows(flows, None, set(), set())


def test_lint_reports_missing_triggers(tmp_path: Path) -> None:
    problems = lint_text(tmp_path, WITHOUT)

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("mfa.yml")
    assert problem.location.line == 2  # the flow
    assert "triggers" in problem.message and "intent" in problem.message


def test_lint_reports_empty_trigger_list(tmp_path: Path) -> None:
    problems = lint_text(tmp_path, EMPTY)

    assert [(p.location.line, p.severity) for p in problems] == [(4, "error")]
    assert "triggers" in problems[0].message and "at least one" in problems[0].message
