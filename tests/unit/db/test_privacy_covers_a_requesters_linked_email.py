"""The e-mail a ticket keeps to link its requester across channels is personal data: an export
by that address (or by the Slack user id) contains the ticket, erasure leaves no copy of it, and
retention takes it with the ticket."""

from __future__ import annotations

import json
from datetime import timedelta

from privacy_helpers import converse, hits, shipped_redactor, tracker_store
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import TicketRow
from bot.db.repositories import TicketStore
from bot.privacy.retention import purge
from bot.privacy.service import PrivacyService

EMAIL = "grace.hopper@example.com"


def _grace(migrated_url: str, session_factory: sessionmaker, clock) -> tuple:
    redactor = shipped_redactor()
    converse(tracker_store(migrated_url, redactor), "slack:T1:U0GRACE1", ["my dock flickers"])
    tickets = TicketStore(session_factory, clock)
    slack = tickets.create(requester_id="slack:T1:U0GRACE1", category="hardware", team="desk", summary="dock flickers",
                           channel="slack", conversation_id="slack:T1:U0GRACE1", requester_email=EMAIL)
    widget = tickets.create(requester_id=f"user:{EMAIL}", category="vpn", team="net", summary="vpn drops",
                            channel="socketio", conversation_id="web:s2", requester_email=EMAIL)
    return PrivacyService(session_factory, tickets, redactor, clock), tickets, slack, widget


def test_export_by_the_email_finds_the_tickets_of_both_channels_with_the_email(
    migrated_url: str, session_factory: sessionmaker, clock
) -> None:
    service, _, slack, widget = _grace(migrated_url, session_factory, clock)

    document = service.export(EMAIL, actor="dpo", via="cli")

    assert sorted(t["reference"] for t in document["tickets"]) == sorted([slack.reference, widget.reference])
    assert {t["requester_email"] for t in document["tickets"]} == {EMAIL}
    assert "my dock flickers" in json.dumps(document["conversations"])  # her Slack DM came along


def test_erasure_by_the_email_leaves_no_copy_of_it(migrated_url: str, engine, session_factory: sessionmaker, clock) -> None:
    service, _, _, _ = _grace(migrated_url, session_factory, clock)

    service.erase(EMAIL, actor="dpo", via="cli")

    with session_factory() as session:
        assert session.execute(select(TicketRow.requester_email)).scalars().all() == [None, None]
    assert hits(engine, [EMAIL]) == []


def test_erasure_by_the_slack_user_id_clears_the_email_too(migrated_url: str, session_factory: sessionmaker, clock) -> None:
    service, tickets, slack, _ = _grace(migrated_url, session_factory, clock)

    service.erase("U0GRACE1", actor="dpo", via="cli")

    assert tickets.get(slack.id).requester_email is None


def test_retention_removes_old_closed_tickets_with_their_email(migrated_url: str, session_factory: sessionmaker, clock) -> None:
    _, tickets, slack, widget = _grace(migrated_url, session_factory, clock)
    for ticket in (slack, widget):
        tickets.set_status(ticket.id, "closed", "dana")

    purge(session_factory, clock.now + timedelta(days=40), days=30, tickets=True)

    with session_factory() as session:
        assert session.execute(select(TicketRow.requester_email)).scalars().all() == []
