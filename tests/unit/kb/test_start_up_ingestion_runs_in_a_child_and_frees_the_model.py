"""`frontline run` ingests kb/ in a child process: the articles are stored, and the embedding
model (TensorFlow) never loads into the supervisor, which lives as long as the servers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SUPERVISOR = """
import json, sys
from bot.config import Settings
from bot.kb.startup import ingest_in_child
ok = ingest_in_child(Settings.from_env())
print(json.dumps({"ok": ok, "tensorflow": "tensorflow" in sys.modules}))
"""


def test_the_child_ingests_and_the_supervisor_never_loads_tensorflow(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    for name in ("vpn-slow.md", "printer-offline.md"):
        shutil.copy(ROOT / "kb" / name, kb / name)
    database = tmp_path / "frontline.db"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(Path.home()),
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "FRONTLINE_PROJECT_DIR": str(ROOT),
        "FRONTLINE_KB_DIR": str(kb),
        "FRONTLINE_DATABASE_URL": f"sqlite:///{database}",
    }
    from bot.db.migrate import upgrade

    upgrade(env["FRONTLINE_DATABASE_URL"])
    done = subprocess.run([sys.executable, "-c", SUPERVISOR], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"ok": True, "tensorflow": False}

    import sqlalchemy as sa

    engine = sa.create_engine(env["FRONTLINE_DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM kb_articles")).scalar() == 2
    engine.dispose()
