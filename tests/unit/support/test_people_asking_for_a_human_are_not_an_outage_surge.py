"""Three people asking for a person in half an hour share no problem: the "many people, same
problem" rule counts flows, never the "general" category."""

from pathlib import Path

from bot.db.repositories import TicketStore
from bot.escalation import EscalationRequest, EscalationService
from bot.tickets.priority import PriorityRulesFile

ROOT = Path(__file__).parents[3]


def request(who: str, category: str) -> EscalationRequest:
    return EscalationRequest(requester_id=who, channel="rest", conversation_id=who, category=category, team="service-desk",
                             priority="normal", summary="", reason="user_request", entities={}, answers={}, trail=[],
                             transcript=[{"from": "user", "text": "talk to a human", "at": 1}])


def test_general_tickets_stay_normal_but_a_flow_surge_is_urgent(session_factory, clock) -> None:
    service = EscalationService(TicketStore(session_factory, clock), PriorityRulesFile(ROOT / "config" / "priority_rules.yml"), clock)
    general = [service.escalate(request(f"user{i}", "general")).ticket for i in range(4)]
    assert [t.priority for t in general] == ["normal"] * 4
    vpn = [service.escalate(request(f"vpn{i}", "vpn_connection")).ticket for i in range(3)]
    assert vpn[-1].priority == "urgent"
