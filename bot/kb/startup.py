"""``python -m bot.kb.startup``: bring the knowledge base up to date before the servers start.

`frontline run` (one machine) ingests ``kb/`` on every start. Done inside the supervisor, the
embedding model it loads (TensorFlow and MiniLM, about 600 MB) would stay in the supervisor's
memory for as long as the servers run, for nothing: the action server loads its own copy to
answer questions. So the supervisor runs it in this child process, which frees all of it when
it exits. The settings come from the environment the supervisor passes (Settings.to_env()).
"""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import Settings

#: Exit status of the child when the knowledge base could not be brought up to date (the reason
#: is printed; the bot starts with the articles ingested last time).
NOT_UPDATED = 3


def ingest_in_child(settings: Settings) -> bool:
    """Run :func:`bot.kb.cli.ingest_on_start` in a child process; True when it is up to date.

    Args:
        settings: the supervisor's settings, handed to the child exactly (secrets by environment).
    """
    env = {**os.environ, **settings.to_env()}
    done = subprocess.run([sys.executable, "-m", "bot.kb.startup"], env=env, cwd=settings.project_dir, check=False)
    return done.returncode == 0


def main() -> int:
    """The child: ingest from the settings in the environment."""
    from bot.kb.cli import ingest_on_start

    return 0 if ingest_on_start(Settings.from_env()) else NOT_UPDATED


if __name__ == "__main__":
    sys.exit(main())
