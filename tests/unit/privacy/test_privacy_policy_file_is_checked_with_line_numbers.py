"""config/privacy.yml: mask, hash or keep per kind; mistakes are reported as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy.policy import PolicyError, load_policy
from bot.privacy.redact import Redactor


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "privacy.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_misspelt_kind_and_action_are_reported_with_line_and_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "policy:\n  email: mask\n  phnoe: mask\n  card: hsah\n")
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    message = str(error.value)
    assert f"{path}:3: unknown kind 'phnoe' (did you mean 'phone'?)" in message
    assert f"{path}:4: card: unknown action 'hsah' (did you mean 'hash'?)" in message


def test_secrets_cannot_be_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "policy:\n  password: keep\n")
    with pytest.raises(PolicyError, match=r"privacy.yml:2: password: secrets are never kept"):
        load_policy(path)


def test_bad_national_id_regex_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "national_ids:\n  - name: ok\n    pattern: '\\d{3}'\n  - name: broken\n    pattern: '(\\d'\n")
    with pytest.raises(PolicyError, match=r"privacy.yml:4: broken: invalid regular expression"):
        load_policy(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "policy:\n  email: mask\n   phone: [\n")
    with pytest.raises(PolicyError, match=r"privacy.yml:\d+: invalid YAML"):
        load_policy(path)


def test_keep_and_hash_actions(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "policy:\n  email: keep\n  phone: hash\n"))
    redactor = Redactor(policy, b"key-1")
    text = redactor.redact("a.b@example.com +44 20 7946 0958")
    assert text.startswith("a.b@example.com [PHONE:")
    # Keyed: the same number hashes the same with one key and differently with another.
    assert Redactor(policy, b"key-1").redact("+44 20 7946 0958") == text.split(" ", 1)[1]
    assert Redactor(policy, b"key-2").redact("+44 20 7946 0958") != text.split(" ", 1)[1]


def test_missing_file_masks_everything(tmp_path: Path) -> None:
    redactor = Redactor(load_policy(tmp_path / "absent.yml"))
    assert redactor.redact("x.y@example.com") == "[EMAIL]"
