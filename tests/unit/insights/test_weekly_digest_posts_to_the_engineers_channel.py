"""The weekly digest: posted once per scheduled moment to the engineers' channel of a fake
Slack Web API (tests/fake_slack.py) through the real Slack client, with an injected clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.insights.digest import WeeklyDigest, digest_job, last_scheduled
from bot.slack.client import SlackClient
from tests.fake_slack import BOT_TOKEN, FakeSlackApi, block_text
from tests.unit.insights.story import at, write_week

ENGINEERS = "C0ENG"
MONDAY_9 = (0, 9, 0)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def api() -> Iterator[FakeSlackApi]:
    fake = FakeSlackApi().start()
    yield fake
    fake.stop()


def make_digest(engine: Engine, api: FakeSlackApi, clock: Clock) -> WeeklyDigest:
    client = SlackClient(AsyncWebClient(token=BOT_TOKEN, base_url=api.url, retry_handlers=[]), give_up_after=5.0)
    return WeeklyDigest(engine, client, ENGINEERS, MONDAY_9, timedelta(minutes=30), clock)


def test_last_scheduled_moment() -> None:
    assert last_scheduled(at(11, 9, 0), MONDAY_9) == at(11, 9, 0)  # Monday 11 March, 09:00
    assert last_scheduled(at(11, 8, 59), MONDAY_9) == at(4, 9, 0)
    assert last_scheduled(at(14, 17), MONDAY_9) == at(11, 9, 0)


def test_digest_is_posted_once_on_monday_with_the_weeks_figures(engine: Engine, api: FakeSlackApi) -> None:
    write_week(engine)
    clock = Clock(at(11, 8, 59))
    digest = make_digest(engine, api, clock)

    async def rounds() -> list:
        posted = [await digest.run_once()]  # the digest due on Monday 4 March (26 Feb – 3 Mar)
        api.calls.clear()
        clock.now = at(11, 8, 59)
        posted.append(await digest.run_once())  # not yet time
        clock.now = at(11, 9, 0)
        posted.append(await digest.run_once())  # time: the week of 4–10 March
        clock.now = at(11, 9, 5)
        posted.append(await digest.run_once())  # already posted
        return posted

    assert asyncio.run(rounds()) == [True, False, True, False]
    posts = api.posts(ENGINEERS)
    assert len(posts) == 1
    text = block_text(posts[0])
    assert "Frontline weekly insights: Mon 04 Mar – Sun 10 Mar 2024" in text
    # The week's story: 12 conversations, all ended by Monday morning: contained 6, escalated 3, abandoned 3.
    assert "12 conversations, contained 50.0%, escalated 25.0%, abandoned 25.0%" in posts[0].params["text"]
    fields = [f["text"] for f in posts[0].params["blocks"][1]["fields"]]
    assert fields[0] == "*Conversations*\n12  (▲ 10)"  # L and M the week before
    assert fields[1].startswith("*Contained*\n50.0%  (")
    assert "2× “how do i reset my voicemail pin”" in text or "2× “voicemail pin reset”" in text
    # VPN was the first flow of 5 ended conversations (A, B, C, J, K), and of none the week before.
    assert "`vpn`: conversations 0 → 5" in text
    assert [b["type"] for b in posts[0].params["blocks"]][:2] == ["header", "section"]


def test_a_restart_does_not_post_the_same_digest_again(engine: Engine, api: FakeSlackApi) -> None:
    clock = Clock(at(11, 10))
    assert asyncio.run(make_digest(engine, api, clock).run_once()) is True
    assert asyncio.run(make_digest(engine, api, clock).run_once()) is False  # a new process, same moment
    assert len(api.posts(ENGINEERS)) == 1


def test_a_failed_post_is_retried_next_round(engine: Engine, api: FakeSlackApi) -> None:
    clock = Clock(at(11, 10))
    digest = make_digest(engine, api, clock)
    api.fail_next("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    assert asyncio.run(digest.run_once()) is False  # Slack refused (the fake answers ok: false)
    assert asyncio.run(digest.run_once()) is True
    assert asyncio.run(digest.run_once()) is False
    assert len(api.posts(ENGINEERS)) == 2  # the refused attempt and the retry


def test_digest_job_needs_the_engineers_channel_and_a_schedule(engine: Engine) -> None:
    base = Settings.from_env({})
    assert digest_job(base, engine, None, lambda: at(11, 9)) is None  # type: ignore[arg-type]
    on = base.with_(slack_engineers_channel=ENGINEERS)
    assert digest_job(on, engine, None, lambda: at(11, 9)) is not None  # type: ignore[arg-type]
    off = Settings.from_env({"FRONTLINE_INSIGHTS_DIGEST": "off"}).with_(slack_engineers_channel=ENGINEERS)
    assert digest_job(off, engine, None, lambda: at(11, 9)) is None  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="FRONTLINE_INSIGHTS_DIGEST='someday'"):
        Settings.from_env({"FRONTLINE_INSIGHTS_DIGEST": "someday"})


def test_digest_time_is_utc_and_aware() -> None:
    assert last_scheduled(datetime(2024, 3, 11, 9, tzinfo=timezone.utc), (0, 9, 0)).tzinfo is timezone.utc


def test_insights_settings_round_trip_through_the_servers_environment() -> None:
    env = {"FRONTLINE_INSIGHTS_IDLE_MINUTES": "45", "FRONTLINE_INSIGHTS_DIGEST": "fri 16:30",
           "FRONTLINE_INSIGHTS_SECRET": "s" * 20, "FRONTLINE_INSIGHTS_USERS": "a:pbkdf2_sha256$1$x$y"}
    settings = Settings.from_env(env)
    child_env = settings.to_env()
    assert {name: child_env[name] for name in env} == env
    assert Settings.from_env(child_env) == settings
