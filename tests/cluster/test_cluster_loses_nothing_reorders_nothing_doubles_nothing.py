"""The proof of #16: Frontline as a cluster — nginx round robin in front of two Rasa servers and
two action servers, two workers, PostgreSQL, Redis locks and socket.io rooms — loses, reorders and
doubles nothing while users send bursts that land on both replicas, one custom action is slow and
one replica is SIGKILLed and restarted; every user opens a ticket and none is opened twice; a
retried Slack event sent to the other replica is answered once; and a widget user on one replica
receives an engineer's message sent through the other.

Sizes come from FRONTLINE_CLUSTER_USERS (30) and FRONTLINE_CLUSTER_TURNS (12). The lock lease is
5 s (FRONTLINE_CLUSTER_LEASE), so on this loaded machine many turns (NLU plus an action call)
outlive it and keep their lock only by renewal. The slow action is the VPN flow's first step,
check_service_status, reading a status page (FRONTLINE_STATUS_URL) that takes SLOW_SECONDS (8) to
answer: every "my vpn keeps dropping" turn outlives the lease by more than half of it.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from tests.cluster.harness import NGINX, Cluster, build_cluster, drop_database
from tests.conftest import in_ci
from tests.local_http import LocalHttpServer


class SlowStatusPage(LocalHttpServer):
    """A status page (Statuspage's components.json) that takes SLOW_SECONDS to answer."""

    def __init__(self) -> None:
        super().__init__()
        self.took: List[float] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2/components.json"

    def _serve(self, handler: Any) -> None:
        started = time.monotonic()
        time.sleep(SLOW_SECONDS)
        body = json.dumps({"components": [{"name": "VPN", "status": "operational"}]}).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        with self._lock:
            self.took.append(time.monotonic() - started)

pytestmark = pytest.mark.cluster

USERS = int(os.environ.get("FRONTLINE_CLUSTER_USERS", "30"))
TURNS = int(os.environ.get("FRONTLINE_CLUSTER_TURNS", "12"))
BURST = 5
# Seconds between a burst's messages: all five are in flight at once. Arrival order at the lock
# means nothing then (a replica whose event loop is busy with NLU reads a request late; without
# client numbers, messages sent 0.25-1 s apart were seen reordered at 30 users), so every
# message carries the client's number (REST `seq`) and the lock runs turns in that order.
STAGGER = float(os.environ.get("FRONTLINE_CLUSTER_STAGGER", "0.05"))
# The lock lease: turns longer than it (many, under this load) keep their lock only by renewal.
# At 2 s one turn in 36 lost its lease while two clusters shared the 2 cores, and save fencing
# failed it (the user was asked to retry): correct, but not what this test is about.
LEASE = os.environ.get("FRONTLINE_CLUSTER_LEASE", "5")
RUN = uuid.uuid4().hex[:8]
SAYINGS = ("hi", "my vpn keeps dropping", "i need a human", "thanks", "my laptop is slow", "ok")
SLOW_SECONDS = float(os.environ.get("FRONTLINE_CLUSTER_SLOW_SECONDS", "8"))


def services_available() -> None:
    """Skip (fail in CI) without nginx, PostgreSQL or Redis."""
    import redis
    import sqlalchemy as sa

    from bot.db.engine import make_engine
    from tests.cluster.harness import PG_SERVER, REDIS_URL

    problems = []
    if not Path(NGINX).exists():
        problems.append("nginx is not installed (scripts/install-nginx.sh)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"no Redis at {REDIS_URL}: {exc}")
    try:
        engine = make_engine(PG_SERVER, connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"no PostgreSQL at {PG_SERVER}: {exc}")
    if problems:
        if in_ci():
            pytest.fail("; ".join(problems) + " (CI=true: the cluster test must run)")
        pytest.skip("; ".join(problems))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    services_available()
    from tests.fake_webhook import WebhookReceiver

    from tests.fake_slack import FakeSlackApi, slack_settings_env

    receiver = WebhookReceiver().start()
    status_page = SlowStatusPage()
    status_page.start()
    slack_api = FakeSlackApi()
    slack_api.start()
    work = tmp_path_factory.mktemp("cluster")
    endpoints = os.environ.get("FRONTLINE_CLUSTER_ENDPOINTS")  # e.g. one with Rasa's stock RedisLockStore
    running = build_cluster(
        work,
        {
            "FRONTLINE_LOCK_LEASE_SECONDS": LEASE,
            "FRONTLINE_TICKET_WEBHOOK_URL": receiver.url,
            "FRONTLINE_TICKET_WEBHOOK_SECRET": receiver.secret,
            "FRONTLINE_OUTBOX_RETRY_SECONDS": "0.3",
            "FRONTLINE_STATUS_URL": status_page.url,
            "FRONTLINE_STATUS_TIMEOUT": str(SLOW_SECONDS * 4),
            "FRONTLINE_STATUS_CACHE_SECONDS": "0",
            **slack_settings_env(slack_api),
        },
        Path(endpoints) if endpoints else None,
    )
    running.receiver = receiver  # type: ignore[attr-defined]
    running.status_page = status_page  # type: ignore[attr-defined]
    running.slack_api = slack_api  # type: ignore[attr-defined]
    try:
        running.start()
        yield running
    finally:
        running.stop()
        receiver.stop()
        status_page.stop()
        slack_api.stop()
        drop_database(running.settings.database_url)


def post(url: str, token: str, sender: str, text: str, seq: int, timeout: float = 240) -> Tuple[int, List[Dict[str, Any]]]:
    body = json.dumps({"sender": sender, "message": text, "seq": seq}).encode()
    req = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"[]")
    except urllib.error.HTTPError as exc:
        return exc.code, []
    except (urllib.error.URLError, OSError) as exc:
        return 0, [{"error": str(exc)}]


def user_texts(url: str, token: str, sender: str) -> List[str]:
    conv = urllib.parse.quote(f"rest:{sender}", safe=":@")
    with urllib.request.urlopen(f"{url}/conversations/{conv}/tracker?token={token}", timeout=60) as resp:
        tracker = json.loads(resp.read())
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


def run_user(cluster: Cluster, user: int, results: Dict[str, Any]) -> None:
    """One user: TURNS messages in bursts of BURST, each burst sent without waiting for replies."""
    # New senders every run: Redis outlives the run's database, and the lock remembers the last
    # client number of a conversation for a day.
    sender = f"cluster-user-{RUN}-{user}"
    sent: List[str] = []
    replies: List[Tuple[str, int, List[Dict[str, Any]]]] = []
    token = cluster.settings.rest_token or ""
    lock = threading.Lock()

    def send(text: str, seq: int) -> None:
        status, messages = post(cluster.url, token, sender, text, seq)
        with lock:
            replies.append((text, status, messages))

    n = 0
    while n < TURNS:
        burst = [f"{SAYINGS[(user + i) % len(SAYINGS)]} (u{user}m{i})" for i in range(n, min(n + BURST, TURNS))]
        threads = []

        for text in burst:
            sent.append(text)
            thread = threading.Thread(target=send, args=(text, len(sent)))
            thread.start()
            threads.append(thread)
            time.sleep(STAGGER)
        for thread in threads:
            thread.join(300)
        n += len(burst)
    results[sender] = (sent, replies)


def test_two_replicas_behind_nginx_lose_reorder_and_double_nothing(cluster: Cluster) -> None:
    results: Dict[str, Any] = {}
    started = time.monotonic()
    with ThreadPoolExecutor(USERS) as pool:
        futures = []
        for user in range(USERS):
            futures.append(pool.submit(run_user, cluster, user, results))
            time.sleep(0.1)
        # Mid-run: one Rasa replica is killed (turns in flight on it are retried by nginx on the
        # other), then restarted while the users carry on.
        time.sleep(max(5.0, USERS * TURNS * 0.05))
        cluster.rasa[0].rasa.kill()
        killed_at = time.monotonic() - started
        restart = threading.Thread(target=cluster.restart_rasa, args=(0,))
        restart.start()
        for future in futures:
            future.result(900)
        restart.join(900)
    elapsed = time.monotonic() - started
    token = cluster.api_token
    problems: List[str] = []
    for sender, (sent, replies) in sorted(results.items()):
        stored = user_texts(cluster.url, token, sender)
        if stored != sent:
            problems.append(f"{sender}: tracker has {stored}, sent {sent}")
        for text, status, messages in replies:
            if status != 200 or not messages:
                problems.append(f"{sender}: {text!r} got HTTP {status} {messages}")
    slow = cluster.status_page.took  # type: ignore[attr-defined]
    print(f"\ncluster proof: {USERS} users x {TURNS} turns in {elapsed:.0f}s; replica 0 killed at {killed_at:.0f}s; "
          f"{len(slow)} slow status checks of {SLOW_SECONDS:g}s (lease {LEASE}s)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert len(results) == USERS
    # The slow action really ran inside many turns (a VPN message that starts the VPN flow; one
    # sent while another flow runs is offered as a switch instead), each outliving the lease.
    assert len(slow) >= USERS // 3 and min(slow) > float(LEASE)


def test_every_outbox_event_reaches_the_webhook_exactly_once(cluster: Cluster) -> None:
    import sqlalchemy as sa

    from bot.db.engine import make_engine

    receiver = cluster.receiver  # type: ignore[attr-defined]
    engine = make_engine(cluster.settings.database_url)
    deadline = time.monotonic() + 120
    try:
        while True:
            with engine.connect() as conn:
                pending = conn.execute(sa.text("SELECT count(*) FROM ticket_outbox WHERE status <> 'delivered'")).scalar()
                rows = conn.execute(sa.text("SELECT count(*) FROM ticket_outbox")).scalar()
                # A ticket opened twice: two for one person and one problem (asking again adds to it).
                doubled = conn.execute(sa.text(
                    "SELECT count(*) FROM (SELECT requester_id, category FROM tickets "
                    "GROUP BY requester_id, category HAVING count(*) > 1) AS t")).scalar()
                askers = conn.execute(sa.text(
                    "SELECT count(DISTINCT conversation_id) FROM tickets WHERE conversation_id LIKE :run"),
                    {"run": f"%cluster-user-{RUN}-%"}).scalar()
            if pending == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        engine.dispose()
    keys = [r.key for r in receiver.accepted()]
    assert askers == USERS  # every user asked for a person and got a ticket
    assert pending == 0
    assert rows >= USERS
    assert len(keys) == len(set(keys)) == rows
    assert doubled == 0


def test_a_slack_retry_that_lands_on_the_other_replica_is_answered_once(cluster: Cluster) -> None:
    from tests.fake_slack import TEAM, SlackSender, dm_event, event_body

    api = cluster.slack_api  # type: ignore[attr-defined]
    channel, user = f"D{RUN.upper()}", f"U{RUN.upper()}"
    body = event_body(dm_event(user, "hello", channel), event_id=f"Ev{RUN}")
    first, other = (SlackSender(f"{r.settings.rasa_url}/webhooks/slack/events") for r in cluster.rasa)
    assert first.event(body)[0] == 200
    api.wait_for(lambda: api.posts(channel), 120, "the answer to the original event")
    time.sleep(3)  # the whole answer (it may be more than one post)
    answered = len(api.posts(channel))
    # Slack retries when it thinks the first delivery failed; behind a load balancer the retry
    # reaches another replica, which must know the event was handled.
    for attempt in (1, 2):
        retry = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"}
        assert other.event(body, headers=retry)[0] == 200
    time.sleep(5)
    conv = urllib.parse.quote(f"slack:{TEAM}:{user}", safe=":@")
    with urllib.request.urlopen(f"{cluster.url}/conversations/{conv}/tracker?token={cluster.api_token}", timeout=60) as resp:
        users = [e for e in json.loads(resp.read())["events"] if e.get("event") == "user"]
    assert len(users) == 1
    assert len(api.posts(channel)) == answered


def test_a_widget_user_on_one_replica_gets_an_engineers_message_sent_through_the_other(cluster: Cluster) -> None:
    from bot.handoff.ports import BotMessage
    from bot.handoff.rasa_api import RasaConversationApi
    from bot.security.identity import web_conversation
    from tests.socket_client import open_widget

    one, two = cluster.rasa[0].settings.rasa_url, cluster.rasa[1].settings.rasa_url

    async def main() -> List[Dict[str, Any]]:
        sock, session = await open_widget(one)
        try:
            await sock.say({"message": "hi", "session_id": session}, timeout=120)
            before = len(sock.received)
            await RasaConversationApi(two, cluster.api_token).push(
                web_conversation(session), [BotMessage("Dana here: please restart the router")], {}
            )
            deadline = time.monotonic() + 60
            while len(sock.received) == before and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            return sock.received[before:]
        finally:
            await sock.close()

    got = asyncio.run(main())
    assert any("restart the router" in str(m.get("text")) for m in got), got
