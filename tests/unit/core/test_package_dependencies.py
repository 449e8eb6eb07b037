"""The packages of bot/ keep their dependency rules (the import-linter contracts in
pyproject.toml): no import cycles between them, domain packages import neither the composition
roots nor the wiring, and only the Slack adapter talks to Slack."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[3]


def test_bot_packages_keep_every_import_contract(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == EXIT_STATUS_SUCCESS, report
    assert "No import cycles between the packages of bot/ KEPT" in report


def test_a_cycle_between_two_packages_breaks_the_acyclic_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same contract type on a toy package whose tickets and handoff import each other.
    for name, other in (("tickets", "handoff"), ("handoff", "tickets")):
        package = tmp_path / "toybot" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(f"from toybot.{other} import service\n")
        (package / "service.py").write_text("")
    (tmp_path / "toybot" / "__init__.py").write_text("")
    config = tmp_path / "importlinter.ini"
    config.write_text(
        "[importlinter]\nroot_package = toybot\n\n"
        "[importlinter:contract:acyclic]\nname = No cycles\ntype = acyclic_siblings\nancestors = toybot\ndepth = 0\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    status = lint_imports(config_filename=str(config), no_cache=True, no_logo=True)

    report = capsys.readouterr().out
    assert status != EXIT_STATUS_SUCCESS
    assert "No cycles are allowed in toybot" in report
