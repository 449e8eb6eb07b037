"""Operator commands for tickets: ``python -m bot.tickets.cli <command>``.

- ``outbox``: deliveries per status, and the pending/dead ones with their last error;
- ``requeue [--sink NAME]``: give dead deliveries another round (after fixing the receiver);
- ``show SUP-1042``: a ticket, its handoff and its event history.

:func:`main_tickets` is the plain function for ``frontline tickets …``.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional, TextIO

from bot.config import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontline tickets", description="tickets, handoffs and deliveries to external ticket systems")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("outbox", help="deliveries to external ticket systems: counts, pending and dead ones")
    p = sub.add_parser("requeue", help="retry dead deliveries (after fixing the receiver)")
    p.add_argument("--sink", help="only this sink's")
    p = sub.add_parser("show", help="a ticket with its handoff and history")
    p.add_argument("reference", help="e.g. SUP-1042")
    return parser


def main_tickets(argv: List[str], settings: Settings, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run one tickets command.

    Args:
        argv: the command and its arguments.
        settings: resolved settings (the database URL).
        out: normal output.
        err: problems.

    Returns:
        0 on success, 1 when the ticket is not found, 2 for usage errors.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and 2
    from bot.db.engine import make_engine, make_session_factory
    from bot.db.repositories import TicketStore
    from bot.handoff.store import HandoffStore
    from bot.tickets.outbox import OutboxStore

    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        if args.command == "outbox":
            outbox = OutboxStore(sessions)
            counts = outbox.counts()
            out.write("deliveries: " + (", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none") + "\n")
            for entry in outbox.entries(status="pending") + outbox.entries(status="dead"):
                ticket = (entry.payload.get("ticket") or {}).get("reference")
                kind = (entry.payload.get("event") or {}).get("kind")
                out.write(f"  {entry.status:8} {entry.sink:10} {ticket} {kind:15} attempts={entry.attempts} "
                          f"next={entry.next_attempt_at:%Y-%m-%d %H:%M:%S} {entry.last_error or ''}\n")
            return 0
        if args.command == "requeue":
            count = OutboxStore(sessions).requeue_dead(args.sink)
            out.write(f"requeued {count} dead deliver{'y' if count == 1 else 'ies'}\n")
            return 0
        tickets = TicketStore(sessions)
        ticket = tickets.get_by_reference(args.reference)
        if ticket is None:
            err.write(f"no ticket {args.reference}\n")
            return 1
        out.write(f"{ticket.reference}  {ticket.status}  {ticket.priority}  {ticket.team}  {ticket.category}\n")
        out.write(f"requester: {ticket.requester_name or ticket.requester_id} via {ticket.channel} (conversation {ticket.conversation_id})\n")
        handoff = HandoffStore(sessions).for_ticket(ticket.id)
        if handoff is not None:
            out.write(f"handoff: {handoff.state}" + (f" with {handoff.engineer_name}" if handoff.engineer_name else "") + "\n")
        out.write(f"summary: {ticket.summary}\n")
        for event in tickets.list_events(ticket.id):
            out.write(f"  {event.created_at:%Y-%m-%d %H:%M:%S} {event.kind:15} {event.actor:20} {event.body[:80]}\n")
        return 0
    finally:
        engine.dispose()


def main(argv: Optional[List[str]] = None) -> None:
    """``python -m bot.tickets.cli``."""
    raise SystemExit(main_tickets(sys.argv[1:] if argv is None else argv, Settings.from_env()))


if __name__ == "__main__":
    main()
