"""Invalid expressions raise ExprError pointing at the offending column."""

from __future__ import annotations

import pytest

from bot.flows.model.expr import ExprError, parse


@pytest.mark.parametrize(
    "text, column, fragment",
    [
        ("a ==", 5, "expected a value"),
        ("a = 1", 3, "use '=='"),
        ('a == "open', 6, "unterminated string"),
        ("a && b", 3, "use 'and'"),
        ("a < b < c", 7, "cannot be chained"),
        ("(a == 1", 8, "expected ')'"),
        ("[1, 2", 1, "unclosed list"),
        ("a b", 3, "unexpected 'b'"),
        ("", 1, "empty expression"),
        ("a == $", 6, "unexpected character"),
        ("err.", 5, "field name"),
    ],
)
def test_error_column_and_message(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ExprError) as caught:
        parse(text)
    assert caught.value.column == column
    assert fragment in caught.value.message
    assert str(caught.value).startswith(f"column {column}:")


def test_no_python_evaluation_is_possible() -> None:
    # Function calls and attribute tricks are simply not part of the grammar.
    for text in ("__import__('os')", "a.__class__()", "open('x')"):
        with pytest.raises(ExprError):
            parse(text)
