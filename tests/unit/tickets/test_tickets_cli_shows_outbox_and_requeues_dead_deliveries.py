"""The operators' tickets command shows deliveries and a ticket's history, and requeues dead ones."""

import io

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.repositories import TicketStore
from bot.tickets.cli import main_tickets
from bot.tickets.outbox import OutboxStore, OutboxWriter


def test_outbox_show_and_requeue(migrated_url: str, tmp_path) -> None:
    settings = Settings.from_env({"FRONTLINE_PROJECT_DIR": str(tmp_path), "FRONTLINE_DATABASE_URL": migrated_url})
    engine = make_engine(migrated_url)
    try:
        sessions = make_session_factory(engine)
        tickets = TicketStore(sessions, event_hooks=[OutboxWriter(["webhook"])])
        ticket = tickets.create(requester_id="alice", category="vpn_connection", team="network",
                                summary="VPN down", channel="rest", conversation_id="alice")
        tickets.add_event(ticket.id, "message", "alice", "more info")
        first = OutboxStore(sessions).entries()[0]
        OutboxStore(sessions).mark_failed(first.id, "HTTP 400: nope", None)
    finally:
        engine.dispose()

    out = io.StringIO()
    assert main_tickets(["outbox"], settings, out) == 0
    assert "deliveries: 1 dead, 1 pending" in out.getvalue() and "HTTP 400: nope" in out.getvalue()
    out = io.StringIO()
    assert main_tickets(["requeue"], settings, out) == 0 and "requeued 1 dead delivery" in out.getvalue()
    out = io.StringIO()
    assert main_tickets(["show", ticket.reference.lower()], settings, out) == 0
    assert "created" in out.getvalue() and "more info" in out.getvalue()
    err = io.StringIO()
    assert main_tickets(["show", "SUP-9999"], settings, io.StringIO(), err) == 1 and "no ticket" in err.getvalue()
