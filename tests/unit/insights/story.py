"""Hand-built conversations for the insights tests, written as Rasa would record them.

:func:`write_week` stores the story told in its docstring; the expected figures in the tests
were worked out by hand from that story, not by running the code under test.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.db.models import HandoffRow, KbAnswerRow, TicketEventRow, TicketRow
from bot.insights.tracker_events import events_table, rasa_metadata

UTC = timezone.utc


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A time in March 2024 (UTC)."""
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


class Story:
    """Events of one sender, in order; every event is ``step`` seconds after the previous."""

    def __init__(self, sender: str, channel: str, start: datetime, step: float = 5.0) -> None:
        self.sender = sender
        self.channel = channel
        self.now = start.timestamp()
        self.step = step
        self.rows: List[Dict[str, Any]] = []

    def _add(self, type_name: str, data: Dict[str, Any], intent: Optional[str] = None,
             action: Optional[str] = None, wait: Optional[float] = None) -> "Story":
        self.now += self.step if wait is None else wait
        body = {"event": type_name, "timestamp": self.now, **data}
        self.rows.append({"sender_id": self.sender, "type_name": type_name, "timestamp": self.now,
                          "intent_name": intent, "action_name": action, "data": json.dumps(body)})
        return self

    def session(self) -> "Story":
        """Rasa's session start (as at the first message, or after the session expired)."""
        self._add("action", {"name": "action_session_start"}, action="action_session_start")
        self._add("session_started", {})
        return self._add("action", {"name": "action_listen"}, action="action_listen")

    def user(self, text: str, intent: str, wait: Optional[float] = None,
             entities: Optional[List[Dict[str, Any]]] = None) -> "Story":
        """A user message classified as ``intent``."""
        parse = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or [], "text": text}
        return self._add("user", {"text": text, "parse_data": parse, "input_channel": self.channel},
                         intent=intent, wait=wait)

    def action(self, name: str) -> "Story":
        """An action run by the bot."""
        return self._add("action", {"name": name}, action=name)

    def bot(self, text: str) -> "Story":
        """A bot message."""
        return self._add("bot", {"text": text, "data": {}})

    def slot(self, name: str, value: Any) -> "Story":
        """A slot set."""
        return self._add("slot", {"name": name, "value": value})

    def flow_asks(self, flow: str, step: str) -> "Story":
        """action_flow asks the question of ``step``."""
        self.action("action_flow").bot(f"question {step}?")
        return self.slot("flow_state", {"flow": flow, "step": step, "answers": {}, "trail": []}).action("action_listen")

    def flow_ends(self, flow: str, outcome: str, reason: Optional[str] = None) -> "Story":
        """action_flow ends the flow with ``outcome``."""
        self.action("action_flow").bot(f"flow {outcome}")
        last: Dict[str, Any] = {"flow": flow, "outcome": outcome}
        if reason:
            last["reason"] = reason
        return self.slot("flow_state", None).slot("flow_last", last).action("action_listen")


def write_week(engine: Engine) -> None:
    """Store the story of the week of Monday 4 March 2024 (and two conversations before it).

    Conversations in the period [4 March, 11 March), idle time 30 minutes, "now" = 10 March 23:59:

    - A (web): VPN flow, asks check_connected then restart_client, the fix is confirmed → contained, resolved.
    - B (web): VPN flow, check_connected, restart_client, then silence → abandoned at restart_client.
    - C (slack): VPN flow, check_connected, the flow escalates (reason "flow") → escalated, failed flow.
    - D (slack): gibberish → clarifying question → "Talk to a human" → escalated, low confidence.
    - E (rest): "talk to a human" → escalated, asked for a person.
    - E2 (rest, same sender as E, new Rasa session 10 minutes later): "hi" → greeting → contained, left.
    - F (rest): KB question, answer, feedback "yes" → contained, resolved.
    - G (web): "hi", "thanks" → contained, left.
    - H (web): gibberish → clarifying question → silence → abandoned.
    - I (slack): gibberish → clarifying question → rephrased: printer flow check_paper → resolved.
    - J (web, same sender as G, next day): VPN flow check_connected, then "cancel" → contained, left.
    - K (web, 10 March 23:50): VPN flow check_connected, waiting 9 minutes → still ongoing.

    Before the period: L (rest, 28 Feb) asks for a human → escalated; M (web, 28 Feb) "hi" → contained.
    """
    rows: List[Dict[str, Any]] = []
    a = Story("a", "socketio", at(5, 9)).session()
    a.user("my vpn keeps dropping", "vpn_issue").flow_asks("vpn", "check_connected")
    a.user("/yes", "affirm").flow_asks("vpn", "restart_client")
    a.user("yes that fixed it", "affirm").flow_ends("vpn", "resolved")
    b = Story("b", "socketio", at(5, 9, 30)).session()
    b.user("vpn broken", "vpn_issue").flow_asks("vpn", "check_connected")
    b.user("/yes", "affirm").flow_asks("vpn", "restart_client")
    c = Story("c", "slack", at(5, 10)).session()
    c.user("vpn down again", "vpn_issue").flow_asks("vpn", "check_connected")
    c.user("/no", "deny").flow_ends("vpn", "escalated", reason="flow")
    d = Story("d", "slack", at(5, 11)).session()
    d.user("asdfgh", "nlu_fallback").action("action_clarify").bot("Is it one of these?").action("action_listen")
    d.user("/request_human", "request_human").action("action_request_human").bot("ticket opened")
    e = Story("e", "rest", at(5, 12)).session()
    e.user("talk to a human", "request_human").action("action_request_human").bot("ticket opened")
    e.session().user("hi", "greet", wait=600).action("utter_greet").bot("Hi! Tell me what's wrong")
    f = Story("f", "rest", at(5, 13)).session()
    f.user("how do I map a network drive?", "kb_question").action("action_kb_answer").bot("Did this answer your question?")
    f.user("/kb_feedback", "kb_feedback", entities=[{"entity": "kb_helpful", "value": "yes"}]).action("action_kb_feedback")
    f.bot("Great!")
    g = Story("g", "socketio", at(5, 14)).session()
    g.user("hi", "greet").action("utter_greet").bot("Hi! Tell me what's wrong")
    g.user("thanks", "thank").action("utter_welcome").bot("You're welcome")
    h = Story("h", "socketio", at(5, 15)).session()
    h.user("qwerty", "nlu_fallback").action("action_clarify").bot("Is it one of these?").action("action_listen")
    i = Story("i", "slack", at(5, 16)).session()
    i.user("blah blah", "nlu_fallback").action("action_clarify").bot("Is it one of these?").action("action_listen")
    i.user("my printer is jammed", "printer_issue").flow_asks("printer", "check_paper")
    i.user("/yes", "affirm").flow_ends("printer", "resolved")
    # J: G's sender comes back the next day (same Rasa session: the gap alone starts a conversation).
    g.now = at(6, 9).timestamp()
    g.user("vpn again", "vpn_issue").flow_asks("vpn", "check_connected")
    g.user("cancel", "stop").flow_ends("vpn", "abandoned")
    k = Story("k", "socketio", at(10, 23, 50)).session()
    k.user("vpn is down", "vpn_issue").flow_asks("vpn", "check_connected")
    ll = Story("l", "rest", at(28, 9, month=2)).session()
    ll.user("human please", "request_human").action("action_request_human").bot("ticket opened")
    m = Story("m", "socketio", at(28, 10, month=2)).session()
    m.user("hi", "greet").action("utter_greet").bot("Hi!")
    for story in (ll, m, a, b, c, d, e, f, g, h, i, k):
        rows.extend(story.rows)
    rows.sort(key=lambda r: r["timestamp"])  # the table is written in time order, senders interleaved
    rasa_metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(events_table), rows)
    write_tickets_and_kb(engine)


def _ticket(conn: Any, ref: str, team: str, priority: str, category: str, channel: str, requester: str,
            created: datetime) -> int:
    return conn.execute(insert(TicketRow.__table__).values(
        reference=ref, status="new", priority=priority, category=category, team=team, requester_id=requester,
        channel=channel, conversation_id=requester, summary="s", details={}, created_at=created, updated_at=created,
    )).inserted_primary_key[0]


def _event(conn: Any, ticket: int, kind: str, actor: str, created: datetime, body: str = "") -> None:
    conn.execute(insert(TicketEventRow.__table__).values(
        ticket_id=ticket, kind=kind, actor=actor, body=body, data={}, created_at=created))


def _handoff(conn: Any, ticket: int, channel: str, state: str, created: datetime,
             claimed: Optional[datetime], ended: Optional[datetime]) -> None:
    conn.execute(insert(HandoffRow.__table__).values(
        ticket_id=ticket, conversation_id="x", channel=channel, state=state, created_at=created,
        updated_at=ended or created, claimed_at=claimed, ended_at=ended))


def _kb(conn: Any, channel: str, query: str, found: bool, helpful: Optional[bool], created: datetime) -> None:
    conn.execute(insert(KbAnswerRow.__table__).values(
        conversation_id="kb", channel=channel, query=query, articles=[], confidence=0.9 if found else 0.2,
        found=found, helpful=helpful, created_at=created))


def write_tickets_and_kb(engine: Engine) -> None:
    """Tickets, handoffs, ratings and knowledge-base answers of the story.

    - SUP-1 (C, slack, network, high, vpn): handoff at 10:00, user writes 10:02, engineer replies
      10:04 (240 s), resolved 10:30 (1800 s), rated 4.
    - SUP-2 (D, slack, service-desk, normal, general): handoff 11:00, engineer replies 11:10
      (600 s), returned to the bot 11:20 (not a resolution), not rated.
    - SUP-3 (E, rest, service-desk, normal, general): handoff 12:00, nobody claimed it.
    - SUP-0 (L, 28 Feb): before the period.
    - KB: rest "map a network drive" answered + Yes; web "outlook signature" answered + No;
      slack "set up printer" answered, no feedback; not answered: web "how do I reset my voicemail
      pin", slack "voicemail pin reset", web "where is the cafeteria menu".
    """
    with engine.begin() as conn:
        t0 = _ticket(conn, "SUP-0", "service-desk", "normal", "general", "rest", "l", at(28, 9, month=2))
        _handoff(conn, t0, "rest", "waiting", at(28, 9, month=2), None, None)
        t1 = _ticket(conn, "SUP-1", "network", "high", "vpn", "slack", "c", at(5, 10))
        _handoff(conn, t1, "slack", "resolved", at(5, 10), at(5, 10, 1), at(5, 10, 30))
        _event(conn, t1, "created", "c", at(5, 10))
        _event(conn, t1, "message", "c", at(5, 10, 2), "still broken")
        _event(conn, t1, "message", "eng1", at(5, 10, 4), "try this")
        _event(conn, t1, "rating", "c", at(5, 10, 31), "4")
        t2 = _ticket(conn, "SUP-2", "service-desk", "normal", "general", "slack", "d", at(5, 11))
        _handoff(conn, t2, "slack", "returned", at(5, 11), at(5, 11, 5), at(5, 11, 20))
        _event(conn, t2, "message", "eng2", at(5, 11, 10), "hello")
        t3 = _ticket(conn, "SUP-3", "service-desk", "normal", "general", "rest", "e", at(5, 12))
        _handoff(conn, t3, "rest", "waiting", at(5, 12), None, None)
        _kb(conn, "rest", "how do I map a network drive?", True, True, at(5, 13))
        _kb(conn, "socketio", "outlook signature", True, False, at(5, 13, 10))
        _kb(conn, "slack", "set up printer", True, None, at(5, 13, 20))
        _kb(conn, "socketio", "how do I reset my voicemail pin", False, None, at(5, 13, 30))
        _kb(conn, "slack", "voicemail pin reset", False, None, at(6, 9))
        _kb(conn, "socketio", "where is the cafeteria menu", False, None, at(6, 10))
