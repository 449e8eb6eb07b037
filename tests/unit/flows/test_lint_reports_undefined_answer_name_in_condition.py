"""Conditions and templates may only read answers saved before them, or domain slots."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import List, Set

from bot.flows.lint.linter import lint_flows
from bot.flows.model import Problem

FLOW = textwrap.dedent("""\
    flows:
      vpn_connection:
        description: VPN trouble
        triggers:
          - intent: vpn_connection
        steps:
          - id: status
            action: check_service_status
            args: {{service: vpn}}
            save_as: vpn_status
            next:
              - if: {condition}
                then: outage
              - else: ask_client
          - id: ask_client
            ask: Which client?
          - id: outage
            say: "Known outage ({{{summary_name}}})."
""")


def lint(tmp_path: Path, condition: str, summary_name: str, slots: Set[str]) -> List[Problem]:
    flows = tmp_path / "flows"
    flows.mkdir()
    text = FLOW.format(condition=condition, summary_name=summary_name)
    (flows / "vpn.yml").write_text(text, encoding="utf-8")
    return lint_flows(flows, None, slots, {"check_service_status"})


def test_lint_reports_undefined_answer_name_in_condition(tmp_path: Path) -> None:
    # `ask_client` is saved only *after* the condition is evaluated.
    problems = lint(tmp_path, 'ask_client == "anyconnect"', "vpn_status", set())

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("vpn.yml")
    assert problem.location.line == 12  # the `- if:` item
    assert "'ask_client'" in problem.message and "condition" in problem.message
    assert "vpn_status" in problem.message  # lists what is available there


def test_lint_reports_undefined_name_in_template_with_suggestion(tmp_path: Path) -> None:
    problems = lint(tmp_path, 'vpn_status == "outage"', "vpn_stauts", set())

    assert [(p.location.line, p.severity) for p in problems] == [(18, "error")]
    assert "{vpn_stauts}" in problems[0].message
    assert "did you mean 'vpn_status'" in problems[0].message


def test_lint_accepts_own_result_earlier_answers_and_slots(tmp_path: Path) -> None:
    problems = lint(tmp_path, 'vpn_status == "outage" and app_name', "vpn_status", {"app_name"})

    assert problems == []
