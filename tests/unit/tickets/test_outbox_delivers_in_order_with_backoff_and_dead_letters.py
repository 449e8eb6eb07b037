"""The outbox delivers each ticket's events in order, retries with backoff and jitter, and
dead-letters what cannot be delivered; the dispatcher is driven step by step with a fake clock."""

import asyncio
import random
from datetime import datetime, timedelta, timezone
from typing import List

import pytest

from bot.db.repositories import TicketStore
from bot.tickets.dispatcher import Backoff, OutboxDispatcher
from bot.tickets.outbox import OutboxStore, OutboxWriter
from bot.tickets.sinks import Delivery, DeliveryError, MemorySink


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = datetime(2024, 3, 4, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


def setup(session_factory, clock: ManualClock, *sinks: MemorySink, max_attempts: int = 5):
    tickets = TicketStore(session_factory, clock, event_hooks=[OutboxWriter([s.name for s in sinks])])
    outbox = OutboxStore(session_factory, clock)
    dispatcher = OutboxDispatcher(outbox, sinks, clock, backoff=Backoff(base=10, factor=2, cap=300),
                                  max_attempts=max_attempts, rng=random.Random(7))
    return tickets, outbox, dispatcher


def open_ticket(tickets: TicketStore, who: str = "alice"):
    return tickets.create(requester_id=who, category="vpn_connection", team="network", summary=f"{who}'s VPN",
                          channel="rest", conversation_id=who)


def run(dispatcher: OutboxDispatcher):
    return asyncio.run(dispatcher.run_once())


def kinds(deliveries: List[Delivery], reference: str) -> List[str]:
    return [d.event_kind for d in deliveries if d.ticket_reference == reference]


def test_every_event_is_queued_for_every_sink_in_its_own_transaction(session_factory, manual_clock) -> None:
    a, b = MemorySink("a"), MemorySink("b")
    tickets, outbox, _ = setup(session_factory, manual_clock, a, b)
    ticket = open_ticket(tickets)
    tickets.set_status(ticket.id, "claimed", actor="eng")
    tickets.add_event(ticket.id, "message", "alice", "it works on wifi")

    rows = outbox.entries()
    assert [(r.sink, r.payload["event"]["kind"]) for r in rows] == [
        ("a", "created"), ("b", "created"), ("a", "status_changed"), ("b", "status_changed"),
        ("a", "message"), ("b", "message")]
    assert all(r.status == "pending" and r.idempotency_key == f"{r.sink}:{r.event_id}" for r in rows)
    assert rows[0].payload["ticket"]["reference"] == ticket.reference
    assert rows[0].payload["ticket"]["details"] == {}  # only "created" deliveries carry details
    assert "details" not in rows[2].payload["ticket"] and rows[2].payload["ticket"]["status"] == "claimed"


def test_healthy_sink_gets_each_tickets_events_in_order(session_factory, manual_clock) -> None:
    sink = MemorySink("sink")
    tickets, outbox, dispatcher = setup(session_factory, manual_clock, sink)
    t1, t2 = open_ticket(tickets, "alice"), open_ticket(tickets, "bob")
    tickets.set_status(t1.id, "claimed", actor="eng")
    tickets.add_event(t1.id, "message", "eng", "hello")
    tickets.set_status(t2.id, "resolved", actor="eng")

    report = run(dispatcher)

    assert report.delivered == 5 and report.retried == 0
    assert kinds(sink.delivered, t1.reference) == ["created", "status_changed", "message"]
    assert kinds(sink.delivered, t2.reference) == ["created", "status_changed"]
    assert outbox.counts() == {"delivered": 5}


def test_failed_delivery_waits_for_its_backoff_and_holds_back_only_its_own_ticket(session_factory, manual_clock) -> None:
    sink = MemorySink("sink")
    tickets, outbox, dispatcher = setup(session_factory, manual_clock, sink)
    t1 = open_ticket(tickets, "alice")
    tickets.add_event(t1.id, "message", "alice", "more info")
    t2 = open_ticket(tickets, "bob")
    sink.fail_next(1)  # the first attempt (t1's "created") fails

    report = run(dispatcher)
    assert report.retried == 1
    assert kinds(sink.delivered, t1.reference) == []          # its message waits behind it
    assert kinds(sink.delivered, t2.reference) == ["created"]  # other tickets don't wait
    row = outbox.entries(ticket_id=t1.id)[0]
    delay = (row.next_attempt_at - manual_clock.now).total_seconds()
    assert 5 <= delay <= 10 and row.attempts == 1 and "unavailable" in row.last_error

    manual_clock.advance(delay - 1)
    assert run(dispatcher).attempted == 0  # not due yet
    manual_clock.advance(1)
    assert run(dispatcher).delivered == 2
    assert kinds(sink.delivered, t1.reference) == ["created", "message"]
    assert [d.attempt for d in sink.attempts if d.ticket_reference == t1.reference] == [1, 2, 1]
    keys = [d.idempotency_key for d in sink.attempts if d.ticket_reference == t1.reference]
    assert keys[0] == keys[1]  # a retry carries the same idempotency key


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    backoff, rng = Backoff(base=10, factor=2, cap=100), random.Random(1)
    for attempt, (low, high) in enumerate([(5, 10), (10, 20), (20, 40), (40, 80), (50, 100), (50, 100)], start=1):
        delays = [backoff.delay(attempt, rng) for _ in range(50)]
        assert all(low <= d <= high for d in delays)
        assert len({round(d, 3) for d in delays}) > 10  # jittered, not one value


def test_after_max_attempts_the_delivery_is_dead_and_the_next_one_proceeds(session_factory, manual_clock) -> None:
    sink = MemorySink("sink")
    tickets, outbox, dispatcher = setup(session_factory, manual_clock, sink, max_attempts=3)
    ticket = open_ticket(tickets)
    tickets.add_event(ticket.id, "note", "eng", "internal")
    sink.fail_next(3)

    for _ in range(3):
        run(dispatcher)
        manual_clock.advance(3600)
    rows = outbox.entries(ticket_id=ticket.id)
    assert [(r.status, r.attempts) for r in rows] == [("dead", 3), ("delivered", 1)]
    assert kinds(sink.delivered, ticket.reference) == ["note"]

    assert outbox.requeue_dead() == 1
    run(dispatcher)
    assert outbox.counts() == {"delivered": 2}


def test_a_rejected_delivery_is_dead_at_once(session_factory, manual_clock) -> None:
    sink = MemorySink("sink")
    tickets, outbox, dispatcher = setup(session_factory, manual_clock, sink)
    open_ticket(tickets)
    sink.fail_next(1, DeliveryError("HTTP 400: bad payload", retryable=False))

    report = run(dispatcher)
    assert report.dead == 1
    assert outbox.entries()[0].status == "dead" and outbox.entries()[0].last_error == "HTTP 400: bad payload"


def test_retry_after_from_the_sink_is_honoured(session_factory, manual_clock) -> None:
    sink = MemorySink("sink")
    tickets, outbox, dispatcher = setup(session_factory, manual_clock, sink)
    open_ticket(tickets)
    sink.fail_next(1, DeliveryError("HTTP 429", retry_after=120))
    run(dispatcher)
    assert (outbox.entries()[0].next_attempt_at - manual_clock.now) >= timedelta(seconds=120)


def test_a_claimed_row_is_not_claimed_twice_until_its_lease_expires(session_factory, manual_clock) -> None:
    sink = MemorySink("sink")
    tickets, outbox, _ = setup(session_factory, manual_clock, sink)
    open_ticket(tickets)
    first = outbox.claim_due(["sink"], lease=timedelta(seconds=60))
    assert len(first) == 1
    assert outbox.claim_due(["sink"]) == []  # another dispatcher finds nothing
    manual_clock.advance(61)  # the first one died mid-delivery
    assert [e.id for e in outbox.claim_due(["sink"])] == [first[0].id]


def test_rows_of_an_unconfigured_sink_wait(session_factory, manual_clock) -> None:
    tickets, outbox, _ = setup(session_factory, manual_clock, MemorySink("old"))
    open_ticket(tickets)
    other = MemorySink("new")
    dispatcher = OutboxDispatcher(outbox, [other], manual_clock)
    assert run(dispatcher).attempted == 0
    assert outbox.counts() == {"pending": 1}
