"""Socket Mode runs the very same listeners as HTTP mode: Slack's envelopes are acknowledged
over the socket and produce the same Rasa turns and replies."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

from aiohttp import WSMsgType, web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.rasa_ext.guard import no_silent_bot
from bot.slack.config import SlackConfig
from bot.slack.runtime import SlackRuntime
from tests.fake_slack import APP_TOKEN, BOT_TOKEN, BOT_USER, TEAM, FakeSlackApi, dm_event, event_body, mention_event
from tests.unit.slack.conftest import FakeRasa, Harness, settle


class RecordingSocketClient:
    """Stands in for slack_sdk's SocketModeClient: records what is sent back over the socket."""

    def __init__(self, logger: Any) -> None:
        self.logger = logger
        self.responses: List[SocketModeResponse] = []

    async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.responses.append(response)


def test_socket_mode_envelope_gives_the_same_turn_as_the_http_event(fake_api: FakeSlackApi) -> None:
    body = event_body(mention_event("U1", f"<@{BOT_USER}> outlook keeps crashing", "C1", ts="1700000000.000900"))

    async def scenario() -> tuple:
        socket_rasa, http_rasa = FakeRasa(), FakeRasa()
        socket_harness = Harness(fake_api, socket_rasa, mode="socket")
        handler = AsyncSocketModeHandler(socket_harness.app, APP_TOKEN)
        client = RecordingSocketClient(socket_harness.app.logger)
        request = SocketModeRequest(type="events_api", envelope_id="env-1", payload=body)
        try:
            await handler.handle(client, request)  # type: ignore[arg-type]
            await socket_rasa.wait_turns(1)
        finally:
            await handler.close_async()

        http_harness = Harness(fake_api, http_rasa, mode="http")
        await http_harness.event(dict(body, event_id="Ev0OTHER"))
        await http_rasa.wait_turns(1)
        await settle()
        return client.responses, socket_rasa.turns, http_rasa.turns

    responses, (via_socket,), (via_http,) = asyncio.run(scenario())
    assert [r.envelope_id for r in responses] == ["env-1"]  # acknowledged over the socket
    assert (via_socket.sender_id, via_socket.text) == (via_http.sender_id, via_http.text)
    assert via_socket.sender_id == f"slack:{TEAM}:C1:1700000000.000900"
    posts = fake_api.of("chat.postMessage")
    assert len(posts) == 2 and posts[0].params == posts[1].params


def test_runtime_connects_over_a_real_websocket_and_answers(fake_api: FakeSlackApi) -> None:
    """The whole Socket Mode path: apps.connections.open with the app token, a WebSocket,
    an envelope in, an ack and a chat.postMessage out."""
    acks: List[Dict[str, Any]] = []
    body = event_body(dm_event("U1", "hello over the socket", "D1"))

    async def socket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "test"}})
        await ws.send_json({"envelope_id": "env-42", "type": "events_api", "payload": body,
                            "accepts_response_payload": False, "retry_attempt": 0, "retry_reason": ""})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                acks.append(json.loads(message.data))
        return ws

    async def scenario() -> List[Any]:
        app = web.Application()
        app.router.add_get("/link", socket)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        fake_api.ws_url = f"ws://127.0.0.1:{port}/link"
        rasa = FakeRasa()
        config = SlackConfig(mode="socket", bot_token=BOT_TOKEN, app_token=APP_TOKEN, api_url=fake_api.url)
        runtime = SlackRuntime(config, no_silent_bot(rasa, "the desk"))
        await runtime.start()
        await runtime.connect()
        try:
            turns = await rasa.wait_turns(1)
            for _ in range(100):
                if acks and fake_api.of("chat.postMessage"):
                    break
                await asyncio.sleep(0.05)
        finally:
            await runtime.stop()
            await runner.cleanup()
        return turns

    (turn,) = asyncio.run(scenario())
    assert turn.sender_id == f"slack:{TEAM}:U1" and turn.text == "hello over the socket"
    assert acks and acks[0]["envelope_id"] == "env-42"
    (opened,) = fake_api.of("apps.connections.open")
    assert opened.token == APP_TOKEN
    (post,) = fake_api.of("chat.postMessage")
    assert post.params["channel"] == "D1" and post.token == BOT_TOKEN
