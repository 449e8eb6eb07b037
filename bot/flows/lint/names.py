"""Lint check: conditions and templates may only read names that can exist at that point.

A name is available at a step when some step that can run *before* it (on any path from the
first step) saves an answer under that name — an ``ask`` saves under ``save_as`` or, by default,
its own id; an ``action`` likewise — or when it is a slot/entity of the domain. A
step's own answer is available in its ``next`` conditions, not in its own texts.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Set, Tuple

from bot.flows.kinds.registry import kind_of
from bot.flows.lint.edges import reachable_from, successors
from bot.flows.loading.yaml_lines import PathItem
from bot.flows.model import Flow, Location, Problem, Step
from bot.flows.model.expr import ExprError, parse, template_names

if TYPE_CHECKING:  # imported for typing only: lint_flow imports this module at run time
    from bot.flows.lint.flow_checks import FlowContext


def saved_name(step: Step) -> Optional[str]:
    """The name ``step`` saves its result under, or None if it saves nothing."""
    return kind_of(step.kind).saved_name(step)


def names_before(flow: Flow) -> Dict[str, Set[str]]:
    """For each step id, the answer names saved by steps that can run before it."""
    graph = successors(flow)
    available: Dict[str, Set[str]] = {step.id: set() for step in flow.steps}
    for step in flow.steps:
        name = saved_name(step)
        if name is None:
            continue
        for later in reachable_from(graph, graph.get(step.id, [])):
            if later in available:
                available[later].add(name)
    return available


def _texts(step: Step) -> List[Tuple[Tuple[PathItem, ...], str]]:
    """(key path inside the step, template text) for every text of ``step``."""
    texts: List[Tuple[Tuple[PathItem, ...], str]] = list(kind_of(step.kind).templates(step))
    if step.hint:
        texts.append((("hint",), step.hint))
    for key, value in step.args.items():
        if isinstance(value, str):
            texts.append((("args", key), value))
    if step.link:
        for key, value in step.link.items():
            if isinstance(value, str):
                texts.append((("link", key), value))
    if step.image:
        texts.append((("image",), step.image))
    return texts


def _advice(name: str, answers: Set[str], slots: Set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(answers | slots), n=1, cutoff=0.75)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    listed = ", ".join(sorted(answers)) or "none"
    return (f"expected a name saved by an earlier step's save_as (an ask saves under its id by "
            f"default) or a slot of the domain (answers available here: {listed}){hint}")


def _unknown(names: Iterable[str], answers: Set[str], slots: Set[str]) -> List[str]:
    return sorted(n for n in set(names) if n not in answers and n not in slots)


def check_names(ctx: "FlowContext") -> List[Problem]:
    """Report names in conditions and templates that nothing saves before they are read."""
    flow = ctx.flow
    before = names_before(flow)
    slots = set(ctx.slot_names)
    problems: List[Problem] = []
    for step in flow.steps:
        answers = before.get(step.id, set())
        for keys, text in _texts(step):
            for name in _unknown(template_names(text), answers, slots):
                problems.append(Problem(
                    ctx.at(step, *keys),
                    f"step '{step.id}' uses {{{name}}} in its {'.'.join(map(str, keys))}, but "
                    f"no answer or slot called '{name}' exists at this point; "
                    + _advice(name, answers, slots)))
        own = saved_name(step)
        with_own = answers | ({own} if own else set())
        for branch in step.next.branches:
            if branch.condition is None:
                continue
            problems.extend(_condition_problems(step, branch.condition, branch.location,
                                                with_own, slots))
    return problems


def _condition_problems(step: Step, condition: str, location: Location, answers: Set[str],
                        slots: Set[str]) -> List[Problem]:
    try:
        names = parse(condition).names()
    except ExprError:
        return []  # the loader already rejects files with invalid conditions
    return [Problem(location,
                    f"step '{step.id}': condition `{condition}` uses '{name}', but no answer or "
                    f"slot called '{name}' exists at this point; " + _advice(name, answers, slots))
            for name in _unknown(names, answers, slots)]

