"""`python -m bot.action_server --port 5055`: assemble services and serve the actions."""

from __future__ import annotations

import argparse
import logging
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    """Read settings once, build services and actions, and serve them."""
    from actions import build_actions
    from bot.action_server.app import create_app
    from bot.config import Settings
    from bot.action_server.services import build_services

    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.action_server")
    parser.add_argument("--port", type=int, default=settings.actions_port)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    services = build_services(settings)
    from bot.privacy.logs import install_log_redaction
    from bot.privacy.wiring import build_redactor

    install_log_redaction(build_redactor(settings))  # no personal data in the action server's log
    app = create_app(build_actions(services), background=services.background())
    app.run(settings.host, args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
