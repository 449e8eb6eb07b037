"""Action-test harness: real actions with in-memory services, a rasa-sdk Tracker and a
CollectingDispatcher.

:func:`build_services` wires the same :class:`bot.action_server.services.Services` the action
server builds, on a fresh SQLite database, with in-memory stand-ins only where a user would not
meet the real thing in a unit test: the engineers' desk and the push to the user's channel
(:mod:`bot.handoff.memory`), and a knowledge base that answers from a dict (no model to load).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.support.other_teams import OtherTeamsFile
from bot.action_server.services import Services
from bot.config import Settings
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.db.repositories import FlowRunStore
from bot.flows.runtime.checks import default_checks
from bot.flows.runtime.engine import FlowEngine
from bot.flows.runtime.ports import Article
from bot.flows.loading.repository import FlowRepository
from bot.handoff.memory import MemoryDesk, MemoryUserChannel
from bot.kb.feedback import FeedbackStore
from bot.kb.model import KbAnswer, KbHit
from bot.tickets.pending_contact import PendingContactStore
from bot.tickets.requester import RequesterTickets
from bot.wiring.ticketing import Ticketing, build_ticketing

ROOT = Path(__file__).resolve().parents[3]
ALWAYS_OPEN = "timezone: UTC\nhours: {%s}\n" % ", ".join(f"{d}: '00:00-24:00'" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


class StepClock:
    """Aware UTC time that advances one second per call (timestamps stay ordered)."""

    def __init__(self) -> None:
        self.now = datetime(2024, 7, 1, 9, 0, tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            current = self.now
            self.now = current + timedelta(seconds=1)
            return current


@dataclass
class MemoryKb:
    """A knowledge base answering from ``articles`` (query → hits); records which thread searched."""

    answers: Dict[str, KbAnswer] = field(default_factory=dict)
    articles: Dict[str, List[Article]] = field(default_factory=dict)
    min_confidence: float = 0.6
    search_threads: List[str] = field(default_factory=list)

    def answer(self, query: str) -> KbAnswer:
        return self.answers.get(query) or KbAnswer(query, False, 0.0, self.min_confidence)

    def article(self, slug: str, query: str = "") -> Optional[KbHit]:
        return None

    def search(self, query: str, top: int) -> List[Article]:
        self.search_threads.append(threading.current_thread().name)
        return self.articles.get(query, [])[:top]


@dataclass
class World:
    """The services and what the tests look at."""

    services: Services
    ticketing: Ticketing
    desk: MemoryDesk
    users: MemoryUserChannel
    kb: MemoryKb


def build_services(tmp_path: Path, *, flows_dir: Optional[Path] = None, kb: Optional[MemoryKb] = None) -> World:
    """Services as the action server wires them, on a fresh SQLite database in ``tmp_path``."""
    hours = tmp_path / "support_hours.yml"
    hours.write_text(ALWAYS_OPEN)
    settings = Settings.from_env({
        "FRONTLINE_PROJECT_DIR": str(ROOT),
        "FRONTLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'frontline.db'}",
        "FRONTLINE_FLOWS_DIR": str(flows_dir or ROOT / "flows"),
        "FRONTLINE_SUPPORT_HOURS": str(hours),
        "FRONTLINE_SUPPORT_CONTACT": "the test desk",
    })
    upgrade(settings.database_url)
    sessions = make_session_factory(make_engine(settings.database_url))
    clock = StepClock()
    desk, users, kb = MemoryDesk(), MemoryUserChannel(), kb or MemoryKb()
    ticketing = build_ticketing(settings, sessions, clock, desk=desk, users=users, sinks=[])
    flows = FlowRepository(settings.flows_dir)
    checks = default_checks(
        status_file=settings.status_file, error_codes_file=settings.flows_dir / "error_codes.yml",
        clock=clock, hours=ticketing.calendar,
    )
    services = Services(
        settings=settings,
        clock=clock,
        flows=flows,
        engine=FlowEngine(flows.get, checks, kb, clock),
        flow_runs=FlowRunStore(sessions, clock),
        kb_service=kb,  # type: ignore[arg-type]  # the same interface, answering from a dict
        kb_feedback=FeedbackStore(sessions, clock),
        escalations=ticketing.escalations,
        handoff=ticketing.handoff,
        requester_tickets=RequesterTickets(ticketing.tickets, ticketing.handoffs),
        worker=ticketing.worker,
        tickets=ticketing.tickets,
        handoffs=ticketing.handoffs,
        calendar=ticketing.calendar,
        pending_contacts=PendingContactStore(sessions, clock),
        promises=ticketing.promises,
        teams=ticketing.promises.teams if ticketing.promises else None,  # as build_services wires it
        other_teams=OtherTeamsFile(settings.other_teams_file),
    )
    return World(services, ticketing, desk, users, kb)


def tracker(
    text: str,
    intent: Optional[str] = None,
    *,
    entities: Sequence[Dict[str, Any]] = (),
    slots: Optional[Dict[str, Any]] = None,
    events: Sequence[Dict[str, Any]] = (),
    sender: str = "conv-alice",
    channel: str = "rest",
    metadata: Optional[Dict[str, Any]] = None,
    confidence: float = 1.0,
) -> Tracker:
    """A tracker whose latest message is ``text`` (with ``intent`` and ``entities``), after
    ``events``; the latest user event carries the input channel."""
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence} if intent else {},
        "entities": list(entities),
        "metadata": metadata or {},
    }
    history = list(events) + [{"event": "user", "text": text, "input_channel": channel, "parse_data": message}]
    return Tracker(sender, dict(slots or {}), message, history, False, None, {}, "action_listen")


def run(action: Action, trk: Tracker) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run ``action`` as the action server does; the messages sent and the events returned."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, {}))
    return dispatcher.messages, events


def slots_set(events: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """Slot name → value of the ``slot`` events."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
