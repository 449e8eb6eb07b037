"""The step graph of a flow: which step can lead to which, and why.

Shared by the linter (reachability, loops) and the diagram renderers (Mermaid, SVG), so that all
three agree on what an arrow means. Besides step ids, edges can point at three pseudo nodes:
``START`` (before the first step), ``END`` (the flow finished) and ``HUMAN`` (the default
hand-over to a person when an ``ask`` step gives up without an ``on_give_up``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Set

from bot.flows.model import END, Flow, Location, Next, Step

START = "__start__"
HUMAN = "__human__"

#: Step kinds after which the flow never continues with ``next``.
TERMINAL_KINDS = ("escalate", "link")

#: Edge kinds, used for styling: plain continuation, a conditional branch, the ``else`` branch,
#: the yes/no answers of a ``resolve`` step, and an ``ask`` step giving up.
EDGE_KINDS = ("next", "branch", "else", "yes", "no", "give_up", "start")


@dataclass(frozen=True)
class Edge:
    """An arrow from ``source`` to ``target`` with a human-readable ``label``.

    Attributes:
        source: step id, or START.
        target: step id (possibly an unknown one), END or HUMAN.
        label: text for the arrow: a condition, "else", "yes", "no", "gave up" or "".
        kind: one of EDGE_KINDS.
        location: where the arrow was written (the ``next``/``on_give_up`` or the step itself).
    """

    source: str
    target: str
    label: str
    kind: str
    location: Location


def _next_edges(step: Step, nxt: Next, prefix: str = "") -> List[Edge]:
    """Edges for a step's ``next``; ``prefix`` is prepended to labels (used for resolve "no")."""
    location = nxt.location or step.location
    edges: List[Edge] = []
    if nxt.branches:
        for branch in nxt.branches:
            if branch.condition is None:
                label, kind = f"{prefix}else", "else"
            else:
                label, kind = f"{prefix}{branch.condition}", "branch"
            edges.append(Edge(step.id, branch.target, label, kind, branch.location))
        return edges
    if nxt.target is not None:
        label = prefix.rstrip(", ") if prefix else ""
        kind = "no" if prefix else "next"
        edges.append(Edge(step.id, nxt.target, label, kind, location))
    return edges


def step_edges(step: Step) -> List[Edge]:
    """All arrows leaving ``step``, in a stable order.

    Args:
        step: the step to look at.

    Returns:
        The outgoing edges: none for escalate/link steps; "yes" to END plus "no" edges for a
        resolve step; the ``next`` edges plus a "gave up" edge for an ask step.
    """
    if step.kind in TERMINAL_KINDS:
        return []
    if step.kind == "resolve":
        yes = Edge(step.id, END, "yes", "yes", step.location)
        return [yes] + _next_edges(step, step.next, prefix="no, ")
    edges = _next_edges(step, step.next)
    if step.kind == "ask":
        target = step.on_give_up if step.on_give_up else HUMAN
        edges.append(Edge(step.id, target, "gave up", "give_up", step.location))
    return edges


def flow_edges(flow: Flow) -> List[Edge]:
    """All arrows of ``flow``, starting with START → first step."""
    edges: List[Edge] = []
    if flow.steps:
        edges.append(Edge(START, flow.first_step.id, "", "start", flow.location))
    for step in flow.steps:
        edges.extend(step_edges(step))
    return edges


def successors(flow: Flow) -> Dict[str, List[str]]:
    """Map each node (START, step ids) to the nodes its edges lead to."""
    result: Dict[str, List[str]] = {START: []}
    for step in flow.steps:
        result.setdefault(step.id, [])
    for edge in flow_edges(flow):
        result.setdefault(edge.source, []).append(edge.target)
    return result


def reachable_from(graph: Dict[str, List[str]], roots: Iterable[str],
                   blocked: Optional[Set[str]] = None) -> Set[str]:
    """Nodes reachable from ``roots`` (roots included), never passing through ``blocked``."""
    blocked = blocked or set()
    seen: Set[str] = set()
    stack = [root for root in roots if root not in blocked]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(n for n in graph.get(node, ()) if n not in seen and n not in blocked)
    return seen


def exit_nodes(flow: Flow) -> Set[str]:
    """Nodes where the flow leaves for good: END, HUMAN and every escalate/link step."""
    exits = {END, HUMAN}
    exits.update(step.id for step in flow.steps if step.kind in TERMINAL_KINDS)
    return exits


def unknown_targets(flow: Flow) -> List[Edge]:
    """Edges pointing at something that is neither a step of ``flow`` nor END/HUMAN."""
    known = {step.id for step in flow.steps} | {END, HUMAN}
    return [edge for edge in flow_edges(flow) if edge.target not in known]
