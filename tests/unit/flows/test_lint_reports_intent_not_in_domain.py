"""Trigger intents must exist in the domain (checked only when the domain is known)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      wifi_connectivity:
        description: Wi-Fi trouble
        triggers:
          - intent: wifi_connectivity
          - intent: wifi_conectivity
        steps:
          - id: intro
            say: Let's get you online.
""")

DOMAIN_INTENTS = {"greet", "wifi_connectivity", "vpn_connection"}


def write(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "wifi.yml").write_text(FLOW, encoding="utf-8")
    return flows


def test_lint_reports_intent_not_in_domain(tmp_path: Path) -> None:
    problems = lint_flows(write(tmp_path), DOMAIN_INTENTS, set(), set())

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("wifi.yml")
    assert problem.location.line == 6
    assert "'wifi_conectivity'" in problem.message and "not in the domain" in problem.message
    assert "did you mean 'wifi_connectivity'" in problem.message


def test_lint_skips_intent_check_without_domain(tmp_path: Path) -> None:
    assert lint_flows(write(tmp_path), None, set(), set()) == []
