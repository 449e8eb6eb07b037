"""Log records are redacted whatever logged them; the admin routes want the API token."""

from __future__ import annotations

import io
import logging
from types import SimpleNamespace

from bot.privacy.logs import install_log_redaction
from bot.privacy.redact import Redactor
from bot.rasa_ext.privacy_web import token_ok


def test_log_lines_are_redacted_including_arguments(redactor: Redactor) -> None:
    logger = logging.getLogger("frontline-test-privacy-logs")
    logger.propagate = False
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    install_log_redaction(redactor, logger)
    install_log_redaction(redactor, logger)  # once only
    logger.warning("user said %r", "my card 4111 1111 1111 1111, mail a.b@example.com")
    logger.warning("error 0x800CCC0E on 10.0.19045.3693")
    assert stream.getvalue().splitlines() == [
        "user said 'my card [CARD], mail [EMAIL]'",
        "error 0x800CCC0E on 10.0.19045.3693",
    ]
    assert len(handler.filters) == 1


def request(headers: dict, args: dict) -> SimpleNamespace:
    return SimpleNamespace(headers=headers, args=args)


def test_admin_token_is_required_and_compared() -> None:
    assert token_ok(request({"authorization": "Bearer s3cret-token"}, {}), "s3cret-token")
    assert token_ok(request({}, {"token": "s3cret-token"}), "s3cret-token")
    assert not token_ok(request({"authorization": "Bearer wrong"}, {}), "s3cret-token")
    assert not token_ok(request({}, {}), "s3cret-token")
    # No token configured: the routes are closed, never open.
    assert not token_ok(request({}, {"token": ""}), "")
