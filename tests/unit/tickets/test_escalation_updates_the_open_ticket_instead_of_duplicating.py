"""Escalations open prioritised tickets; the same requester and problem updates the open one."""

from pathlib import Path
from typing import Any

import pytest

from bot.db.repositories import TicketStore
from bot.escalation import EscalationRequest, EscalationService
from bot.tickets.priority import PriorityRulesFile

RULES = """
rules:
  - name: outage words
    when: {text_contains: [outage]}
    raise_to: high
  - name: surge
    when: {open_tickets_same_flow: {at_least: 3, within_minutes: 30}}
    raise_to: urgent
"""


def request(requester: str = "alice", category: str = "vpn_connection", text: str = "my vpn drops", **changes: Any) -> EscalationRequest:
    values = dict(
        requester_id=requester, channel="rest", conversation_id=requester, category=category, team="network",
        priority="normal", summary="VPN down", reason="flow", entities={}, answers={}, trail=[],
        transcript=[{"from": "user", "text": text, "at": 1}],
    )
    values.update(changes)
    return EscalationRequest(**values)


@pytest.fixture
def service(session_factory, clock, tmp_path: Path) -> EscalationService:
    rules = tmp_path / "rules.yml"
    rules.write_text(RULES)
    return EscalationService(TicketStore(session_factory, clock), PriorityRulesFile(rules), clock)


def test_second_escalation_of_the_same_problem_adds_to_the_open_ticket(service: EscalationService, session_factory, clock) -> None:
    first = service.escalate(request())
    again = service.escalate(request(text="still broken"))

    assert first.created and not again.created
    assert again.ticket.id == first.ticket.id
    events = TicketStore(session_factory, clock).list_events(first.ticket.id)
    assert [e.kind for e in events] == ["created", "message"]
    assert events[1].body.startswith("Escalated again: ")
    assert events[1].data["transcript"][0]["text"] == "still broken"


def test_another_problem_or_a_closed_ticket_opens_a_new_one(service: EscalationService, session_factory, clock) -> None:
    first = service.escalate(request())
    other = service.escalate(request(category="printer_problem"))
    TicketStore(session_factory, clock).set_status(first.ticket.id, "resolved", actor="eng")
    after = service.escalate(request())

    assert other.created and other.ticket.id != first.ticket.id
    assert after.created and after.ticket.id not in (first.ticket.id, other.ticket.id)


def test_priority_comes_from_the_rules_and_is_explained(service: EscalationService) -> None:
    ticket = service.escalate(request(text="total outage here")).ticket
    assert ticket.priority == "high"
    assert "outage words: raised to high" in ticket.details["priority_reasons"]
    assert ticket.summary.endswith("Priority high (outage words).")


def test_third_open_ticket_for_one_flow_within_the_window_is_urgent(service: EscalationService) -> None:
    assert service.escalate(request("alice")).ticket.priority == "normal"
    assert service.escalate(request("bob")).ticket.priority == "normal"
    assert service.escalate(request("carol")).ticket.priority == "urgent"
    assert service.escalate(request("dave", category="printer_problem")).ticket.priority == "normal"
