"""Validate a flow file's YAML tree against the JSON Schema and map errors back to lines.

jsonschema reports a path of keys and indexes; we follow it through the ruamel round-trip tree
to find the line, and rewrite the most common error kinds into messages a content designer can
act on ("step 'x': unknown key 'nxt' (expected one of: ...)").
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .kinds import registry
from .model import Location, Problem
from .schema_gen import SCHEMA_FILE, build_schema
from .yamlnodes import key_line, line_for_path, to_plain, type_name

_cache_lock = threading.Lock()
_cache: Dict[str, Tuple[Tuple[int, int], Any, Optional[str]]] = {}

_JSON_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


def _validator(schema_path: Path) -> Tuple[Any, Optional[str]]:
    """Return (validator or None, error text) for the schema file, cached by mtime and size.

    The bundled schema is not read from disk: it is generated from the registered step kinds
    (the committed file is the same text, kept fresh by a test), so plug-in kinds validate too.
    """
    if schema_path.resolve() == SCHEMA_FILE.resolve():
        return _generated_validator(), None
    try:
        stat = schema_path.stat()
    except OSError:
        return None, None  # no schema yet: the loader's own checks still run
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = str(schema_path)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        validator, error = _build_validator(schema_path)
        _cache[key] = (stamp, validator, error)
        return validator, error


def _generated_validator() -> Any:
    import jsonschema

    key = f"<generated {registry.version()}>"
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None:
            schema = build_schema()
            cached = ((0, 0), jsonschema.validators.validator_for(schema)(schema), None)
            _cache[key] = cached
        return cached[1]


def _build_validator(schema_path: Path) -> Tuple[Any, Optional[str]]:
    import jsonschema  # lazily: only needed when a schema exists
    from jsonschema.exceptions import SchemaError

    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
    except (OSError, ValueError, SchemaError) as exc:
        return None, f"flow schema {schema_path} is unusable, skipping schema validation: {exc}"
    return cls(schema), None


def schema_problems(file: str, root: Any, schema_path: Path) -> List[Problem]:
    """Validate ``root`` (a ruamel tree) against the schema at ``schema_path``.

    Returns:
        One Problem per schema error with the line of the offending node. If the schema file
        itself is broken, a single warning (so a bad schema never blocks all flows).
    """
    return [problem for problem, _ in scoped_schema_problems(file, root, schema_path)]


def scoped_schema_problems(file: str, root: Any, schema_path: Path) -> List[Tuple[Problem, int]]:
    """Like ``schema_problems`` but each problem comes with its scope line: the line of the
    enclosing step or trigger (or the problem's own line outside those), so the loader can drop
    schema noise about a step it already reported more precisely."""
    validator, broken = _validator(Path(schema_path))
    if broken is not None:
        return [(Problem(Location(file, 1), broken, severity="warning"), 1)]
    if validator is None:
        return []
    problems: List[Tuple[Problem, int]] = []
    for error in sorted(validator.iter_errors(to_plain(root)), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_explain(file, root, error))
    return problems


def _scope_line(root: Any, path: Sequence[Any], line: int) -> int:
    if len(path) >= 4 and path[0] == "flows" and path[2] in ("steps", "triggers") and isinstance(path[3], int):
        return line_for_path(root, path[:4])
    return line


def _explain(file: str, root: Any, error: Any) -> List[Tuple[Problem, int]]:
    if error.validator in ("oneOf", "anyOf") and error.context:
        return [p for sub in _closest_branch(error.context) for p in _explain(file, root, sub)]
    path = list(error.absolute_path)
    prefix, field = _describe_path(root, path)
    line = line_for_path(root, path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance

    scope = _scope_line(root, path, line)

    def problem(message: str, at: int = line) -> Tuple[Problem, int]:
        return Problem(Location(file, at), f"{prefix}{message}"), scope

    if "propertyNames" in list(error.absolute_schema_path) and isinstance(instance, str):
        # jsonschema reports a bad key with the mapping's path and the key as the instance.
        node = _node_at(root, path)
        expected = f" (expected one of: {', '.join(sorted(map(str, value)))})" if kind == "enum" else ""
        where = f"{field}: " if field else ""
        return [problem(f"{where}unknown key '{instance}'{expected}", key_line(node, instance, line))]
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list((error.schema.get("properties") or {}).keys())
        patterns = list((error.schema.get("patternProperties") or {}).keys())
        node = _node_at(root, path)
        extras = [k for k in instance if k not in allowed and not any(re.search(p, str(k)) for p in patterns)]
        where = f"{field}: " if field else ""
        expected = f" (expected one of: {', '.join(sorted(map(str, allowed)))})" if allowed else ""
        return [problem(f"{where}unknown key '{k}'{expected}", key_line(node, k, line)) for k in extras]
    if kind == "required" and isinstance(instance, dict):
        where = f"{field}: " if field else ""
        return [problem(f"{where}missing required key '{k}'") for k in value if k not in instance]
    subject = field or "value"
    if kind == "enum":
        return [problem(f"{subject} must be one of {', '.join(map(str, value))} (found {instance!r})")]
    if kind == "const":
        return [problem(f"{subject} must be {value!r} (found {instance!r})")]
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        wanted = " or ".join(_JSON_TYPES.get(t, t) for t in types)
        return [problem(f"{subject} must be {wanted} (found {type_name(instance)})")]
    if kind == "pattern":
        return [problem(f"{subject} {instance!r} does not match the required pattern {value}")]
    if kind in ("minItems", "minProperties"):
        return [problem(f"{subject} must have at least {value} item{'s' if value != 1 else ''}")]
    if kind == "minLength" and value == 1:
        return [problem(f"{subject} must not be empty")]
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "exclusiveMinimum": ">", "maximum": "≤", "exclusiveMaximum": "<"}[kind]
        return [problem(f"{subject} must be {sign} {value} (found {instance!r})")]
    if kind in ("oneOf", "anyOf"):
        return [problem(f"{subject} does not match any allowed form: {error.message}")]
    return [problem(f"{subject}: {error.message}")]


def _closest_branch(errors: Sequence[Any]) -> List[Any]:
    """Pick the errors of the oneOf/anyOf branch the author most likely meant.

    A branch whose discriminating keys matched (no ``required``/``const``/``enum`` error at the
    branch's own level) wins; among those, the one with the fewest errors.
    """
    branches: Dict[Any, List[Any]] = defaultdict(list)
    for error in errors:
        branch = error.relative_schema_path[0] if error.relative_schema_path else 0
        branches[branch].append(error)

    def score(item: Tuple[Any, List[Any]]) -> Tuple[int, int]:
        _, errs = item
        mismatched = any(
            e.validator in ("required", "const", "enum") and not list(e.relative_path) for e in errs
        )
        return (1 if mismatched else 0, len(errs))

    return min(branches.items(), key=score)[1]


def _node_at(root: Any, path: Sequence[Any]) -> Any:
    node = root
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _describe_path(root: Any, path: Sequence[Any]) -> Tuple[str, str]:
    """Split a schema error path into a context prefix ("ask step 'x': ") and a field ("answer.type")."""
    prefix, rest = "", list(path)
    if len(path) >= 2 and path[0] == "flows":
        flow_id = path[1]
        prefix, rest = f"flow '{flow_id}': ", list(path[2:])
        if len(path) >= 4 and path[2] in ("steps", "triggers") and isinstance(path[3], int):
            rest = list(path[4:])
            item = _node_at(root, path[:4])
            if path[2] == "triggers":
                prefix = f"flow '{flow_id}', trigger {path[3] + 1}: "
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                kinds = registry.kinds_in(item)
                kind = f"{kinds[0].name} " if len(kinds) == 1 else ""
                prefix = f"{kind}step '{item['id']}': "
            else:
                prefix = f"flow '{flow_id}', step {path[3] + 1}: "
    field = ""
    for part in rest:
        field += f" item {part + 1}" if isinstance(part, int) else (f".{part}" if field else str(part))
    return prefix, field.strip()
