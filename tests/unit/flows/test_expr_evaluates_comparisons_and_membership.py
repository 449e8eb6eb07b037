"""Conditions evaluate safely over answers and slots with conversational coercions."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from bot.flows.model.expr import parse

VALUES: Dict[str, Any] = {
    "vpn_status": "outage",
    "attempts": 3,
    "ratio": 0.5,
    "restarted": True,
    "app_name": "Outlook",
    "err": {"known": True, "title": "Access denied", "meta": {"level": 2}},
    "count_text": "12",
    "nothing": None,
}


def evaluate(text: str) -> Any:
    return parse(text).evaluate(lambda name: VALUES.get(name))


@pytest.mark.parametrize(
    "text, expected",
    [
        ('vpn_status == "outage"', True),
        ("vpn_status == 'degraded'", False),
        ('vpn_status != "degraded"', True),
        ("attempts >= 3 and attempts < 4", True),
        ("attempts > 3", False),
        ("ratio <= 0.5", True),
        ("attempts == -3", False),
        ('vpn_status in ["outage", "degraded"]', True),
        ('vpn_status not in ["outage", "degraded"]', False),
        ('app_name == "outlook"', True),  # entity values arrive in the user's casing
        ('"look" in app_name', True),  # substring test on text
        ("count_text > 10", True),  # slots are strings; numbers compare as numbers
        ("count_text == 12", True),
        ("err.known", True),
        ('err.title == "Access denied"', True),
        ("err.meta.level == 2", True),
        ("err.missing == null", True),
        ("vpn_status.deeper == null", True),  # dotted access into text is just null
        ("unknown_name == null", True),
        ("unknown_name", None),  # a bare name yields its value; null is falsy in conditions
        ("not unknown_name", True),
        ("nothing < 3", False),  # ordering against null is false, not an exception
        ('restarted == "yes"', True),  # yes/no answers are booleans; buttons say "yes"
        ("restarted == true", True),
        ('restarted == "no"', False),
        ("not (attempts == 3 or vpn_status == 'ok')", False),
        ('attempts == 1 or attempts == 3 and vpn_status == "outage"', True),
        ("[1, 2, attempts]", [1, 2, 3]),
        ("true and not false", True),
    ],
)
def test_expression_value(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


def test_and_short_circuits_so_later_operands_are_not_looked_up() -> None:
    seen = []

    def lookup(name: str) -> Any:
        seen.append(name)
        return None

    assert parse("first and second").evaluate(lookup) is False
    assert seen == ["first"]


def test_names_lists_root_names_only() -> None:
    expr = parse('err.known and vpn_status in [x, "y"] or not z.a.b')
    assert expr.names() == {"err", "vpn_status", "x", "z"}
