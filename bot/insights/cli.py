"""``frontline insights`` (the figures in a terminal or as JSON) and ``frontline insights-user``."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import datetime, time, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, TextIO

from bot.config import Settings
from bot.db.engine import make_engine
from bot.insights.auth import hash_password
from bot.insights.filters import Filters
from bot.insights.report import build_report
from bot.insights.rollup import InsightsRollup

Clock = Callable[[], datetime]


def _date(text: str) -> datetime:
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date like 2024-03-04") from None
    return datetime.combine(day.date(), time(0), tzinfo=timezone.utc)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``frontline insights``."""
    p.add_argument("--since", type=_date, help="first day (YYYY-MM-DD, UTC; default: 30 days before --until)")
    p.add_argument("--until", type=_date, help="last day, inclusive (YYYY-MM-DD, UTC; default: today)")
    p.add_argument("--channel", choices=("slack", "web", "rest"), help="only this channel")
    p.add_argument("--flow", help="only conversations that ran this flow")
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    p.add_argument("--rebuild", action="store_true",
                   help="derive the rollup again from all events (after changing the idle time)")


def filters_from(args: argparse.Namespace, now: datetime) -> Filters:
    """The period: ``--until`` is inclusive; the default is the 30 days up to today."""
    until = (args.until or datetime.combine(now.date(), time(0), tzinfo=timezone.utc)) + timedelta(days=1)
    since = args.since or until - timedelta(days=30)
    return Filters(since, until, args.channel, args.flow)


def _pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _secs(value: Optional[float]) -> str:
    if value is None:
        return "–"
    return f"{value / 60:.1f} min" if value < 7200 else f"{value / 3600:.1f} h"


def render_text(r: Dict[str, Any]) -> str:
    """The report as a terminal page."""
    s, p = r["summary"], r["period"]
    lines: List[str] = []
    until = (datetime.fromisoformat(p["until"]) - timedelta(days=1)).date()
    scope = ", ".join(x for x in (p["channel"] and f"channel {p['channel']}", p["flow"] and f"flow {p['flow']}") if x)
    lines.append(f"Frontline insights {p['since'][:10]} – {until}" + (f" ({scope})" if scope else ""))
    lines.append("")
    lines.append(f"Conversations      {s['conversations']} ({s['ended']} ended, {s['ongoing']} ongoing)")
    o = s["outcomes"]
    lines.append(f"Contained          {_pct(s['rates']['containment'])}  "
                 f"(confirmed resolved {o['contained_resolved']}, left without asking for more {o['contained_left']})")
    lines.append(f"Escalated          {_pct(s['rates']['escalation'])}  ({o['escalated']})")
    for name, v in s["escalation_reasons"].items():
        lines.append(f"  {name.replace('_', ' '):<16} {_pct(v['rate'])}  ({v['count']})")
    lines.append(f"Abandoned          {_pct(s['rates']['abandonment'])}  ({o['abandoned']})")
    lines.append(f"Fallback rate      {_pct(s['fallback_rate'])} of {s['user_messages']} messages; "
                 f"clarification rate {_pct(s['clarification_rate'])}")
    after = ", ".join(f"{k} {v}" for k, v in s["after_clarification"].items())
    lines.append(f"  after a clarifying question: {after}")
    kb = r["kb"]
    lines.append(f"Knowledge base     {kb['questions']} questions, answer rate {_pct(kb['answer_rate'])}, "
                 f"helpful {_pct(kb['helpfulness'])} of {kb['yes'] + kb['no']} answers rated")
    for gap in kb["gaps"][:5]:
        lines.append(f"  gap ×{gap['count']}: {gap['label']}")
    c = r["csat"]
    mean = "–" if c["mean"] is None else f"{c['mean']:.2f}"
    dist = " ".join(f"{k}★:{v}" for k, v in c["distribution"].items())
    lines.append(f"CSAT               mean {mean}, response rate {_pct(c['response_rate'])}  [{dist}]")
    h = r["handoffs"]["all"]
    lines.append(f"Handoffs           {h['handoffs']}; first reply p50 {_secs(h['first_reply_seconds']['p50'])}, "
                 f"p90 {_secs(h['first_reply_seconds']['p90'])}; resolution p50 {_secs(h['resolution_seconds']['p50'])}")
    for team, b in r["handoffs"]["by_team"].items():
        lines.append(f"  {team:<16} {b['handoffs']} handoffs, first reply p50 {_secs(b['first_reply_seconds']['p50'])}")
    t = r["tickets"]
    lines.append(f"Tickets            {t['total']}: " + ", ".join(f"{k} {v}" for k, v in t["by_team"].items()))
    lines.append("By channel")
    for name, b in r["by_channel"].items():
        lines.append(f"  {name:<16} {b['conversations']} conversations, contained {_pct(b['rates']['containment'])}, "
                     f"escalated {_pct(b['rates']['escalation'])}, abandoned {_pct(b['rates']['abandonment'])}")
    worst = r["biggest_drop_off"]
    if worst:
        lines.append(f"Biggest drop-off   {worst['flow']} at '{worst['step']}': {_pct(worst['drop_off_rate'])} "
                     f"of {worst['reached']} left or escalated")
    for item in r["rising"][:5]:
        lines.append(f"Rising             {item['flow']}: {item['measure']} {item['previous']} → {item['current']}")
    lines.append("")
    lines.append("Change from the previous period")
    for name, v in r["headline"].items():
        delta = v["change"]
        if name in ("conversations", "csat_mean"):
            shown = "–" if delta is None else f"{delta:+.2f}".rstrip("0").rstrip(".")
        else:
            shown = "–" if delta is None else f"{delta * 100:+.1f} pts"
        lines.append(f"  {name:<16} {shown}")
    return "\n".join(lines) + "\n"


def run(settings: Settings, args: argparse.Namespace, out: Optional[TextIO] = None,
        clock: Clock = lambda: datetime.now(timezone.utc)) -> int:
    """``frontline insights``: refresh the rollup, print the figures."""
    out = out or sys.stdout
    now = clock()
    try:
        f = filters_from(args, now)
    except ValueError as exc:
        print(f"frontline insights: {exc}", file=sys.stderr)
        return 2
    idle = timedelta(minutes=settings.insights_idle_minutes)
    engine = make_engine(settings.database_url)
    try:
        rollup = InsightsRollup(engine, idle)
        rollup.rebuild() if args.rebuild else rollup.refresh()
        report = build_report(engine, f, now, idle)
    finally:
        engine.dispose()
    out.write(json.dumps(report, indent=2, default=str) + "\n" if args.json else render_text(report))
    return 0


def run_user(args: argparse.Namespace, out: Optional[TextIO] = None,
             read_password: Callable[[str], str] = getpass.getpass) -> int:
    """``frontline insights-user NAME``: print a ``FRONTLINE_INSIGHTS_USERS`` entry."""
    out = out or sys.stdout
    password = sys.stdin.readline().rstrip("\n") if args.stdin else read_password(f"Password for {args.name}: ")
    if len(password) < 10:
        print("frontline insights-user: use a password of at least 10 characters", file=sys.stderr)
        return 2
    out.write(f"{args.name}:{hash_password(password)}\n")
    return 0
