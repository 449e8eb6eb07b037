"""Every insights figure on the hand-built week of tests/unit/insights/story.py, on SQLite and
PostgreSQL. The expected numbers come from the story in :func:`story.write_week`'s docstring."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict

import pytest
from sqlalchemy.engine import Engine

from bot.insights.filters import Filters
from bot.insights.report import biggest_drop_off, build_report
from bot.insights.rollup import InsightsRollup
from tests.unit.insights.story import at, write_week

IDLE = timedelta(minutes=30)
NOW = at(10, 23, 59)
WEEK = Filters(at(4, 0), at(11, 0))


def report(engine: Engine, f: Filters = WEEK) -> Dict[str, Any]:
    return build_report(engine, f, NOW, IDLE)


@pytest.fixture
def week(engine: Engine) -> Engine:
    write_week(engine)
    InsightsRollup(engine, IDLE).refresh()
    return engine


def test_ended_conversations_are_exactly_one_of_contained_escalated_abandoned(week: Engine) -> None:
    s = report(week)["summary"]
    assert (s["conversations"], s["ended"], s["ongoing"]) == (12, 11, 1)
    assert s["outcomes"] == {"contained_resolved": 3, "contained_left": 3, "escalated": 3, "abandoned": 2}
    r = s["rates"]
    assert r["containment"] == pytest.approx(6 / 11)
    assert r["confirmed_resolved"] == pytest.approx(3 / 11)
    assert r["left_without_asking_more"] == pytest.approx(3 / 11)
    assert r["escalation"] == pytest.approx(3 / 11)
    assert r["abandonment"] == pytest.approx(2 / 11)
    assert r["containment"] + r["escalation"] + r["abandonment"] == pytest.approx(1.0)


def test_escalations_are_split_by_reason(week: Engine) -> None:
    reasons = report(week)["summary"]["escalation_reasons"]
    assert {name: v["count"] for name, v in reasons.items()} == {
        "failed_flow": 1, "asked_for_person": 1, "low_confidence": 1}
    assert reasons["low_confidence"]["rate"] == pytest.approx(1 / 11)


def test_fallback_and_clarification_rates_and_what_people_did_next(week: Engine) -> None:
    s = report(week)["summary"]
    assert (s["user_messages"], s["fallbacks"]) == (22, 3)
    assert s["fallback_rate"] == pytest.approx(3 / 22)
    assert s["clarification_rate"] == pytest.approx(3 / 12)
    assert s["after_clarification"] == {"topic": 0, "rephrased": 1, "human": 1, "fallback": 0, "left": 1}


def test_funnel_shows_where_runs_were_left_or_escalated(week: Engine) -> None:
    funnels = {f["flow"]: f for f in report(week)["funnels"]}
    vpn = funnels["vpn"]
    assert vpn["runs"] == 4  # K is still going on
    steps = [(s["step"], s["reached"], s["left"], s["escalated"], s["cancelled"], s["resolved"]) for s in vpn["steps"]]
    assert steps == [("check_connected", 4, 0, 1, 1, 0), ("restart_client", 2, 1, 0, 0, 1)]
    assert vpn["steps"][1]["drop_off_rate"] == pytest.approx(0.5)
    assert [(s["step"], s["reached"], s["resolved"]) for s in funnels["printer"]["steps"]] == [("check_paper", 1, 1)]
    worst = biggest_drop_off(list(funnels.values()), min_reached=2)
    assert worst is not None and (worst["flow"], worst["step"], worst["dropped"]) == ("vpn", "restart_client", 1)


def test_kb_answer_rate_helpfulness_and_gaps_grouped_by_similarity(week: Engine) -> None:
    kb = report(week)["kb"]
    assert (kb["questions"], kb["answered"], kb["yes"], kb["no"]) == (6, 3, 1, 1)
    assert kb["answer_rate"] == pytest.approx(0.5)
    assert kb["helpfulness"] == pytest.approx(0.5)
    assert kb["feedback_rate"] == pytest.approx(2 / 3)
    assert [g["count"] for g in kb["gaps"]] == [2, 1]
    assert sorted(kb["gaps"][0]["examples"]) == ["how do i reset my voicemail pin", "voicemail pin reset"]
    assert kb["gaps"][1]["examples"] == ["where is the cafeteria menu"]


def test_csat_distribution_mean_and_response_rate(week: Engine) -> None:
    csat = report(week)["csat"]
    assert (csat["asked"], csat["ratings"]) == (2, 1)
    assert csat["response_rate"] == pytest.approx(0.5)
    assert csat["mean"] == pytest.approx(4.0)
    assert csat["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}


def test_handoff_reply_and_resolution_times_per_team(week: Engine) -> None:
    h = report(week)["handoffs"]
    assert (h["all"]["handoffs"], h["all"]["claimed"], h["all"]["replied"]) == (3, 2, 2)
    assert h["all"]["first_reply_seconds"] == {"p50": 240, "p90": 600, "p95": 600}
    assert h["all"]["resolution_seconds"]["p50"] == 1800
    assert h["by_team"]["network"]["first_reply_seconds"]["p50"] == 240
    assert h["by_team"]["service-desk"]["first_reply_seconds"]["p50"] == 600
    assert h["by_team"]["service-desk"]["resolved"] == 0


def test_tickets_by_team_priority_flow_and_channel(week: Engine) -> None:
    t = report(week)["tickets"]
    assert t["total"] == 3
    assert t["by_team"] == {"service-desk": 2, "network": 1}
    assert t["by_priority"] == {"normal": 2, "high": 1}
    assert t["by_flow"] == {"general": 2, "vpn": 1}
    assert t["by_channel"] == {"slack": 2, "rest": 1}


def test_figures_per_channel(week: Engine) -> None:
    by = report(week)["by_channel"]
    assert by["web"]["conversations"] == 6 and by["web"]["ended"] == 5
    assert by["web"]["outcomes"] == {"contained_resolved": 1, "contained_left": 2, "escalated": 0, "abandoned": 2}
    assert by["slack"]["outcomes"] == {"contained_resolved": 1, "contained_left": 0, "escalated": 2, "abandoned": 0}
    assert by["rest"]["outcomes"] == {"contained_resolved": 1, "contained_left": 1, "escalated": 1, "abandoned": 0}


def test_channel_filter_applies_to_every_section(week: Engine) -> None:
    r = report(week, Filters(WEEK.since, WEEK.until, channel="slack"))
    assert r["summary"]["conversations"] == 3
    assert r["summary"]["outcomes"]["escalated"] == 2
    assert r["tickets"]["total"] == 2
    assert (r["kb"]["questions"], r["kb"]["answered"]) == (2, 1)
    assert r["handoffs"]["all"]["handoffs"] == 2
    assert [f["flow"] for f in r["funnels"]] == ["printer", "vpn"]


def test_flow_filter_keeps_conversations_that_ran_the_flow(week: Engine) -> None:
    r = report(week, Filters(WEEK.since, WEEK.until, flow="vpn"))
    assert (r["summary"]["conversations"], r["summary"]["ended"]) == (5, 4)
    assert r["summary"]["outcomes"] == {"contained_resolved": 1, "contained_left": 1, "escalated": 1, "abandoned": 1}
    assert r["tickets"]["total"] == 1
    assert [f["flow"] for f in r["funnels"]] == ["vpn"]


def test_trends_per_day_and_week_and_change_from_previous_period(week: Engine) -> None:
    r = report(week)
    days = {day: block["conversations"] for day, block in r["trends"]["day"].items()}
    assert days == {"2024-03-05": 10, "2024-03-06": 1, "2024-03-10": 1}
    assert {w: b["conversations"] for w, b in r["trends"]["week"].items()} == {"2024-03-04": 12}
    esc = r["headline"]["escalation"]
    assert esc["previous"] == pytest.approx(0.5)  # L escalated, M did not
    assert esc["change"] == pytest.approx(3 / 11 - 0.5)
    assert r["headline"]["conversations"]["previous"] == 2


def test_rolling_up_in_two_steps_gives_the_same_figures(engine: Engine) -> None:
    write_week(engine)
    rollup = InsightsRollup(engine, IDLE)
    from sqlalchemy import delete, func, select

    from bot.insights.tracker_events import events_table

    with engine.begin() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(events_table).order_by(events_table.c.id))]
        conn.execute(delete(events_table))
    half = len(rows) // 2
    with engine.begin() as conn:
        conn.execute(events_table.insert(), rows[:half])
    rollup.refresh()
    with engine.begin() as conn:
        conn.execute(events_table.insert(), rows[half:])
    second = rollup.refresh()
    assert second.senders > 0
    stepwise = report(engine)
    rollup.rebuild()
    assert report(engine)["summary"] == stepwise["summary"]
    assert report(engine)["funnels"] == stepwise["funnels"]
    with engine.connect() as conn:
        from bot.insights.rollup import conversations_table
        assert conn.execute(select(func.count()).select_from(conversations_table)).scalar_one() == 14
