"""Error codes, versions, dates, references and asset tags that flows need pass through untouched."""

from __future__ import annotations

import pytest

from bot.privacy.redact import Redactor

UNTOUCHED = [
    "Outlook says 0x800CCC0E when I send mail",
    "error 0x80070005 on build 10.0.19045.3693",
    "Chrome 120.0.6099.109 and driver 31.0.101.4502",
    "version 1.2.3.4 of the VPN client",
    "ticket SUP-1042 for asset LT-04512",
    "order 123456789 from 2024-03-01 at 10:30",
    "order number 4111111111111112 is late",
    "log line 2024-03-01 09:00:00,123 ERROR",
    "my password is expired",
    "the api key is missing",
    "KB5034441 failed to install",
]


@pytest.mark.parametrize("text", UNTOUCHED)
def test_lookalike_is_left_alone(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_each_kind_is_masked_with_its_placeholder(redactor: Redactor) -> None:
    text = (
        "jane.doe@example.com +44 20 7946 0958 4111 1111 1111 1111 GB82 WEST 1234 5698 7654 32 "
        "192.168.1.20 123-45-6789 my password is Hunter2! ghp_1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz"
    )
    redacted = redactor.redact(text)
    for mark in ("[EMAIL]", "[PHONE]", "[CARD]", "[IBAN]", "[IP]", "[NATIONAL_ID]", "[PASSWORD]", "[API_KEY]"):
        assert mark in redacted
    assert redacted.count("[") == 8


def test_card_numbers_failing_luhn_are_not_cards(redactor: Redactor) -> None:
    assert "[CARD]" in redactor.redact("card 4111 1111 1111 1111")
    assert "[CARD]" not in redactor.redact("card 4111 1111 1111 1112")


def test_iban_with_bad_checksum_is_not_an_iban(redactor: Redactor) -> None:
    assert redactor.redact("IBAN GB82 WEST 1234 5698 7654 32") == "IBAN [IBAN]"
    assert "[IBAN]" not in redactor.redact("IBAN GB83 WEST 1234 5698 7654 32")


def test_redacting_twice_changes_nothing_more(redactor: Redactor) -> None:
    once = redactor.redact("mail a.b@example.com, pw: s3cret99, call +1 202-555-0143")
    assert redactor.redact(once) == once


def test_json_values_are_redacted_recursively_keys_kept(redactor: Redactor) -> None:
    value = {"text": "call +1 202-555-0143", "answers": [{"email": "x.y@example.com"}], "n": 3}
    assert redactor.redact_value(value) == {"text": "call [PHONE]", "answers": [{"email": "[EMAIL]"}], "n": 3}
