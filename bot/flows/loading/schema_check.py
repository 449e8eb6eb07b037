"""Validate a flow file's YAML tree against the JSON Schema and map errors back to lines.

The schema (generated from the step kinds, :mod:`bot.flows.loading.schema`) is the only description
of the file's shape: keys, types, enums, required keys. The loader checks only what a schema
cannot say. jsonschema reports a path of keys and indexes; we follow it through the ruamel
round-trip tree to find the line, and rewrite each error into one message a content designer can
act on ("step 'x': unknown key 'nxt' (expected one of: ...; did you mean 'next'?)"). A step that
does not have exactly one kind key is explained once, as that, instead of by every variant.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.flows.kinds import registry
from bot.flows.kinds.base import ATTACHMENT_KEYS
from bot.flows.loading.schema import SCHEMA_FILE, build_schema
from bot.flows.loading.yamlnodes import key_line, line_for_path, to_plain, type_name
from bot.flows.model import Location, Problem

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


def format_problems(file: str, root: Any) -> List[Problem]:
    """Validate ``root`` (a ruamel tree) against the schema generated from the step kinds."""
    return schema_problems(file, root, SCHEMA_FILE)


def schema_problems(file: str, root: Any, schema_path: Path) -> List[Problem]:
    """Validate ``root`` (a ruamel tree) against the schema at ``schema_path``.

    Returns:
        One Problem per schema error with the line of the offending node. If the schema file
        itself is broken, a single warning (so a bad schema never blocks all flows).
    """
    validator, broken = _validator(Path(schema_path))
    if broken is not None:
        return [Problem(Location(file, 1), broken, severity="warning")]
    if validator is None:
        return []
    problems, explained = _kind_count_problems(file, root)
    unknown: set = set()
    said = {(p.location.line, p.message) for p in problems}
    for error in sorted(validator.iter_errors(to_plain(root)), key=lambda e: list(map(str, e.absolute_path))):
        if any(tuple(error.absolute_path)[: len(step)] == step for step in explained):
            continue
        for problem in _explain(file, root, error):
            # One message per misspelt key, even when several schema rules reject it.
            key = (problem.location.line, problem.message.split("(expected")[0])
            if "unknown key" in problem.message:
                if key in unknown:
                    continue
                unknown.add(key)
            # Several rules can check the same node (e.g. a link card via the step and its kind).
            if (problem.location.line, problem.message) in said:
                continue
            said.add((problem.location.line, problem.message))
            problems.append(problem)
    return problems


def _kind_count_problems(file: str, root: Any) -> Tuple[List[Problem], List[Tuple[Any, ...]]]:
    """Steps without exactly one kind key: one message each (and the paths explained)."""
    problems: List[Problem] = []
    explained: List[Tuple[Any, ...]] = []
    flows = root.get("flows") if isinstance(root, dict) else None
    for flow_id, flow in (flows or {}).items() if isinstance(flows, dict) else ():
        steps = flow.get("steps") if isinstance(flow, dict) else None
        for index, item in enumerate(steps if isinstance(steps, list) else ()):
            if not isinstance(item, dict):
                continue
            kinds = registry.kinds_in(item)
            if len(kinds) == 1:
                continue
            path = ("flows", flow_id, "steps", index)
            at = line_for_path(root, path)
            step_id = item.get("id")
            where = f"step '{step_id}'" if isinstance(step_id, str) else f"flow '{flow_id}', step {index + 1}"
            found = f"found {', '.join(k.name for k in kinds)}" if kinds else "found none"
            every = ", ".join(registry.names())
            problems.append(Problem(Location(file, at), f"{where}: a step must have exactly one of: {every} ({found})"))
            if not kinds:
                # Usually a misspelt kind ("sya:"): point at the key and suggest the fix.
                every_key = {k for kind in registry.all_kinds() for k in kind.keys()}
                for key in item:
                    if key not in every_key:
                        problems.append(Problem(Location(file, key_line(item, key, at)),
                                                f"{where}: {unknown_key(key, every_key)}"))
            explained.append(path)
    return problems, explained


def unknown_key(key: Any, allowed: Iterable[str]) -> str:
    """"unknown key 'nxt' (expected one of: ...; did you mean 'next'?)" for a misspelt key."""
    allowed = sorted(map(str, allowed))
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    guess = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}' (expected one of: {', '.join(allowed)}{guess})"


def _step_kind(root: Any, path: Sequence[Any]) -> Any:
    """The kind of the step ``path`` points into, if it is a step with exactly one kind."""
    if len(path) >= 4 and path[0] == "flows" and path[2] == "steps" and isinstance(path[3], int):
        item = _node_at(root, path[:4])
        if isinstance(item, dict):
            kinds = registry.kinds_in(item)
            if len(kinds) == 1:
                return kinds[0]
    return None


def _explain(file: str, root: Any, error: Any) -> List[Problem]:
    if error.validator in ("oneOf", "anyOf") and error.context:
        return [p for sub in _closest_branch(error.context) for p in _explain(file, root, sub)]
    path = list(error.absolute_path)
    prefix, field = _describe_path(root, path)
    line = line_for_path(root, path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance

    def problem(message: str, at: int = line) -> Problem:
        return Problem(Location(file, at), f"{prefix}{message}")

    if "propertyNames" in list(error.absolute_schema_path) and isinstance(instance, str):
        # jsonschema reports a bad key with the mapping's path and the key as the instance.
        node = _node_at(root, path)
        at = key_line(node, instance, line)
        step_kind = _step_kind(root, path)
        if step_kind is not None and len(path) == 4:
            # A key the step's kind does not take: said the way the step's kind explains it.
            step_where = prefix.split(" ", 1)[1] if prefix.startswith(f"{step_kind.name} step") else prefix
            if instance == "next" and step_kind.ends:
                return [Problem(Location(file, at), f"{step_where}a {step_kind.name} step ends the flow, so it cannot have 'next'")]
            if instance in ATTACHMENT_KEYS and not step_kind.attachments:
                with_cards = ", ".join(k.name for k in registry.all_kinds() if k.attachments)
                with_cards = " and".join(with_cards.rsplit(",", 1))
                return [Problem(Location(file, at), f"{step_where}a link card ({{title, url}}) is only allowed on {with_cards} steps")]
            return [Problem(Location(file, at), f"{step_where}{unknown_key(instance, step_kind.keys())}")]
        where = f"{field}: " if field else ""
        if kind == "enum":
            return [problem(f"{where}{unknown_key(instance, value)}", at)]
        return [problem(f"{where}unknown key '{instance}'", at)]
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list((error.schema.get("properties") or {}).keys())
        patterns = list((error.schema.get("patternProperties") or {}).keys())
        node = _node_at(root, path)
        extras = [k for k in instance if k not in allowed and not any(re.search(p, str(k)) for p in patterns)]
        where = f"{field}: " if field else ""
        if not allowed:
            return [problem(f"{where}unknown key '{k}'", key_line(node, k, line)) for k in extras]
        return [problem(f"{where}{unknown_key(k, allowed)}", key_line(node, k, line)) for k in extras]
    if kind == "required" and isinstance(instance, dict):
        where = f"{field}: " if field else ""
        properties = error.schema.get("properties") or {}
        why = error.schema.get("description")

        def need(key: str) -> str:
            about = (properties.get(key) or {}).get("description") or why
            return f"{where}missing required key '{key}'" + (f" ({about.rstrip('.')})" if about else "")

        return [problem(need(k)) for k in value if k not in instance]
    if kind == "contains" and path and path[-1] == "next":
        return [problem("a conditional 'next' must end with an {else: <step id or END>} item")]
    if kind == "not" and path and path[-1] == "id" and instance == "END":
        return [problem("'END' is reserved (it means: the flow ends)")]
    subject = field or "value"
    if kind == "enum":
        return [problem(f"{subject} must be one of {', '.join(map(str, value))} (found {instance!r})")]
    if kind == "const":
        return [problem(f"{subject} must be {value!r} (found {instance!r})")]
    if kind == "type":
        types = value if isinstance(value, list) else [value]
        wanted = " or ".join(_JSON_TYPES.get(t, t) for t in types)
        keys = sorted(map(str, (error.schema.get("properties") or {}).keys()))
        if types == ["object"] and keys:
            wanted = f"a mapping with {', '.join(keys)}"
        return [problem(f"{subject} must be {wanted} (found {type_name(instance)})")]
    if kind == "pattern":
        about = error.schema.get("description")
        why = f" ({about.rstrip('.')})" if about else ""
        return [problem(f"{subject} {instance!r} does not match the required pattern {value}{why}")]
    if kind in ("minItems", "minProperties"):
        count = "one item" if value == 1 else f"{value} items"
        return [problem(f"{subject} must have at least {count}")]
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

    A branch whose type and discriminating keys matched (no ``type``/``required``/``const``/
    ``enum`` error at the branch's own level) wins; among those, the one with the fewest errors.
    """
    branches: Dict[Any, List[Any]] = defaultdict(list)
    for error in errors:
        branch = error.relative_schema_path[0] if error.relative_schema_path else 0
        branches[branch].append(error)

    def score(item: Tuple[Any, List[Any]]) -> Tuple[int, int]:
        _, errs = item
        mismatched = any(
            e.validator in ("required", "const", "enum", "type") and not list(e.relative_path) for e in errs
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
