"""The packages of bot/ keep their dependency rules (the import-linter contracts in
pyproject.toml): no import cycles between them, domain packages import neither the composition
roots nor the wiring, and only the Slack adapter talks to Slack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# In a child process: import-linter prints with rich and puts the working directory on sys.path.
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"


def lint_imports(config: Path, path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(path), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-c", LINT, str(config)], cwd=path, env=env, capture_output=True, text=True, timeout=300)


def test_bot_packages_keep_every_import_contract() -> None:
    run = lint_imports(ROOT / "pyproject.toml", ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No import cycles between the packages of bot/ KEPT" in run.stdout


def test_a_cycle_between_two_packages_breaks_the_acyclic_contract(tmp_path: Path) -> None:
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

    run = lint_imports(config, tmp_path)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "No cycles are allowed in toybot" in run.stdout
