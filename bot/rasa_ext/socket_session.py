"""The website widget's socket.io events, hardened.

- ``session_request``: the server issues the session id (signed, unguessable). A browser may
  resume a session id this server issued (reload, reconnect, server restart); anything else gets
  a fresh one, which the widget adopts. Optional identity verification: ``user_id`` and
  ``user_hash`` (HMAC-SHA256 with FRONTLINE_WIDGET_IDENTITY_SECRET) make the visitor a verified
  user. The socket joins the room of its conversation ``web:<session id>``.
- ``user_uttered``: only for the socket's own session; a malformed event gets an error reply
  (``bot_uttered``), never silence; per-IP rate limits apply; client metadata is ignored.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from socketio import AsyncServer

from bot.security.identity import trusted_metadata, verify_user, web_conversation
from bot.security.runtime import ServerSecurity

log = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]
OutputFactory = Callable[[], Any]

NO_SESSION = "Your chat session isn't set up yet. Please reload the page and try again."
NOT_YOUR_SESSION = "That message was for another chat session, so I've ignored it. Please reload the page."
NOT_TEXT = "I can only read text messages: send {\"message\": \"…\", \"session_id\": \"…\"} with the message as a string."
TOO_FAST = "Too many messages from your network right now; please wait a minute and try again."


def client_address(environ: Dict[str, Any]) -> str:
    """The peer address of a socket (engine.io's Sanic driver puts 127.0.0.1 in REMOTE_ADDR)."""
    request = environ.get("sanic.request")
    return str(getattr(request, "remote_addr", None) or getattr(request, "ip", None) or environ.get("REMOTE_ADDR") or "unknown")


async def _maybe_await(value: Any) -> None:
    if inspect.isawaitable(value):
        await value


def install(
    sio: AsyncServer,
    namespace: Optional[str],
    user_message_evt: str,
    bot_message_evt: str,
    security: ServerSecurity,
    handle: Handler,
    make_output: OutputFactory,
) -> None:
    """Replace the channel's ``session_request`` and user-message handlers.

    Args:
        sio: the channel's socket.io server.
        namespace: its namespace (None: ``/``).
        user_message_evt: the user-message event (``user_uttered``).
        bot_message_evt: the bot-message event (``bot_uttered``).
        security: the process's secrets and limits.
        handle: Rasa's handler wrapped in the gate and guard.
        make_output: the output channel for a turn.
    """
    ns = namespace or "/"
    sio.eio.max_http_buffer_size = security.max_body_bytes

    async def tell(sid: Text, text: str) -> None:
        await sio.emit(bot_message_evt, {"text": text}, room=sid, namespace=ns)

    async def own_session(sid: Text) -> Dict[str, Any]:
        try:
            return dict(await sio.get_session(sid, namespace=ns) or {})
        except KeyError:
            return {}

    async def session_request(sid: Text, data: Any = None, *_extra: Any) -> None:
        data = data if isinstance(data, dict) else {}
        requested = data.get("session_id")
        session_id = requested if security.sessions.valid(requested) else security.sessions.issue()
        session: Dict[str, Any] = {"session_id": session_id}
        verified = verify_user(security.widget_identity_secret, data.get("user_id"), data.get("user_hash"))
        if verified:
            session["verified_user"] = verified
        elif data.get("user_id") is not None:
            log.warning("widget identity not verified (wrong or missing user_hash, or no secret set)")
        session["address"] = client_address(sio.get_environ(sid, namespace=ns) or {})
        session["client_key"] = security.client_key(session["address"])
        previous = (await own_session(sid)).get("session_id")
        if previous and previous != session_id:
            await _maybe_await(sio.leave_room(sid, web_conversation(previous), namespace=ns))
        await sio.save_session(sid, session, namespace=ns)
        await _maybe_await(sio.enter_room(sid, web_conversation(session_id), namespace=ns))
        await sio.emit("session_confirm", session_id, room=sid, namespace=ns)

    async def user_uttered(sid: Text, data: Any = None, *_extra: Any) -> None:
        session = await own_session(sid)
        if not session.get("session_id"):
            await tell(sid, NO_SESSION)
            return
        if not isinstance(data, dict) or not isinstance(data.get("message"), str):
            await tell(sid, NOT_TEXT)
            return
        if data.get("session_id") not in (None, session["session_id"]):
            log.warning("refused a user_uttered for a session other than the socket's own")
            await tell(sid, NOT_YOUR_SESSION)
            return
        if not security.per_ip.hit(session.get("address") or "unknown"):
            await tell(sid, TOO_FAST)
            return
        metadata = dict(trusted_metadata("socketio", verified_user=session.get("verified_user"),
                                         client_key=session.get("client_key")))
        message = UserMessage(data["message"], make_output(), web_conversation(session["session_id"]),
                              input_channel="socketio", metadata=metadata)
        await handle(message)

    sio.handlers[ns]["session_request"] = session_request
    sio.handlers[ns][user_message_evt] = user_uttered
