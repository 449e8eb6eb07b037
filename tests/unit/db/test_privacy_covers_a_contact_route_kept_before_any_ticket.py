"""A contact route given before any ticket existed waits in ``pending_contacts`` until the
conversation's ticket takes it; it is personal data like the ticket's route: an export contains
it, erasure removes it, retention removes one no ticket took."""

from __future__ import annotations

from datetime import timedelta

from privacy_helpers import converse, hits, shipped_redactor, tracker_store
from sqlalchemy.orm import sessionmaker

from bot.db.repositories import TicketStore
from bot.privacy.retention import purge
from bot.privacy.service import PrivacyService
from bot.privacy.tables import install_redaction
from bot.tickets.pending_contact import PendingContactStore

PHONE = "07700 900123"
CONVERSATION = "rest:alice"


def _kept(session_factory: sessionmaker, clock, db_url: str = "") -> tuple:
    redactor = shipped_redactor()
    install_redaction(session_factory, redactor)  # as build_ticketing wires it
    if db_url:  # the conversation in which the number was given (the tracker store keeps it redacted)
        converse(tracker_store(db_url, redactor), CONVERSATION, [f"call me on {PHONE}"])
    store = PendingContactStore(session_factory, clock)
    store.remember(CONVERSATION, PHONE)
    return PrivacyService(session_factory, TicketStore(session_factory, clock), redactor, clock), store


def test_the_route_is_kept_readable_once_and_taken_once(session_factory: sessionmaker, clock) -> None:
    _, store = _kept(session_factory, clock)
    store.remember(CONVERSATION, "+44 7700 900456")  # a later number replaces the first

    assert store.take(CONVERSATION) == "+44 7700 900456"
    assert store.take(CONVERSATION) is None


def test_export_contains_the_kept_route(migrated_url: str, session_factory: sessionmaker, clock) -> None:
    service, _ = _kept(session_factory, clock, migrated_url)

    document = service.export(CONVERSATION, actor="dpo", via="cli")

    assert [row["route"] for row in document["pending_contacts"]] == [PHONE]


def test_erasure_removes_the_kept_route(migrated_url: str, engine, session_factory: sessionmaker, clock) -> None:
    service, store = _kept(session_factory, clock, migrated_url)

    service.erase(CONVERSATION, actor="dpo", via="cli")

    assert store.take(CONVERSATION) is None
    assert hits(engine, [PHONE, "900123"]) == []


def test_retention_removes_a_route_no_ticket_took(session_factory: sessionmaker, clock) -> None:
    _, store = _kept(session_factory, clock)

    counts = purge(session_factory, clock.now + timedelta(days=40), days=30)

    assert counts["pending_contacts"] == 1 and store.take(CONVERSATION) is None
