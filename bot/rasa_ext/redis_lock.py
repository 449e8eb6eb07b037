"""A per-conversation FIFO lock on Redis that is correct across several Rasa servers.

Rasa's ``RedisLockStore`` keeps a conversation's ticket queue as one JSON value that every
server reads, changes and writes back (``GET`` … ``SET``): two servers issuing a ticket at the
same moment both read the same queue and one ticket is overwritten, so two turns of one
conversation run at once and the tracker gets interleaved or lost events (RasaHQ/rasa#9213; the
fix was reverted from the open-source edition in #11428). Tickets also expire after a fixed
lifetime, so an action slower than that lets the next turn in while the first still runs.

Here every change is one Lua script, so it is atomic in Redis, and the keys of conversation
``c`` (prefix ``p``) are:

- ``p:{c}:seq`` — counter; ``INCR`` numbers the turns in the order they reach Redis;
- ``p:{c}:queue`` — sorted set of waiting turns (member: a random token, score: its number);
- ``p:{c}:beat`` — hash token → deadline (ms, Redis clock) until which that waiter counts as alive;
- ``p:{c}:holder`` — the token of the turn that runs, set with ``PX`` (its lease);
- ``p:{c}:done`` — the highest client number (``seq``) of a turn that has run.

Client order: a turn the client numbered (:mod:`bot.rasa_ext.turn_order`, e.g. REST's ``seq``)
is queued by that number instead of its arrival, and it waits, while it is at the head, until
the turn numbered one less has run, at most ``order_wait_seconds`` counted from the moment
nothing else holds it back (a missing message must not block the conversation for ever). So a burst spread over several servers runs in the order the
client sent it even when a busy server reads a request late. A conversation numbers all its
messages or none; a new conversation starts at 1.

A turn enqueues itself, then polls: it becomes the holder only when there is no holder and it
is the oldest live waiter. While it holds the lock a thread of this process extends the lease
(compare-and-``PEXPIRE``), so a slow action keeps it; the same thread renews the deadline of
every waiting turn of this process. The thread is not an asyncio task, so a busy event loop
(NLU inference runs on it) cannot starve it. Only two things let a later turn proceed: the
holder releases (compare-and-delete) or its lease runs out because its process stopped
renewing (killed, or frozen longer than the lease). A waiter is dropped only after its deadline,
several leases long, passes without a renewal, i.e. its process is gone.

Save fencing: before the tracker is saved, :func:`confirm_current_lease` checks (and extends)
the lease of the turn in progress; a turn that lost its lease fails its save (the user is asked
to retry) instead of writing over the tracker of the turn that took over.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import secrets
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncGenerator, Dict, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore

from bot.rasa_ext import turn_order

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 15.0
#: A turn may hold a conversation at most this long (a hung action must not block it forever);
#: longer than Rasa's action-server timeout (5 minutes).
MAX_HOLD_SECONDS = 330.0
POLL_SECONDS = 0.05
#: How long a conversation remembers the client number of its last turn: a client that resumes
#: after that waits at most ``order_wait_seconds`` once.
DONE_MS = 24 * 3600 * 1000

_NOW = "local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"

# KEYS: seq, queue, beat, holder, done. ARGV: token, waiter_ms, idle_ms, client seq or ''.
# Returns the turn's number (the client's, when it numbered the turn).
_ENQUEUE = _NOW + """
local n
if ARGV[4] ~= '' then n = tonumber(ARGV[4]) else n = redis.call('INCR', KEYS[1]) end
redis.call('ZADD', KEYS[2], n, ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], now + tonumber(ARGV[2]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return n
"""

# KEYS: seq, queue, beat, holder, done. ARGV: token, lease_ms, waiter_ms, idle_ms, client seq or '',
# '1' while the turn still waits for a missing earlier client number.
# Returns 1 (holds the lock), 0 (keep waiting), 2 (first in line, but an earlier client number has
# not run yet), -1 (no longer queued: dropped as dead).
_TRY_ACQUIRE = _NOW + """
local holder = redis.call('GET', KEYS[4])
if holder == ARGV[1] then return 1 end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return -1 end
redis.call('HSET', KEYS[3], ARGV[1], now + tonumber(ARGV[3]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
if holder then return 0 end
while true do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if head == ARGV[1] then
    if ARGV[5] ~= '' and ARGV[6] == '1' and tonumber(ARGV[5]) > tonumber(redis.call('GET', KEYS[5]) or '0') + 1 then
      return 2
    end
    redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('HDEL', KEYS[3], ARGV[1])
    return 1
  end
  local deadline = tonumber(redis.call('HGET', KEYS[3], head) or '0')
  if deadline >= now then return 0 end
  -- the oldest waiter's process stopped renewing long ago: it is gone, drop it
  redis.call('ZREM', KEYS[2], head)
  redis.call('HDEL', KEYS[3], head)
end
"""

# KEYS: seq, queue, beat, holder. ARGV: token, lease_ms. Returns 1 if still the holder.
_EXTEND = """
if redis.call('GET', KEYS[4]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[4], ARGV[2])
  return 1
end
return 0
"""

# KEYS: seq, queue, beat, holder. ARGV: token, waiter_ms, idle_ms. Returns 1 if still queued.
_BEAT = _NOW + """
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], now + tonumber(ARGV[2]))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1
"""

# KEYS: seq, queue, beat, holder, done. ARGV: token, client seq or '', done_ms.
_RELEASE = """
if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
if ARGV[2] ~= '' and tonumber(ARGV[2]) > tonumber(redis.call('GET', KEYS[5]) or '0') then
  redis.call('SET', KEYS[5], ARGV[2], 'PX', ARGV[3])
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
"""


class LeaseLost(LockError):
    """The turn no longer holds its conversation's lock (its lease ran out); it must not save."""


@dataclass
class Lease:
    """One turn's place in a conversation's queue, then its hold on the conversation."""

    conversation_id: str
    keys: tuple
    token: str = field(default_factory=lambda: secrets.token_hex(12))
    number: int = 0
    held: bool = False
    lost: bool = False
    held_since: float = 0.0
    seq: Optional[int] = None
    #: Since when the turn has been first in line, free to run but for a missing earlier number.
    gap_since: Optional[float] = None

    @property
    def seq_arg(self) -> str:
        """The client's number as a script argument ('' when it gave none)."""
        return "" if self.seq is None else str(self.seq)


_current: contextvars.ContextVar[Optional["_Current"]] = contextvars.ContextVar("frontline_lease", default=None)


@dataclass(frozen=True)
class _Current:
    store: "RedisFifoLockStore"
    lease: Lease


def confirm_current_lease() -> None:
    """Check (and extend) the lease of the turn running in this context, if it runs under a
    :class:`RedisFifoLockStore` lock.

    Raises:
        LeaseLost: the turn's lease ran out and another turn may have taken over.
    """
    current = _current.get()
    if current is not None:
        current.store.confirm(current.lease)


class RedisFifoLockStore(LockStore):
    """Rasa lock store: one FIFO queue and one leased holder per conversation, on Redis.

    Args:
        client: a redis-py client (thread-safe; shared by the event loop and the renewal thread).
        key_prefix: prefix of every key (tests use a unique one).
        lease_seconds: how long a holder's lease lasts without renewal; it is renewed every
            fifth of that while the turn runs. A killed server's conversations wait this long.
        waiter_seconds: how long a waiting turn counts as alive without renewal (renewed at the
            same pace); only a waiter whose process is gone is dropped.
        poll_seconds: how often a waiting turn asks whether it is its turn.
        max_hold_seconds: the lease is no longer renewed after this long.
        order_wait_seconds: how long a client-numbered turn that is first in line, with nobody
            holding the conversation, waits for the missing turn numbered one less (default: two
            leases; that turn may still be in a busy server's accept queue).
    """

    def __init__(
        self,
        client: Any,
        key_prefix: str = "frontline:lock",
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        waiter_seconds: Optional[float] = None,
        poll_seconds: float = POLL_SECONDS,
        max_hold_seconds: float = MAX_HOLD_SECONDS,
        order_wait_seconds: Optional[float] = None,
    ) -> None:
        if lease_seconds <= 0:
            raise ValueError("lease_seconds must be positive")
        self.red = client
        self.key_prefix = key_prefix
        self.lease_ms = int(lease_seconds * 1000)
        self.waiter_ms = int((waiter_seconds if waiter_seconds is not None else 4 * lease_seconds) * 1000)
        self.idle_ms = 2 * max(self.waiter_ms, self.lease_ms) + 60_000
        self.poll_seconds = poll_seconds
        self.max_hold_seconds = max_hold_seconds
        self.order_wait_seconds = 2 * lease_seconds if order_wait_seconds is None else order_wait_seconds
        self.renew_every = lease_seconds / 5
        self._enqueue = client.register_script(_ENQUEUE)
        self._try = client.register_script(_TRY_ACQUIRE)
        self._extend = client.register_script(_EXTEND)
        self._beat = client.register_script(_BEAT)
        self._release = client.register_script(_RELEASE)
        self._leases: Dict[str, Lease] = {}
        self._guard = threading.Lock()
        self._wakeup = threading.Event()
        self._renewer: Optional[threading.Thread] = None
        super().__init__()

    # -- the lock Rasa takes around every turn ---------------------------------------------------

    def keys_of(self, conversation_id: str) -> tuple:
        """The conversation's keys (one hash tag, so they live on one Redis Cluster slot)."""
        base = f"{self.key_prefix}:{{{conversation_id}}}"
        return (f"{base}:seq", f"{base}:queue", f"{base}:beat", f"{base}:holder", f"{base}:done")

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = 0,
        wait_time_in_seconds: float = 0,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold ``conversation_id`` for the body, after the turns that reached Redis before.

        ``lock_lifetime`` and ``wait_time_in_seconds`` (Rasa's parameters) are ignored: the lease
        is renewed while the turn runs, and waiters poll every ``poll_seconds``.

        Raises:
            LockError: the turn was dropped from the queue (its process froze for longer than
                ``waiter_seconds``) or Redis failed.
        """
        lease = self.enqueue(conversation_id, turn_order.current())
        token = _current.set(_Current(self, lease))
        try:
            await self._wait_for_turn(lease)
            yield TicketLock(conversation_id)
        finally:
            _current.reset(token)
            self.release(lease)

    def enqueue(self, conversation_id: str, seq: Optional[int] = None) -> Lease:
        """Join the conversation's queue (renewed by the thread from now on), by the client's
        number ``seq`` when it gave one, else by arrival."""
        lease = Lease(conversation_id, self.keys_of(conversation_id), seq=seq)
        try:
            lease.number = int(self._enqueue(keys=lease.keys, args=[lease.token, self.waiter_ms, self.idle_ms, lease.seq_arg]))
        except Exception as exc:
            raise LockError(f"lock store: could not queue a turn of {conversation_id!r}: {exc}") from exc
        self._track(lease)
        return lease

    def try_acquire(self, lease: Lease) -> bool:
        """One attempt: True once ``lease`` holds its conversation.

        Raises:
            LockError: the turn is no longer queued (it was dropped as dead).
        """
        now = time.monotonic()
        patient = "1" if lease.gap_since is None or now - lease.gap_since < self.order_wait_seconds else "0"
        result = int(self._try(keys=lease.keys, args=[lease.token, self.lease_ms, self.waiter_ms, self.idle_ms, lease.seq_arg, patient]))
        if result == -1:
            raise LockError(
                f"lock store: turn {lease.number} of {lease.conversation_id!r} was dropped from the queue "
                "(not renewed for longer than the waiter deadline)"
            )
        if result == 2:
            lease.gap_since = lease.gap_since if lease.gap_since is not None else now
            return False
        lease.gap_since = None
        if result == 1 and not lease.held:
            lease.held, lease.held_since = True, time.monotonic()
        return lease.held

    async def _wait_for_turn(self, lease: Lease) -> None:
        while not self.try_acquire(lease):
            await asyncio.sleep(self.poll_seconds)

    def confirm(self, lease: Lease) -> None:
        """Extend ``lease`` now; raise :class:`LeaseLost` if it is no longer the holder."""
        if lease.lost or not int(self._extend(keys=lease.keys, args=[lease.token, self.lease_ms])):
            lease.lost = True
            raise LeaseLost(
                f"lock store: the lease of turn {lease.number} of {lease.conversation_id!r} ran out; "
                "another turn may hold the conversation, so this one is not saved"
            )

    def release(self, lease: Lease) -> None:
        """Leave the queue or give the conversation to the next turn."""
        with self._guard:
            self._leases.pop(lease.token, None)
        try:
            self._release(keys=lease.keys, args=[lease.token, lease.seq_arg, DONE_MS])
        except Exception:  # the lease runs out by itself; the next turn waits at most that long
            log.exception("lock store: could not release a lock of %s", lease.conversation_id)

    # -- renewal thread ----------------------------------------------------------------------------

    def _track(self, lease: Lease) -> None:
        with self._guard:
            self._leases[lease.token] = lease
            if self._renewer is None or not self._renewer.is_alive():
                self._renewer = threading.Thread(target=self._renew_forever, name="lock-renewal", daemon=True)
                self._renewer.start()

    def renew_once(self) -> None:
        """Extend every held lease and every waiter's deadline of this process (the thread's round)."""
        with self._guard:
            leases = list(self._leases.values())
        now = time.monotonic()
        for lease in leases:
            try:
                if lease.held:
                    if lease.lost or now - lease.held_since > self.max_hold_seconds:
                        continue
                    if not int(self._extend(keys=lease.keys, args=[lease.token, self.lease_ms])):
                        lease.lost = True
                        log.warning("lock store: lease of a turn of %s ran out while it ran", lease.conversation_id)
                else:
                    self._beat(keys=lease.keys, args=[lease.token, self.waiter_ms, self.idle_ms])
            except Exception:  # Redis hiccup: the next round tries again, well within the lease
                log.warning("lock store: renewal failed for %s", lease.conversation_id, exc_info=True)

    def _renew_forever(self) -> None:
        while True:
            self._wakeup.wait(self.renew_every)
            self.renew_once()

    # -- Rasa's LockStore interface (the ticket-lock methods are not used by this store) -----------

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """Not used: :meth:`lock` replaces Rasa's ticket bookkeeping."""
        return None

    def delete_lock(self, conversation_id: Text) -> None:
        """Drop every key of the conversation (operators' reset; never needed in normal use)."""
        self.red.delete(*self.keys_of(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        """Not used: :meth:`lock` replaces Rasa's ticket bookkeeping."""
