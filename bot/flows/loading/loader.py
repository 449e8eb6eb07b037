"""Load flow files (YAML) into the model, reporting every problem with its file and line.

Each file is parsed once and checked in two parts that never overlap:

1. its shape — keys, types, enums, required keys, one kind per step — by the JSON Schema
   generated from the step kinds (:mod:`bot.flows.loading.schema`, messages by
   :mod:`bot.flows.loading.schema_check`); an extra, stricter schema file may be given too;
2. what a schema cannot say, by the builder here: duplicate step ids and option values,
   ``next``/``on_give_up`` targets, condition syntax, regexes, min > max, and across files
   duplicate flow ids and ``link``/``call`` targets.

Both report ``Problem(Location(file, line), message)``. A file with any error contributes no
flows, so the engine only ever sees flows it can run.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from bot.flows.kinds import registry
from bot.flows.kinds.base import StepKind
from bot.flows.loading.schema import SCHEMA_FILE
from bot.flows.loading.schema_check import format_problems, schema_problems
from bot.flows.loading.yamlnodes import item_line, key_line, to_plain
from bot.flows.model import (
    ANSWER_TYPES,
    END,
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
from bot.flows.model.expr import ExprError, parse

SCHEMA_PATH = SCHEMA_FILE
FLOW_FILE_SUFFIXES = (".yml", ".yaml")
# Data files that live next to the flows but are not flows themselves.
DATA_FILES = frozenset({"error_codes.yml", "error_codes.yaml"})





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
        schema_path: an extra, stricter JSON Schema file to validate against as well (the
            format itself is always checked with the schema generated from the step kinds; the
            bundled ``schema.json`` is that schema, so it adds nothing). None: no extra schema.

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
    flows, problems, _, _ = _load_text(str(path), text, schema_path)
    return flows, problems


#: The line said when ``confirm: true`` and an answer was taken from earlier messages.
DEFAULT_CONFIRM = "You said {answer}, so I'll go with that."


@dataclass(frozen=True)
class FileLoad:
    """One flow file as the loader read it (what the linter reuses instead of parsing again).

    Attributes:
        path: the file.
        root: the parsed YAML tree (ruamel round-trip, with lines), None if it did not parse.
        flows: the file's own flows (empty if it has errors), before cross-file checks.
        declared: ids of every flow written in the file, loadable or not.
    """

    path: Path
    root: Any
    flows: Tuple[Flow, ...]
    declared: Tuple[str, ...]


@dataclass(frozen=True)
class DirectoryLoad:
    """Everything ``load_directory`` found: the runnable flows, all problems and each file."""

    flow_set: FlowSet
    problems: List[Problem]
    files: Tuple[FileLoad, ...]


def load_flows(
    directory: Path, *, schema_path: Optional[Path] = SCHEMA_PATH
) -> Tuple[FlowSet, List[Problem]]:
    """Load every flow file in ``directory`` (see :func:`load_directory`).

    Returns:
        The FlowSet and all problems, errors and warnings, in file order.
    """
    loaded = load_directory(directory, schema_path=schema_path)
    return loaded.flow_set, loaded.problems


def load_directory(directory: Path, *, schema_path: Optional[Path] = SCHEMA_PATH) -> DirectoryLoad:
    """Load every flow file in ``directory``, each parsed once.

    Files with errors contribute no flows, and neither do files whose ``link``/``call`` steps
    point at flows that are missing or were rejected (applied until nothing changes), so every
    flow in the result can run.

    Args:
        directory: folder holding ``<flow_id>.yml`` files.
        schema_path: an extra, stricter JSON Schema file to validate against as well (the
            format itself is always checked with the schema generated from the step kinds; the
            bundled ``schema.json`` is that schema, so it adds nothing). None: no extra schema.

    Returns:
        The FlowSet (fingerprint = sha256 over the flow files' names and contents), all
        problems, errors and warnings, in file order, and what was read from each file.
    """
    directory = Path(directory)
    if not directory.is_dir():
        problem = Problem(Location(str(directory), 1), "flow directory does not exist")
        return DirectoryLoad(FlowSet({}, _fingerprint([])), [problem], ())
    files: List[FileLoad] = []

    digest_input: List[Tuple[str, bytes]] = []
    problems: List[Problem] = []
    accepted: Dict[str, List[Flow]] = {}  # file → flows, in file order
    references: Dict[str, List[Tuple[Step, str, str]]] = {}
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
        flows, file_problems, declared, root = _load_text(file, text, schema_path)
        files.append(FileLoad(path, root, tuple(flows), tuple(declared)))
        problems.extend(file_problems)
        duplicates = [
            Problem(f.location, f"flow '{f.id}' is already defined at {defined_at[f.id]}")
            for f in flows
            if f.id in defined_at
        ]
        problems.extend(duplicates)
        if flows and not duplicates:
            accepted[file] = flows
            references[file] = [
                (s, s.kind, target)
                for f in flows
                for s in f.steps
                if (target := registry.kind_of(s.kind).flow_reference(s)) is not None
            ]
            for flow in flows:
                defined_at[flow.id] = flow.location
        else:
            # A file that did not even parse declares nothing; by convention it is <flow_id>.yml.
            rejected_ids.update(i for i in (declared or [path.stem]) if i not in defined_at)

    problems.extend(_drop_files_with_dangling_references(accepted, references, rejected_ids))
    flows_by_id = {flow.id: flow for flows in accepted.values() for flow in flows}
    return DirectoryLoad(FlowSet(flows_by_id, _fingerprint(digest_input)), problems, tuple(files))


def _drop_files_with_dangling_references(
    accepted: Dict[str, List[Flow]],
    references: Dict[str, List[Tuple[Step, str, str]]],
    rejected_ids: Set[str],
) -> List[Problem]:
    problems: List[Problem] = []
    changed = True
    while changed:
        changed = False
        available = {flow.id for flows in accepted.values() for flow in flows}
        for file in list(accepted):
            file_problems = []
            for step, kind, target in references[file]:
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
) -> Tuple[List[Flow], List[Problem], List[str], Any]:
    """Parse and validate one file's text; returns flows, problems, the flow ids declared and
    the parsed YAML tree (None if it did not parse)."""
    root, syntax_problem = _parse_yaml(file, text)
    if syntax_problem is not None:
        return [], [syntax_problem], [], None
    problems = format_problems(file, root)
    if schema_path is not None and Path(schema_path).resolve() != SCHEMA_FILE.resolve():
        problems += schema_problems(file, root, schema_path)  # an extra, stricter schema
    builder = _Builder(file)
    flows = builder.build_file(root)
    problems = sorted(problems + builder.problems, key=lambda p: p.location.line)
    if builder.failures or any(p.severity == "error" for p in problems):
        flows = []
    return flows, problems, builder.declared_ids, root


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


# --------------------------------------------------------------------------------------------
# Building the model (and the loader's own checks)


class _Builder:
    """Builds Flow objects from one file's YAML tree, checking what the schema cannot say.

    The file's shape (keys, types, enums, required keys) is the JSON Schema's job and is
    reported by :mod:`bot.flows.loading.schema_check`; where the tree is malformed the builder only
    notes that it cannot build that part (:meth:`malformed`) and says nothing, so every problem
    is reported once. It reports itself what needs the whole file or the language: duplicate ids
    and option values, ``next``/``on_give_up`` targets, condition syntax, regexes, min > max.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: List[Problem] = []
        self.declared_ids: List[str] = []
        self.failures = 0  # errors reported here plus malformed parts the schema reports

    def error(self, line: int, message: str) -> None:
        """Report a problem only the loader can see."""
        self.problems.append(Problem(Location(self.file, line), message))
        self.failures += 1

    def malformed(self) -> None:
        """Note a part that does not match the schema (reported there) and cannot be built."""
        self.failures += 1

    def loc(self, line: int) -> Location:
        return Location(self.file, line)

    # -- file / flow ---------------------------------------------------------------------------

    def build_file(self, root: Any) -> List[Flow]:
        if root is None:
            self.malformed()
            return []
        if not isinstance(root, dict):
            self.malformed()
            return []
        for key in root:
            if key != "flows":
                self.malformed()
        if "flows" not in root:
            self.malformed()
            return []
        flows_node = root["flows"]
        if not isinstance(flows_node, dict) or not flows_node:
            self.malformed()
            return []
        flows = []
        for flow_id, body in flows_node.items():
            line = key_line(flows_node, flow_id)
            if not isinstance(flow_id, str) or not flow_id.strip():
                self.malformed()
                continue
            self.declared_ids.append(flow_id)
            flow = self.build_flow(flow_id, body, line)
            if flow is not None:
                flows.append(flow)
        return flows

    def build_flow(self, flow_id: str, body: Any, line: int) -> Optional[Flow]:
        where = f"flow '{flow_id}'"
        if not isinstance(body, dict):
            self.malformed()
            return None
        ok = True
        description = body.get("description")
        if not isinstance(description, str) or not description.strip():
            self.malformed()
            ok = False
        triggers = self.build_triggers(where, body, line)
        steps = self.build_steps(where, body, line)
        if not ok or triggers is None or steps is None:
            return None
        return Flow(flow_id, str(description).strip(), triggers, steps, self.loc(line))

    def build_triggers(self, where: str, body: Mapping[str, Any], line: int) -> Optional[Tuple[Trigger, ...]]:
        node = body.get("triggers")
        if not isinstance(node, list) or not node:
            self.malformed()
            return None
        triggers: List[Trigger] = []
        ok = True
        for index, item in enumerate(node):
            item_at = item_line(node, index)
            label = f"{where}, trigger {index + 1}"
            before = self.failures
            triggers.extend(self.build_trigger(label, item, item_at))
            if self.failures != before:
                ok = False
        return tuple(triggers) if ok else None

    def build_trigger(self, label: str, item: Any, item_at: int) -> List[Trigger]:
        """One trigger, as a list that is empty when the trigger has errors."""
        if not isinstance(item, dict):
            self.malformed()
            return []
        intent = item.get("intent")
        if not isinstance(intent, str) or not intent.strip():
            self.malformed()
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
            self.malformed()
            return None
        guards: Dict[str, Tuple[str, ...]] = {}
        ok = True
        for entity, values in node.items():
            values = values if isinstance(values, list) else [values]
            if not values or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values):
                self.malformed()
                ok = False
                continue
            guards[str(entity)] = tuple(str(v) for v in values)
        return guards if ok else None

    # -- steps ---------------------------------------------------------------------------------

    def build_steps(self, where: str, body: Mapping[str, Any], line: int) -> Optional[Tuple[Step, ...]]:
        node = body.get("steps")
        if not isinstance(node, list) or not node:
            self.malformed()
            return None
        ids: List[Optional[str]] = []
        seen: Dict[str, int] = {}
        ok = True
        for index, item in enumerate(node):
            at = item_line(node, index)
            before = self.failures
            step_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item, dict):
                self.malformed()
                ok = False
            elif not isinstance(step_id, str) or not step_id.strip():
                self.malformed()
                ok = False
                step_id = None
            elif step_id == END:
                self.malformed()
                ok = False
            elif step_id in seen:
                self.error(key_line(item, "id", at), f"step '{step_id}': duplicate step id (first defined at line {seen[step_id]})")
                ok = False
            else:
                seen[step_id] = key_line(item, "id", at)
            ids.append(step_id if isinstance(step_id, str) else None)
            if self.failures != before:
                ok = False

        known = set(seen)
        steps: List[Step] = []
        for index, item in enumerate(node):
            if not isinstance(item, dict) or ids[index] is None:
                continue
            following = ids[index + 1] or END if index + 1 < len(ids) else END
            step = self.build_step(str(ids[index]), item, item_line(node, index), following, known)
            if step is None:
                ok = False
            else:
                steps.append(step)
        return tuple(steps) if ok else None

    def build_step(self, step_id: str, item: Mapping[str, Any], at: int, following: str, known: Set[str]) -> Optional[Step]:
        where = f"step '{step_id}'"
        kinds = registry.kinds_in(item)
        if len(kinds) != 1:  # explained by the schema check (exactly one kind key)
            self.malformed()
            return None
        kind: StepKind = kinds[0]
        errors_before = self.failures
        # Keys the kind does not take are the schema's to report; they reject the file there.

        fields: Dict[str, Any] = {}
        body = kind.parse(self, where, item, at, fields)
        if kind.attachments:
            self._attachments(where, item, at, fields)
        if kind.retry:
            self._retry(where, kind.name, item, at, fields, known)
        if kind.ends:
            nxt = Next(target=END, implicit=True)
        else:
            nxt = self._next(where, item, at, following, known)
        if self.failures != errors_before:
            return None
        if body is None:
            return None
        return Step(id=step_id, kind=kind.name, body=body, next=nxt, location=self.loc(at), **fields)

    # -- what step kinds use to read their keys (see StepKind.parse) ----------------------------

    @staticmethod
    def plain(node: Any) -> Any:
        """A YAML node as plain dicts, lists and scalars."""
        return to_plain(node)

    def text(self, where: str, item: Mapping[str, Any], key: str, at: int, what: str) -> Optional[str]:
        """The non-empty text under ``key``; reports "'key' must be <what>" otherwise."""
        return self._text(where, item, key, at, what)

    def save_as(self, where: str, item: Mapping[str, Any], at: int) -> Optional[str]:
        """The ``save_as`` name (default: the step id); reports a bad name."""
        return self._save_as(where, item, at)

    def answer(self, where: str, item: Mapping[str, Any], at: int) -> Optional[Answer]:
        """The ``answer:`` mapping of a question (default: a text answer)."""
        return self._answer(where, item, at)

    def understanding(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any]) -> None:
        """``fill_from`` (entity names and/or ``messages``) and ``confirm`` (true or a template)."""
        if "fill_from" in item:
            value = item["fill_from"]
            values = [value] if isinstance(value, str) else value
            if isinstance(values, list) and values and all(isinstance(v, str) and v.strip() for v in values):
                fields["fill_from"] = tuple(str(v).strip() for v in values)
            else:
                self.malformed()
        if "confirm" in item:
            value = item["confirm"]
            if value is True:
                fields["confirm"] = DEFAULT_CONFIRM
            elif isinstance(value, str) and value.strip():
                fields["confirm"] = value
            elif value is not False:
                self.error(key_line(item, "confirm", at), f"{where}: confirm must be true or the confirmation line (e.g. \"You said {{answer}} — noted.\")")
            if "fill_from" not in item:
                self.error(key_line(item, "confirm", at), f"{where}: confirm is only used with fill_from (it confirms an answer taken from earlier messages)")

    def _text(self, where: str, item: Mapping[str, Any], key: str, at: int, what: str) -> Optional[str]:
        value = item.get(key)
        if not isinstance(value, str) or not value:
            self.malformed()
            return None
        if not value.strip():  # "   ": the schema's minLength cannot see it is blank
            self.error(key_line(item, key, at), f"{where}: '{key}' must be {what}, found blank text")
            return None
        return str(value)

    def _save_as(self, where: str, item: Mapping[str, Any], at: int) -> Optional[str]:
        save_as = item.get("save_as", item.get("id"))
        if not isinstance(save_as, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", save_as):
            self.malformed()
            return None
        return save_as

    def _attachments(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any]) -> None:
        if "image" in item:
            image = item["image"]
            if not isinstance(image, str) or not image.strip():
                self.malformed()
            else:
                fields["image"] = str(image).strip()
        if "link" in item:
            link = item["link"]
            if not isinstance(link, dict) or set(link) != {"title", "url"} or not all(
                isinstance(v, str) and v.strip() for v in link.values()
            ):
                self.malformed()
            else:
                fields["link"] = {"title": str(link["title"]), "url": str(link["url"])}

    def _retry(self, where: str, kind: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any], known: Set[str]) -> None:
        if "hint" in item:
            hint = item["hint"]
            if not isinstance(hint, str) or not hint:
                self.malformed()
            elif not hint.strip():  # "   ": the schema's minLength cannot see it is blank
                self.error(key_line(item, "hint", at), f"{where}: 'hint' must be text shown when an answer is not understood")
            else:
                fields["hint"] = str(hint)
        if "max_attempts" in item:
            attempts = item["max_attempts"]
            if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
                self.malformed()
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
            self.malformed()
            return None
        kind = node.get("type", "text")
        if kind not in ANSWER_TYPES:
            self.malformed()
            return None
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

    def _options(self, where: str, node: Mapping[str, Any], line: int) -> Tuple[Option, ...]:
        items = node.get("options")
        if not isinstance(items, list) or not items:
            self.malformed()
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
                    self.malformed()
                label = str(option["label"])
                value = str(option.get("value", label))
                raw = option.get("synonyms") or []
                if isinstance(raw, list) and all(isinstance(s, (str, int, float)) and not isinstance(s, bool) for s in raw):
                    synonyms = tuple(str(s).strip() for s in raw if str(s).strip())
                else:
                    self.malformed()
            else:
                self.malformed()
                continue
            if value.casefold() in seen:
                self.error(at, f"{where}: option value {value!r} is used twice")
            seen.add(value.casefold())
            options.append(Option(label=label, value=value, synonyms=synonyms, location=self.loc(at)))
        return tuple(options)

    def _pattern(self, where: str, node: Mapping[str, Any], line: int) -> Optional[str]:
        pattern = node.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            self.malformed()
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
            self.malformed()
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
            self.malformed()
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
                self.malformed()
                continue
            condition = arm["if"]
            if isinstance(condition, bool):
                condition = "true" if condition else "false"
            if not isinstance(condition, str):
                self.malformed()
                continue
            try:
                parse(condition)
            except ExprError as exc:
                self.error(key_line(arm, "if", arm_line), f"{where}: condition {condition!r} is invalid at column {exc.column}: {exc.message}")
            self._target(where, "then", arm["then"], arm_line, known)
            branches.append(Branch(str(condition), str(arm["then"]), self.loc(arm_line)))
        if not branches or branches[-1].condition is not None:
            self.malformed()
        return Next(branches=tuple(branches), location=location)

    def _target(self, where: str, key: str, target: Any, line: int, known: Set[str]) -> None:
        if isinstance(target, str) and (target == END or target in known):
            return
        if not isinstance(target, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", target):
            self.malformed()  # not even a step id: the schema says so
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

