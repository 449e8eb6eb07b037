"""Answers: buttons win; yes/no words and intents; fuzzy choices; bounded numbers; regex."""

from __future__ import annotations

import pytest

from bot.flows.model import Option
from bot.flows.model.answers import read_choice, read_number, read_regex, read_yes_no
from bot.flows.model.turns import UserTurn

OPTIONS = (
    Option("GlobalProtect", "globalprotect"),
    Option("Cisco AnyConnect", "anyconnect"),
    Option("Not sure", "unknown"),
)


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("yes", None, True),
        ("Yeah!", None, True),
        ("yep", None, True),
        ("sure", None, True),
        ("correct", None, True),
        ("it worked, thanks", None, True),
        ("no", None, False),
        ("Nope.", None, False),
        ("not really", None, False),
        ("still broken", None, False),
        ("it's still not working", None, False),
        ("I guess so", "affirm", True),
        ("I don't think so", "deny", False),
        ("banana", None, None),
    ],
)
def test_yes_no(text, intent, expected) -> None:
    assert read_yes_no(UserTurn(text=text, intent=intent)) is expected


def test_yes_no_button_wins_over_text_and_intent() -> None:
    turn = UserTurn(text='/flow_answer{"flow_answer":"no"}', intent="affirm", button_value="no")
    assert read_yes_no(turn) is False


@pytest.mark.parametrize(
    "text, expected",
    [
        ("GlobalProtect", "globalprotect"),
        ("cisco anyconnect", "anyconnect"),
        ("i use globalprotect", "globalprotect"),
        ("cisco", "anyconnect"),  # part of a label
        ("globalprotct", "globalprotect"),  # typo → fuzzy
        ("2", "anyconnect"),  # the option's number
        ("not sure", "unknown"),
        ("the blue one", None),
        ("globalprotect or anyconnect", None),  # ambiguous: re-ask rather than guess
    ],
)
def test_choice(text, expected) -> None:
    assert read_choice(OPTIONS, UserTurn(text=text)) == expected


def test_choice_uses_buttons_and_entities() -> None:
    assert read_choice(OPTIONS, UserTurn(text="/flow_answer...", button_value="anyconnect")) == "anyconnect"
    assert read_choice(OPTIONS, UserTurn(text="/flow_answer...", button_value="stale_value")) is None
    assert read_choice(OPTIONS, UserTurn(text="the vpn app", entities={"app_name": "GlobalProtect"})) == "globalprotect"


def test_typed_payload_counts_as_button() -> None:
    assert read_choice(OPTIONS, UserTurn(text='/flow_answer{"flow_answer":"unknown"}')) == "unknown"


@pytest.mark.parametrize(
    "text, expected",
    [("about 20 minutes", 20), ("2.5", 2.5), ("3,5 hours", 3.5), ("150", None), ("-1", None), ("lots", None)],
)
def test_number_within_bounds(text, expected) -> None:
    assert read_number(UserTurn(text=text), 0, 100) == expected


def test_regex_fullmatch_on_stripped_text() -> None:
    pattern = r"[A-Z]{2,5}-\d{3,6}"
    assert read_regex(pattern, UserTurn(text="  INC-12345 ")) == "INC-12345"
    assert read_regex(pattern, UserTurn(text="ticket INC-12345")) is None
