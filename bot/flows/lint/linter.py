"""``frontline flows lint``: every problem in a flows directory, each as ``file:line``.

The loader reports what makes a file unloadable (YAML/schema errors, unknown keys, unknown step
ids, missing triggers, duplicate flow ids, unknown link/call flows …). On top of that the linter
checks what a loaded flow can still get wrong (see :mod:`bot.flows.lint.flow_checks` and
:mod:`bot.flows.lint.names`) and, across flows, ``call`` cycles.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from bot.flows.kinds.registry import kind_of
from bot.flows.lint.flow_checks import FlowContext, lint_flow
from bot.flows.loading.yaml_lines import KeyLines
from bot.flows.model import Flow, Problem, Step

if TYPE_CHECKING:  # pragma: no cover
    from bot.flows.loading.loader import DirectoryLoad

#: Check names used when the caller has no registry at hand (the built-ins of the contract).
BUILTIN_CHECKS = frozenset({"check_service_status", "lookup_error_code", "check_support_hours"})


def _sort_key(problem: Problem) -> Tuple[str, int, str]:
    return (problem.location.file, problem.location.line, problem.message)


def call_cycle_problems(flows: Dict[str, Flow]) -> List[Problem]:
    """Report flows that (directly or indirectly) ``call`` themselves; such calls never finish.

    Args:
        flows: loaded flows by id.

    Returns:
        One error per cycle, at the ``call`` step of the cycle's first flow (by id).
    """
    calls: Dict[str, List[Tuple[str, Step]]] = {}
    for flow in flows.values():
        calls[flow.id] = [(target, s) for s in flow.steps
                          if (target := kind_of(s.kind).calls(s)) is not None]
    problems: List[Problem] = []
    reported: Set[FrozenSet[str]] = set()
    for start in sorted(flows):
        stack: List[Tuple[str, List[str]]] = [(start, [start])]
        while stack:
            current, path = stack.pop()
            for target, _step in calls.get(current, []):
                if target == start:
                    cycle = path + [start]
                    key = frozenset(path)
                    if key in reported:
                        continue
                    reported.add(key)
                    first_step = next(s for t, s in calls[start] if t == cycle[1])
                    chain = " → ".join(f"'{f}'" for f in cycle)
                    problems.append(Problem(
                        first_step.location,
                        f"flow '{start}' calls itself in a cycle ({chain}): a called flow must "
                        f"finish before the caller continues, so this never ends; expected "
                        f"`link:` (hand over for good) instead of `call:` somewhere in the cycle"))
                elif target in flows and target not in path:
                    stack.append((target, path + [target]))
    return problems


def lint_flows(directory: Path, domain_intents: Optional[Set[str]], slot_names: Set[str],
               check_names: Set[str], loaded: Optional["DirectoryLoad"] = None) -> List[Problem]:
    """Lint every flow file in ``directory``.

    Each file is parsed once: the linter works on what the loader read (its flows, and its YAML
    trees for the lines of individual keys).

    Args:
        directory: the flows directory (``flows/``).
        domain_intents: intents of the Rasa domain, or None to skip the trigger-intent check.
        slot_names: slots and entities of the domain; conditions and templates may read them.
        check_names: registered check names for ``action:`` steps; empty skips that check.
        loaded: the directory as ``load_directory`` read it, if the caller has it already.

    Returns:
        All problems (errors and warnings), sorted by file and line.
    """
    from bot.flows.loading.loader import load_directory

    loaded = loaded if loaded is not None else load_directory(Path(directory))
    problems = list(loaded.problems)
    lines = KeyLines({str(file.path): file.root for file in loaded.files})
    by_id: Dict[str, Flow] = {}
    # Per file, so flows dropped for cross-file reasons (a bad link target) are linted too.
    for file in loaded.files:
        for flow in file.flows:
            by_id.setdefault(flow.id, flow)
            context = FlowContext(flow=flow, path=file.path, slot_names=set(slot_names),
                                  check_names=set(check_names), domain_intents=domain_intents,
                                  lines=lines)
            problems.extend(lint_flow(context))
    problems.extend(call_cycle_problems(by_id))
    unique = {(str(p.location), p.severity, p.message): p for p in problems}
    return sorted(unique.values(), key=_sort_key)


def declared_flow_ids(directory: Path) -> Set[str]:
    """Ids of all flows written in ``directory``'s flow files, loadable or not."""
    from bot.flows.loading.loader import flow_files

    lines = KeyLines()
    return {key for path in flow_files(Path(directory)) for key in lines.top_keys(path, ("flows",))}


def _names(node: Any) -> Set[str]:
    """Names from a domain list (``- greet`` or ``- greet: {use_entities: true}``) or mapping."""
    if isinstance(node, dict):
        return {str(key) for key in node}
    names: Set[str] = set()
    for item in node or []:
        if isinstance(item, dict):
            names.update(str(key) for key in item)
        elif item is not None:
            names.add(str(item))
    return names


def read_domain(domain_path: Path) -> Tuple[Set[str], Set[str]]:
    """Read intents and slot names from a Rasa domain (a file, or a directory of YAML files).

    Plain YAML reading; Rasa is not imported.

    Args:
        domain_path: ``domain.yml`` or a ``domain/`` directory.

    Returns:
        (intents, slots); the slots set also contains every entity name, since conditions and
        templates can read entities too.

    Raises:
        OSError: if the file cannot be read.
        ValueError: if it is not valid YAML.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    path = Path(domain_path)
    files = sorted(path.rglob("*.yml")) + sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    intents: Set[str] = set()
    slots: Set[str] = set()
    for file in files:
        try:
            data = YAML(typ="safe", pure=True).load(file.read_text(encoding="utf-8"))
        except YAMLError as exc:
            raise ValueError(f"{file}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            continue
        intents |= _names(data.get("intents"))
        slots |= _names(data.get("slots")) | _names(data.get("entities"))
    return intents, slots


def _summary(problems: Iterable[Problem], flow_count: int) -> str:
    items = list(problems)
    errors = [p for p in items if p.severity == "error"]
    warnings = len(items) - len(errors)
    warn = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    if not errors:
        return f"{flow_count} flow{'s' if flow_count != 1 else ''} OK{warn}"
    files = len({p.location.file for p in errors})
    return (f"{len(errors)} error{'s' if len(errors) != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}{warn}")


def _check_names() -> Set[str]:
    """Names of the checks the running bot registers (the built-ins)."""
    try:
        from datetime import datetime

        from bot.flows.runtime.checks import default_checks

        registry = default_checks(Path("status/services.yml"), Path("flows/error_codes.yml"),
                                  clock=datetime.now)
        return set(registry.names())
    except ImportError:
        return set(BUILTIN_CHECKS)


def main_lint(flows_dir: Path, domain_path: Optional[Path]) -> int:
    """``frontline flows lint``: print problems one per line, then a summary line.

    Args:
        flows_dir: the flows directory.
        domain_path: the Rasa domain (file or directory); if missing, the intent check is
            skipped with a note and only the contract's entity names count as slots.

    Returns:
        1 if there is any error, else 0.
    """
    intents: Optional[Set[str]] = None
    slots: Set[str] = set()
    if domain_path is not None and Path(domain_path).exists():
        try:
            intents, slots = read_domain(Path(domain_path))
        except (OSError, ValueError) as exc:
            print(f"{domain_path}:1: error: cannot read the domain: {exc}")
            return 1
    else:
        where = f"at {domain_path}" if domain_path is not None else "given"
        print(f"note: no domain {where}; trigger intents are not checked and only the "
              f"contract's entities count as slots", file=sys.stderr)
        slots = {"error_code", "app_name", "os", "device_type", "flow_answer"}
    from bot.flows.loading.loader import load_directory

    loaded = load_directory(Path(flows_dir))
    problems = lint_flows(Path(flows_dir), intents, slots, _check_names(), loaded)
    for problem in problems:
        print(str(problem))
    declared = {flow_id for file in loaded.files for flow_id in file.declared}
    print(_summary(problems, len(declared)))
    return 1 if any(p.severity == "error" for p in problems) else 0
