"""Checks on one loaded flow: reachability, loops, give-up paths, checks, triggers, names.

These run on flows the loader accepted. Everything the loader already rejects (unknown keys,
two kinds in one step, unknown step ids in next/on_give_up, missing triggers, choice asks without
options, max_attempts < 1, unknown link/call flows, duplicate flow ids) is reported by the loader
and not repeated here. Each ``check_*`` function takes a :class:`FlowContext` and returns
problems; :func:`lint_flow` runs them all.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from bot.flows.kinds.registry import kind_of
from bot.flows.lint.edges import HUMAN, START, exit_nodes, reachable_from, successors
from bot.flows.loading.yaml_lines import KeyLines, PathItem
from bot.flows.model import END, Flow, Location, Problem, Step

#: How many names a message lists before saying "… (n more)".
MAX_LISTED = 12


@dataclass
class FlowContext:
    """Everything the per-flow checks need.

    Attributes:
        flow: the flow to check.
        path: the file it was read from (used to find lines of individual keys).
        slot_names: slot and entity names from the domain (readable in conditions/templates).
        check_names: names of registered checks; empty means "don't check action names".
        domain_intents: intents of the domain, or None to skip the intent check.
        lines: shared key-line finder.
    """

    flow: Flow
    path: Path
    slot_names: Set[str]
    check_names: Set[str]
    domain_intents: Optional[Set[str]]
    lines: KeyLines = field(default_factory=KeyLines)

    def at(self, step: Step, *keys: PathItem) -> Location:
        """Location of ``keys`` inside ``step`` (falling back to the step's own line)."""
        index = self.flow.steps.index(step)
        line = self.lines.line(self.path, ("flows", self.flow.id, "steps", index) + keys)
        return Location(step.location.file, line) if line else step.location

    def flow_at(self, *keys: PathItem) -> Location:
        """Location of ``keys`` inside the flow mapping (falling back to the flow's line)."""
        line = self.lines.line(self.path, ("flows", self.flow.id) + keys)
        return Location(self.flow.location.file, line) if line else self.flow.location


def _listing(names: Iterable[str], limit: int = MAX_LISTED) -> str:
    items = sorted(set(names))
    if not items:
        return "none"
    shown = ", ".join(items[:limit])
    return shown + (f", … ({len(items) - limit} more)" if len(items) > limit else "")


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


# --------------------------------------------------------------------------------------------
# References and graph shape


def _graph(flow: Flow) -> Dict[str, List[str]]:
    """Successor map in which unknown targets are dropped (they are reported separately)."""
    known = {step.id for step in flow.steps} | {END, HUMAN, START}
    return {node: [t for t in targets if t in known]
            for node, targets in successors(flow).items()}


def check_reachable(ctx: FlowContext) -> List[Problem]:
    """Every step should be reachable from the first step (warning otherwise)."""
    flow = ctx.flow
    if not flow.steps:
        return []
    reached = reachable_from(_graph(flow), [START])
    first = flow.first_step.id
    return [Problem(step.location,
                    f"step '{step.id}' can never be reached: no path leads to it from the first "
                    f"step '{first}'; expected some step's next, on_give_up or the step before it "
                    f"to lead here (or remove the step)",
                    "warning")
            for step in flow.steps if step.id not in reached]


def _strongly_connected(nodes: Sequence[str], graph: Mapping[str, List[str]]) -> List[List[str]]:
    """Tarjan's algorithm (iterative); components are returned with nodes in input order."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    result: List[List[str]] = []
    allowed = set(nodes)
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: List[Tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = [c for c in graph.get(node, []) if c in allowed]
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                order = {n: k for k, n in enumerate(nodes)}
                result.append(sorted(component, key=order.__getitem__))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result


def _cycle_path(start: str, members: Set[str], graph: Mapping[str, List[str]]) -> List[str]:
    """A shortest path start → … → start staying inside ``members``."""
    previous: Dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in graph.get(node, []):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return list(reversed(path)) + [start]
            if child in members and child not in previous:
                previous[child] = node
                queue.append(child)
    return [start, start]


def check_loops(ctx: FlowContext) -> List[Problem]:
    """Report loops from which END, an escalate/link step or an ask's give-up is unreachable."""
    flow = ctx.flow
    graph = _graph(flow)
    step_ids = [step.id for step in flow.steps]
    unknown = {t for targets in successors(flow).values() for t in targets} - set(graph) - {
        END, HUMAN}
    exits = exit_nodes(flow) | unknown  # unknown targets are reported elsewhere
    reverse: Dict[str, List[str]] = {}
    for node, targets in successors(flow).items():
        for target in targets:
            reverse.setdefault(target, []).append(node)
    can_leave = reachable_from(reverse, exits)
    stuck = [s for s in step_ids if s not in can_leave]
    problems: List[Problem] = []
    for component in _strongly_connected(stuck, graph):
        first = component[0]
        if len(component) == 1 and first not in graph.get(first, []):
            continue
        cycle = " → ".join(f"'{s}'" for s in _cycle_path(first, set(component), graph))
        problems.append(Problem(
            flow.step(first).location,
            f"steps {cycle} loop forever: none of them can reach END, an escalate or link step, "
            f"a resolve's 'yes' or an ask's give-up; expected at least one way out of the loop "
            f"(e.g. a branch to END or to an escalate step)"))
    return problems


# --------------------------------------------------------------------------------------------
# Ask, action and trigger details


def check_asks(ctx: FlowContext) -> List[Problem]:
    """An ask's give-up path must leave the ask, not lead straight back into it.

    (max_attempts < 1 and choice asks without options are rejected by the loader already.)
    """
    flow = ctx.flow
    graph = _graph(flow)
    exits = exit_nodes(flow)
    problems: List[Problem] = []
    for step in flow.steps:
        target = step.on_give_up
        if not kind_of(step.kind).retry or not target or target not in graph:
            continue
        returns = target == step.id or (
            step.id in reachable_from(graph, [target])
            and not reachable_from(graph, [target], blocked={step.id}) & exits)
        if returns:
            via = "" if target == step.id else f" (via '{target}')"
            problems.append(Problem(
                ctx.at(step, "on_give_up"),
                f"{step.kind} step '{step.id}' has no way out: on_give_up leads back to "
                f"'{step.id}'{via}, so a user whose answer is never understood is asked "
                f"forever; expected on_give_up to lead to a step that ends or escalates (or "
                f"leave it out to hand over to a human)"))
    return problems


def check_actions(ctx: FlowContext) -> List[Problem]:
    """``action:`` must name a registered check."""
    if not ctx.check_names:
        return []
    problems = []
    for step in ctx.flow.steps:
        for name in sorted(kind_of(step.kind).check_names(step) - set(ctx.check_names)):
            problems.append(Problem(
                ctx.at(step, step.kind),
                f"step '{step.id}' runs check '{name}', which does not exist (known checks: "
                f"{_listing(ctx.check_names)}){_did_you_mean(name, ctx.check_names)}"))
    return problems


def check_triggers(ctx: FlowContext) -> List[Problem]:
    """Trigger intents must be in the domain, guarded entities must be entities/slots."""
    flow = ctx.flow
    problems = []
    for trigger in flow.triggers:
        if ctx.domain_intents is not None and trigger.intent not in ctx.domain_intents:
            problems.append(Problem(
                trigger.location,
                f"flow '{flow.id}' is triggered by intent '{trigger.intent}', which is not in "
                f"the domain; expected one of the domain's intents (known intents: "
                f"{_listing(ctx.domain_intents, limit=40)})"
                f"{_did_you_mean(trigger.intent, ctx.domain_intents)}"))
        if ctx.slot_names:
            for entity in trigger.entities:
                if entity not in ctx.slot_names:
                    problems.append(Problem(
                        trigger.location,
                        f"trigger '{trigger.intent}' of flow '{flow.id}' guards on entity "
                        f"'{entity}', which is not an entity or slot of the domain (known: "
                        f"{_listing(ctx.slot_names, limit=30)})"
                        f"{_did_you_mean(entity, ctx.slot_names)}"))
    return problems


ALL_CHECKS: Tuple[Callable[[FlowContext], List[Problem]], ...] = (
    check_triggers,
    check_reachable,
    check_loops,
    check_asks,
    check_actions,
)


def lint_flow(ctx: FlowContext) -> List[Problem]:
    """Run every per-flow check (see ALL_CHECKS) plus the answer-name check."""
    from bot.flows.lint.answers import check_shared_synonyms
    from bot.flows.lint.names import check_names

    problems: List[Problem] = []
    for check in ALL_CHECKS:
        problems.extend(check(ctx))
    problems.extend(check_names(ctx))
    problems.extend(check_shared_synonyms(ctx.flow.steps, ctx.flow.id))
    return problems
