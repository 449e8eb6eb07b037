"""On SQLite and PostgreSQL: a conversation with a card number, an email address and a typed
password leaves none of them in any table or tracker event; after an erasure nothing of the
person remains, and the export beforehand held everything a search of the database found."""

from __future__ import annotations

import json
from datetime import timedelta

from privacy_helpers import converse, every_string, hits, shipped_redactor, tracker_store
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.db.models import KbAnswerRow, PrivacyAuditRow, SlackSeenRow, TicketRow
from bot.db.repositories import FlowRunStore, TicketStore
from bot.privacy.service import ERASURE_NOTE, PrivacyService
from bot.privacy.tables import install_redaction
from bot.tickets.outbox import OutboxWriter

CARD = "4111 1111 1111 1111"
EMAIL = "alice.martin@example.com"
PASSWORD = "Tr0ub4dor&3"
ALICE = "web-alice-7f3a9c"
BOB = "web-bob-1d2e3f"
ALICE_SAYS = [
    f"my card {CARD} was charged twice for the VPN licence",
    f"my email is {EMAIL} and outlook says 0x800CCC0E",
    f"my password is {PASSWORD} and the laptop still refuses it",
]


def populate(db_url: str, session_factory: sessionmaker, clock) -> TicketStore:
    redactor = shipped_redactor()
    install_redaction(session_factory, redactor)
    store = tracker_store(db_url, redactor)
    converse(store, ALICE, ALICE_SAYS)
    converse(store, BOB, ["my printer on floor 3 is jammed again"])
    tickets = TicketStore(session_factory, clock, event_hooks=[OutboxWriter(["webhook"])])
    ticket = tickets.create(
        requester_id=ALICE, category="vpn", team="network", channel="rest", conversation_id=ALICE,
        summary=f"Alice wrote: {ALICE_SAYS[0]} / {ALICE_SAYS[2]}", details={"said": ALICE_SAYS, "email": EMAIL},
    )
    tickets.add_event(ticket.id, "message", ALICE, ALICE_SAYS[1], {"source": "user"})
    tickets.add_event(ticket.id, "rating", ALICE, "", {"rating": 4})
    bob_ticket = tickets.create(
        requester_id=BOB, category="printer", team="desk", channel="rest", conversation_id=BOB, summary="printer jammed"
    )
    runs = FlowRunStore(session_factory, clock)
    now = clock()
    runs.record(ALICE, "rest", "vpn", "escalated", {"detail": ALICE_SAYS[2]}, [{"said": ALICE_SAYS[0]}], now, ticket_id=ticket.id)
    with session_factory.begin() as session:
        session.add(KbAnswerRow(conversation_id=ALICE, channel="rest", query=ALICE_SAYS[1], articles=["vpn"],
                                confidence=0.7, found=True, helpful=False, created_at=now))
        session.add(SlackSeenRow(key=f"thread:{ALICE}", seen_at=now, expires_at=now + timedelta(days=1)))
    assert bob_ticket.id
    return tickets


def test_card_email_and_password_reach_no_table_or_tracker_event(
    migrated_url: str, engine: Engine, session_factory: sessionmaker, clock
) -> None:
    populate(migrated_url, session_factory, clock)
    leaks = hits(engine, [CARD, CARD.replace(" ", ""), EMAIL, PASSWORD])
    assert leaks == []
    # The stored conversation still says what happened, with placeholders.
    stored = [row for table, row in every_string(engine) if table == "events" and row["sender_id"] == ALICE]
    texts = " ".join(row["data"] for row in stored)
    assert "[CARD]" in texts and "[EMAIL]" in texts and "[PASSWORD]" in texts and "0x800CCC0E" in texts


def test_erasure_leaves_no_trace_and_export_held_everything(
    migrated_url: str, engine: Engine, session_factory: sessionmaker, clock
) -> None:
    tickets = populate(migrated_url, session_factory, clock)
    phrases = ["charged twice for the VPN licence", "the laptop still refuses it", "outlook says 0x800CCC0E"]
    needles = [ALICE, *phrases]
    before = hits(engine, needles)
    assert {table for table, _, _ in before} >= {"events", "tickets", "ticket_events", "flow_runs", "kb_answers", "slack_seen"}

    service = PrivacyService(session_factory, tickets, shipped_redactor(), clock)
    document = service.export(ALICE, actor="dpo@example.com", via="cli")
    dumped = json.dumps(document, ensure_ascii=False)
    for table, column, needle in before:
        assert needle in dumped, f"{table}.{column} holds {needle!r} but the export does not"
    assert len(document["conversations"][ALICE]) > 0 and document["ratings"][0]["data"] == {"rating": 4}

    result = service.erase(ALICE, actor="dpo@example.com", via="cli")
    assert result.found and result.closed_tickets == ["SUP-1001"]
    leftover = sorted(set(hits(engine, needles)))
    assert not leftover, leftover
    with session_factory() as session:
        erased = session.get(TicketRow, 1)
        assert erased.status == "closed" and erased.requester_id.startswith("erased-")
        notes = [e.body for e in erased.events if e.kind == "note"]
        assert notes == [ERASURE_NOTE]
        audit = session.scalars(select(PrivacyAuditRow).order_by(PrivacyAuditRow.id)).all()
        assert [a.action for a in audit] == ["export", "erase"]
        assert ALICE not in json.dumps([a.counts for a in audit]) + "".join(a.actor for a in audit if a.actor != "dpo@example.com")
    # The erasure note travels to external ticket systems through the outbox.
    pending = [e for e in tickets_outbox(session_factory) if e["event"]["body"] == ERASURE_NOTE]
    assert pending
    # Bob is untouched.
    assert hits(engine, [BOB, "printer on floor 3"]) != []
    assert service.export(ALICE, actor="dpo", via="cli")["tickets"] == []


def tickets_outbox(session_factory: sessionmaker):
    from bot.db.models import OutboxRow

    with session_factory() as session:
        return [row.payload for row in session.scalars(select(OutboxRow).where(OutboxRow.status == "pending"))]
