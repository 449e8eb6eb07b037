"""A cycle of steps from which the flow can never end is an error; an ask's give-up is an exit."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List

from bot.flows.lint.linter import lint_flows
from bot.flows.model import Problem

LOOP = textwrap.dedent("""\
    flows:
      slow_computer:
        description: Slow computer
        triggers:
          - intent: slow_computer
        steps:
          - id: intro
            say: Let's speed things up.
          - id: close_apps
            say: Close some apps.
            next: reboot
          - id: reboot
            say: Now reboot.
            next: close_apps
""")

LOOP_THROUGH_ASK = textwrap.dedent("""\
    flows:
      slow_computer:
        description: Slow computer
        triggers:
          - intent: slow_computer
        steps:
          - id: close_apps
            say: Close some apps.
          - id: better
            ask: Is it better now?
            answer: {type: yes_no}
            next: close_apps
""")


def lint(tmp_path: Path, text: str) -> List[Problem]:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "slow.yml").write_text(text, encoding="utf-8")
    return lint_flows(flows, None, set(), set())


def test_lint_reports_loop_without_exit(tmp_path: Path) -> None:
    problems = lint(tmp_path, LOOP)

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("slow.yml")
    assert problem.location.line == 9  # first step of the loop: `- id: close_apps`
    assert "'close_apps' → 'reboot' → 'close_apps'" in problem.message
    assert "loop" in problem.message and "way out" in problem.message


def test_lint_counts_ask_give_up_as_a_way_out_of_a_loop(tmp_path: Path) -> None:
    assert lint(tmp_path, LOOP_THROUGH_ASK) == []
