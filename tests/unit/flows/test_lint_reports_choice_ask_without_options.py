"""A choice ask needs options to offer as buttons."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      software_install:
        description: Install software
        triggers:
          - intent: software_install
        steps:
          - id: which_os
            ask: Which operating system?
            answer:
              type: choice
""")


def test_lint_reports_choice_ask_without_options(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "software.yml").write_text(FLOW, encoding="utf-8")

    problems = lint_flows(flows, None, set(), set())

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("software.yml")
    assert problem.location.line in (9, 10)  # the `answer:` mapping
    assert "choice" in problem.message and "options" in problem.message
