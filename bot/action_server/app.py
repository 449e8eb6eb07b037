"""Sanic app serving Frontline's custom actions over rasa-sdk's webhook protocol.

rasa-sdk's own server instantiates every Action subclass it finds with no arguments; ours
registers action *instances* built with their services, so configuration is read once here
and actions stay thin.
"""

from __future__ import annotations

import logging
from typing import Iterable, Protocol, Sequence

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from rasa_sdk.interfaces import Action
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)


class Background(Protocol):
    """Something that runs beside the server: started once it serves, stopped before it exits
    (e.g. :class:`bot.tickets.worker.BackgroundWorker`, delivering tickets to external systems)."""

    async def start(self) -> None:
        """Start (in the server's event loop)."""
        ...

    async def stop(self) -> None:
        """Stop."""
        ...


def create_app(actions: Iterable[Action], background: Sequence[Background] = ()) -> Sanic:
    """Build the action server app for ``actions`` (instances, ready to run).

    Args:
        actions: the actions, with their services.
        background: started after the server starts, stopped before it stops.
    """
    app = Sanic("frontline_actions", configure_logging=False)
    executor = ActionExecutor()
    for action in actions:
        executor.register_action(action)

    async def start_background(_app: Sanic, _loop: object) -> None:
        for job in background:
            await job.start()

    async def stop_background(_app: Sanic, _loop: object) -> None:
        for job in background:
            await job.stop()

    app.after_server_start(start_background)
    app.before_server_stop(stop_background)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def list_actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        action_call = request.json
        if action_call is None:
            return response.json({"error": "Invalid body request"}, status=400)
        utils.check_version_compatibility(action_call.get("version"))
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as exc:
            return response.json({"error": exc.message, "action_name": exc.action_name}, status=400)
        except ActionNotFoundException as exc:
            log.error("%s", exc)
            return response.json({"error": exc.message, "action_name": exc.action_name}, status=404)
        return response.json(result)

    return app
