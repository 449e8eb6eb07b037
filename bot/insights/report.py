"""Every figure for a period and filters, with the previous period for comparison.

:func:`build_report` is what the dashboard, ``frontline insights`` and the weekly digest show;
docs/insights.md defines each figure. The result is plain JSON-ready data.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from bot.insights import queries
from bot.insights.conversations import AFTER_CLARIFY, channel_name
from bot.insights.filters import Filters
from bot.insights.gaps import group_gaps
from bot.insights.stats import change, percentile, rate

OUTCOMES = ("contained_resolved", "contained_left", "escalated", "abandoned")
REASONS = ("failed_flow", "asked_for_person", "low_confidence")
RISING_MIN = 5  # a problem needs this many conversations to be called rising
RISING_FACTOR = 1.5


def _outcome_block(groups: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Conversation counts and rates from :func:`queries.conversation_groups` rows."""
    total = sum(g["conversations"] for g in groups)
    ended_rows = [g for g in groups if g["ended"]]
    ended = sum(g["conversations"] for g in ended_rows)
    outcomes = {name: sum(g["conversations"] for g in ended_rows if g["outcome"] == name) for name in OUTCOMES}
    reasons = {
        name: sum(g["conversations"] for g in ended_rows if g["escalation_reason"] == name) for name in REASONS
    }
    contained = outcomes["contained_resolved"] + outcomes["contained_left"]
    turns = sum(g["user_turns"] or 0 for g in groups)
    fallbacks = sum(g["fallbacks"] or 0 for g in groups)
    clarified = sum(g["clarified"] or 0 for g in groups)
    return {
        "conversations": total,
        "ended": ended,
        "ongoing": total - ended,
        "outcomes": outcomes,
        "contained": contained,
        "rates": {
            "containment": rate(contained, ended),
            "confirmed_resolved": rate(outcomes["contained_resolved"], ended),
            "left_without_asking_more": rate(outcomes["contained_left"], ended),
            "escalation": rate(outcomes["escalated"], ended),
            "abandonment": rate(outcomes["abandoned"], ended),
        },
        "escalation_reasons": {name: {"count": n, "rate": rate(n, ended)} for name, n in reasons.items()},
        "user_messages": turns,
        "fallbacks": fallbacks,
        "fallback_rate": rate(fallbacks, turns),
        "clarified_conversations": clarified,
        "clarification_rate": rate(clarified, total),
        "after_clarification": {name: sum(g[f"after_clarify_{name}"] or 0 for g in groups) for name in AFTER_CLARIFY},
    }


def _by(groups: List[Dict[str, Any]], key: str) -> Dict[str, Dict[str, Any]]:
    buckets: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for g in groups:
        buckets[str(g[key])].append(g)
    return {name: _outcome_block(rows) for name, rows in sorted(buckets.items())}


def _funnels(rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    flows: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for row in rows:
        flows[row["flow"]].append(row)
    out = []
    for flow, items in sorted(flows.items()):
        items.sort(key=lambda r: (float(r["mean_ordinal"] or 0), r["first_ordinal"], r["step"]))
        runs = sum(int(r["runs"] or 0) for r in items)
        step_list = []
        for r in items:
            reached = int(r["reached"])
            dropped = int(r["left"] or 0) + int(r["escalated"] or 0)
            step_list.append({
                "step": r["step"], "reached": reached, "reached_rate": rate(reached, runs),
                "left": int(r["left"] or 0), "escalated": int(r["escalated"] or 0),
                "cancelled": int(r["cancelled"] or 0), "resolved": int(r["resolved"] or 0),
                "drop_off_rate": rate(dropped, reached),
            })
        out.append({"flow": flow, "runs": runs, "steps": step_list})
    return out


def biggest_drop_off(funnels: List[Dict[str, Any]], min_reached: int = 5) -> Optional[Dict[str, Any]]:
    """The step where the most runs that reached it were left or escalated (at least ``min_reached``)."""
    best = None
    for funnel in funnels:
        for step in funnel["steps"]:
            if step["reached"] < min_reached or not step["drop_off_rate"]:
                continue
            dropped = step["left"] + step["escalated"]
            if best is None or (step["drop_off_rate"], dropped) > (best["drop_off_rate"], best["dropped"]):
                best = {"flow": funnel["flow"], **step, "dropped": dropped}
    return best


def _tickets(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    def count_by(key: str, rename: Any = str) -> Dict[str, int]:
        out: Dict[str, int] = defaultdict(int)
        for row in rows:
            out[rename(row[key])] += int(row["tickets"])
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    return {
        "total": sum(int(r["tickets"]) for r in rows),
        "by_team": count_by("team"),
        "by_priority": count_by("priority"),
        "by_flow": count_by("category"),
        "by_channel": count_by("channel", channel_name),
    }


def _handoffs(rows: List[Any]) -> Dict[str, Any]:
    def block(items: List[Any]) -> Dict[str, Any]:
        replies = [r[1] for r in items if r[1] is not None]
        resolutions = [r[2] for r in items if r[2] is not None]
        return {
            "handoffs": len(items),
            "claimed": sum(1 for r in items if r[3]),
            "first_reply_seconds": {f"p{q}": percentile(replies, q) for q in (50, 90, 95)},
            "replied": len(replies),
            "resolution_seconds": {f"p{q}": percentile(resolutions, q) for q in (50, 90, 95)},
            "resolved": len(resolutions),
        }

    teams: Dict[str, List[Any]] = defaultdict(list)
    for row in rows:
        teams[row[0]].append(row)
    return {"all": block(rows), "by_team": {team: block(items) for team, items in sorted(teams.items())}}


def _csat(asked: int, given: List[int]) -> Dict[str, Any]:
    return {
        "asked": asked,
        "ratings": len(given),
        "response_rate": rate(len(given), asked),
        "mean": rate(sum(given), len(given)),
        "distribution": {str(score): given.count(score) for score in range(1, 6)},
    }


def _rising(current: List[Dict[str, Any]], previous: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    before = {row["flow"]: row for row in previous}
    out = []
    for row in current:
        prev = before.get(row["flow"], {})
        for measure in ("conversations", "escalated", "abandoned"):
            now_n, then_n = int(row[measure] or 0), int(prev.get(measure) or 0)
            if now_n >= RISING_MIN and now_n >= RISING_FACTOR * max(then_n, 1):
                out.append({"flow": row["flow"], "measure": measure, "current": now_n, "previous": then_n,
                            "change": now_n - then_n})
    out.sort(key=lambda r: (-(r["current"] - r["previous"]), r["flow"], r["measure"]))
    return out[:10]


def _headline(block: Dict[str, Any], csat: Dict[str, Any], kb: Dict[str, Any]) -> Dict[str, Optional[float]]:
    return {
        "conversations": block["conversations"],
        "containment": block["rates"]["containment"],
        "escalation": block["rates"]["escalation"],
        "abandonment": block["rates"]["abandonment"],
        "fallback_rate": block["fallback_rate"],
        "kb_answer_rate": kb["answer_rate"],
        "csat_mean": csat["mean"],
    }


def _kb(s: Dict[str, int], unanswered: List[str], gaps_top: int) -> Dict[str, Any]:
    gaps = group_gaps(unanswered, top=gaps_top)
    return {
        **s,
        "answer_rate": rate(s["answered"], s["questions"]),
        "feedback_rate": rate(s["yes"] + s["no"], s["answered"]),
        "helpfulness": rate(s["yes"], s["yes"] + s["no"]),
        "gaps": [asdict(g) for g in gaps],
    }


def _run_all(engine: Engine, tasks: Dict[str, Callable[[Connection], Any]], workers: int) -> Dict[str, Any]:
    """Run independent queries, each on its own connection, ``workers`` at a time.

    The database works on several at once (PostgreSQL in parallel backends; SQLite readers in
    WAL mode), and drivers release the GIL while they wait, so the report takes about as long as
    its slowest query instead of their sum.
    """
    def run(fn: Callable[[Connection], Any]) -> Any:
        with engine.connect() as c:
            return fn(c)

    if workers <= 1 or isinstance(engine.pool, StaticPool):  # one shared connection: in turn
        return {name: run(fn) for name, fn in tasks.items()}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="insights") as pool:
        futures = {name: pool.submit(run, fn) for name, fn in tasks.items()}
        return {name: future.result() for name, future in futures.items()}


def build_report(engine: Engine, f: Filters, now: datetime, idle: timedelta, gaps_top: int = 10,
                 workers: int = 4) -> Dict[str, Any]:
    """Compute every figure for ``f`` (and the headline figures of the period before it).

    Args:
        engine: an engine on the Frontline database, rolled up (see :mod:`bot.insights.rollup`).
        f: the period and filters.
        now: the current time: conversations quiet since ``now - idle`` have ended.
        idle: the idle time that ends a conversation.
        gaps_top: how many knowledge-base gap groups to list.
        workers: queries run at the same time (each on its own connection).

    Returns:
        JSON-ready dicts, keyed by section.
    """
    cutoff = now - idle
    prev = f.previous()
    tasks: Dict[str, Callable[[Connection], Any]] = {
        # The slowest first, so they start at once.
        "funnel": lambda c: queries.funnel_rows(c, f, cutoff),
        "groups": lambda c: queries.conversation_groups(c, f, cutoff, by=("channel", "day", "week")),
        "handoffs": lambda c: queries.handoff_times(c, f),
        "prev_groups": lambda c: queries.conversation_groups(c, prev, cutoff),
        "ratings": lambda c: queries.ratings(c, f),
        "prev_ratings": lambda c: queries.ratings(c, prev),
        "kb": lambda c: queries.kb_summary(c, f),
        "kb_unanswered": lambda c: queries.kb_unanswered(c, f),
        "prev_kb": lambda c: queries.kb_summary(c, prev),
        "flows": lambda c: queries.flow_counts(c, f, cutoff),
        "prev_flows": lambda c: queries.flow_counts(c, prev, cutoff),
        "tickets": lambda c: queries.ticket_groups(c, f),
        "channels": queries.channels_seen,
        "flows_seen": queries.flows_seen,
    }
    r = _run_all(engine, tasks, workers)
    summary = _outcome_block(r["groups"])
    prev_summary = _outcome_block(r["prev_groups"])
    funnels = _funnels(r["funnel"])
    kb = _kb(r["kb"], r["kb_unanswered"], gaps_top)
    csat = _csat(*r["ratings"])
    prev_csat = _csat(*r["prev_ratings"])
    report: Dict[str, Any] = {
        "period": {"since": f.since.isoformat(), "until": f.until.isoformat(), "channel": f.channel,
                   "flow": f.flow, "idle_minutes": idle.total_seconds() / 60, "now": now.isoformat()},
        "summary": summary,
        "by_channel": _by(r["groups"], "channel"),
        "trends": {"day": _by(r["groups"], "day"), "week": _by(r["groups"], "week")},
        "funnels": funnels,
        "biggest_drop_off": biggest_drop_off(funnels),
        "kb": kb,
        "csat": csat,
        "handoffs": _handoffs(r["handoffs"]),
        "tickets": _tickets(r["tickets"]),
        "rising": _rising(r["flows"], r["prev_flows"]),
        "filters_available": {"channels": r["channels"], "flows": r["flows_seen"]},
    }
    prev_kb = r["prev_kb"]
    prev_kb_block = {"answer_rate": rate(prev_kb["answered"], prev_kb["questions"])}
    current = _headline(summary, csat, kb)
    previous = _headline(prev_summary, prev_csat, prev_kb_block)
    report["headline"] = {
        name: {"value": current[name], "previous": previous[name], "change": change(current[name], previous[name])}
        for name in current
    }
    return report
