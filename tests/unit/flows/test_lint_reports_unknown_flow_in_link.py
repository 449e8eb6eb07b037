"""`link:` and `call:` must name an existing flow."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      vpn_connection:
        description: VPN trouble
        triggers:
          - intent: vpn_connection
        steps:
          - id: intro
            say: Sounds like Wi-Fi.
          - id: to_wifi
            link: wifi_conectivity
""")


def test_lint_reports_unknown_flow_in_link(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "vpn.yml").write_text(FLOW, encoding="utf-8")

    problems = lint_flows(flows, None, set(), set())

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("vpn.yml")
    assert problem.location.line in (9, 10)  # the link step
    assert "'to_wifi'" in problem.message and "wifi_conectivity" in problem.message
