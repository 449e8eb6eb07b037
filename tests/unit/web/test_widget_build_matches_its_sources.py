"""The committed widget bundle was built from the committed sources (no Node.js needed to check).

widget/scripts/build.mjs writes a hash of its inputs into the bundle's banner; this recomputes it.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WIDGET = ROOT / "widget"
BUNDLE = ROOT / "bot" / "web" / "static" / "frontline-widget.js"


def _source_hash() -> str:
    names = ["package.json", "package-lock.json", "scripts/build.mjs"]
    names += [f"src/{p.name}" for p in sorted((WIDGET / "src").iterdir(), key=lambda p: p.name)]
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}\0".encode())
        digest.update((WIDGET / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def test_bundle_banner_matches_sources() -> None:
    banner = BUNDLE.read_text(encoding="utf-8").split("\n", 1)[0]
    found = re.search(r"Sources: ([0-9a-f]{16})", banner)
    assert found, f"no source hash in {BUNDLE.name}'s banner: {banner[:200]}"
    assert found.group(1) == _source_hash(), (
        "bot/web/static/frontline-widget.js is older than widget/: run `npm ci && npm run build` in widget/"
    )


def test_bundle_names_the_locked_versions_it_contains() -> None:
    lock = json.loads((WIDGET / "package-lock.json").read_text())["packages"]
    deps = json.loads((WIDGET / "package.json").read_text())["dependencies"]
    banner = BUNDLE.read_text(encoding="utf-8").split("\n", 1)[0]
    for name, version in deps.items():
        assert version == lock[f"node_modules/{name}"]["version"], f"{name}: package.json must pin exact versions"
        assert f"{name}@{version}" in banner
