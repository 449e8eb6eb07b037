"""The step graph of a flow: which step can lead to which, and why.

Shared by the linter (reachability, loops) and the diagram renderers (Mermaid, SVG), so that all
three agree on what an arrow means. Besides step ids, edges can point at three pseudo nodes:
``START`` (before the first step), ``END`` (the flow finished) and ``HUMAN`` (the default
hand-over to a person when an ``ask`` step gives up without an ``on_give_up``).
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Set

from bot.flows.kinds.registry import kind_of
from bot.flows.model import EDGE_KINDS, END, HUMAN, START, Edge, Flow, Step

#: Kept for callers that import the pseudo nodes and edge type from here.
__all__ = ["EDGE_KINDS", "END", "Edge", "HUMAN", "START", "exit_nodes", "flow_edges", "reachable_from",
           "step_edges", "successors", "unknown_targets"]


def step_edges(step: Step) -> List[Edge]:
    """All arrows leaving ``step``, in a stable order (its kind decides, see ``StepKind.edges``).

    Args:
        step: the step to look at.

    Returns:
        The outgoing edges: none for kinds that end the flow; "yes" to END plus "no" edges for a
        resolve step; the ``next`` edges plus a "gave up" edge for an ask step.
    """
    return kind_of(step.kind).edges(step)


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
    exits.update(step.id for step in flow.steps if kind_of(step.kind).ends)
    return exits


def unknown_targets(flow: Flow) -> List[Edge]:
    """Edges pointing at something that is neither a step of ``flow`` nor END/HUMAN."""
    known = {step.id for step in flow.steps} | {END, HUMAN}
    return [edge for edge in flow_edges(flow) if edge.target not in known]
