"""A client-numbered turn whose user event is already in the tracker is recognised as delivered
twice (only on the turn's first read of the tracker), and the replies of its first delivery are
found between its user event and the next one."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.rasa_ext import turn_order
from bot.rasa_ext.rest import replies_of


def _events(*, with_turn: int) -> list:
    return [
        UserUttered("hi", message_id=turn_order.message_id_of(with_turn - 1)),
        BotUttered("Hello!"),
        UserUttered("my vpn keeps dropping", message_id=turn_order.message_id_of(with_turn)),
        ActionExecuted("action_flow"),
        BotUttered("Sorry about that.", data={"buttons": [{"title": "GlobalProtect", "payload": "/x"}]}),
        BotUttered("Which client?"),
        UserUttered("globalprotect", message_id="a-uuid-from-another-channel"),
        BotUttered("Thanks."),
    ]


def test_a_turn_already_in_the_tracker_raises_repeated_turn_once() -> None:
    token = turn_order.begin(7)
    try:
        with pytest.raises(turn_order.RepeatedTurn):
            turn_order.check_not_repeated(_events(with_turn=7))
        turn = turn_order.current_turn()
        assert turn is not None and turn.repeated
        turn_order.check_not_repeated(_events(with_turn=7))  # later reads (after a save) never raise
    finally:
        turn_order.end(token)


def test_a_new_turn_and_an_unnumbered_turn_run() -> None:
    token = turn_order.begin(8)
    try:
        turn_order.check_not_repeated(_events(with_turn=7))
        turn = turn_order.current_turn()
        assert turn is not None and not turn.repeated
    finally:
        turn_order.end(token)
    unnumbered = turn_order.begin(None)
    try:
        turn_order.check_not_repeated(_events(with_turn=7))
    finally:
        turn_order.end(unnumbered)


def test_the_first_deliverys_replies_are_those_between_its_user_event_and_the_next() -> None:
    events = [e.as_dict() for e in _events(with_turn=3)]
    replies = replies_of(events, turn_order.message_id_of(3), "rest:alice")
    assert replies == [
        {"recipient_id": "rest:alice", "text": "Sorry about that.", "buttons": [{"title": "GlobalProtect", "payload": "/x"}]},
        {"recipient_id": "rest:alice", "text": "Which client?"},
    ]
    assert replies_of(events, turn_order.message_id_of(99), "rest:alice") == []
