"""A step that no path from the first step leads to is reported as a warning at its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      printer_problem:
        description: Printer trouble
        triggers:
          - intent: printer_problem
        steps:
          - id: intro
            say: Let's look at the printer.
            next: {target}
          - id: forgotten
            say: Is it plugged in?
          - id: fixed
            resolve: Did that help?
""")


def write(tmp_path: Path, target: str) -> Path:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "printer.yml").write_text(FLOW.format(target=target), encoding="utf-8")
    return flows


def test_lint_reports_unreachable_step(tmp_path: Path) -> None:
    problems = lint_flows(write(tmp_path, "fixed"), None, set(), set())

    assert len(problems) == 1
    problem = problems[0]
    assert problem.location.file.endswith("printer.yml")
    assert problem.location.line == 10  # `- id: forgotten`
    assert problem.severity == "warning"
    assert "'forgotten'" in problem.message and "never be reached" in problem.message
    assert "'intro'" in problem.message  # says where reachability starts


def test_lint_accepts_step_reached_implicitly(tmp_path: Path) -> None:
    assert lint_flows(write(tmp_path, "forgotten"), None, set(), set()) == []
