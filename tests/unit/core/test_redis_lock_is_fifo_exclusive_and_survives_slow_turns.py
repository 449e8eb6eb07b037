"""The Redis lock store (bot/rasa_ext/redis_lock.py) on the real Redis: one turn at a time per
conversation across servers, in the order turns reached Redis, held through slow actions, handed
on when a holder dies, waiters kept through a starved event loop, and a turn that lost its lease
cannot save. Rasa's stock RedisLockStore is shown to let two servers' turns overlap."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any, List, Tuple

import pytest

from bot.rasa_ext.redis_lock import LeaseLost, RedisFifoLockStore, confirm_current_lease
from tests.conftest import in_ci

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture()
def client() -> Any:
    import redis

    red = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        red.ping()
    except redis.exceptions.ConnectionError:
        if in_ci():
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    return red


@pytest.fixture()
def prefix(client: Any) -> Any:
    name = f"test-lock-{uuid.uuid4().hex}"
    yield name
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


def store(client: Any, prefix: str, **kwargs: Any) -> RedisFifoLockStore:
    import redis

    # A client of its own per store: two stores are two servers.
    return RedisFifoLockStore(redis.Redis.from_url(REDIS_URL, socket_timeout=5), key_prefix=prefix, poll_seconds=0.01, **kwargs)


async def turn(lock_store: RedisFifoLockStore, log: List[Tuple[str, int]], n: int, hold: float) -> None:
    async with lock_store.lock("conv"):
        log.append(("in", n))
        await asyncio.sleep(hold)
        log.append(("out", n))


def assert_serial_in_order(log: List[Tuple[str, int]], count: int) -> None:
    assert log == [item for n in range(count) for item in (("in", n), ("out", n))]


def test_turns_from_two_servers_run_one_at_a_time_in_arrival_order(client: Any, prefix: str) -> None:
    servers = [store(client, prefix), store(client, prefix)]
    log: List[Tuple[str, int]] = []

    async def main() -> None:
        tasks = []
        for n in range(20):  # alternate servers, each turn starting a little after the previous
            tasks.append(asyncio.ensure_future(turn(servers[n % 2], log, n, 0.02)))
            await asyncio.sleep(0.005)
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert_serial_in_order(log, 20)
    assert not list(client.scan_iter(f"{prefix}:*holder"))  # released


def test_a_turn_longer_than_the_lease_keeps_the_conversation(client: Any, prefix: str) -> None:
    a, b = store(client, prefix, lease_seconds=0.5), store(client, prefix, lease_seconds=0.5)
    log: List[Tuple[str, int]] = []

    async def main() -> None:
        first = asyncio.ensure_future(turn(a, log, 0, 2.0))  # four leases long
        await asyncio.sleep(0.1)
        await asyncio.gather(first, turn(b, log, 1, 0.01))

    asyncio.run(main())
    assert_serial_in_order(log, 2)


def test_a_dead_holder_lets_the_next_turn_in_only_when_its_lease_runs_out(client: Any, prefix: str) -> None:
    dead, alive = store(client, prefix, lease_seconds=1.0), store(client, prefix, lease_seconds=1.0)
    lease = dead.enqueue("conv")
    assert dead.try_acquire(lease)
    with dead._guard:  # the server is killed: nobody renews its lease any more
        dead._leases.clear()
    started = time.monotonic()

    async def main() -> float:
        async with alive.lock("conv"):
            return time.monotonic() - started

    waited = asyncio.run(main())
    assert 0.7 <= waited < 5.0
    with pytest.raises(LeaseLost):
        dead.confirm(lease)  # the killed turn, were it to come back, could not save


def test_waiting_turns_survive_an_event_loop_starved_for_many_leases(client: Any, prefix: str) -> None:
    server = store(client, prefix, lease_seconds=0.3, waiter_seconds=1.2)
    log: List[Tuple[str, int]] = []

    async def main() -> None:
        tasks = [asyncio.ensure_future(turn(server, log, 0, 0.05))]
        await asyncio.sleep(0.01)
        for n in range(1, 5):
            tasks.append(asyncio.ensure_future(turn(server, log, n, 0.01)))
            await asyncio.sleep(0.01)
        time.sleep(4.0)  # CPU-bound work on the loop: 13 leases, 3 waiter deadlines; only the thread runs
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert_serial_in_order(log, 5)


def test_a_waiter_whose_server_died_is_dropped_after_its_deadline(client: Any, prefix: str) -> None:
    dead, alive = store(client, prefix, lease_seconds=0.3, waiter_seconds=1.0), store(client, prefix, lease_seconds=0.3)
    holder = alive.enqueue("conv")
    assert alive.try_acquire(holder)
    ghost = dead.enqueue("conv")  # queued, then its server dies
    with dead._guard:
        dead._leases.clear()
    alive.release(holder)
    started = time.monotonic()

    async def main() -> float:
        async with alive.lock("conv"):
            return time.monotonic() - started

    assert 0.7 <= asyncio.run(main()) < 5.0
    from rasa.core.lock_store import LockError

    with pytest.raises(LockError):
        dead.try_acquire(ghost)


def test_a_turn_that_lost_its_lease_cannot_save(client: Any, prefix: str) -> None:
    server = store(client, prefix, lease_seconds=5)

    async def main() -> None:
        async with server.lock("conv"):
            confirm_current_lease()  # still held: fine
            client.delete(f"{prefix}:{{conv}}:holder")  # the lease ran out while the turn ran
            with pytest.raises(LeaseLost):
                confirm_current_lease()

    asyncio.run(main())
    confirm_current_lease()  # outside a turn there is nothing to check


def test_rasas_stock_redis_lock_store_gives_two_servers_the_same_turn(client: Any, prefix: str) -> None:
    """RasaHQ/rasa#9213, made deterministic: issuing a ticket is GET, modify, SET. Two servers that
    both GET before either SETs issue the same ticket number, and both then hold the lock."""
    from rasa.core.lock_store import RedisLockStore

    key_prefix = prefix.replace("-", "")
    one, two = (RedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=key_prefix) for _ in range(2))
    seen_by_one = one.get_or_create_lock("conv")  # both servers read the (empty) queue ...
    seen_by_two = two.get_or_create_lock("conv")
    ticket_one = seen_by_one.issue_ticket(60)  # ... and each writes back its own version
    one.save_lock(seen_by_one)
    ticket_two = seen_by_two.issue_ticket(60)
    two.save_lock(seen_by_two)
    try:
        assert ticket_one == ticket_two == 0
        lock = one.get_lock("conv")
        assert lock is not None
        assert not lock.is_locked(ticket_one) and not lock.is_locked(ticket_two)  # both may run now
    finally:
        for key in client.scan_iter(f"{key_prefix}:*"):
            client.delete(key)


def test_the_same_interleaving_on_the_fifo_store_gives_distinct_turns_and_one_holder(client: Any, prefix: str) -> None:
    one, two = store(client, prefix), store(client, prefix)
    first, second = one.enqueue("conv"), two.enqueue("conv")
    assert (first.number, second.number) == (1, 2)
    assert one.try_acquire(first)
    assert not two.try_acquire(second)
    one.release(first)
    assert two.try_acquire(second)
    two.release(second)


def test_the_same_load_on_the_fifo_store_neither_overlaps_nor_fails(client: Any, prefix: str) -> None:
    spans: List[Tuple[float, float]] = []

    def server() -> None:
        lock_store = store(client, prefix)

        async def one() -> None:
            async with lock_store.lock("conv"):
                start = time.monotonic()
                await asyncio.sleep(0.01)
                spans.append((start, time.monotonic()))

        async def main() -> None:
            await asyncio.gather(*(one() for _ in range(5)))

        asyncio.run(main())

    threads = [threading.Thread(target=server) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    spans.sort()
    assert len(spans) == 15
    assert all(start >= end for (_, end), (start, _) in zip(spans, spans[1:], strict=False))


async def numbered_turn(lock_store: RedisFifoLockStore, log: List[int], seq: int) -> None:
    from bot.rasa_ext import turn_order

    token = turn_order.begin(seq)
    try:
        async with lock_store.lock("conv"):
            log.append(seq)
            await asyncio.sleep(0.01)
    finally:
        turn_order.end(token)


def test_client_numbered_turns_run_in_the_clients_order_whatever_order_they_reach_redis(client: Any, prefix: str) -> None:
    servers = [store(client, prefix), store(client, prefix)]
    log: List[int] = []

    async def main() -> None:
        tasks = []
        for seq in (2, 1, 5, 3, 4):  # a busy server read 1 late, 5 overtook 3 and 4
            tasks.append(asyncio.ensure_future(numbered_turn(servers[seq % 2], log, seq)))
            await asyncio.sleep(0.02)
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert log == [1, 2, 3, 4, 5]


def test_a_missing_client_number_holds_later_turns_only_for_the_order_wait(client: Any, prefix: str) -> None:
    server = store(client, prefix, order_wait_seconds=0.5)
    log: List[int] = []

    async def main() -> float:
        await numbered_turn(server, log, 1)
        started = time.monotonic()
        await numbered_turn(server, log, 3)  # 2 never arrives (the client gave up on it)
        return time.monotonic() - started

    waited = asyncio.run(main())
    assert log == [1, 3]
    assert 0.4 <= waited < 5


def test_an_unnumbered_conversation_is_not_held_back_by_client_order(client: Any, prefix: str) -> None:
    server = store(client, prefix, order_wait_seconds=30)
    log: List[Tuple[str, int]] = []

    async def main() -> float:
        started = time.monotonic()
        await asyncio.gather(*(turn(server, log, n, 0.01) for n in range(3)))
        return time.monotonic() - started

    assert asyncio.run(main()) < 10
    assert_serial_in_order(log, 3)
