"""Assemble the action server's services from settings (the one place that wires them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.repositories import FlowRunStore
from bot.escalation import EscalationService
from bot.flows.loading.repository import FlowRepository
from bot.flows.runtime.checks import default_checks
from bot.flows.runtime.engine import FlowEngine
from bot.flows.runtime.ports import KnowledgeBase
from bot.handoff.slack_wiring import build_action_server_desk
from bot.kb.feedback import FeedbackStore
from bot.kb.service import KbService, build_knowledge_base
from bot.tickets.wiring import Ticketing, build_ticketing

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Services:
    """What actions need; built once per action server."""

    settings: Settings
    flows: FlowRepository
    engine: FlowEngine
    flow_runs: FlowRunStore
    escalations: EscalationService
    kb: KnowledgeBase
    clock: Clock
    kb_service: KbService
    kb_feedback: FeedbackStore
    ticketing: Ticketing


def build_services(settings: Settings, clock: Clock = utc_now) -> Services:
    """Wire the real implementations for ``settings``."""
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    flows = FlowRepository(settings.flows_dir)
    # Loads spaCy and the embedding model on the first search, not here (fast start-up).
    kb_service, kb_feedback = build_knowledge_base(settings, engine, sessions, clock)
    kb: KnowledgeBase = kb_service
    # Tickets go to the engineers' Slack channel for a live handoff when one is configured.
    ticketing = build_ticketing(
        settings, sessions, clock, desk=build_action_server_desk(settings), label_of=_button_labels(flows)
    )
    checks = default_checks(
        status_file=settings.status_file,
        error_codes_file=settings.flows_dir / "error_codes.yml",
        clock=clock,
        hours=ticketing.calendar,
    )
    return Services(
        settings=settings,
        flows=flows,
        engine=FlowEngine(flows.get, checks, kb, clock),
        flow_runs=FlowRunStore(sessions, clock),
        escalations=ticketing.escalations,
        kb=kb,
        clock=clock,
        kb_service=kb_service,
        kb_feedback=kb_feedback,
        ticketing=ticketing,
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
