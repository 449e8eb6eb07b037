"""`python -m bot.action_server.worker --port 5056`: the background worker of a cluster.

`frontline run --role worker` starts it. It does the work that a single machine's action server
does beside the actions (FRONTLINE_WORKER_IN_ACTIONS): deliver the ticket outbox, post waiting
tickets to the engineers' desk, retention, and it re-ingests ``kb/`` when the folder changes.
Several workers may run: the outbox claims each delivery for one of them, the other jobs run
under a PostgreSQL advisory lock (bot/db/advisory.py). It serves GET /health for probes.

This is a composition root: it reads the settings once and builds the same ticketing services
as the action server (bot/action_server/services.py).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
from pathlib import Path
from typing import Any, List, Optional, Tuple

from bot.config import Settings

log = logging.getLogger(__name__)


def folder_fingerprint(folder: Path) -> Tuple[Tuple[str, int, int], ...]:
    """Names, sizes and modification times of the folder's files: changes when an article does."""
    if not folder.is_dir():
        return ()
    return tuple(
        sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file())
    )


class KbIngestOnChange:
    """A worker job: ingest FRONTLINE_KB_DIR when its files changed since the last ingestion."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.seen: Optional[Tuple[Tuple[str, int, int], ...]] = None

    async def __call__(self) -> bool:
        """Ingest if the folder changed; True if it ingested."""
        from bot.kb.cli import ingest_on_start

        now = await asyncio.to_thread(folder_fingerprint, self.settings.kb_dir)
        if now == self.seen:
            return False
        out = io.StringIO()
        ok = await asyncio.to_thread(ingest_on_start, self.settings, out)
        if ok:
            self.seen = now
        log.info("knowledge base ingested (%s)", "up to date" if ok else out.getvalue().strip()[-300:])
        return ok


def main(argv: Optional[List[str]] = None) -> None:
    """Read settings once, build the ticketing services and run their background jobs."""
    from sanic import Sanic, response
    from sanic.request import Request
    from sanic.response import HTTPResponse

    from bot.action_server.services import build_services
    from bot.db.advisory import singleton
    from bot.db.engine import make_engine
    from bot.privacy.logs import install_log_redaction
    from bot.privacy.wiring import build_redactor

    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.action_server.worker")
    parser.add_argument("--port", type=int, default=settings.worker_port)
    args = parser.parse_args(argv)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction(build_redactor(settings))
    services = build_services(settings)
    worker = services.worker
    engine = make_engine(settings.database_url)
    worker.jobs += (("kb ingestion", singleton(engine, "kb ingestion", KbIngestOnChange(settings))),)

    app = Sanic("frontline_worker", configure_logging=False)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok", "rounds": worker.rounds})

    async def start(_app: Any, _loop: Any) -> None:
        await worker.start()

    async def stop(_app: Any, _loop: Any) -> None:
        await worker.stop()

    app.after_server_start(start)
    app.before_server_stop(stop)
    app.run(settings.host, args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
