"""An ask whose give-up path leads back into it, or that allows no attempts, is an error."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List

from bot.flows.lint.linter import lint_flows
from bot.flows.model import Problem

FLOW = textwrap.dedent("""\
    flows:
      password_reset:
        description: Forgotten password
        triggers:
          - intent: password_reset
        steps:
          - id: ask_user
            ask: What's your username?
            max_attempts: {attempts}
            on_give_up: {give_up}
          - id: try_again
            say: Let's try that once more.
            next: ask_user
          - id: escalate
            escalate: {{team: identity, summary: "Reset for {{ask_user}}"}}
""")


def lint(tmp_path: Path, attempts: int, give_up: str) -> List[Problem]:
    flows = tmp_path / "flows"
    flows.mkdir()
    text = FLOW.format(attempts=attempts, give_up=give_up)
    (flows / "password.yml").write_text(text, encoding="utf-8")
    return lint_flows(flows, None, set(), set())


def test_lint_reports_give_up_that_leads_back_into_the_ask(tmp_path: Path) -> None:
    problems = [p for p in lint(tmp_path, 3, "try_again") if "way out" in p.message
                and "on_give_up" in p.message]

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("password.yml")
    assert problem.location.line == 10  # the `on_give_up:` line
    assert "'ask_user'" in problem.message and "'try_again'" in problem.message


def test_lint_reports_give_up_pointing_at_the_ask_itself(tmp_path: Path) -> None:
    problems = lint(tmp_path, 3, "ask_user")

    assert any(p.location.line == 10 and "leads back to 'ask_user'" in p.message
               for p in problems), problems


def test_lint_reports_max_attempts_below_one(tmp_path: Path) -> None:
    problems = lint(tmp_path, 0, "escalate")

    assert [(p.location.line, p.severity) for p in problems] == [(9, "error")]
    assert "max_attempts" in problems[0].message and "1" in problems[0].message


def test_lint_accepts_give_up_that_escalates(tmp_path: Path) -> None:
    assert [p for p in lint(tmp_path, 3, "escalate") if p.severity == "error"] == []
