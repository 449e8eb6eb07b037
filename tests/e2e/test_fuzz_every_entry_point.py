"""Property-based fuzzing of every entry point of the running Rasa server: REST, socket.io
events, Slack events and interactivity (validly signed), and the demo and widget routes.

Each property: no 5xx, no traceback in the server's log, and the server still answers. Bounded
(``max_examples`` per entry point, no per-example deadline because each example is a network
round trip) so the whole file runs in about a minute.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Bot
from tests.fake_slack import SlackSender
from tests.socket_client import WidgetSocket

pytestmark = pytest.mark.e2e

FUZZ = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                           max_leaves=12)
short_text = st.text(max_size=60)


def _request(url: str, body: Optional[bytes] = None, headers: Optional[dict] = None, method: str = "POST") -> Tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def server_log(bot: Bot) -> Iterator[None]:
    """Fail if the Rasa server logged a traceback during the test, or stopped answering."""
    log: Path = bot.assistant.rasa.log_path
    start = log.stat().st_size
    yield
    with log.open("rb") as handle:
        handle.seek(start)
        written = handle.read().decode(errors="replace")
    assert "Traceback" not in written, written[-3000:]
    assert bot.send("fuzz-still-alive", "hi"), "the server stopped answering"


@FUZZ
@given(body=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
def test_rest_never_answers_5xx_to_any_body(bot: Bot, server_log: None, body: bytes) -> None:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bot.settings.rest_token}"}
    status, _ = _request(f"{bot.url}/webhooks/rest/webhook", body, headers)
    assert status < 500


@FUZZ
@given(sender=st.one_of(short_text, scalars), message=st.one_of(short_text, json_values),
       extra=st.dictionaries(st.text(max_size=10), json_values, max_size=3))
def test_rest_shaped_bodies_get_an_answer_or_a_400(bot: Bot, server_log: None, sender: Any, message: Any, extra: dict) -> None:
    body = json.dumps({**extra, "sender": sender, "message": message}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bot.settings.rest_token}"}
    status, answer = _request(f"{bot.url}/webhooks/rest/webhook", body, headers)
    assert status in (200, 400), (status, answer[:200])
    if status == 200:
        assert json.loads(answer), "an accepted turn got no reply"


events = st.fixed_dictionaries({"type": st.sampled_from(["event_callback", "url_verification", "block_actions"]) | short_text},
                               optional={"event": json_values | st.fixed_dictionaries(
                                   {"type": st.sampled_from(["message", "app_mention"])},
                                   optional={"text": scalars, "user": scalars, "channel": scalars, "ts": scalars,
                                             "thread_ts": scalars, "channel_type": scalars, "subtype": scalars}),
                                   "event_id": scalars, "team_id": scalars, "challenge": scalars})


@FUZZ
@given(body=st.one_of(events, json_values))
def test_signed_slack_events_never_get_5xx(bot: Bot, server_log: None, body: Any) -> None:
    status, _, _ = SlackSender(f"{bot.url}/webhooks/slack/events").post(json.dumps(body).encode(), "application/json")
    assert status < 500


clicks = st.fixed_dictionaries({"type": st.just("block_actions")},
                               optional={"actions": json_values | st.lists(st.fixed_dictionaries(
                                   {"action_id": st.sampled_from(["fl_choice_0", "fl_handoff_claim", "fl_handoff_resolve"]) | short_text},
                                   optional={"value": scalars, "text": json_values}), max_size=2),
                                   "user": json_values | st.fixed_dictionaries({"id": scalars}),
                                   "channel": json_values | st.fixed_dictionaries({"id": scalars}),
                                   "container": json_values, "message": json_values | st.fixed_dictionaries(
                                       {"ts": scalars}, optional={"blocks": json_values, "text": scalars, "thread_ts": scalars})})


@FUZZ
@given(payload=st.one_of(clicks, json_values), raw=st.booleans())
def test_signed_slack_clicks_never_get_5xx(bot: Bot, server_log: None, payload: Any, raw: bool) -> None:
    sender = SlackSender(f"{bot.url}/webhooks/slack/events")
    form = json.dumps(payload) if not raw else str(payload)
    status, _, _ = sender.post(urllib.parse.urlencode({"payload": form}).encode(), "application/x-www-form-urlencoded")
    assert status < 500


@FUZZ
@given(path=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters="#?%"), max_size=30),
       prefix=st.sampled_from(["/demo/", "/widget/", "/demo", "/webhooks/rest/", "/webhooks/slack/", "/socket.io/"]))
def test_demo_and_widget_routes_never_get_5xx(bot: Bot, server_log: None, path: str, prefix: str) -> None:
    status, _ = _request(f"{bot.url}{prefix}{urllib.parse.quote(path)}", method="GET")
    assert status < 500


@FUZZ
@given(session=st.one_of(json_values, st.fixed_dictionaries(
           {}, optional={"session_id": scalars, "user_id": scalars, "user_hash": scalars})),
       message=st.one_of(json_values, st.fixed_dictionaries(
           {}, optional={"message": st.one_of(short_text, scalars), "session_id": scalars, "metadata": json_values})))
def test_socketio_events_always_get_an_answer(bot: Bot, server_log: None, session: Any, message: Any) -> None:
    async def scenario() -> None:
        sock = await WidgetSocket(bot.url).connect()
        session_id = await sock.session_with(session)
        payload = dict(message, session_id=session_id) if isinstance(message, dict) and "session_id" not in message else message
        assert await sock.say(payload, timeout=60), "a user_uttered got no answer"
        await sock.close()

    asyncio.run(scenario())
