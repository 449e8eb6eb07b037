"""`action:` must name a registered check."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      email_sync:
        description: Mail doesn't sync
        triggers:
          - intent: email_sync
        steps:
          - id: status
            action: {check}
            args: {{service: email}}
""")

CHECKS = {"check_service_status", "lookup_error_code", "check_support_hours"}


def lint(tmp_path: Path, check: str) -> list:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "email.yml").write_text(FLOW.format(check=check), encoding="utf-8")
    return lint_flows(flows, None, set(), CHECKS)


def test_lint_reports_unknown_check_name(tmp_path: Path) -> None:
    problems = lint(tmp_path, "check_service_stat")

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("email.yml")
    assert problem.location.line == 8  # the `action:` line
    assert "'check_service_stat'" in problem.message and "does not exist" in problem.message
    assert "check_support_hours" in problem.message  # lists the known checks
    assert "did you mean 'check_service_status'" in problem.message


def test_lint_accepts_registered_check(tmp_path: Path) -> None:
    assert lint(tmp_path, "check_service_status") == []
