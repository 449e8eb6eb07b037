"""Apply the privacy policy to text and to JSON-like values (events, trails, payloads)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, List, Tuple

from bot.privacy.detect import SECRET_KINDS, Finding, detect
from bot.privacy.policy import Policy


def placeholder(kind: str) -> str:
    """The mask for ``kind``: ``[EMAIL]``, ``[CARD]``, ``[PASSWORD]``…"""
    return f"[{kind.upper()}]"


class Redactor:
    """Finds personal data and replaces it according to a :class:`Policy`.

    Args:
        policy: action per kind and national-ID patterns.
        hash_key: key of the HMAC used by the ``hash`` action (FRONTLINE_PRIVACY_HASH_KEY);
            without one the hash is a plain SHA-256, which short values (phone numbers) do not
            survive a brute-force search against.
    """

    def __init__(self, policy: Policy, hash_key: bytes = b"") -> None:
        self.policy = policy
        self._key = hash_key
        self._patterns = policy.patterns

    def findings(self, text: str) -> List[Finding]:
        """Personal data in ``text`` (whatever the policy says to do with it)."""
        return detect(text, self._patterns)

    def _replacement(self, finding: Finding) -> str:
        action = self.policy.action(finding.kind)
        if action == "keep":
            return finding.value
        if action == "hash":
            value = finding.value.strip().lower().encode("utf-8")
            digest = hmac.new(self._key, finding.kind.encode() + b":" + value, hashlib.sha256).hexdigest()
            return f"[{finding.kind.upper()}:{digest[:10]}]"
        return placeholder(finding.kind)

    def redact_with_findings(self, text: str) -> Tuple[str, List[Finding]]:
        """``text`` with personal data replaced, and what was found."""
        found = self.findings(text)
        if not found:
            return text, found
        parts: List[str] = []
        cursor = 0
        for finding in found:
            parts.append(text[cursor : finding.start])
            parts.append(self._replacement(finding))
            cursor = finding.end
        parts.append(text[cursor:])
        return "".join(parts), found

    def redact(self, text: str) -> str:
        """``text`` with personal data replaced according to the policy."""
        return self.redact_with_findings(text)[0]

    def redact_value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string redacted (keys are left alone)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {key: self.redact_value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.redact_value(item) for item in value]
        return value

    def has_secret(self, text: str) -> bool:
        """True when ``text`` holds a password or an API key (the user should change it)."""
        return any(f.kind in SECRET_KINDS for f in self.findings(text))
