"""bot/flows is split by role and its parts depend one way: model ← kinds ← loading, runtime ←
lint ← diagrams; nothing in bot/flows imports the conversation tests or the rest of the bot."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Set

FLOWS = Path(__file__).resolve().parents[3] / "bot" / "flows"

#: What each part may import from bot.flows (itself always allowed). ``understanding`` reads
#: replies (pure, knows nothing about flows); kinds, the runtime and lint use it.
ALLOWED: Dict[str, Set[str]] = {
    "understanding": set(),
    "model": set(),
    "kinds": {"model", "understanding"},
    "loading": {"model", "kinds"},
    "runtime": {"model", "kinds", "understanding"},
    "lint": {"model", "kinds", "loading", "runtime", "understanding"},  # runtime: the names of the checks
    "diagrams": {"model", "kinds", "loading", "lint"},
}


def imported_modules(path: Path) -> Set[str]:
    """Every module ``path`` imports, at any level (TYPE_CHECKING and function bodies too)."""
    found: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_each_part_imports_only_the_parts_below_it() -> None:
    wrong = []
    for part, allowed in ALLOWED.items():
        for path in sorted((FLOWS / part).rglob("*.py")):
            for module in imported_modules(path):
                if not module.startswith("bot."):
                    continue
                pieces = module.split(".")
                if pieces[:2] != ["bot", "flows"] or len(pieces) < 3:
                    wrong.append(f"{path.relative_to(FLOWS)} imports {module} (outside bot.flows)")
                elif pieces[2] != part and pieces[2] not in allowed:
                    wrong.append(f"{path.relative_to(FLOWS)} imports {module}")
    assert wrong == []


def test_every_module_lives_in_a_part() -> None:
    loose = [p.name for p in FLOWS.glob("*.py") if p.name != "__init__.py"]
    assert loose == [] and set(ALLOWED) == {p.name for p in FLOWS.iterdir() if (p / "__init__.py").exists()}
