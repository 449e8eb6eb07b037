"""The client's own number for the message being handled, shared by a channel, the lock store
and the tracker store.

Order: a client that sends several messages of one conversation at once (a burst over REST,
spread by the load balancer over several Rasa servers) cannot rely on the order in which they
reach the lock: a busy server reads a request late. When the client numbers its messages
(``seq``), the Redis lock store runs the conversation's turns in that order instead, waiting a
bounded time for a missing earlier one.

Once only: the same number also names the turn in the tracker (the user event's
``message_id``). A message delivered twice (a load balancer retrying a request whose server died
after saving the turn but before answering, or a client resending after a time-out) is
recognised when its turn starts, under the conversation's lock, by the tracker store: the turn
raises :class:`RepeatedTurn` instead of running again, and the channel answers with the replies
the first delivery got.

The channel sets the number for the turn (same asyncio task, so the same context); the stores
read it.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any, Iterable, Optional


class RepeatedTurn(Exception):
    """This message's turn already ran and was saved: answer with its replies, do not run it."""


@dataclass
class ClientTurn:
    """A turn the client numbered."""

    seq: int
    #: Set once the tracker store found the turn already saved.
    repeated: bool = False
    #: The first read of the tracker in the turn decides; later reads (after the save) do not.
    checked: bool = False

    @property
    def message_id(self) -> str:
        """The id of the turn's user event in the tracker."""
        return message_id_of(self.seq)


def message_id_of(seq: int) -> str:
    """The user event's ``message_id`` for the client's number ``seq``."""
    return f"turn-{seq}"


_TURN: contextvars.ContextVar[Optional[ClientTurn]] = contextvars.ContextVar("frontline_client_turn", default=None)


def begin(seq: Optional[int]) -> contextvars.Token:
    """Number the turn handled in this context (``None``: the client numbers nothing)."""
    return _TURN.set(ClientTurn(seq) if seq is not None else None)


def end(token: contextvars.Token) -> None:
    """Forget the turn's number."""
    _TURN.reset(token)


def current() -> Optional[int]:
    """The client's number of the turn handled in this context, if it gave one."""
    turn = _TURN.get()
    return turn.seq if turn is not None else None


def current_turn() -> Optional[ClientTurn]:
    """The numbered turn handled in this context, if any."""
    return _TURN.get()


def check_not_repeated(events: Iterable[Any]) -> None:
    """Raise :class:`RepeatedTurn` if the numbered turn of this context is among ``events``.

    Called by the tracker store with the events it just read, inside the conversation's lock;
    only the turn's first read counts (the turn's own save comes later).
    """
    turn = _TURN.get()
    if turn is None or turn.checked:
        return
    turn.checked = True
    wanted = turn.message_id
    if any(getattr(event, "message_id", None) == wanted and getattr(event, "type_name", "") == "user" for event in events):
        turn.repeated = True
        raise RepeatedTurn(wanted)
