"""Shared pieces of the privacy tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy.policy import load_policy
from bot.privacy.redact import Redactor

ROOT = Path(__file__).resolve().parents[3]
LABELLED_SET = Path(__file__).with_name("labelled_messages.yml")


@pytest.fixture(scope="session")
def redactor() -> Redactor:
    """The redactor with the shipped policy (config/privacy.yml)."""
    return Redactor(load_policy(ROOT / "config" / "privacy.yml"))
