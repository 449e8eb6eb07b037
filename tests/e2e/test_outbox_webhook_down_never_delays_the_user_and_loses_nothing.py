"""With the external ticket system down (slow 500s), escalating answers the user at once; when it
recovers, every ticket event arrives exactly once, in order."""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from typing import Any

import pytest

from tests.conftest import Bot, texts

pytestmark = pytest.mark.e2e

SINK_DELAY = 5.0  # how long the failing receiver takes to answer each request


def test_webhook_outage_does_not_delay_escalation_and_deliveries_resume(bot: Bot, ticket_webhook: Any) -> None:
    sender = f"e2e-outbox-{uuid.uuid4().hex[:8]}"
    ticket_webhook.fail(500, delay=SINK_DELAY)
    try:
        started = time.monotonic()
        reply = bot.send(sender, "talk to a human")
        elapsed = time.monotonic() - started
        match = re.search(r"SUP-\d+", texts(reply))
        assert match, texts(reply)
        reference = match.group(0)
        assert elapsed < SINK_DELAY - 1, f"the escalation reply took {elapsed:.1f}s: it waited for the sink"

        reply = bot.send(sender, f"add to my ticket {reference}: it also flickers on the docking station")
        assert f"Added to **{reference}**" in texts(reply)

        def refused_for_ticket():
            return [r for r in ticket_webhook.refused() if r.body.get("ticket", {}).get("reference") == reference]

        ticket_webhook.wait_for(refused_for_ticket, timeout=30, what="a failed delivery attempt")
        assert not [r for r in ticket_webhook.accepted() if r.body["ticket"]["reference"] == reference]
    finally:
        ticket_webhook.recover()

    def delivered():
        got = [r for r in ticket_webhook.accepted() if r.body["ticket"]["reference"] == reference]
        return got if len(got) >= 2 else None

    got = ticket_webhook.wait_for(delivered, timeout=60, what=f"deliveries of {reference} after recovery")
    time.sleep(2)  # let any duplicate show itself
    got = [r for r in ticket_webhook.accepted() if r.body["ticket"]["reference"] == reference]
    assert [r.body["event"]["kind"] for r in got] == ["created", "message"]
    assert set(Counter(r.key for r in got).values()) == {1}
    assert got[1].body["event"]["body"] == "it also flickers on the docking station"
    assert all(r.signed for r in got)
