"""README's "Repository layout" names every top-level entry of the repository, and nothing that
is not there."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _layout_names() -> set:
    text = (ROOT / "README.md").read_text()
    block = text.split("## Repository layout", 1)[1].split("```", 2)[1]
    names = set()
    for line in block.splitlines():
        if line[:1].strip():  # an entry line (continuations are indented)
            head = re.split(r"\s{2,}", line.strip())[0]
            names.update(word.rstrip("/") for word in head.split())
    return names


def test_every_top_level_entry_is_described_and_exists() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    top = {path.split("/")[0] for path in tracked if not path.startswith(".")}
    listed = _layout_names() - {"README.md"}
    assert top - {"README.md"} <= listed, f"not in README's layout: {sorted(top - listed - {'README.md'})}"
    assert listed <= top, f"in README's layout but not in the repository: {sorted(listed - top)}"
