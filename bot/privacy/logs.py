"""A logging filter that redacts personal data from every record a handler writes."""

from __future__ import annotations

import logging

from bot.privacy.redact import Redactor


class RedactingFilter(logging.Filter):
    """Replaces a record's message with its redacted rendering (args folded in)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__("frontline-privacy")
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; never drops it."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's business
            return True
        redacted = self.redactor.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install_log_redaction(redactor: Redactor, logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of ``logger`` (default: the root logger), once."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(redactor))
