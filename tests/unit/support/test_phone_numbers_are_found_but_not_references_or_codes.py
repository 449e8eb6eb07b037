"""Phone numbers in messages, and never ticket references, error codes or dates."""

import re
from pathlib import Path

import pytest

from bot.support.phone import PHONE, find_phone, mask_phone

ROOT = Path(__file__).parents[3]


@pytest.mark.parametrize("text, number", [
    ("call me on 07700 900123", "07700 900123"),
    ("my number is +44 (0)20 7946 0018.", "+44 (0)20 7946 0018"),
    ("ring 07700900123 please", "07700900123"),
    ("US line: 555-010-0199 ext", "555-010-0199"),
])
def test_numbers_are_found_as_written(text: str, number: str) -> None:
    assert find_phone(text) == number


@pytest.mark.parametrize("text", ["status of SUP-1042?", "error 0x80070005", "since 2025-01-01", "ext. 4357", "room 1203"])
def test_references_codes_dates_and_extensions_are_not_phone_numbers(text: str) -> None:
    assert find_phone(text) is None


def test_the_nlu_regex_is_the_same_pattern() -> None:
    source = (ROOT / "nlu_data" / "nlu" / "support_chat.yml").read_text()
    assert re.search(r"- regex: phone\n  examples: \|\n    - (.+)\n", source).group(1) == PHONE.pattern


def test_masking_keeps_only_the_last_three_digits() -> None:
    assert mask_phone("07700 900123") == "••••••••123"
