"""bot/flows/schema.json is generated from the step kinds; a stale committed file fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.flows.kinds import registry
from bot.flows.loading.schema import SCHEMA_FILE, main_schema, schema_text


def test_committed_schema_matches_the_step_kinds() -> None:
    # Fails when a kind changed and `frontline flows schema` was not run.
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "bot/flows/schema.json is stale: run `frontline flows schema`")


def test_every_kind_has_its_key_and_variant_in_the_schema() -> None:
    schema = json.loads(schema_text())
    step = schema["definitions"]["step"]
    for kind in registry.all_kinds():
        assert kind.name in step["properties"]
        assert any(v["if"] == kind.discriminator() and v["then"]["propertyNames"]["enum"] == list(kind.keys())
                   for v in step["allOf"])


def test_check_fails_on_a_stale_file_and_writing_fixes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "schema.json"
    stale.write_text(SCHEMA_FILE.read_text(encoding="utf-8").replace('"say"', '"shout"', 1), encoding="utf-8")

    assert main_schema(check=True, path=stale) == 1
    assert "stale" in capsys.readouterr().err
    assert main_schema(check=False, path=stale) == 0
    assert main_schema(check=True, path=stale) == 0
    assert stale.read_text(encoding="utf-8") == schema_text()
