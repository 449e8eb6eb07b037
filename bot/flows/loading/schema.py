"""The flow file JSON Schema, generated from the registered step kinds.

``bot/flows/schema.json`` is this module's output, committed for editors (``# yaml-language-server:
$schema=...``) and other tools. ``frontline flows schema`` rewrites it; ``--check`` fails when it
is stale (CI runs the same comparison as a test). The loader validates with :func:`build_schema`
itself, so a kind registered by a plug-in is known without regenerating the file.

What is not per kind (the file layout, flows, triggers, ``next``, shared step options) is written
here once; every kind adds its own key, options and definitions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, Sequence

from bot.flows.kinds import registry
from bot.flows.kinds.base import StepKind

#: Committed next to the flow packages, where flow files' ``$schema`` comments point.
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"
_NAME = "^[A-Za-z_][A-Za-z0-9_]*$"

#: Definitions every flow file uses, whatever kinds exist.
COMMON_DEFINITIONS: Dict[str, Any] = {
    "flow_id": {"description": "A flow id: lower_snake_case, starting with a letter.",
                "type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
    "step_id": {"description": "A step id: letters, digits and underscores (not starting with a digit); "
                               "'END' is reserved.",
                "type": "string", "pattern": _NAME, "not": {"const": "END"}},
    "answer_name": {"description": "Name an answer or check result is saved under; usable in conditions "
                                   "and {templates}.",
                    "type": "string", "pattern": _NAME},
    "target": {"description": "A step id of the same flow, or END to finish the flow.",
               "type": "string", "pattern": _NAME},
    "template": {"description": "Text; {name} or {name.field} is replaced by a saved answer or slot value "
                                "(missing -> empty). Markdown allowed where shown to the user.",
                 "type": "string"},
    "expression": {"description": "Condition, e.g. vpn_status == \"outage\" and vpn_client in "
                                  "[\"globalprotect\", \"anyconnect\"].",
                   "type": "string", "minLength": 1},
    "flow": {
        "type": "object",
        "required": ["description", "triggers", "steps"],
        "additionalProperties": False,
        "properties": {
            "description": {"description": "One line saying what problem this flow handles (shown when the "
                                           "bot asks which problem the user means).",
                            "type": "string", "minLength": 1},
            "triggers": {"description": "At least one trigger: the intent that starts this flow, optionally "
                                        "guarded by entity values.",
                         "type": "array", "minItems": 1, "items": {"$ref": "#/definitions/trigger"}},
            "steps": {"description": "Ordered steps; the first step is where the flow starts.",
                      "type": "array", "minItems": 1, "items": {"$ref": "#/definitions/step"}},
        },
    },
    "trigger": {
        "type": "object",
        "required": ["intent"],
        "additionalProperties": False,
        "properties": {
            "intent": {"description": "Intent name from domain.yml.", "type": "string", "minLength": 1},
            "entities": {
                "description": "Entity guard: every listed entity must have one of the listed values "
                               "(case-insensitive).",
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "description": "One value or a list of values.",
                    "anyOf": [{"type": ["string", "number"]},
                              {"type": "array", "minItems": 1, "items": {"type": ["string", "number"]}}],
                },
            },
        },
    },
    "web_link": {"description": "A link shown under the message: {title, url}.",
                 "type": "object", "required": ["title", "url"], "additionalProperties": False,
                 "properties": {"title": {"type": "string", "minLength": 1},
                                "url": {"type": "string", "minLength": 1}}},
    "next": {
        "description": "Where to go after this step: a step id, END, or a list of {if, then} items ending "
                       "with {else}. Without next: the following step (or END after the last step).",
        "oneOf": [
            {"type": "null"},
            {"$ref": "#/definitions/target"},
            {"type": "array", "minItems": 1,
             "items": {"anyOf": [{"$ref": "#/definitions/branch_if"}, {"$ref": "#/definitions/branch_else"}]},
             "contains": {"$ref": "#/definitions/branch_else"}},
        ],
    },
    "branch_if": {"type": "object", "required": ["if", "then"], "additionalProperties": False,
                  "properties": {"if": {"anyOf": [{"$ref": "#/definitions/expression"}, {"type": "boolean"}]},
                                 "then": {"$ref": "#/definitions/target"}}},
    "branch_else": {"type": "object", "required": ["else"], "additionalProperties": False,
                    "properties": {"else": {"$ref": "#/definitions/target"}}},
}

#: Step options several kinds share (a kind takes them through its flags, see ``StepKind.keys``).
SHARED_OPTIONS: Dict[str, Any] = {
    "next": {"$ref": "#/definitions/next"},
    "save_as": {"$ref": "#/definitions/answer_name"},
    "hint": {"description": "Shown when an answer cannot be understood (template).",
             "allOf": [{"$ref": "#/definitions/template"}], "minLength": 1},
    "max_attempts": {"description": "How many unusable answers before giving up (default 3).",
                     "type": "integer", "minimum": 1},
    "on_give_up": {"description": "Step id to go to after max_attempts unusable answers (default: escalate "
                                  "to a human).",
                   "$ref": "#/definitions/target"},
    "image": {"description": "URL of an image shown with the message.", "type": "string", "minLength": 1},
    "link": {"$ref": "#/definitions/web_link"},
}


def _merge(existing: Dict[str, Any], extra: Dict[str, Any]) -> Dict[str, Any]:
    """One property schema for a key two owners define (``link``: a kind and the web-link card)."""
    description = existing.get("description") or extra.get("description")
    forms = [{k: v for k, v in schema.items() if k != "description"} for schema in (existing, extra)]
    merged: Dict[str, Any] = {"description": description} if description else {}
    merged["anyOf"] = forms
    return merged


def _step_schema(kinds: Sequence[StepKind]) -> Dict[str, Any]:
    properties: Dict[str, Any] = {"id": {"$ref": "#/definitions/step_id"}}
    for kind in kinds:
        properties[kind.name] = kind.value_schema()
    used = {key for kind in kinds for key in kind.keys()}
    options: Dict[str, Any] = {k: v for k, v in SHARED_OPTIONS.items() if k in used}
    for kind in kinds:
        options.update(kind.option_schemas())
    for key, schema in options.items():
        properties[key] = _merge(properties[key], schema) if key in properties else schema
    names = ", ".join(kind.name for kind in kinds)
    variants = []
    for kind in kinds:
        then: Dict[str, Any] = {"propertyNames": {"enum": list(kind.keys())}}
        if kind.attachments and "link" in properties and "anyOf" in properties["link"]:
            then["properties"] = {"link": SHARED_OPTIONS["link"]}
        variants.append({"if": kind.discriminator(), "then": then})
    return {
        "description": f"A step: an id plus exactly one kind key ({names}) and that kind's options.",
        "type": "object",
        "required": ["id"],
        # No additionalProperties: each kind's variant lists its keys (propertyNames), so a stray
        # key is reported once, with the keys that kind takes.
        "properties": properties,
        "anyOf": [kind.discriminator() for kind in kinds],
        "allOf": variants,
    }


def build_schema() -> Dict[str, Any]:
    """The JSON Schema of a flow file for the currently registered step kinds."""
    kinds = registry.all_kinds()
    definitions = dict(COMMON_DEFINITIONS)
    for kind in kinds:
        definitions.update(kind.definitions())
    definitions["step"] = _step_schema(kinds)
    return {
        "$schema": DRAFT,
        "$id": "https://github.com/frontline/frontline/bot/flows/schema.json",
        "title": "Frontline troubleshooting flow file",
        "description": "One YAML file per flow under flows/. See docs/flows.md for the guide.",
        "type": "object",
        "required": ["flows"],
        "additionalProperties": False,
        "properties": {
            "flows": {
                "description": "Mapping of flow id to flow. Flow ids are lower_snake_case and, for topic "
                               "flows, equal the intent name.",
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"$ref": "#/definitions/flow_id"},
                "additionalProperties": {"$ref": "#/definitions/flow"},
            }
        },
        "definitions": definitions,
    }


def schema_text() -> str:
    """:func:`build_schema` as the text committed in ``schema.json`` (2-space JSON, newline)."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def main_schema(check: bool = False, path: Path = SCHEMA_FILE) -> int:
    """``frontline flows schema [--check]``: write the schema, or fail if the file is stale.

    Args:
        check: only compare; exit 1 (with the fix) when ``path`` differs from the kinds.
        path: the schema file (default ``bot/flows/schema.json``).

    Returns:
        0 when written or up to date, 1 when ``--check`` finds it stale.
    """
    text = schema_text()
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if check:
        if current == text:
            print(f"{path}: up to date")
            return 0
        print(f"{path}: stale (it does not match the step kinds); run `frontline flows schema` to "
              "regenerate it", file=sys.stderr)
        return 1
    if current != text:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    else:
        print(f"{path}: up to date")
    return 0
