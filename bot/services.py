"""Assemble the action server's services from settings (the one place that wires them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.repositories import FlowRunStore, TicketStore
from bot.escalation import EscalationService
from bot.flows.checks import default_checks
from bot.flows.engine import FlowEngine
from bot.flows.ports import KnowledgeBase, NullKnowledgeBase
from bot.flows.repository import FlowRepository

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


def build_services(settings: Settings, clock: Clock = utc_now) -> Services:
    """Wire the real implementations for ``settings``."""
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    flows = FlowRepository(settings.flows_dir)
    kb: KnowledgeBase = NullKnowledgeBase()
    checks = default_checks(
        status_file=settings.status_file,
        error_codes_file=settings.flows_dir / "error_codes.yml",
        clock=clock,
    )
    return Services(
        settings=settings,
        flows=flows,
        engine=FlowEngine(flows.get, checks, kb, clock),
        flow_runs=FlowRunStore(sessions, clock),
        escalations=EscalationService(TicketStore(sessions, clock)),
        kb=kb,
        clock=clock,
    )
