"""The client's own number for the message being handled, shared by a channel and the lock store.

A client that sends several messages of one conversation at once (a burst over REST, spread by
the load balancer over several Rasa servers) cannot rely on the order in which they reach the
lock: a busy server reads a request late. When the client numbers its messages (``seq``), the
Redis lock store runs the conversation's turns in that order instead, waiting a bounded time
for a missing earlier one. The channel sets the number for the turn (same asyncio task, so the
same context) and the lock store reads it.
"""

from __future__ import annotations

import contextvars
from typing import Optional

_SEQ: contextvars.ContextVar[Optional[int]] = contextvars.ContextVar("frontline_client_seq", default=None)


def begin(seq: Optional[int]) -> contextvars.Token:
    """Number the turn handled in this context (``None``: the client numbers nothing)."""
    return _SEQ.set(seq)


def end(token: contextvars.Token) -> None:
    """Forget the turn's number."""
    _SEQ.reset(token)


def current() -> Optional[int]:
    """The client's number of the turn handled in this context, if it gave one."""
    return _SEQ.get()
