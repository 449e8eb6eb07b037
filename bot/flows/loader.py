"""Load flow files (YAML) into the model, reporting every problem with its file and line.

Two layers of validation run on each file:

1. the JSON Schema in ``bot/flows/schema.json`` (when present) — the shared, declarative
   description of the format that editors and the linter also use;
2. the loader's own checks — everything the engine relies on (exactly one step kind, known
   keys, valid ``next`` targets, conditional ``next`` shape, expression syntax, regexes …).

Both report ``Problem(Location(file, line), message)``. When both complain about the same line
only the loader's own (more specific) message is kept. A file with any error contributes no
flows, so the engine only ever sees flows it can run.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from .expr import ExprError, parse
from .model import (
    ANSWER_TYPES,
    END,
    PRIORITIES,
    STEP_KINDS,
    Answer,
    Branch,
    Flow,
    FlowSet,
    Location,
    Next,
    Option,
    Problem,
    Step,
    Trigger,
)
from .schema_check import scoped_schema_problems
from .yamlnodes import item_line, key_line, node_line, to_plain, type_name

SCHEMA_PATH = Path(__file__).with_name("schema.json")
FLOW_FILE_SUFFIXES = (".yml", ".yaml")
# Data files that live next to the flows but are not flows themselves.
DATA_FILES = frozenset({"error_codes.yml", "error_codes.yaml"})

DEFAULT_CONFIRM = "You said {answer}, so I'll go with that."
DEFAULT_TEAM = "service-desk"
DEFAULT_PRIORITY = "normal"
MAX_TOP = 10

_ATTACHMENT_KEYS = ("image", "link")
_RETRY_KEYS = ("hint", "max_attempts", "on_give_up")
ALLOWED_STEP_KEYS: Dict[str, Tuple[str, ...]] = {
    "say": ("id", "say", "next") + _ATTACHMENT_KEYS,
    "ask": ("id", "ask", "save_as", "answer", "next", "fill_from", "confirm") + _RETRY_KEYS + _ATTACHMENT_KEYS,
    "kb": ("id", "kb", "top", "next"),
    "action": ("id", "action", "args", "save_as", "next"),
    "escalate": ("id", "escalate"),
    # resolve re-asks with a default hint; it takes no retry options (same as the schema).
    "resolve": ("id", "resolve", "next") + _ATTACHMENT_KEYS,
    "link": ("id", "link"),
    "call": ("id", "call", "next"),
}
FLOW_KEYS = ("description", "triggers", "steps")
TRIGGER_KEYS = ("intent", "entities")
ANSWER_KEYS = ("type", "options", "pattern", "min", "max", "unsure")
ESCALATE_KEYS = ("team", "priority", "summary")
_ENDING_KINDS = ("escalate", "link")


# --------------------------------------------------------------------------------------------
# Public API


def is_flow_file(path: Path) -> bool:
    """Whether ``path`` is treated as a flow file (YAML, not a known data file, not hidden)."""
    name = path.name
    return (
        path.suffix in FLOW_FILE_SUFFIXES
        and name not in DATA_FILES
        and not name.startswith((".", "_"))
    )


def flow_files(directory: Path) -> List[Path]:
    """The flow files directly inside ``directory``, sorted by name."""
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return []
    return sorted((p for p in entries if p.is_file() and is_flow_file(p)), key=lambda p: p.name)


def load_flow_file(
    path: Path, *, schema_path: Optional[Path] = SCHEMA_PATH
) -> Tuple[List[Flow], List[Problem]]:
    """Load one flow file.

    Args:
        path: the YAML file.
        schema_path: JSON Schema to validate against; skipped when None or missing.

    Returns:
        The file's flows (empty when the file has any error) and every problem found, sorted by
        line. Cross-file checks (duplicate flow ids, link/call targets) are done by
        ``load_flows``.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(Location(str(path), 1), f"cannot read file: {exc}")]
    flows, problems, _ = _load_text(str(path), text, schema_path)
    return flows, problems


def load_flows(
    directory: Path, *, schema_path: Optional[Path] = SCHEMA_PATH
) -> Tuple[FlowSet, List[Problem]]:
    """Load every flow file in ``directory``.

    Files with errors contribute no flows, and neither do files whose ``link``/``call`` steps
    point at flows that are missing or were rejected (applied until nothing changes), so every
    flow in the result can run.

    Args:
        directory: folder holding ``<flow_id>.yml`` files.
        schema_path: JSON Schema to validate against; skipped when None or missing.

    Returns:
        The FlowSet (fingerprint = sha256 over the flow files' names and contents) and all
        problems, errors and warnings, in file order.
    """
    directory = Path(directory)
    if not directory.is_dir():
        problem = Problem(Location(str(directory), 1), "flow directory does not exist")
        return FlowSet({}, _fingerprint([])), [problem]

    digest_input: List[Tuple[str, bytes]] = []
    problems: List[Problem] = []
    accepted: Dict[str, List[Flow]] = {}  # file → flows, in file order
    references: Dict[str, List[Tuple[Step, str]]] = {}
    defined_at: Dict[str, Location] = {}
    rejected_ids: Set[str] = set()

    for path in flow_files(directory):
        file = str(path)
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(Location(file, 1), f"cannot read file: {exc}"))
            continue
        digest_input.append((path.name, raw))
        flows, file_problems, declared = _load_text(file, text, schema_path)
        problems.extend(file_problems)
        duplicates = [
            Problem(f.location, f"flow '{f.id}' is already defined at {defined_at[f.id]}")
            for f in flows
            if f.id in defined_at
        ]
        problems.extend(duplicates)
        if flows and not duplicates:
            accepted[file] = flows
            references[file] = [(s, s.kind) for f in flows for s in f.steps if s.kind in ("link", "call")]
            for flow in flows:
                defined_at[flow.id] = flow.location
        else:
            # A file that did not even parse declares nothing; by convention it is <flow_id>.yml.
            rejected_ids.update(i for i in (declared or [path.stem]) if i not in defined_at)

    problems.extend(_drop_files_with_dangling_references(accepted, references, rejected_ids))
    flows_by_id = {flow.id: flow for flows in accepted.values() for flow in flows}
    return FlowSet(flows_by_id, _fingerprint(digest_input)), problems


def _drop_files_with_dangling_references(
    accepted: Dict[str, List[Flow]],
    references: Dict[str, List[Tuple[Step, str]]],
    rejected_ids: Set[str],
) -> List[Problem]:
    problems: List[Problem] = []
    changed = True
    while changed:
        changed = False
        available = {flow.id for flows in accepted.values() for flow in flows}
        for file in list(accepted):
            file_problems = []
            for step, kind in references[file]:
                target = step.body
                if target in available:
                    continue
                if target in rejected_ids:
                    why = f"flow '{target}' could not be loaded (see its errors)"
                else:
                    why = f"there is no flow '{target}'"
                file_problems.append(Problem(step.location, f"step '{step.id}': {kind} target: {why}"))
            if file_problems:
                problems.extend(file_problems)
                rejected_ids.update(f.id for f in accepted.pop(file))
                changed = True
    return problems


def _fingerprint(files: Sequence[Tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, raw in sorted(files):
        encoded = name.encode("utf-8")
        # Length-prefix both parts so ("ab", "c") and ("a", "bc") cannot collide.
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
        digest.update(len(raw).to_bytes(8, "big") + raw)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# YAML with line numbers


def _load_text(
    file: str, text: str, schema_path: Optional[Path]
) -> Tuple[List[Flow], List[Problem], List[str]]:
    """Parse and validate one file's text; returns flows, problems and the flow ids declared."""
    root, syntax_problem = _parse_yaml(file, text)
    if syntax_problem is not None:
        return [], [syntax_problem], []
    builder = _Builder(file)
    flows = builder.build_file(root)
    own = builder.problems
    from_schema = scoped_schema_problems(file, root, schema_path) if schema_path is not None else []
    # Where the loader already explained a line or a whole step, schema messages are noise.
    covered = {p.location.line for p in own} | builder.error_scopes
    problems = own + [p for p, scope in from_schema if p.location.line not in covered and scope not in covered]
    problems = _dedupe(sorted(problems, key=lambda p: p.location.line))
    if any(p.severity == "error" for p in problems):
        flows = []
    return flows, problems, builder.declared_ids


def _dedupe(problems: Iterable[Problem]) -> List[Problem]:
    seen: Set[Tuple[int, str]] = set()
    unique = []
    for problem in problems:
        key = (problem.location.line, problem.message)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _parse_yaml(file: str, text: str) -> Tuple[Any, Optional[Problem]]:
    from ruamel.yaml import YAML  # lazily: keeps importing bot.flows cheap
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    try:
        return yaml.load(text), None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        column = f", column {mark.column + 1}" if mark is not None else ""
        what = " ".join(x for x in (exc.context, exc.problem) if x) or str(exc)
        return None, Problem(Location(file, line), f"YAML syntax error: {what} (line {line}{column})")
    except YAMLError as exc:
        return None, Problem(Location(file, 1), f"YAML syntax error: {exc}")


def _expected(keys: Iterable[str]) -> str:
    return ", ".join(sorted(keys))


def unknown_key(key: Any, allowed: Iterable[str]) -> str:
    """"unknown key 'nxt' (expected one of: ...; did you mean 'next'?)" for a misspelt key."""
    allowed = sorted(allowed)
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    guess = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}' (expected one of: {', '.join(allowed)}{guess})"


# --------------------------------------------------------------------------------------------
# Building the model (and the loader's own checks)


class _Builder:
    """Builds Flow objects from one file's YAML tree, collecting problems as it goes."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: List[Problem] = []
        self.declared_ids: List[str] = []
        self.error_scopes: Set[int] = set()  # lines of steps/triggers that had errors

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(Location(self.file, line), message))

    def loc(self, line: int) -> Location:
        return Location(self.file, line)

    # -- file / flow ---------------------------------------------------------------------------

    def build_file(self, root: Any) -> List[Flow]:
        if root is None:
            self.error(1, "the file is empty (expected a top-level 'flows:' mapping)")
            return []
        if not isinstance(root, dict):
            self.error(node_line(root), f"expected a top-level 'flows:' mapping, found {type_name(root)}")
            return []
        for key in root:
            if key != "flows":
                self.error(key_line(root, key), f"unknown top-level key '{key}' (expected: flows)")
        if "flows" not in root:
            self.error(node_line(root), "missing top-level key 'flows'")
            return []
        flows_node = root["flows"]
        if not isinstance(flows_node, dict) or not flows_node:
            self.error(
                key_line(root, "flows"),
                "'flows' must be a mapping of flow id → flow (found "
                f"{'an empty mapping' if isinstance(flows_node, dict) else type_name(flows_node)})",
            )
            return []
        flows = []
        for flow_id, body in flows_node.items():
            line = key_line(flows_node, flow_id)
            if not isinstance(flow_id, str) or not flow_id.strip():
                self.error(line, f"flow id must be text, found {type_name(flow_id)}")
                continue
            self.declared_ids.append(flow_id)
            flow = self.build_flow(flow_id, body, line)
            if flow is not None:
                flows.append(flow)
        return flows

    def build_flow(self, flow_id: str, body: Any, line: int) -> Optional[Flow]:
        where = f"flow '{flow_id}'"
        if not isinstance(body, dict):
            self.error(line, f"{where}: expected a mapping with {_expected(FLOW_KEYS)}, found {type_name(body)}")
            return None
        for key in body:
            if key not in FLOW_KEYS:
                self.error(key_line(body, key), f"{where}: {unknown_key(key, FLOW_KEYS)}")
        ok = True
        description = body.get("description")
        if not isinstance(description, str) or not description.strip():
            self.error(
                key_line(body, "description", line),
                f"{where}: 'description' is required and must be text (a one-line summary shown to users)",
            )
            ok = False
        triggers = self.build_triggers(where, body, line)
        steps = self.build_steps(where, body, line)
        if not ok or triggers is None or steps is None:
            return None
        return Flow(flow_id, str(description).strip(), triggers, steps, self.loc(line))

    def build_triggers(self, where: str, body: Mapping[str, Any], line: int) -> Optional[Tuple[Trigger, ...]]:
        node = body.get("triggers")
        if not isinstance(node, list) or not node:
            self.error(
                key_line(body, "triggers", line),
                f"{where}: 'triggers' must be a list with at least one {{intent: ...}} item",
            )
            return None
        triggers: List[Trigger] = []
        ok = True
        for index, item in enumerate(node):
            item_at = item_line(node, index)
            label = f"{where}, trigger {index + 1}"
            before = len(self.problems)
            triggers.extend(self.build_trigger(label, item, item_at))
            if len(self.problems) != before:
                self.error_scopes.add(item_at)
                ok = False
        return tuple(triggers) if ok else None

    def build_trigger(self, label: str, item: Any, item_at: int) -> List[Trigger]:
        """One trigger, as a list that is empty when the trigger has errors."""
        if not isinstance(item, dict):
            self.error(item_at, f"{label}: expected a mapping like {{intent: name}}, found {type_name(item)}")
            return []
        for key in item:
            if key not in TRIGGER_KEYS:
                self.error(key_line(item, key, item_at), f"{label}: {unknown_key(key, TRIGGER_KEYS)}")
        intent = item.get("intent")
        if not isinstance(intent, str) or not intent.strip():
            self.error(key_line(item, "intent", item_at), f"{label}: 'intent' is required and must be an intent name")
            return []
        guards = self.build_guards(label, item, item_at)
        if guards is None:
            return []
        return [Trigger(intent.strip(), guards, self.loc(item_at))]

    def build_guards(self, label: str, item: Mapping[str, Any], item_at: int) -> Optional[Dict[str, Tuple[str, ...]]]:
        node = item.get("entities")
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.error(key_line(item, "entities", item_at), f"{label}: 'entities' must map entity name → value or list of values")
            return None
        guards: Dict[str, Tuple[str, ...]] = {}
        ok = True
        for entity, values in node.items():
            values = values if isinstance(values, list) else [values]
            if not values or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
                self.error(key_line(node, entity, item_at), f"{label}: entity '{entity}' must list one or more text values")
                ok = False
                continue
            guards[str(entity)] = tuple(str(v) for v in values)
        return guards if ok else None

    # -- steps ---------------------------------------------------------------------------------

    def build_steps(self, where: str, body: Mapping[str, Any], line: int) -> Optional[Tuple[Step, ...]]:
        node = body.get("steps")
        if not isinstance(node, list) or not node:
            self.error(key_line(body, "steps", line), f"{where}: 'steps' must be a non-empty list of steps")
            return None
        ids: List[Optional[str]] = []
        seen: Dict[str, int] = {}
        ok = True
        for index, item in enumerate(node):
            at = item_line(node, index)
            before = len(self.problems)
            step_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item, dict):
                self.error(at, f"{where}, step {index + 1}: expected a mapping with an 'id' and one of: {', '.join(STEP_KINDS)}")
                ok = False
            elif not isinstance(step_id, str) or not step_id.strip():
                self.error(key_line(item, "id", at), f"{where}, step {index + 1}: 'id' is required and must be text")
                ok = False
                step_id = None
            elif step_id == END:
                self.error(key_line(item, "id", at), f"step '{step_id}': 'END' is reserved (it means: the flow ends)")
                ok = False
            elif step_id in seen:
                self.error(key_line(item, "id", at), f"step '{step_id}': duplicate step id (first defined at line {seen[step_id]})")
                ok = False
            else:
                seen[step_id] = key_line(item, "id", at)
            ids.append(step_id if isinstance(step_id, str) else None)
            if len(self.problems) != before:
                self.error_scopes.add(at)

        known = set(seen)
        steps: List[Step] = []
        for index, item in enumerate(node):
            if not isinstance(item, dict) or ids[index] is None:
                continue
            following = ids[index + 1] or END if index + 1 < len(ids) else END
            step = self.build_step(str(ids[index]), item, item_line(node, index), following, known)
            if step is None:
                self.error_scopes.add(item_line(node, index))
                ok = False
            else:
                steps.append(step)
        return tuple(steps) if ok else None

    def build_step(self, step_id: str, item: Mapping[str, Any], at: int, following: str, known: Set[str]) -> Optional[Step]:
        where = f"step '{step_id}'"
        kinds = [k for k in STEP_KINDS if k in item and not (k == "link" and isinstance(item[k], dict))]
        if len(kinds) != 1:
            found = f"found {', '.join(kinds)}" if kinds else "found none"
            self.error(at, f"{where}: a step must have exactly one of: {', '.join(STEP_KINDS)} ({found})")
            if not kinds:
                # Usually a misspelt kind ("sya:"): point at the key and suggest the fix.
                every_key = {k for keys in ALLOWED_STEP_KEYS.values() for k in keys}
                for key in item:
                    if key not in every_key:
                        self.error(key_line(item, key, at), f"{where}: {unknown_key(key, every_key)}")
            return None
        kind = kinds[0]
        allowed = ALLOWED_STEP_KEYS[kind]
        errors_before = len(self.problems)
        for key in item:
            if key in allowed:
                continue
            if key == "next" and kind in _ENDING_KINDS:
                self.error(key_line(item, key, at), f"{where}: a {kind} step ends the flow, so it cannot have 'next'")
            elif key == "link" and kind not in ("say", "ask", "resolve"):
                self.error(key_line(item, key, at), f"{where}: a link card ({{title, url}}) is only allowed on say, ask and resolve steps")
            else:
                self.error(key_line(item, key, at), f"{where}: {unknown_key(key, allowed)}")

        fields: Dict[str, Any] = {}
        body = getattr(self, f"_body_{kind}")(where, item, at, fields, known)
        if kind in ("say", "ask", "resolve"):
            self._attachments(where, item, at, fields)
        if kind == "ask":
            self._retry(where, kind, item, at, fields, known)
            self._understanding(where, item, at, fields)
        if kind in _ENDING_KINDS:
            nxt = Next(target=END, implicit=True)
        else:
            nxt = self._next(where, item, at, following, known)
        if len(self.problems) != errors_before:
            return None
        return Step(id=step_id, kind=kind, body=body, next=nxt, location=self.loc(at), **fields)

    def _text(self, where: str, item: Mapping[str, Any], key: str, at: int, what: str) -> Optional[str]:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            self.error(key_line(item, key, at), f"{where}: '{key}' must be {what}, found {type_name(value)}")
            return None
        return str(value)

    def _body_say(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> Any:
        return self._text(where, item, "say", at, "the message text")

    def _body_resolve(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> Any:
        return self._text(where, item, "resolve", at, "the yes/no question, e.g. \"Did that fix it?\"")

    def _body_kb(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> Any:
        top = item.get("top", 3)
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
            self.error(key_line(item, "top", at), f"{where}: 'top' must be a whole number from 1 to {MAX_TOP}")
        else:
            fields["top"] = int(top)
        return self._text(where, item, "kb", at, "the search query (may use {placeholders})")

    def _body_action(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> Any:
        name = self._text(where, item, "action", at, "the name of a check, e.g. check_service_status")
        args = item.get("args", {})
        if args is None:
            args = {}
        if not isinstance(args, dict):
            self.error(key_line(item, "args", at), f"{where}: 'args' must be a mapping of argument → value")
        else:
            for key, value in args.items():
                if isinstance(value, (dict, list)):
                    self.error(key_line(args, key, at), f"{where}: args.{key} must be a single value (text, number, true/false)")
            fields["args"] = to_plain(args)
        fields["save_as"] = self._save_as(where, item, at) or None
        return name

    def _body_ask(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> Any:
        text = self._text(where, item, "ask", at, "the question text")
        fields["save_as"] = self._save_as(where, item, at)
        fields["answer"] = self._answer(f"ask {where}", item, at)
        return text

    def _body_escalate(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> Any:
        node = item.get("escalate")
        line = key_line(item, "escalate", at)
        if node is None:
            node = {}
        if not isinstance(node, dict):
            self.error(line, f"{where}: 'escalate' must be a mapping with {_expected(ESCALATE_KEYS)}")
            return None
        for key in node:
            if key not in ESCALATE_KEYS:
                self.error(key_line(node, key, line), f"{where}: escalate: {unknown_key(key, ESCALATE_KEYS)}")
        team = node.get("team", DEFAULT_TEAM)
        if not isinstance(team, str) or not team.strip():
            self.error(key_line(node, "team", line), f"{where}: escalate.team must be a team name")
        priority = node.get("priority", DEFAULT_PRIORITY)
        if priority not in PRIORITIES:
            self.error(key_line(node, "priority", line), f"{where}: escalate.priority must be one of {', '.join(PRIORITIES)} (found {priority!r})")
        summary = node.get("summary", "")
        if summary is None:
            summary = ""
        if not isinstance(summary, str):
            self.error(key_line(node, "summary", line), f"{where}: escalate.summary must be text (may use {{placeholders}})")
        return {"team": str(team).strip(), "priority": str(priority), "summary": str(summary)}

    def _body_link(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> Any:
        return self._text(where, item, "link", at, "the id of the flow to continue in")

    def _body_call(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> Any:
        return self._text(where, item, "call", at, "the id of the flow to run before continuing")

    def _save_as(self, where: str, item: Mapping[str, Any], at: int) -> Optional[str]:
        save_as = item.get("save_as", item.get("id"))
        if not isinstance(save_as, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", save_as):
            self.error(
                key_line(item, "save_as", at),
                f"{where}: 'save_as' must be a name of letters, digits and _ (it is used as {{name}} in "
                "templates and conditions)",
            )
            return None
        return save_as

    def _attachments(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any]) -> None:
        if "image" in item:
            image = item["image"]
            if not isinstance(image, str) or not image.strip():
                self.error(key_line(item, "image", at), f"{where}: 'image' must be an image URL")
            else:
                fields["image"] = str(image).strip()
        if "link" in item:
            link = item["link"]
            if not isinstance(link, dict) or set(link) != {"title", "url"} or not all(
                isinstance(v, str) and v.strip() for v in link.values()
            ):
                self.error(key_line(item, "link", at), f"{where}: 'link' must be {{title: text, url: text}}")
            else:
                fields["link"] = {"title": str(link["title"]), "url": str(link["url"])}

    def _retry(self, where: str, kind: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> None:
        if "hint" in item:
            hint = item["hint"]
            if not isinstance(hint, str) or not hint.strip():
                self.error(key_line(item, "hint", at), f"{where}: 'hint' must be text shown when an answer is not understood")
            else:
                fields["hint"] = str(hint)
        if "max_attempts" in item:
            attempts = item["max_attempts"]
            if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
                self.error(key_line(item, "max_attempts", at), f"{where}: 'max_attempts' must be a whole number ≥ 1")
            else:
                fields["max_attempts"] = int(attempts)
        if "on_give_up" in item:
            target = item["on_give_up"]
            if not isinstance(target, str) or (target not in known and target != END):
                self.error(
                    key_line(item, "on_give_up", at),
                    f"{where}: on_give_up must be a step id of this flow or END (found {target!r}; steps: {_expected(known)})",
                )
            else:
                fields["on_give_up"] = str(target)

    def _answer(self, where: str, item: Mapping[str, Any], at: int) -> Optional[Answer]:
        node = item.get("answer")
        if node is None:
            return Answer()
        line = key_line(item, "answer", at)
        if not isinstance(node, dict):
            self.error(line, f"{where}: 'answer' must be a mapping with type: {', '.join(ANSWER_TYPES)}")
            return None
        for key in node:
            if key not in ANSWER_KEYS:
                self.error(key_line(node, key, line), f"{where}: answer: {unknown_key(key, ANSWER_KEYS)}")
        kind = node.get("type", "text")
        if kind not in ANSWER_TYPES:
            self.error(key_line(node, "type", line), f"{where}: answer.type must be one of {', '.join(ANSWER_TYPES)} (found {kind!r})")
            return None
        owners = {"options": "choice", "pattern": "regex", "min": "number", "max": "number"}
        for key, owner in owners.items():
            if key in node and kind != owner:
                self.error(key_line(node, key, line), f"{where}: answer.{key} is only used with type: {owner} (this answer is type: {kind})")
        options = self._options(where, node, line) if kind == "choice" else ()
        pattern = self._pattern(where, node, line) if kind == "regex" else None
        minimum = self._bound(where, node, "min", line) if kind == "number" else None
        maximum = self._bound(where, node, "max", line) if kind == "number" else None
        if minimum is not None and maximum is not None and minimum > maximum:
            self.error(key_line(node, "min", line), f"{where}: answer.min ({minimum:g}) is greater than answer.max ({maximum:g})")
        unsure = self._unsure(where, node, line, kind, options or ())
        return Answer(type=kind, options=options or (), pattern=pattern, minimum=minimum, maximum=maximum, unsure=unsure)

    def _unsure(self, where: str, node: Mapping[str, Any], line: int, kind: str, options: Sequence[Option]) -> Optional[str]:
        """``answer.unsure``: what "not sure" means (an option value, yes/no, or a text to save)."""
        if "unsure" not in node:
            return None
        value = node["unsure"]
        at = key_line(node, "unsure", line)
        if isinstance(value, bool) and kind == "yes_no":
            return "yes" if value else "no"
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
            self.error(at, f"{where}: answer.unsure must be the value saved when the person is not sure")
            return None
        text = str(value)
        if kind == "choice" and text not in {o.value for o in options}:
            self.error(at, f"{where}: answer.unsure {text!r} is not an option value (options: {_expected(o.value for o in options)})")
        if kind == "yes_no" and text.casefold() not in ("yes", "no"):
            self.error(at, f"{where}: answer.unsure of a yes_no answer must be yes or no (found {text!r})")
        return text

    def _understanding(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any]) -> None:
        """``fill_from`` (entity names and/or ``messages``) and ``confirm`` (true or a template)."""
        if "fill_from" in item:
            value = item["fill_from"]
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
                self.error(
                    key_line(item, "fill_from", at),
                    f"{where}: fill_from must list what may answer this question before it is asked: "
                    "'messages' and/or entity names (e.g. [messages, os])",
                )
            else:
                fields["fill_from"] = tuple(str(v).strip() for v in values)
        if "confirm" in item:
            value = item["confirm"]
            if value is True:
                fields["confirm"] = DEFAULT_CONFIRM
            elif value is False:
                fields["confirm"] = None
            elif isinstance(value, str) and value.strip():
                fields["confirm"] = value
            else:
                self.error(key_line(item, "confirm", at), f"{where}: confirm must be true or the confirmation line (e.g. \"You said {{answer}} — noted.\")")
            if "fill_from" not in item:
                self.error(key_line(item, "confirm", at), f"{where}: confirm is only used with fill_from (it confirms an answer taken from earlier messages)")

    def _options(self, where: str, node: Mapping[str, Any], line: int) -> Tuple[Option, ...]:
        items = node.get("options")
        if not isinstance(items, list) or not items:
            self.error(key_line(node, "options", line), f"{where}: a choice answer needs 'options': a list of {{label, value}}")
            return ()
        options: List[Option] = []
        seen: Set[str] = set()
        for index, option in enumerate(items):
            at = item_line(items, index, line)
            synonyms: Tuple[str, ...] = ()
            if isinstance(option, (str, int, float)) and not isinstance(option, bool):
                label = value = str(option)
            elif isinstance(option, dict) and isinstance(option.get("label"), (str, int, float)):
                extra = set(option) - {"label", "value", "synonyms"}
                if extra:
                    self.error(at, f"{where}: option {index + 1}: unknown key '{sorted(extra)[0]}' (expected one of: label, value, synonyms)")
                label = str(option["label"])
                value = str(option.get("value", label))
                synonyms = self._synonyms(where, index, option, at)
            else:
                self.error(at, f"{where}: option {index + 1} must be {{label: text, value: text}}")
                continue
            if value.casefold() in seen:
                self.error(at, f"{where}: option value {value!r} is used twice")
            seen.add(value.casefold())
            options.append(Option(label=label, value=value, synonyms=synonyms, location=self.loc(at)))
        return tuple(options)

    def _synonyms(self, where: str, index: int, option: Mapping[str, Any], at: int) -> Tuple[str, ...]:
        """An option's ``synonyms``: words or phrases people use for it ("iphone", "wfh")."""
        if "synonyms" not in option:
            return ()
        value = option["synonyms"]
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip() for v in values):
            self.error(at, f"{where}: option {index + 1}: synonyms must be a list of words or phrases, e.g. [iphone, android]")
            return ()
        return tuple(str(v).strip() for v in values)

    def _pattern(self, where: str, node: Mapping[str, Any], line: int) -> Optional[str]:
        pattern = node.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            self.error(key_line(node, "pattern", line), f"{where}: a regex answer needs 'pattern' (a regular expression)")
            return None
        try:
            re.compile(pattern)
        except re.error as exc:
            self.error(key_line(node, "pattern", line), f"{where}: answer.pattern is not a valid regular expression: {exc}")
            return None
        return pattern

    def _bound(self, where: str, node: Mapping[str, Any], key: str, line: int) -> Optional[float]:
        if key not in node or node[key] is None:
            return None
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(key_line(node, key, line), f"{where}: answer.{key} must be a number")
            return None
        return float(value)

    # -- next ----------------------------------------------------------------------------------

    def _next(self, where: str, item: Mapping[str, Any], at: int, following: str, known: Set[str]) -> Next:
        if "next" not in item or item["next"] is None:
            return Next(target=following, implicit=True)
        node = item["next"]
        line = key_line(item, "next", at)
        location = self.loc(line)
        if isinstance(node, str):
            self._target(where, "next", node, line, known)
            return Next(target=node, location=location)
        if not isinstance(node, list) or not node:
            self.error(
                line,
                f"{where}: 'next' must be a step id, END, or a list of {{if: <condition>, then: <step>}} "
                "items ending with {else: <step>}",
            )
            return Next(target=following, implicit=True)
        branches: List[Branch] = []
        for index, arm in enumerate(node):
            arm_line = item_line(node, index, line)
            last = index == len(node) - 1
            if isinstance(arm, dict) and set(arm) == {"else"}:
                if not last:
                    self.error(arm_line, f"{where}: the {{else: ...}} item must be the last item of 'next'")
                self._target(where, "else", arm["else"], arm_line, known)
                branches.append(Branch(None, str(arm["else"]), self.loc(arm_line)))
                continue
            if not isinstance(arm, dict) or set(arm) != {"if", "then"}:
                keys = ", ".join(sorted(map(str, arm))) if isinstance(arm, dict) else type_name(arm)
                self.error(arm_line, f"{where}: each 'next' item must be {{if: <condition>, then: <step>}} or {{else: <step>}} (found {keys})")
                continue
            condition = arm["if"]
            if isinstance(condition, bool):
                condition = "true" if condition else "false"
            if not isinstance(condition, str):
                self.error(key_line(arm, "if", arm_line), f"{where}: 'if' must be a condition such as: answer == \"yes\"")
                continue
            try:
                parse(condition)
            except ExprError as exc:
                self.error(key_line(arm, "if", arm_line), f"{where}: condition {condition!r} is invalid at column {exc.column}: {exc.message}")
            self._target(where, "then", arm["then"], arm_line, known)
            branches.append(Branch(str(condition), str(arm["then"]), self.loc(arm_line)))
        if not branches or branches[-1].condition is not None:
            self.error(line, f"{where}: a conditional 'next' must end with an {{else: <step id or END>}} item")
        return Next(branches=tuple(branches), location=location)

    def _target(self, where: str, key: str, target: Any, line: int, known: Set[str]) -> None:
        if isinstance(target, str) and (target == END or target in known):
            return
        self.error(
            line,
            f"{where}: {key} target {target!r} is not a step of this flow (steps: {_expected(known)}; or END)",
        )


def dump_problems(problems: Iterable[Problem]) -> str:
    """Render problems one per line as ``file:line: message`` (for logs and the CLI)."""
    return "\n".join(f"{p.location}: {p.message}" for p in problems)


def problems_as_json(problems: Iterable[Problem]) -> str:
    """Problems as a JSON list of {file, line, severity, message} (for tooling)."""
    return json.dumps(
        [
            {"file": p.location.file, "line": p.location.line, "severity": p.severity, "message": p.message}
            for p in problems
        ],
        indent=2,
    )
