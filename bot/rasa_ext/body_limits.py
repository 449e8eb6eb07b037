"""Request size limits of the Rasa server's HTTP server (Sanic).

Sanic accepts 100 MB bodies by default and Rasa does not change that: one 10 MB REST message
got the Rasa server killed for memory. Sanic reads these limits for every new connection, so
setting them before the server starts serving covers every route (REST, Slack, the HTTP API).
The socket.io payload limit is set on the socket.io server itself (:mod:`bot.rasa_ext.socket_session`).
"""

from __future__ import annotations

from sanic import Sanic


def apply(app: Sanic, max_bytes: int) -> None:
    """Limit request bodies and WebSocket messages to ``max_bytes`` (larger: 413 / closed)."""
    app.config.REQUEST_MAX_SIZE = max_bytes
    app.config.WEBSOCKET_MAX_SIZE = max_bytes
