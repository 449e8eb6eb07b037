"""The insights dashboard on the real Rasa server: behind its login, fed by the conversations
the bot really had (Rasa's tracker events → the rollup), with the reason of each escalation."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, List

from sqlalchemy import select

from bot.db.engine import make_engine
from bot.insights.rollup import conversations_table, steps_table
from bot.security.identity import rest_conversation
from tests.conftest import INSIGHTS_PASSWORD, INSIGHTS_USER, Bot, texts


def click(bot: Bot, sender: str, reply: List[Dict[str, Any]], title: str) -> List[Dict[str, Any]]:
    for message in reply:
        for button in message.get("buttons") or []:
            if button["title"] == title:
                return bot.send(sender, button["payload"])
    raise AssertionError(f"no button {title!r} in {reply}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        return None


def test_dashboard_needs_a_login_and_counts_the_bots_real_conversations(bot: Bot) -> None:
    run = uuid.uuid4().hex[:8]
    # 1. Gibberish, a clarifying question, then "Talk to a human": escalated for low confidence.
    confused = f"e2e-insights-confused-{run}"
    reply = bot.send(confused, "asdfgh qwerty zxcvb")
    reply = click(bot, confused, reply, "Talk to a human")
    assert re.search(r"SUP-\d+", texts(reply)), texts(reply)
    # 2. A VPN flow that fails: escalated because the flow did not fix it.
    vpn = f"e2e-insights-vpn-{run}"
    reply = bot.send(vpn, "I can't connect to the VPN")
    reply = click(bot, vpn, reply, "Cisco AnyConnect")
    reply = click(bot, vpn, reply, "It won't connect at all")
    reply = click(bot, vpn, reply, "Hotel, airport or café Wi-Fi")
    reply = bot.send(vpn, "no")
    assert re.search(r"SUP-\d+", texts(reply)), texts(reply)
    # 3. Hello and thanks: contained, left without asking for more.
    polite = f"e2e-insights-polite-{run}"
    bot.send(polite, "hello")

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    try:
        opener.open(f"{bot.url}/insights/", timeout=30)
        raise AssertionError("the dashboard answered without a login")
    except urllib.error.HTTPError as err:
        assert err.code == 302 and err.headers["Location"] == "/insights/login"
    form = urllib.parse.urlencode({"name": INSIGHTS_USER, "password": INSIGHTS_PASSWORD}).encode()
    try:
        opener.open(f"{bot.url}/insights/login", data=form, timeout=30)
    except urllib.error.HTTPError as err:
        assert err.code == 302, err.code
    with opener.open(f"{bot.url}/insights/api/report?channel=rest", timeout=60) as resp:
        report = json.loads(resp.read())
    assert report["summary"]["conversations"] >= 3

    engine = make_engine(bot.settings.database_url)
    try:
        with engine.connect() as conn:
            c = conversations_table.c
            # The REST channel namespaces conversations (rest:<sender>, bot.security.identity).
            ids = {rest_conversation(sender): sender for sender in (confused, vpn, polite)}
            rows = {ids[r.sender_id]: r for r in conn.execute(
                select(conversations_table).where(c.sender_id.in_(list(ids))))}
            steps = conn.execute(select(steps_table.c.flow, steps_table.c.run_outcome, steps_table.c.last)
                                 .where(steps_table.c.conversation_id == rows[vpn].id)).all()
    finally:
        engine.dispose()
    assert (rows[confused].outcome, rows[confused].escalation_reason) == ("escalated", "low_confidence")
    assert (rows[confused].clarifications, rows[confused].after_clarify_human, rows[confused].channel) == (1, 1, "rest")
    assert (rows[vpn].outcome, rows[vpn].escalation_reason, rows[vpn].flow) == ("escalated", "failed_flow", "vpn_connection")
    assert steps and all(flow == "vpn_connection" and outcome == "escalated" for flow, outcome, _ in steps)
    assert rows[polite].outcome == "contained_left"
