"""Flows that `call` each other in a cycle never finish; lint reports the cycle once."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

TEMPLATE = textwrap.dedent("""\
    flows:
      {flow}:
        description: {flow}
        triggers:
          - intent: {flow}
        steps:
          - id: intro
            say: Hello.
          - id: sub
            {kind}: {other}
""")


def write(tmp_path: Path, kind_in_mfa: str) -> Path:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "account.yml").write_text(
        TEMPLATE.format(flow="account_locked", kind="call", other="mfa_problem"), encoding="utf-8")
    (flows / "mfa.yml").write_text(
        TEMPLATE.format(flow="mfa_problem", kind=kind_in_mfa, other="account_locked"),
        encoding="utf-8")
    return flows


def test_lint_reports_call_cycle_between_flows(tmp_path: Path) -> None:
    problems = lint_flows(write(tmp_path, "call"), None, set(), set())

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("account.yml")
    assert problem.location.line == 9  # the `call:` step of the first flow in the cycle
    assert "'account_locked' → 'mfa_problem' → 'account_locked'" in problem.message
    assert "link" in problem.message  # suggests the fix


def test_lint_accepts_link_back_to_caller(tmp_path: Path) -> None:
    assert lint_flows(write(tmp_path, "link"), None, set(), set()) == []
