"""Engineer messages reach the user through Rasa's HTTP API: slot and bot events appended with
side effects on the user's latest channel, authenticated by the API token."""

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from bot.handoff.ports import BotMessage
from bot.handoff.rasa_api import RasaApiError, RasaConversationApi


class FakeRasa:
    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = urlparse(self.path)
                fake.requests.append({"path": url.path, "query": parse_qs(url.query), "events": json.loads(body)})
                self.send_response(fake.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    yield fake
    fake.server.shutdown()


def test_push_appends_slots_then_messages_with_side_effects_on_the_latest_channel(rasa: FakeRasa) -> None:
    api = RasaConversationApi(rasa.url, "tok3n")
    message = BotMessage(text="Try the other gateway", metadata={"engineer": "Dana"})
    asyncio.run(api.push("slack:T1:C2:1700.1", [message], {"handoff_active": True}))

    [request] = rasa.requests
    assert unquote(request["path"]) == "/conversations/slack:T1:C2:1700.1/tracker/events"
    assert request["query"]["token"] == ["tok3n"]
    assert request["query"]["execute_side_effects"] == ["true"]
    assert request["query"]["output_channel"] == ["latest"]
    assert request["events"] == [
        {"event": "slot", "name": "handoff_active", "value": True},
        {"event": "bot", "text": "Try the other gateway", "data": {"buttons": None, "custom": None},
         "metadata": {"engineer": "Dana"}},
    ]


def test_a_refused_push_fails_without_retrying_and_never_shows_the_token(rasa: FakeRasa) -> None:
    rasa.status = 401
    api = RasaConversationApi(rasa.url, "tok3n", attempts=3)
    with pytest.raises(RasaApiError) as info:
        asyncio.run(api.push("c1", [BotMessage(text="hi")], {}))
    assert len(rasa.requests) == 1 and "HTTP 401" in str(info.value) and "tok3n" not in str(info.value)
