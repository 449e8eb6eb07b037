"""The action server's composition root: every service the actions use, built once from settings.

:func:`build_services` is called by ``python -m bot.action_server`` (its ``__main__``) after it read
the settings; actions get the resulting :class:`Services` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Optional, Tuple

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.repositories import FlowRunStore, TicketStore
from bot.tickets.pending_contact import PendingContactStore
from bot.escalation import EscalationService
from bot.flows.loading.repository import FlowRepository
from bot.flows.runtime.checks import default_checks
from bot.flows.runtime.status_page import StatusPageCheck
from bot.flows.runtime.engine import FlowEngine
from bot.handoff.service import HandoffService
from bot.insights.digest import digest_job
from bot.kb.feedback import FeedbackStore
from bot.kb.service import KbService, KbWarmUp, build_knowledge_base
from bot.privacy.service import PrivacyService
from bot.privacy.wiring import build_redactor
from bot.security.ticket_limits import TicketLimits, build_ticket_limits
from bot.handoff.calendar import SupportCalendarFile
from bot.handoff.store import HandoffStore
from bot.support.eta import ReplyPromises
from bot.support.other_teams import OtherTeamsFile
from bot.support.teams import TeamsFile
from bot.tickets.requester import RequesterTickets
from bot.tickets.worker import BackgroundWorker
from bot.wiring.handoff import build_slack_desk
from bot.wiring.ticketing import build_ticketing

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Services:
    """What actions need; built once per action server. One field per service.

    Attributes:
        settings: the resolved settings (the support contact for apologies).
        clock: returns aware UTC datetimes.
        flows: the flow files, re-read on change.
        engine: the flow engine.
        flow_runs: finished flows, for reporting.
        kb_service: knowledge-base answers (also the flow engine's ``kb:`` steps).
        kb_feedback: knowledge-base answers shown and their Yes/No.
        escalations: opens (or updates) tickets from conversations.
        handoff: the live handoff (start, relay, add information, rating).
        requester_tickets: a person's own tickets: status, which ticket takes information.
        worker: posts waiting tickets and delivers the outbox in the background; woken after a
            ticket is opened.
        tickets: the ticket store (priority changes and contact details added from the chat).
        handoffs: live handoffs by ticket (who is working on it).
        calendar: the support hours.
        pending_contacts: contact routes given before any ticket existed, waiting for the ticket.
        promises: "expect a reply by …" from the teams' response targets.
        teams: config/teams.yml (targets, the desk's phone, flows that ask for a contact route).
        other_teams: config/other_teams.yml (HR, facilities, finance).
    """

    settings: Settings
    clock: Clock
    flows: FlowRepository
    engine: FlowEngine
    flow_runs: FlowRunStore
    kb_service: KbService
    kb_feedback: FeedbackStore
    escalations: EscalationService
    handoff: HandoffService
    requester_tickets: RequesterTickets
    worker: BackgroundWorker
    tickets: TicketStore
    handoffs: HandoffStore
    calendar: SupportCalendarFile
    pending_contacts: PendingContactStore
    promises: Optional[ReplyPromises] = None
    ticket_limits: Optional[TicketLimits] = None
    privacy: Optional[PrivacyService] = None
    teams: Optional[TeamsFile] = None
    other_teams: Optional[OtherTeamsFile] = None

    def background(self) -> Tuple[Any, ...]:
        """What runs beside the action server: the ticket worker (unless a separate worker process
        does that work, FRONTLINE_WORKER_IN_ACTIONS=false) and the KB model warm-up."""
        if not self.settings.worker_in_actions:
            return (KbWarmUp(self.kb_service),)
        return (self.worker, KbWarmUp(self.kb_service))


def build_services(settings: Settings, clock: Clock = utc_now) -> Services:
    """Wire the real implementations for ``settings``."""
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    flows = FlowRepository(settings.flows_dir)
    # Loads spaCy and the embedding model on the first search, not here (fast start-up).
    kb_service, kb_feedback = build_knowledge_base(settings, engine, sessions, clock)
    # Tickets go to the engineers' Slack channel for a live handoff when one is configured.
    desk = build_slack_desk(settings)
    ticketing = build_ticketing(settings, sessions, clock, desk=desk, label_of=_button_labels(flows))
    if desk is not None:  # the weekly insights digest goes to the same engineers' channel
        digest = digest_job(settings, engine, desk.client, clock)
        if digest is not None:
            ticketing.worker.jobs += (digest,)
    checks = default_checks(
        status_file=settings.status_file,
        error_codes_file=settings.flows_dir / "error_codes.yml",
        clock=clock,
        hours=ticketing.calendar,
    )
    if settings.status_url:
        # The status page answers check_service_status; the file stays its fallback.
        checks.register("check_service_status", StatusPageCheck(
            settings.status_url, fallback=checks.get("check_service_status") or (lambda args: "operational"),
            timeout=settings.status_timeout, cache_seconds=settings.status_cache_seconds,
        ))
    return Services(
        settings=settings,
        clock=clock,
        flows=flows,
        engine=FlowEngine(flows.get, checks, kb_service, clock),
        flow_runs=FlowRunStore(sessions, clock),
        kb_service=kb_service,
        kb_feedback=kb_feedback,
        escalations=ticketing.escalations,
        handoff=ticketing.handoff,
        requester_tickets=RequesterTickets(ticketing.tickets, ticketing.handoffs),
        worker=ticketing.worker,
        tickets=ticketing.tickets,
        handoffs=ticketing.handoffs,
        calendar=ticketing.calendar,
        pending_contacts=PendingContactStore(sessions, clock),
        promises=ticketing.promises,
        ticket_limits=build_ticket_limits(settings.lock_store_url, settings.tickets_per_hour),
        privacy=PrivacyService(sessions, ticketing.tickets, build_redactor(settings), clock),
        teams=ticketing.promises.teams if ticketing.promises else TeamsFile(settings.teams_file),
        other_teams=OtherTeamsFile(settings.other_teams_file),
    )


def _button_labels(flows: FlowRepository) -> Callable[[str, str, Any], Optional[str]]:
    """Button value → label of a flow's choice step, for ticket summaries ("anyconnect" → "Cisco AnyConnect")."""

    def label_of(flow_id: str, step_id: str, value: Any) -> Optional[str]:
        flow = flows.get().get(flow_id)
        if flow is None:
            return None
        try:
            step = flow.step(step_id)
        except KeyError:
            return None
        for option in step.answer.options if step.answer else ():
            if option.value == value:
                return option.label
        return None

    return label_of
