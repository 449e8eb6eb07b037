"""How one person's tracker events become conversations (pure): silence and Rasa sessions split
them, late engineer messages do not, and a flow left waiting is continued in the next one."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import List

from bot.insights.conversations import split_conversations
from bot.insights.tracker_events import TrackerEvent
from tests.unit.insights.story import Story, at

IDLE = timedelta(minutes=30)


def events(story: Story) -> List[TrackerEvent]:
    return [TrackerEvent.from_row((n + 1, r["type_name"], r["timestamp"], r["intent_name"], r["action_name"], r["data"]))
            for n, r in enumerate(story.rows)]


def test_silence_longer_than_the_idle_time_starts_a_new_conversation() -> None:
    s = Story("p", "slack", at(5, 9)).session()
    s.user("vpn broken", "vpn_issue").flow_asks("vpn", "check_connected")
    s.user("/yes", "affirm", wait=31 * 60).flow_asks("vpn", "restart_client")  # back after 31 minutes
    s.user("fixed", "affirm").flow_ends("vpn", "resolved")
    first, second = split_conversations("p", events(s), IDLE)
    assert (first.outcome, first.end_flow, first.end_step) == ("abandoned", "vpn", "check_connected")
    assert second.outcome == "contained_resolved"
    # The run goes on in the second conversation (the first counts as left at check_connected).
    assert [r.steps for r in second.runs] == [["check_connected", "restart_client"]]
    assert second.runs[0].outcome == "resolved"
    # Rolled up separately, the second conversation gets the waiting flow from the first alike.
    carried = split_conversations("p", events(s)[8:], IDLE, ("vpn", "check_connected"))
    assert [r.steps for r in carried[0].runs] == [["check_connected", "restart_client"]]


def test_an_engineer_answering_later_stays_in_the_same_conversation() -> None:
    s = Story("q", "socketio", at(5, 9)).session()
    s.user("talk to a human", "request_human").action("action_request_human").bot("ticket opened")
    s.now += 2 * 3600
    s.bot("Hi, I'm Dana from IT")  # the engineer, two hours later, through the Rasa API
    s.user("thanks!", "thank", wait=60)
    (only,) = split_conversations("q", events(s), IDLE)
    assert (only.outcome, only.escalation_reason, only.user_turns, only.channel) == ("escalated", "asked_for_person", 2, "web")


def test_a_new_rasa_session_starts_a_new_conversation_even_within_the_idle_time() -> None:
    s = Story("r", "rest", at(5, 9)).session()
    s.user("hi", "greet").action("utter_greet").bot("Hi!")
    s.session().user("hi again", "greet", wait=60)
    assert len(split_conversations("r", events(s), IDLE)) == 2


def test_other_slots_are_not_parsed() -> None:
    row = (1, "slot", 1.0, None, None, json.dumps({"event": "slot", "name": "kb_last", "value": {"answer_id": 3}}))
    assert TrackerEvent.from_row(row).data is None
    row = (2, "slot", 1.0, None, None, json.dumps({"event": "slot", "name": "flow_state", "value": None}))
    assert TrackerEvent.from_row(row).data == {"event": "slot", "name": "flow_state", "value": None}


def test_a_refresh_right_after_another_processs_keeps_one_row_per_conversation(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from bot.insights.rollup import InsightsRollup, conversations_table
    from tests.unit.insights.story import write_week

    write_week(engine)
    rollup = InsightsRollup(engine, IDLE)
    other = InsightsRollup(engine, IDLE)
    real = rollup._refresh_senders
    calls = []

    def racing(senders, top):  # type: ignore[no-untyped-def]
        if not calls:  # the other process writes the same conversations first
            other.refresh()
        calls.append(1)
        return real(senders, top)

    rollup._refresh_senders = racing  # type: ignore[method-assign]
    rollup.refresh()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(conversations_table)).scalar_one() == 14
    assert len(calls) >= 1
