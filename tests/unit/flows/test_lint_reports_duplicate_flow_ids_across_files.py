"""The same flow id in two files is an error at the second definition, naming the first."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      account_locked:
        description: {description}
        triggers:
          - intent: account_locked
        steps:
          - id: intro
            say: Let's unlock your account.
""")


def test_lint_reports_duplicate_flow_ids_across_files(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "a_locked.yml").write_text(FLOW.format(description="one"), encoding="utf-8")
    (flows / "b_locked.yml").write_text(FLOW.format(description="two"), encoding="utf-8")

    problems = lint_flows(flows, None, set(), set())

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("b_locked.yml")
    assert problem.location.line == 2
    assert "'account_locked'" in problem.message
    assert "a_locked.yml:2" in problem.message  # where the first one is
