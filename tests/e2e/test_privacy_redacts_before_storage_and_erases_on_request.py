"""Against the real servers: a conversation with a card number, an email address and a typed
password stores none of them anywhere (tracker events, tickets, ticket events, the webhook, the
engineers' Slack channel) while the bot still understood the messages; the person is told to
change the password; administrators export and erase over HTTP with the API token; and "delete my
data" in the chat explains, asks, erases and says which tickets it closed."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from urllib.parse import quote
from typing import Any, Dict, Optional, Tuple

import pytest

from bot.db.engine import make_engine
from tests.conftest import ENGINEERS_CHANNEL, Bot, button_titles, texts
from tests.privacy_search import hits

pytestmark = pytest.mark.e2e

CARD = "4111 1111 1111 1111"
EMAIL = "zoe.keller@example.com"
PASSWORD = "Tr0ub4dor&3"


def http(bot: Bot, method: str, path: str, body: Optional[Dict[str, Any]] = None, token: Optional[str] = "default") -> Tuple[int, Any]:
    headers = {"Content-Type": "application/json", "X-Frontline-Actor": "dpo@example.com"}
    tok = bot.assistant.api_token if token == "default" else token
    if tok:
        headers["Authorization"] = f"Bearer {tok}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{bot.url}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def stored(bot: Bot, needles: list) -> list:
    engine = make_engine(bot.settings.database_url)
    try:
        return hits(engine, needles)
    finally:
        engine.dispose()


def test_personal_data_never_stored_password_warning_and_http_export_erase(bot: Bot, slack_api: Any, ticket_webhook: Any) -> None:
    sender = f"e2e-privacy-{uuid.uuid4().hex[:8]}"
    reply = bot.send(sender, f"Outlook says 0x800CCC0E since this morning, my email is {EMAIL}")
    assert texts(reply)  # understood and answered (NLU saw the original message)
    bot.send(sender, f"also my card {CARD} was charged twice for the licence")
    reply = bot.send(sender, f"my password is {PASSWORD}")
    assert "removed the password you typed from our records" in texts(reply)
    assert "change it now" in texts(reply)
    reply = bot.send(sender, "talk to a human")
    reference = re.search(r"SUP-\d+", texts(reply)).group(0)

    # The error code flows need is kept; what the person typed is in the tracker, redacted.
    events = bot.api(f"/conversations/{sender}/tracker")["events"]
    said = " ".join(e.get("text") or "" for e in events if e["event"] == "user")
    assert "0x800CCC0E" in said and "[EMAIL]" in said and "[CARD]" in said and "[PASSWORD]" in said
    ticket_webhook.wait_for(lambda: [r for r in ticket_webhook.accepted() if r.body["ticket"]["reference"] == reference],
                            timeout=30, what="the ticket's webhook")
    slack_api.wait_for(lambda: [c for c in slack_api.posts(ENGINEERS_CHANNEL) if reference in json.dumps(c.params)],
                       timeout=30, what="the ticket on the engineers' channel")
    secrets_ = [CARD, CARD.replace(" ", ""), EMAIL, PASSWORD]
    assert stored(bot, secrets_) == []
    assert not [r for r in ticket_webhook.accepted() if any(s in json.dumps(r.body) for s in secrets_)]
    assert not [c for c in slack_api.calls if any(s in json.dumps(c.params) for s in secrets_)]

    # Administrators: export and erase over HTTP, only with the API token.
    assert http(bot, "GET", f"/privacy/export?user={quote(bot.conversation(sender))}", token=None)[0] == 401
    assert http(bot, "GET", f"/privacy/export?user={quote(bot.conversation(sender))}", token="wrong")[0] == 401
    status, document = http(bot, "GET", f"/privacy/export?user={quote(bot.conversation(sender))}")
    assert status == 200 and [t["reference"] for t in document["tickets"]] == [reference]
    phrases = ["charged twice for the licence", "since this morning"]
    assert all(p in json.dumps(document) for p in phrases)
    assert http(bot, "POST", "/privacy/erase", {"user": bot.conversation(sender)})[0] == 400  # no confirm
    status, result = http(bot, "POST", "/privacy/erase", {"user": bot.conversation(sender), "confirm": True})
    assert status == 200 and result["closed_tickets"] == [reference]
    assert stored(bot, [sender, *phrases]) == []
    assert http(bot, "GET", f"/privacy/export?user={quote(bot.conversation(sender))}")[0] == 404


def test_delete_my_data_in_the_chat_explains_asks_then_erases(bot: Bot) -> None:
    sender = f"e2e-forget-{uuid.uuid4().hex[:8]}"
    bot.send(sender, "my laptop fan is very loud since the docking station update")
    reply = bot.send(sender, "talk to a human")
    reference = re.search(r"SUP-\d+", texts(reply)).group(0)

    reply = bot.send(sender, "please delete my data")
    assert "can't be undone" in texts(reply) and reference in texts(reply)
    assert button_titles(reply) == ["Yes, delete my data", "No, keep it"]
    reply = bot.send(sender, "/delete_my_data_confirm")
    assert f"I closed your open ticket {reference}" in texts(reply)
    assert stored(bot, ["fan is very loud since the docking station"]) == []
    # The conversation goes on afresh: what is stored now starts with the erasure's reply.
    events = bot.api(f"/conversations/{sender}/tracker")["events"]
    assert not [e for e in events if e["event"] == "user" and "loud" in (e.get("text") or "")]
    assert texts(bot.send(sender, "hi"))  # and the bot still answers
