"""The weekly insights digest in the engineers' Slack channel (Block Kit).

:class:`WeeklyDigest` is a job of the action server's background worker: each round it checks
the injected clock against the schedule (``FRONTLINE_INSIGHTS_DIGEST``, e.g. Monday 09:00 UTC)
and, once per scheduled moment, posts the figures of the seven days before that day: the
headline figures with their change, the biggest drop-off step, the top knowledge-base gaps and
the rising problems. The moment last posted is kept in ``insights_state``, so a restart never
posts twice and a digest missed while the server was down is posted when it comes back.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from bot.db.models import InsightsStateRow
from bot.insights.filters import Filters
from bot.insights.report import build_report
from bot.insights.rollup import InsightsRollup

log = logging.getLogger(__name__)

STATE_KEY = "digest_posted"
Clock = Callable[[], datetime]
Schedule = Tuple[int, int, int]  # weekday (0 = Monday), hour, minute, UTC
FIGURES = (  # key, label, kind, good direction
    ("conversations", "Conversations", "count", 0),
    ("containment", "Contained", "pct", 1),
    ("escalation", "Escalated", "pct", -1),
    ("abandonment", "Abandoned", "pct", -1),
    ("kb_answer_rate", "KB answer rate", "pct", 1),
    ("csat_mean", "CSAT", "mean", 1),
)


class Poster(Protocol):
    """What posts the message (:class:`bot.slack.client.SlackClient`)."""

    async def post_message(self, channel: str, text: str, blocks: Optional[List[Dict[str, Any]]] = None,
                           thread_ts: Optional[str] = None) -> Any:
        """Post; the result has ``ok``."""
        ...


def last_scheduled(now: datetime, schedule: Schedule) -> datetime:
    """The latest scheduled moment at or before ``now``."""
    weekday, hour, minute = schedule
    this_week = datetime.combine(now.date() - timedelta(days=now.weekday() - weekday), time(hour, minute),
                                 tzinfo=timezone.utc)
    return this_week if this_week <= now else this_week - timedelta(days=7)


def digest_period(moment: datetime) -> Filters:
    """The seven whole days before the scheduled day."""
    end = datetime.combine(moment.date(), time(0), tzinfo=timezone.utc)
    return Filters(end - timedelta(days=7), end)


def _fmt(kind: str, value: Optional[float]) -> str:
    if value is None:
        return "–"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "mean":
        return f"{value:.2f}"
    return str(int(value))


def _delta(kind: str, change: Optional[float], good: int) -> str:
    if change is None:
        return "no earlier data"
    if change == 0:
        return "no change"
    arrow = "▲" if change > 0 else "▼"
    size = f"{abs(change) * 100:.1f} pts" if kind == "pct" else f"{abs(change):.2f}" if kind == "mean" else str(int(abs(change)))
    mark = "" if good == 0 else (" :large_green_circle:" if (change > 0) == (good > 0) else " :red_circle:")
    return f"{arrow} {size}{mark}"


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape(text: str) -> str:
    """Slack mrkdwn: people's questions must not become mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def digest_message(report: Dict[str, Any]) -> Tuple[str, List[Dict[str, Any]]]:
    """The digest's notification text and Block Kit blocks for a report."""
    period = report["period"]
    since = datetime.fromisoformat(period["since"]).date()
    last = (datetime.fromisoformat(period["until"]) - timedelta(days=1)).date()
    title = f"Frontline weekly insights: {since:%a %d %b} – {last:%a %d %b %Y}"
    h = report["headline"]
    fields = []
    for key, label, kind, good in FIGURES:
        v = h[key]
        fields.append({"type": "mrkdwn", "text": f"*{label}*\n{_fmt(kind, v['value'])}  ({_delta(kind, v['change'], good)})"})
    blocks: List[Dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "fields": fields[:10]},
    ]
    worst = report["biggest_drop_off"]
    if worst:
        drop = (f"*Biggest drop-off:* `{worst['flow']}` at step `{worst['step']}` — "
                f"{_fmt('pct', worst['drop_off_rate'])} of {worst['reached']} runs left or escalated there")
    else:
        drop = "*Biggest drop-off:* no flow step reached by enough runs this week"
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": drop}})
    gaps = report["kb"]["gaps"][:3]
    if gaps:
        lines = "\n".join(f"• {g['count']}× “{_escape(_clip(g['label']))}”" for g in gaps)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*Top knowledge-base gaps*\n{lines}"}})
    rising = report["rising"][:3]
    if rising:
        lines = "\n".join(f"• `{r['flow']}`: {r['measure']} {r['previous']} → {r['current']}" for r in rising)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*Rising problems*\n{lines}"}})
    else:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Rising problems:* none this week"}})
    note = "Details, filters and CSV exports: the dashboard at /insights/"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    s = report["summary"]
    text = (f"{title}: {s['conversations']} conversations, contained {_fmt('pct', s['rates']['containment'])}, "
            f"escalated {_fmt('pct', s['rates']['escalation'])}, abandoned {_fmt('pct', s['rates']['abandonment'])}")
    return text, blocks


class WeeklyDigest:
    """Posts the digest once per scheduled moment.

    Args:
        engine: the Frontline database.
        poster: the Slack client.
        channel: the engineers' channel id.
        schedule: (weekday, hour, minute) in UTC.
        idle: the idle time that ends a conversation.
        clock: aware UTC now (injected; tests move it).
    """

    def __init__(self, engine: Engine, poster: Poster, channel: str, schedule: Schedule, idle: timedelta,
                 clock: Clock) -> None:
        self.engine = engine
        self.poster = poster
        self.channel = channel
        self.schedule = schedule
        self.idle = idle
        self.clock = clock
        self._done: Optional[int] = None  # the moment known to be posted (saves a query per round)

    async def run_once(self) -> bool:
        """Post the digest if one is due; True if it was posted now."""
        now = self.clock()
        moment = int(last_scheduled(now, self.schedule).timestamp())
        if self._done == moment:
            return False
        loop = asyncio.get_running_loop()
        posted = await loop.run_in_executor(None, self._posted)
        if posted is not None and posted >= moment:
            self._done = moment
            return False
        report = await loop.run_in_executor(None, self._report, datetime.fromtimestamp(moment, timezone.utc), now)
        text, blocks = digest_message(report)
        result = await self.poster.post_message(self.channel, text, blocks)
        if not getattr(result, "ok", False):
            log.error("could not post the weekly insights digest: %s", getattr(result, "error", "unknown error"))
            return False
        await loop.run_in_executor(None, self._record, moment)
        self._done = moment
        log.info("posted the weekly insights digest to %s", self.channel)
        return True

    def _report(self, moment: datetime, now: datetime) -> Dict[str, Any]:
        InsightsRollup(self.engine, self.idle).refresh()
        return build_report(self.engine, digest_period(moment), now, self.idle, gaps_top=3)

    def _posted(self) -> Optional[int]:
        table = InsightsStateRow.__table__
        with self.engine.connect() as conn:
            return conn.execute(select(table.c.value).where(table.c.key == STATE_KEY)).scalar()

    def _record(self, moment: int) -> None:
        table = InsightsStateRow.__table__
        with self.engine.begin() as conn:
            if not conn.execute(table.update().where(table.c.key == STATE_KEY).values(value=moment)).rowcount:
                conn.execute(insert(table).values(key=STATE_KEY, value=moment))


def digest_job(settings: Any, engine: Engine, poster: Poster, clock: Clock) -> Optional[Tuple[str, Callable[[], Any]]]:
    """The background worker job for ``settings``, or None when the digest is off."""
    if settings.insights_digest is None or not settings.slack_engineers_channel:
        return None
    digest = WeeklyDigest(engine, poster, settings.slack_engineers_channel, settings.insights_digest,
                          timedelta(minutes=settings.insights_idle_minutes), clock)
    return ("weekly insights digest", digest.run_once)
