"""A step must have exactly one kind key; two are reported at the step's line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      access_request:
        description: Request access
        triggers:
          - intent: access_request
        steps:
          - id: intro
            say: Let's request access.
          - id: which
            say: Which system?
            ask: Which system do you need?
""")


def test_schema_reports_two_kinds_in_one_step(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "access.yml").write_text(FLOW, encoding="utf-8")

    problems = lint_flows(flows, None, set(), set())

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("access.yml")
    assert problem.location.line == 9  # `- id: which`
    assert "'which'" in problem.message and "exactly one" in problem.message
    assert "say, ask" in problem.message  # what was found
