"""Build the redactor from settings, for each process that stores or sends text."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Mapping, Optional

from bot.config import Settings
from bot.privacy.policy import load_policy
from bot.privacy.redact import Redactor


def build_redactor(settings: Settings) -> Redactor:
    """The redactor for ``settings`` (policy file and hash key).

    Raises:
        bot.privacy.policy.PolicyError: the policy file is malformed (``file:line`` messages).
    """
    key = (settings.privacy_hash_key or "").encode("utf-8")
    return Redactor(load_policy(settings.privacy_policy_file), key)


@functools.lru_cache(maxsize=4)
def _cached(policy_file: str, key: str) -> Redactor:
    return Redactor(load_policy(Path(policy_file)), key.encode("utf-8"))


def redactor_from_env(env: Optional[Mapping[str, str]] = None) -> Redactor:
    """The redactor for plug-ins that Rasa constructs itself (tracker store, channels).

    Rasa builds them from endpoints.yml/credentials.yml, so they cannot be handed one; they call
    this once, at construction, and the policy is read once per process.
    """
    settings = Settings.from_env(env)
    return _cached(str(settings.privacy_policy_file), settings.privacy_hash_key or "")
