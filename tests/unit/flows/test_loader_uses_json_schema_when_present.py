"""When a JSON Schema is present its errors are reported too, mapped back to YAML lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from bot.flows.loading.loader import load_flow_file

FLOW = """
flows:
  demo:
    description: Demo
    triggers: [{intent: demo}]
    steps:
      - id: Hello
        say: hi
      - id: ask_it
        ask: Sure?
        answer: {type: yes_no}
"""

# Stricter than the loader: step ids must be lower case; yes_no asks need a hint.
SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "flows": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "steps": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"id": {"type": "string", "pattern": "^[a-z_]+$"}},
                            "if": {"required": ["ask"]},
                            "then": {"required": ["hint"]},
                        },
                    }
                },
            },
        }
    },
}


def test_schema_errors_come_with_lines(tmp_path: Path, write_flow: Callable[[str, str], Path]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))
    path = write_flow("demo.yml", FLOW)
    flows, problems = load_flow_file(path, schema_path=schema)
    assert flows == []
    found = [(p.location.line, p.message) for p in problems]
    assert (6, "say step 'Hello': id 'Hello' does not match the required pattern ^[a-z_]+$") in found
    assert (8, "ask step 'ask_it': missing required key 'hint'") in found


def test_without_schema_the_same_file_loads(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow("demo.yml", FLOW)
    flows, problems = load_flow_file(path, schema_path=None)
    assert problems == [] and [f.id for f in flows] == ["demo"]


def test_a_broken_schema_is_a_warning_not_a_blocker(tmp_path: Path, write_flow: Callable[[str, str], Path]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text("{not json")
    path = write_flow("demo.yml", FLOW)
    flows, problems = load_flow_file(path, schema_path=schema)
    assert [f.id for f in flows] == ["demo"]
    assert [p.severity for p in problems] == ["warning"]
