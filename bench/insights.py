"""Insights at scale: how fast the dashboard's figures are with 100,000 conversations.

    /work/bin/heavy nice -n 19 .venv/bin/python bench/insights.py      # ~10 minutes on 2 cores

What it does, on PostgreSQL (a throwaway database, ``FRONTLINE_TEST_PG_URL`` or the local
server) and SQLite (a temporary file), with the same synthetic traffic in both
(bench/insights_traffic.py: 100,000 conversations over 60 days, about 1.7 million tracker events,
tickets, handoffs, ratings and KB answers):

1. times writing the traffic (batched inserts);
2. times the first rollup of all events into the insights tables (bot/insights/rollup.py), and
   an incremental refresh after 1,000 more conversations arrive;
3. times the dashboard's report (what ``/insights/api/report`` computes after its throttled
   refresh) for a 30-day window ending at the newest traffic, ``--repeat`` times for each of
   five filter combinations (none, a channel, a flow, both, the previous 30 days), and each
   query group on its own; reports p50/p95/max.

Writes ``<out>/insights.json`` and ``<out>/insights.md``; the numbers go to docs/benchmarks.md.
The PostgreSQL database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402

from bench.insights_traffic import generate  # noqa: E402
from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.insights import queries  # noqa: E402
from bot.insights.filters import Filters  # noqa: E402
from bot.insights.gaps import group_gaps  # noqa: E402
from bot.insights.report import build_report  # noqa: E402
from bot.insights.rollup import InsightsRollup  # noqa: E402
from bot.insights.tables import build_tables  # noqa: E402

IDLE = timedelta(minutes=30)
DEFAULT_PG = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def _pct(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


def _summary(values: List[float]) -> Dict[str, float]:
    return {"n": len(values), "p50": statistics.median(values), "p95": _pct(values, 95), "max": max(values)}


def _time(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(name: str, engine: Engine, end: datetime, repeat: int) -> Dict[str, Any]:
    """Rollup and report timings on one database that already holds the traffic."""
    out: Dict[str, Any] = {"backend": name}
    rollup = InsightsRollup(engine, IDLE)
    out["rollup_all_s"] = _time(rollup.refresh)
    print(f"[{name}] first rollup: {out['rollup_all_s']:.1f} s", flush=True)
    window = Filters(end - timedelta(days=30), end)
    variants = [window, Filters(window.since, window.until, channel="slack"), Filters(window.since, window.until, flow="vpn"),
                Filters(window.since, window.until, channel="web", flow="password_reset"), window.previous()]
    now = end + timedelta(hours=1)
    build_report(engine, window, now, IDLE)  # warm-up (imports, caches)
    times: List[float] = []
    for _ in range(repeat):
        for f in variants:
            times.append(_time(lambda f=f: build_tables(build_report(engine, f, now, IDLE))))
    out["report_30d_s"] = _summary(times)
    print(f"[{name}] 30-day report: p50 {out['report_30d_s']['p50']:.3f} s, p95 {out['report_30d_s']['p95']:.3f} s", flush=True)
    cutoff = now - IDLE
    parts: Dict[str, Callable[[Any], Any]] = {
        "conversations": lambda c: queries.conversation_groups(c, window, cutoff, by=("channel", "day", "week")),
        "funnel": lambda c: queries.funnel_rows(c, window, cutoff),
        "kb": lambda c: (queries.kb_summary(c, window), queries.kb_unanswered(c, window)),
        "handoffs": lambda c: queries.handoff_times(c, window),
        "csat": lambda c: queries.ratings(c, window),
        "tickets": lambda c: queries.ticket_groups(c, window),
        "rising": lambda c: queries.flow_counts(c, window, cutoff),
    }
    out["queries_s"] = {}
    with engine.connect() as conn:
        questions = queries.kb_unanswered(conn, window)
        for part, fn in parts.items():
            out["queries_s"][part] = _summary([_time(lambda: fn(conn)) for _ in range(repeat)])
    out["gap_grouping_s"] = _summary([_time(lambda: group_gaps(questions)) for _ in range(repeat)])
    out["gap_questions"] = len(questions)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=8, help="repetitions of each measured report variant")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server = os.environ.get("FRONTLINE_TEST_PG_URL", DEFAULT_PG)
    name = f"fl_bench_insights_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    pg_url = make_url(server).set(database=name).render_as_string(hide_password=False)
    tmp = tempfile.TemporaryDirectory()
    sqlite_url = f"sqlite:///{Path(tmp.name) / 'frontline.db'}"
    results: Dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}",
        "conversations": args.conversations, "days": args.days,
    }
    try:
        upgrade(pg_url)
        upgrade(sqlite_url)
        pg, lite = make_engine(pg_url), make_engine(sqlite_url)
        end = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
        start = time.perf_counter()
        counts = generate([pg, lite], args.conversations, end, days=args.days)
        results["generate_s"] = time.perf_counter() - start
        results["rows"] = vars(counts)
        print(f"generated {counts} in {results['generate_s']:.0f} s (both databases)", flush=True)
        results["postgresql"] = measure("postgresql", pg, end, args.repeat)
        results["sqlite"] = measure("sqlite", lite, end, args.repeat)
        # Incremental: 1,000 more conversations arrive, then one refresh.
        later = end + timedelta(hours=6)
        generate([pg, lite], 1000, later, days=1, seed=99, prefix="n")
        for backend, engine in (("postgresql", pg), ("sqlite", lite)):
            results[backend]["rollup_incremental_1000_s"] = _time(InsightsRollup(engine, IDLE).refresh)
        pg.dispose()
        lite.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        tmp.cleanup()
    (args.out / "insights.json").write_text(json.dumps(results, indent=2))
    (args.out / "insights.md").write_text(render(results))
    print(render(results))
    return 0


def render(r: Dict[str, Any]) -> str:
    """The results as the Markdown table in docs/benchmarks.md."""
    rows = r["rows"]
    lines = [f"{r['date']}, {r['machine']}.",
             f"{rows['conversations']:,} conversations, {rows['events']:,} tracker events, {rows['tickets']:,} tickets, "
             f"{rows['kb_answers']:,} KB answers over {r['days']} days; written to both databases in {r['generate_s']:.0f} s.",
             "", "| | PostgreSQL 15 | SQLite |", "|---|---|---|"]
    pg, lite = r["postgresql"], r["sqlite"]

    def s(block: Dict[str, float]) -> str:
        return f"p50 {block['p50'] * 1000:.0f} ms, p95 {block['p95'] * 1000:.0f} ms"

    n = pg["report_30d_s"]["n"]
    lines.append(f"| 30-day dashboard report (n={n}) | {s(pg['report_30d_s'])} | {s(lite['report_30d_s'])} |")
    for part in pg["queries_s"]:
        lines.append(f"| — {part} queries | {s(pg['queries_s'][part])} | {s(lite['queries_s'][part])} |")
    gaps = f"| — KB gap grouping ({pg['gap_questions']} questions) |"
    lines.append(f"{gaps} {s(pg['gap_grouping_s'])} | {s(lite['gap_grouping_s'])} |")
    lines.append(f"| first rollup of all events | {pg['rollup_all_s']:.0f} s | {lite['rollup_all_s']:.0f} s |")
    lines.append(f"| incremental refresh after 1,000 new conversations | {pg['rollup_incremental_1000_s']:.2f} s | "
                 f"{lite['rollup_incremental_1000_s']:.2f} s |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
