"""``POST /webhooks/rest/webhook``, hardened: a token, strict input, namespaced senders.

Rasa's REST channel trusts its client: any ``sender`` (even another channel's conversation),
any ``metadata`` (a Slack identity, a VIP's name), any ``input_channel``, and JSON that is not
an object or a ``message`` that is not a string crashed it with a 500 or left the turn silent.
Here:

- the client must send ``Authorization: Bearer <FRONTLINE_REST_TOKEN>``; with no token set the
  channel answers only when the server listens on loopback (``make run``), and is off otherwise;
- the body must be a JSON object with a string ``sender`` and a string ``message`` (400 with a
  clear error otherwise);
- the conversation is ``rest:<sender>``; client metadata and ``input_channel`` are ignored;
- an optional ``seq`` (a positive integer the client increases with every message of the
  conversation) makes several Rasa servers run a burst's turns in the client's order, and a
  message delivered twice with the same number run once: the second delivery gets the first
  one's replies (:mod:`bot.rasa_ext.turn_order`);
- per-IP rate limits answer 429; the per-conversation checks (length, rate, empty message)
  answer as the bot (:mod:`bot.security.gate`);
- a bot message is one message in the reply, paragraphs and all (:class:`WholeMessageCollector`).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_ext import turn_order
from bot.security.identity import rest_conversation, trusted_metadata, valid_raw_sender
from bot.security.runtime import ServerSecurity

log = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


class WholeMessageCollector(CollectingOutputChannel):
    """Rasa's collecting output, except that a text message stays one message.

    Rasa cuts every text at blank lines into separate messages, so an article with its title,
    passage and link arrived as four, and the turn's messages merged into two
    (:func:`bot.adapters.rasa_sdk.compose_turn`) came apart again. Slack and the widget show a
    message's paragraphs in one bubble too.
    """

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Collect ``text`` as one message."""
        await self._persist_message(self._message(recipient_id, text=text.strip()))


EXAMPLE = '{"sender": "alice", "message": "my vpn keeps dropping"}'


def client_ip(request: Request) -> str:
    """The client's address: the proxy-reported one when Sanic is told to trust a proxy
    (``SANIC_PROXIES_COUNT``), else the peer's."""
    return str(request.remote_addr or request.ip or "unknown")


def error(status: int, message: str) -> HTTPResponse:
    """A JSON error the client can act on."""
    return response.json({"error": message}, status=status)


def replies_of(events: Iterable[Dict[str, Any]], message_id: str, recipient: str) -> List[Dict[str, Any]]:
    """What the bot answered to the user event ``message_id``, as the REST channel sends it.

    Args:
        events: the tracker's events as dicts (``tracker.current_state(EventVerbosity.ALL)``).
        message_id: the user event's id.
        recipient: the conversation, the messages' ``recipient_id``.
    """
    replies: List[Dict[str, Any]] = []
    inside = False
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if inside:
                break
            inside = event.get("message_id") == message_id
        elif inside and kind == "bot":
            data = event.get("data") or {}
            message: Dict[str, Any] = {"recipient_id": recipient}
            if event.get("text"):
                message["text"] = event["text"]
            for key in ("buttons", "image", "attachment", "custom"):
                if data.get(key):
                    message[key] = data[key]
            replies.append(message)
    return replies


async def replies_again(request: Request, conversation: str, message_id: str) -> List[Dict[str, Any]]:
    """The replies the first delivery of a repeated message got, read from the tracker."""
    from rasa.shared.core.trackers import EventVerbosity

    tracker = await request.app.ctx.agent.tracker_store.retrieve(conversation)
    events = tracker.current_state(EventVerbosity.ALL)["events"] if tracker is not None else []
    log.info("a repeated delivery of turn %s was answered from the tracker, not run again", message_id)
    return replies_of(events, message_id, conversation)


def rest_blueprint(name: str, security: ServerSecurity, handle: Handler) -> Blueprint:
    """The REST channel's routes.

    Args:
        name: the blueprint's (unique) name.
        security: the process's secrets and limits.
        handle: Rasa's message handler, already wrapped in the gate and the no-silent-bot guard.
    """
    bp = Blueprint(name)

    @bp.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @bp.route("/webhook", methods=["POST"])
    async def receive(request: Request) -> HTTPResponse:
        if not security.rest_token_ok(request.headers.get("authorization")):
            if security.rest_token:
                return error(401, "missing or wrong token: send 'Authorization: Bearer <FRONTLINE_REST_TOKEN>'")
            return error(403, "the REST channel is off on this server: set FRONTLINE_REST_TOKEN (docs/security.md)")
        try:
            body: Any = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            return error(400, f"the body is not JSON; expected an object like {EXAMPLE}")
        if not isinstance(body, dict):
            return error(400, f"expected a JSON object like {EXAMPLE}, got a JSON {type(body).__name__}")
        sender, text = body.get("sender"), body.get("message")
        if not valid_raw_sender(sender):
            return error(400, "'sender' is required: a string of 1-128 printable characters without '/' naming the conversation")
        if not isinstance(text, str):
            return error(400, f"'message' is required and must be a string, got {type(text).__name__ if text is not None else 'nothing'}")
        seq = body.get("seq")
        if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq < 2**53):
            return error(400, "'seq' is optional and must be a positive integer, one more for every message of the conversation")
        if not security.per_ip.hit(client_ip(request)):
            return error(429, "too many messages from this address; wait a minute and try again")
        collector = WholeMessageCollector()
        metadata: Dict[str, Any] = dict(trusted_metadata("rest", client_key=security.client_key(client_ip(request))))
        conversation = rest_conversation(sender)
        numbered = turn_order.begin(seq)
        turn = turn_order.current_turn()
        try:
            await handle(UserMessage(text, collector, conversation, input_channel="rest", metadata=metadata,
                                     message_id=turn.message_id if turn else None))
        finally:
            turn_order.end(numbered)
        if turn is not None and turn.repeated:
            return response.json(await replies_again(request, conversation, turn.message_id))
        return response.json(collector.messages)

    return bp
