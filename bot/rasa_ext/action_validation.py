"""Validate action-server responses with a JSON Schema validator built once.

Rasa 3.6 checks every custom action's response with ``jsonschema.validate(result, schema)``,
which first validates the schema itself against the meta-schema and builds a new validator:
about 18 ms of CPU per custom action on a 2-core machine, against 2 ms for the same check
through a validator built once (docs/benchmarks.md, "Latency"). Every turn of a flow runs at
least one custom action, so this was the largest cost of a turn after the language model.

The replacement checks the same schema (``RemoteAction.action_response_format_spec()``) and
raises the same ``ValidationError`` with the same message, so Rasa's handling of a bad
response is unchanged.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Text

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_ORIGINAL: Optional[Callable[..., bool]] = None


def _compiled_validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every action
    return cls(schema)


def install() -> None:
    """Make ``RemoteAction`` validate responses with a validator built once (idempotent)."""
    global _ORIGINAL
    if _ORIGINAL is not None:
        return
    from jsonschema.exceptions import best_match

    validator = _compiled_validator()

    def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        # Rasa's own wording, so logs and docs stay recognisable.
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    _ORIGINAL = RemoteAction._validate_action_result
    RemoteAction._validate_action_result = validate_action_result


def uninstall() -> None:
    """Restore Rasa's own validation (tests)."""
    global _ORIGINAL
    if _ORIGINAL is not None:
        RemoteAction._validate_action_result = _ORIGINAL
        _ORIGINAL = None
