"""Synthetic support traffic for the insights benchmark, the dashboard's browser test and its
screenshot: Rasa tracker events plus tickets, handoffs, ratings and KB answers, written in
batches.

The distributions are made up but shaped like a service desk's: more traffic on weekdays and
in office hours, Slack ahead of the website and REST, a few flows taking most conversations
(Zipf), some people leaving mid-flow, escalations with a team-dependent reply time (log-normal),
ratings skewed to 4–5 and answered by under half, and one problem (MFA) surging in the last week.
Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Sequence, Union

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from bot.db.models import HandoffRow, KbAnswerRow, TicketEventRow, TicketRow
from bot.insights.tracker_events import events_table, rasa_metadata

FLOWS = [  # flow, team, steps
    ("password_reset", "identity", ["account_type", "locked_out", "reset_link", "confirm"]),
    ("vpn", "network", ["connected_wifi", "client_version", "restart_client", "check_status", "confirm"]),
    ("mfa", "identity", ["new_phone", "app_installed", "resync", "confirm"]),
    ("printer", "service-desk", ["which_printer", "paper_jam", "queue", "confirm"]),
    ("email", "messaging", ["client", "error_code", "profile", "confirm"]),
    ("wifi", "network", ["location", "other_devices", "forget_network", "confirm"]),
    ("slow_computer", "service-desk", ["restart", "disk_space", "updates", "confirm"]),
    ("software_request", "service-desk", ["which_app", "licence", "approval"]),
    ("hardware", "service-desk", ["device", "symptom", "warranty"]),
    ("app_error", "apps", ["which_app", "error_code", "reinstall", "confirm"]),
]
GAPS = [
    ["how do i reset my voicemail pin", "voicemail pin reset", "change voicemail pin", "forgot my voicemail pin"],
    ["where is the cafeteria menu", "cafeteria menu this week", "what is for lunch in the cafeteria"],
    ["how do i submit an expense report", "expense report approval stuck", "expenses tool not loading"],
    ["how to book a parking space", "parking permit renewal"],
    ["how do i get access to the sales dashboard", "sales dashboard access request"],
    ["conference room screen not working", "meeting room display no signal", "room screen hdmi not working"],
]
KB_FOUND = ["how do i map a network drive", "how to set up out of office", "how do i share my calendar",
            "how to connect to the guest wifi", "how do i install teams", "how to change my password"]
CHANNELS = [("slack", 0.55), ("socketio", 0.35), ("rest", 0.10)]
TEAM_REPLY_MEDIAN_S = {"identity": 240, "network": 420, "service-desk": 600, "messaging": 360, "apps": 900}
EVENT_BATCH = 20_000


@dataclass
class Generated:
    """Counts of what was written."""

    conversations: int = 0
    events: int = 0
    tickets: int = 0
    kb_answers: int = 0


def _pick(rng: random.Random, weighted: List[Any]) -> Any:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


class _Writer:
    """Collects rows and flushes them in batches."""

    def __init__(self, engines: List[Engine]) -> None:
        self.engines = engines
        self.events: List[Dict[str, Any]] = []
        self.kb: List[Dict[str, Any]] = []
        self.tickets: List[Dict[str, Any]] = []  # with "_events" and "_handoff" attached
        self.counts = Generated()

    def flush(self, force: bool = False) -> None:
        if len(self.events) >= EVENT_BATCH or (force and self.events):
            for engine in self.engines:
                if engine.dialect.name == "postgresql":
                    _copy_events(engine, self.events)
                else:
                    with engine.begin() as conn:
                        conn.execute(insert(events_table), self.events)
            self.counts.events += len(self.events)
            self.events = []
        if len(self.tickets) >= 2000 or (force and self.tickets):
            self._flush_tickets()
        if len(self.kb) >= 5000 or (force and self.kb):
            for engine in self.engines:
                with engine.begin() as conn:
                    conn.execute(insert(KbAnswerRow.__table__), self.kb)
            self.counts.kb_answers += len(self.kb)
            self.kb = []

    def _flush_tickets(self) -> None:
        for engine in self.engines:
            self._write_tickets(engine)
        self.counts.tickets += len(self.tickets)
        self.tickets = []

    def _write_tickets(self, engine: Engine) -> None:
        with engine.begin() as conn:
            plain = [{k: v for k, v in t.items() if not k.startswith("_")} for t in self.tickets]
            conn.execute(insert(TicketRow.__table__), plain)
            refs = [t["reference"] for t in self.tickets]
            ids = dict(conn.execute(select(TicketRow.reference, TicketRow.id).where(TicketRow.reference.in_(refs))).all())
            events, handoffs = [], []
            for t in self.tickets:
                tid = ids[t["reference"]]
                for e in t["_events"]:
                    events.append({**e, "ticket_id": tid})
                if t["_handoff"]:
                    handoffs.append({**t["_handoff"], "ticket_id": tid})
            if events:
                conn.execute(insert(TicketEventRow.__table__), events)
            if handoffs:
                conn.execute(insert(HandoffRow.__table__), handoffs)


def _copy_events(engine: Engine, rows: List[Dict[str, Any]]) -> None:
    """PostgreSQL's COPY: an order of magnitude faster than INSERTs for a million rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for r in rows:
        writer.writerow([r["sender_id"], r["type_name"], repr(r["timestamp"]), r["intent_name"] or "\\N",
                         r["action_name"] or "\\N", r["data"]])
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.copy_expert(
                "COPY events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                "FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
        raw.commit()
    finally:
        raw.close()


class _Conversation:
    """Writes one conversation's tracker events, advancing a clock."""

    def __init__(self, writer: _Writer, rng: random.Random, sender: str, channel: str, start: float) -> None:
        self.w, self.rng, self.sender, self.channel, self.t = writer, rng, sender, channel, start

    def _event(self, type_name: str, body: Dict[str, Any], intent: Optional[str] = None, action: Optional[str] = None,
               gap: float = 0.3) -> None:
        self.t += gap
        self.w.events.append({"sender_id": self.sender, "type_name": type_name, "timestamp": self.t,
                              "intent_name": intent, "action_name": action,
                              "data": json.dumps({"event": type_name, "timestamp": self.t, **body})})

    def session(self) -> None:
        self._event("action", {"name": "action_session_start"}, action="action_session_start")
        self._event("session_started", {})
        self._event("action", {"name": "action_listen"}, action="action_listen")

    def user(self, text: str, intent: str, think: float) -> None:
        parse = {"text": text, "intent": {"name": intent, "confidence": 0.91},
                 "intent_ranking": [{"name": intent, "confidence": 0.91}, {"name": "greet", "confidence": 0.04}],
                 "entities": []}
        self._event("user", {"text": text, "parse_data": parse, "input_channel": self.channel}, intent=intent, gap=think)

    def act(self, name: str, reply: Optional[str] = None) -> None:
        self._event("action", {"name": name, "policy": "FlowPolicy", "confidence": 1.0}, action=name)
        if reply:
            self._event("bot", {"text": reply, "data": {"buttons": [{"title": "Yes", "payload": "/affirm"}]},
                                "metadata": {}})

    def slot(self, name: str, value: Any) -> None:
        self._event("slot", {"name": name, "value": value})

    def listen(self) -> None:
        self.act("action_listen")


def generate(engine: Union[Engine, Sequence[Engine]], conversations: int, end: datetime, days: int = 60,
             seed: int = 7, prefix: str = "s") -> Generated:
    """Write ``conversations`` conversations spread over the ``days`` before ``end``.

    Args:
        engine: an engine on a migrated Frontline database (Rasa's ``events`` is created if
            missing), or several: the same rows go to each.
        conversations: how many conversations.
        end: the end of the traffic (aware UTC).
        days: the span of the traffic.
        seed: the random seed.
        prefix: starts every sender id and ticket reference (use another one to add traffic).

    Returns:
        Counts of what was written.
    """
    engines = [engine] if isinstance(engine, Engine) else list(engine)
    for each in engines:
        rasa_metadata.create_all(each)
    rng = random.Random(seed)
    writer = _Writer(engines)
    start = end - timedelta(days=days)
    flow_weights = [1 / (i + 1) for i in range(len(FLOWS))]
    # Draw start times: weekday/office-hour shaped, with a mild upward trend.
    times: List[float] = []
    while len(times) < conversations:
        day = rng.random() * days
        when = start + timedelta(days=day)
        weight = (1.0 if when.weekday() < 5 else 0.3) * (1.0 if 8 <= when.hour < 18 else 0.25) * (0.8 + 0.4 * day / days)
        if rng.random() < weight:
            times.append(when.timestamp())
    times.sort()
    surge_from = (end - timedelta(days=7)).timestamp()
    ticket_no = 0
    for n, t0 in enumerate(times):
        channel = _pick(rng, CHANNELS)
        sender = f"{prefix}{n:07d}"
        conv = _Conversation(writer, rng, sender, channel, t0)
        conv.session()
        kind = _pick(rng, [("flow", 0.6), ("kb", 0.2), ("smalltalk", 0.08), ("fallback", 0.08), ("human", 0.04)])
        escalation: Optional[Dict[str, Any]] = None
        if kind == "flow":
            if t0 >= surge_from and rng.random() < 0.3:
                flow, team, steps = FLOWS[2]
            else:
                flow, team, steps = rng.choices(FLOWS, flow_weights)[0]
            conv.user(f"problem with {flow.replace('_', ' ')}", f"{flow}_issue", 1)
            trail: List[Dict[str, Any]] = []
            outcome = None
            for i, step in enumerate(steps):
                trail.append({"flow": flow, "step": step, "kind": "ask", "text": f"{step}?", "answer": None,
                              "at": datetime.fromtimestamp(conv.t, timezone.utc).isoformat()})
                conv.act("action_flow", f"Question {step}?")
                conv.slot("flow_state", {"flow": flow, "step": step, "answers": {}, "attempts": 0, "trail": trail})
                conv.listen()
                r = rng.random()
                if r < 0.06 + 0.01 * i:
                    outcome = "left"
                    break
                if r < 0.09 + 0.01 * i:
                    conv.user("talk to a human", "request_human", rng.expovariate(1 / 25))
                    outcome = ("escalated", "user_request")
                    break
                if r < 0.10 + 0.01 * i:
                    conv.user("cancel", "stop", rng.expovariate(1 / 25))
                    outcome = ("abandoned", None)
                    break
                conv.user("/affirm", "affirm", rng.expovariate(1 / 25))
            if outcome is None:
                outcome = ("resolved", None) if rng.random() < 0.72 else ("escalated", "flow")
            if outcome != "left":
                conv.act("action_flow", "Done.")
                conv.slot("flow_state", None)
                last = {"flow": flow, "outcome": outcome[0]}
                if outcome[1]:
                    last["reason"] = outcome[1]
                conv.slot("flow_last", last)
                conv.listen()
                if outcome[0] == "escalated":
                    escalation = {"category": flow, "team": team}
        elif kind == "kb":
            found = rng.random() < 0.7
            question = rng.choice(KB_FOUND) if found else rng.choice(rng.choice(GAPS))
            conv.user(question, "kb_question", 1)
            conv.act("action_kb_answer", "Here is what I found. Did this answer your question?")
            helpful = None
            if found:
                r = rng.random()
                helpful = True if r < 0.5 else False if r < 0.65 else None
                if helpful is not None:
                    conv.user("/kb_feedback", "affirm" if helpful else "deny", rng.expovariate(1 / 20))
                    conv.act("action_kb_feedback", "Thanks!")
            writer.kb.append({"conversation_id": sender, "channel": channel, "query": question, "articles": [],
                              "confidence": 0.8 if found else 0.3, "found": found, "helpful": helpful,
                              "created_at": datetime.fromtimestamp(conv.t, timezone.utc),
                              "feedback_at": None})
        elif kind == "smalltalk":
            conv.user("hi", "greet", 1)
            conv.act("utter_greet", "Hi! Tell me what's wrong.")
            if rng.random() < 0.5:
                conv.user("thanks", "thank", rng.expovariate(1 / 20))
                conv.act("utter_welcome", "You're welcome!")
        elif kind == "fallback":
            conv.user("asdf qwer", "nlu_fallback", 1)
            conv.act("action_clarify", "Sorry, is it one of these?")
            conv.listen()
            r = rng.random()
            if r < 0.35:
                flow, team, steps = FLOWS[rng.randrange(len(FLOWS))]
                conv.user(f"/{flow}_issue", f"{flow}_issue", 8)
                conv.act("action_flow", "Question?")
                conv.slot("flow_state", {"flow": flow, "step": steps[0], "answers": {}, "trail": []})
                conv.listen()
            elif r < 0.55:
                conv.user("/request_human", "request_human", 8)
                conv.act("action_request_human", "Ticket opened.")
                escalation = {"category": "general", "team": "service-desk"}
            elif r < 0.8:
                conv.user("my laptop will not turn on", "hardware_issue", 15)
                conv.act("action_flow", "Question?")
                conv.slot("flow_state", None)
        else:
            conv.user("I want to talk to a person", "request_human", 1)
            conv.act("action_request_human", "Ticket opened.")
            escalation = {"category": "general", "team": "service-desk"}
        if escalation is not None:
            ticket_no += 1
            _ticket(writer, rng, f"{prefix.upper()}{ticket_no}", escalation, channel, sender, conv.t)
        writer.counts.conversations += 1
        writer.flush()
    writer.flush(force=True)
    return writer.counts


def _ticket(writer: _Writer, rng: random.Random, number: str, esc: Dict[str, Any], channel: str, sender: str,
            at: float) -> None:
    created = datetime.fromtimestamp(at, timezone.utc)
    priority = _pick(rng, [("normal", 0.7), ("high", 0.2), ("low", 0.07), ("urgent", 0.03)])
    events: List[Dict[str, Any]] = [{"kind": "created", "actor": sender, "body": "", "data": {}, "created_at": created}]
    handoff = None
    status, resolved_at = "new", None
    if rng.random() < 0.85:
        state, claimed, ended = "waiting", None, None
        if rng.random() < 0.85:
            median = TEAM_REPLY_MEDIAN_S.get(esc["team"], 600)
            reply = created + timedelta(seconds=median * math.exp(rng.gauss(0, 0.8)))
            claimed = reply - timedelta(seconds=30)
            state = "claimed"
            events.append({"kind": "message", "actor": "U0ENG", "body": "Hi, I'm looking at it", "data": {},
                           "created_at": reply})
            if rng.random() < 0.8:
                ended = reply + timedelta(seconds=2700 * math.exp(rng.gauss(0, 0.9)))
                state = "resolved" if rng.random() < 0.85 else "returned"
                status = "resolved" if state == "resolved" else "closed"
                resolved_at = ended if state == "resolved" else None
                if rng.random() < 0.42:
                    score = _pick(rng, [(5, 0.45), (4, 0.3), (3, 0.12), (2, 0.07), (1, 0.06)])
                    events.append({"kind": "rating", "actor": sender, "body": str(score), "data": {"rating": score},
                                   "created_at": ended + timedelta(seconds=40)})
        handoff = {"conversation_id": sender, "channel": channel, "state": state, "engineer_id": None,
                   "created_at": created, "updated_at": ended or created, "claimed_at": claimed, "ended_at": ended}
    writer.tickets.append({
        "reference": f"SUP-{number}", "status": status, "priority": priority, "category": esc["category"],
        "team": esc["team"], "requester_id": sender, "channel": channel, "conversation_id": sender,
        "summary": "synthetic", "details": {}, "created_at": created, "updated_at": created, "resolved_at": resolved_at,
        "_events": events, "_handoff": handoff,
    })
