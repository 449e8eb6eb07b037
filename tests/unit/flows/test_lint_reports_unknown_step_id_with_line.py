"""A `next` or `on_give_up` naming a step that does not exist is reported at its own line."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List

from bot.flows.lint.linter import lint_flows
from bot.flows.model import Problem

FLOW = textwrap.dedent("""\
    flows:
      vpn_connection:
        description: VPN trouble
        triggers:
          - intent: vpn_connection
        steps:
          - id: check
            say: Let's check.
            next: {target}
          - id: restart
            ask: Did you restart?
            on_give_up: {give_up}
            answer: {{type: yes_no}}
""")


def lint(tmp_path: Path, target: str, give_up: str) -> List[Problem]:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "vpn.yml").write_text(FLOW.format(target=target, give_up=give_up), encoding="utf-8")
    return lint_flows(flows, None, set(), set())


def test_lint_reports_unknown_next_target_with_file_line_and_known_steps(tmp_path: Path) -> None:
    problems = lint(tmp_path, target="retsart", give_up="END")

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("vpn.yml")
    assert problem.location.line == 9  # the `next: retsart` line
    assert "'check'" in problem.message and "'retsart'" in problem.message
    assert "not a step" in problem.message
    assert "check, restart" in problem.message  # lists the steps it could have meant


def test_lint_reports_unknown_on_give_up_target_with_line(tmp_path: Path) -> None:
    problems = lint(tmp_path, target="restart", give_up="giveup")

    assert [(p.location.line, p.severity) for p in problems] == [(12, "error")]
    assert "on_give_up" in problems[0].message and "'giveup'" in problems[0].message


def test_lint_accepts_known_targets(tmp_path: Path) -> None:
    assert lint(tmp_path, target="restart", give_up="END") == []
