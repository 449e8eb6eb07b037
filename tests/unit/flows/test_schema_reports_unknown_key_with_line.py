"""Keys the format doesn't know are rejected at the key's own line, listing allowed keys."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.lint.linter import lint_flows

FLOW = textwrap.dedent("""\
    flows:
      hardware_failure:
        description: Broken hardware
        triggers:
          - intent: hardware_failure
        steps:
          - id: intro
            say: Sorry to hear that.
            {key}: red
""")


def lint(tmp_path: Path, key: str) -> list:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "hardware.yml").write_text(FLOW.format(key=key), encoding="utf-8")
    return lint_flows(flows, None, set(), set())


def test_schema_reports_unknown_key_with_line(tmp_path: Path) -> None:
    problems = lint(tmp_path, "colour")

    assert len(problems) == 1
    problem = problems[0]
    assert problem.severity == "error"
    assert problem.location.file.endswith("hardware.yml")
    assert problem.location.line == 9
    assert "unknown key 'colour'" in problem.message
    assert "say" in problem.message and "next" in problem.message  # the allowed keys


def test_schema_accepts_known_option_key(tmp_path: Path) -> None:
    assert lint(tmp_path, "image") == []
