"""A real HTTP receiver fails with 500s (and hangs), then recovers: every ticket event arrives
exactly once, in order per ticket, and opening the tickets never waited for it."""

import asyncio
import random
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from bot.db.repositories import TicketStore
from bot.escalation import EscalationRequest, EscalationService
from bot.tickets.dispatcher import Backoff, OutboxDispatcher
from bot.tickets.outbox import OutboxStore, OutboxWriter
from bot.tickets.sinks import WebhookSink
from tests.fake_webhook import SECRET, WebhookReceiver


class ManualClock:
    def __init__(self) -> None:
        self.now = datetime(2024, 3, 4, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver().start()
    yield r
    r.stop()


def test_webhook_down_then_up_gets_every_event_once_in_order(session_factory, receiver: WebhookReceiver) -> None:
    clock = ManualClock()
    sink = WebhookSink(receiver.url, SECRET, timeout=1.0)
    tickets = TicketStore(session_factory, clock, event_hooks=[OutboxWriter([sink.name])])
    escalations = EscalationService(tickets, clock=clock)
    outbox = OutboxStore(session_factory, clock)
    dispatcher = OutboxDispatcher(outbox, [sink], clock, backoff=Backoff(base=5, cap=60),
                                  max_attempts=20, rng=random.Random(3))

    receiver.fail(500, delay=2.0)  # down, and slow about it
    started = time.monotonic()
    refs = []
    for who in ("alice", "bob", "carol"):
        result = escalations.escalate(EscalationRequest(
            requester_id=who, channel="rest", conversation_id=who, category="vpn_connection", team="network",
            priority="normal", summary="VPN down", reason="flow", entities={}, answers={}, trail=[],
            transcript=[{"from": "user", "text": "vpn broken", "at": 1}]))
        tickets.set_status(result.ticket.id, "claimed", actor="eng")
        tickets.add_event(result.ticket.id, "message", who, "any news?")
        refs.append(result.ticket.reference)
    assert time.monotonic() - started < 1.0  # opening tickets never touches the sink
    assert receiver.requests == []

    report = asyncio.run(dispatcher.run_once())  # one attempt per ticket head, all time out/fail
    assert report.delivered == 0 and report.retried == 3
    receiver.fail(500)
    for _ in range(3):  # still down for a while: more failed rounds, nothing lost
        clock.now += timedelta(minutes=2)
        asyncio.run(dispatcher.run_once())
    assert receiver.refused() and not receiver.accepted()

    receiver.recover()
    for _ in range(5):
        clock.now += timedelta(minutes=2)
        asyncio.run(dispatcher.run_once())

    accepted = receiver.accepted()
    counts = Counter(r.key for r in accepted)
    assert len(counts) == 9 and set(counts.values()) == {1}  # 3 tickets x 3 events, each once
    for ref in refs:
        kinds = [r.body["event"]["kind"] for r in accepted if r.body["ticket"]["reference"] == ref]
        assert kinds == ["created", "status_changed", "message"]
    assert all(r.signed for r in receiver.requests)
    assert outbox.counts() == {"delivered": 9}
    assert all(e.attempts >= 2 for e in outbox.entries() if e.payload["event"]["kind"] == "created")
