"""Fixed-window rate limits, in memory and in the real Redis (shared by servers)."""

from __future__ import annotations

import uuid

import pytest

from bot.security.limits import MemoryRateLimiter, RedisRateLimiter, make_limiter
from bot.security.ticket_limits import build_ticket_limits
from tests.conftest import in_ci

REDIS_URL = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_limiter_allows_the_limit_per_window_then_refuses_until_the_next_window() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(3, 60, clock)
    assert [limiter.hit("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("b")  # keys are independent
    clock.now += 60
    assert limiter.hit("a")


def test_memory_limiter_survives_a_flood_of_distinct_keys() -> None:
    limiter = MemoryRateLimiter(1, 60, Clock(), max_keys=100)
    assert all(limiter.hit(f"k{i}") for i in range(1000))


def _redis():  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if in_ci():
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def test_redis_limiter_is_shared_between_servers_and_expires() -> None:
    client = _redis()
    prefix = f"frontline-test:{uuid.uuid4().hex}"
    clock = Clock()
    one, two = RedisRateLimiter(client, prefix, 3, 60, clock), RedisRateLimiter(client, prefix, 3, 60, clock)
    try:
        assert [one.hit("a"), two.hit("a"), one.hit("a"), two.hit("a")] == [True, True, True, False]
        assert 0 < client.ttl(f"{prefix}:{int(clock.now // 60)}:a") <= 61
        clock.now += 60
        assert one.hit("a")
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_redis_limiter_lets_traffic_through_when_redis_is_down() -> None:
    import redis

    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, socket_timeout=0.2)
    assert RedisRateLimiter(dead, "x", 1, 60).hit("a") and RedisRateLimiter(dead, "x", 1, 60).hit("a")


def test_a_redis_url_selects_the_redis_limiter_and_memory_the_in_process_one() -> None:
    assert isinstance(make_limiter("memory", "p", 1, 60), MemoryRateLimiter)
    assert isinstance(make_limiter(REDIS_URL, "p", 1, 60), RedisRateLimiter)


def test_new_tickets_are_limited_per_requester_and_per_address() -> None:
    limits = build_ticket_limits("memory", 2)
    assert limits.allow_new("rest:a", "ip1") and limits.allow_new("rest:a", "ip1")
    assert not limits.allow_new("rest:a", "ip1")
    # Other people behind the same address still get theirs, up to four times the limit.
    assert all(limits.allow_new(f"rest:{n}", "ip1") for n in "bcdef")
    assert not limits.allow_new("rest:g", "ip1")
