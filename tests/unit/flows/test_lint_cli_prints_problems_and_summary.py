"""`main_lint` prints one problem per line plus a summary, and fails only on errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.flows.lint.linter import main_lint, read_domain

DOMAIN = textwrap.dedent("""\
    version: "3.1"
    intents:
      - greet
      - vpn_connection:
          use_entities: true
      - wifi_connectivity
    entities:
      - app_name
    slots:
      error_code:
        type: text
        mappings: []
""")

GOOD = textwrap.dedent("""\
    flows:
      {flow}:
        description: {flow}
        triggers:
          - intent: {flow}
        steps:
          - id: intro
            say: "Hello {{app_name}} {{error_code}}"
""")


def setup(tmp_path: Path) -> tuple:
    flows = tmp_path / "flows"
    flows.mkdir()
    domain = tmp_path / "domain.yml"
    domain.write_text(DOMAIN, encoding="utf-8")
    for flow in ("vpn_connection", "wifi_connectivity"):
        (flows / f"{flow}.yml").write_text(GOOD.format(flow=flow), encoding="utf-8")
    (flows / "error_codes.yml").write_text("E1234: {title: x}\n", encoding="utf-8")
    return flows, domain


def test_lint_read_domain_returns_intents_and_slots_with_entities(tmp_path: Path) -> None:
    _, domain = setup(tmp_path)

    intents, slots = read_domain(domain)

    assert intents == {"greet", "vpn_connection", "wifi_connectivity"}
    assert slots == {"app_name", "error_code"}


def test_lint_cli_says_ok_and_returns_zero(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    flows, domain = setup(tmp_path)

    code = main_lint(flows, domain)

    assert code == 0
    assert capsys.readouterr().out.strip().splitlines() == ["2 flows OK"]


def test_lint_cli_prints_errors_with_summary_and_fails(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture) -> None:
    flows, domain = setup(tmp_path)
    (flows / "bad.yml").write_text(GOOD.format(flow="printer_problem"), encoding="utf-8")

    code = main_lint(flows, domain)

    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert out[0].startswith(f"{flows / 'bad.yml'}:5: error: ")
    assert "'printer_problem'" in out[0]
    assert out[-1] == "1 error in 1 file"
