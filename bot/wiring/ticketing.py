"""Assemble tickets, priority rules, sinks, the outbox dispatcher and the live handoff.

Called where an application is assembled (:func:`bot.action_server.services.build_services` for the action
server; the Slack channel builds the same for the engineers' buttons), never at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, List, Mapping, Optional, Sequence

from sqlalchemy.orm import sessionmaker

from bot.config import Settings
from bot.db.advisory import singleton
from bot.db.repositories import TicketStore
from bot.escalation import EscalationService
from bot.handoff.calendar import SupportCalendarFile
from bot.handoff.ports import EngineerDesk, UserChannel
from bot.handoff.rasa_api import RasaConversationApi
from bot.handoff.service import HandoffService
from bot.handoff.store import HandoffStore
from bot.privacy.desk import RedactingDesk
from bot.privacy.retention import RetentionJob
from bot.privacy.tables import install_redaction
from bot.privacy.wiring import build_redactor
from bot.support.eta import ReplyPromises
from bot.support.teams import TeamsFile
from bot.tickets.dispatcher import Backoff, OutboxDispatcher
from bot.tickets.outbox import OutboxStore, OutboxWriter
from bot.tickets.priority import PriorityRulesFile
from bot.tickets.sinks import TicketSink, build_sinks
from bot.tickets.summary import LabelOf
from bot.tickets.worker import BackgroundWorker

Clock = Callable[[], datetime]
WORKER_INTERVAL = 2.0


@dataclass(frozen=True)
class Ticketing:
    """Everything about tickets and handoffs, wired.

    Attributes:
        tickets: the ticket store (source of truth), queueing events for the sinks.
        escalations: opens tickets from conversations.
        priority: the priority rules file.
        calendar: support hours.
        handoffs: the handoff table.
        handoff: the handoff service.
        sinks: the external ticket sinks.
        outbox: the delivery outbox.
        dispatcher: delivers the outbox.
        worker: runs the dispatcher and posts waiting tickets, in the background.
        promises: team names and "expect a reply by …" sentences (config/teams.yml).
    """

    tickets: TicketStore
    escalations: EscalationService
    priority: PriorityRulesFile
    calendar: SupportCalendarFile
    handoffs: HandoffStore
    handoff: HandoffService
    sinks: Sequence[TicketSink]
    outbox: OutboxStore
    dispatcher: OutboxDispatcher
    worker: BackgroundWorker
    promises: Optional[ReplyPromises] = None


def build_ticketing(
    settings: Settings,
    sessions: sessionmaker,
    clock: Clock,
    *,
    desk: Optional[EngineerDesk] = None,
    users: Optional[UserChannel] = None,
    sinks: Optional[Sequence[TicketSink]] = None,
    label_of: Optional[LabelOf] = None,
    env: Optional[Mapping[str, str]] = None,
) -> Ticketing:
    """Wire the ticketing services for ``settings``.

    Args:
        settings: resolved settings.
        sessions: a session factory on the Frontline database.
        clock: returns aware UTC datetimes.
        desk: the engineers' desk (None: no live handoff, tickets wait in the queue).
        users: pushes to users' conversations (default: Rasa's HTTP API at
            ``settings.rasa_api_url`` with ``settings.api_token``).
        sinks: external ticket sinks (default: from settings — the webhook and
            ``FRONTLINE_TICKET_SINKS``).
        label_of: button value → label, for summaries.
        env: the environment for extra sinks' own settings (default ``os.environ``).

    Raises:
        ValueError: a sink is misconfigured.
    """
    if sinks is None:
        sinks = build_sinks(
            settings.ticket_webhook_url, settings.ticket_webhook_secret, settings.ticket_sinks,
            os.environ if env is None else env,
        )
    # Privacy: rows are redacted as they are written, engineers see redacted text (docs/privacy.md).
    redactor = build_redactor(settings)
    install_redaction(sessions, redactor)
    desk = RedactingDesk(desk, redactor) if desk is not None else None
    tickets = TicketStore(sessions, clock, event_hooks=[OutboxWriter([sink.name for sink in sinks])])
    priority = PriorityRulesFile(settings.priority_rules_file)
    calendar = SupportCalendarFile(settings.support_hours_file)
    handoffs = HandoffStore(sessions, clock)
    promises = ReplyPromises(TeamsFile(settings.teams_file), calendar)
    handoff = HandoffService(
        tickets, handoffs, desk, users or RasaConversationApi(settings.rasa_api_url, settings.api_token), calendar, clock,
        promises,
    )
    outbox = OutboxStore(sessions, clock)
    dispatcher = OutboxDispatcher(
        outbox, sinks, clock, backoff=Backoff(base=settings.outbox_retry_seconds), max_attempts=settings.outbox_max_attempts
    )
    jobs: List[Any] = []
    # Several workers may run: posting and retention run on one at a time (an advisory lock on
    # PostgreSQL); the outbox claims each row for one dispatcher by itself (bot/tickets/outbox.py).
    engine = sessions.kw["bind"]
    if desk is not None:  # first: someone is waiting in the chat for an engineer
        jobs.append(("post waiting tickets", singleton(engine, "post waiting tickets", handoff.post_pending)))
    if sinks:
        jobs.append(("ticket outbox", dispatcher.run_once))
    if settings.retention_days > 0:
        retention = RetentionJob(sessions, clock, settings.retention_days, settings.retention_tickets)
        jobs.append(("retention", singleton(engine, "retention", retention.run_if_due)))
    return Ticketing(
        tickets=tickets,
        escalations=EscalationService(tickets, priority, clock, label_of),
        priority=priority,
        calendar=calendar,
        handoffs=handoffs,
        handoff=handoff,
        sinks=tuple(sinks),
        outbox=outbox,
        dispatcher=dispatcher,
        worker=BackgroundWorker(jobs, WORKER_INTERVAL),
        promises=promises,
    )
