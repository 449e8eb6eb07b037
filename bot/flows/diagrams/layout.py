"""A small layered (Sugiyama-style) graph layout in pure Python.

1. Back edges are found with a depth-first search from the roots and left out of layering.
2. Longest-path layering: every node sits one layer below its lowest forward predecessor.
3. Forward edges spanning several layers get invisible dummy nodes, one per crossed layer.
4. Nodes are ordered within layers by repeated barycenter sweeps (down, then up), keeping the
   order with the fewest crossings.
5. Nodes are pulled towards the average x of their neighbours, then pushed apart so that boxes
   never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

NodeSize = Tuple[float, float]


@dataclass
class Placed:
    """A node's position: centre ``x``/``y`` plus its ``width``, ``height`` and ``layer``."""

    id: str
    width: float
    height: float
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    dummy: bool = False


@dataclass
class Layout:
    """The result of :func:`layered_layout`.

    Attributes:
        nodes: every real and dummy node by id.
        layers: node ids per layer, in left-to-right order.
        routes: for each forward edge index, the chain of node ids it passes through.
        back_edges: indexes of edges drawn against the flow (loops back up, or same layer).
        width: total width needed; height: total height needed.
    """

    nodes: Dict[str, Placed] = field(default_factory=dict)
    layers: List[List[str]] = field(default_factory=list)
    routes: Dict[int, List[str]] = field(default_factory=dict)
    back_edges: Set[int] = field(default_factory=set)
    width: float = 0.0
    height: float = 0.0


def find_back_edges(nodes: Sequence[str], edges: Sequence[Tuple[str, str]],
                    roots: Sequence[str]) -> Set[int]:
    """Indexes of edges that close a cycle in a depth-first search from ``roots``."""
    out: Dict[str, List[Tuple[int, str]]] = {node: [] for node in nodes}
    for index, (source, target) in enumerate(edges):
        out.setdefault(source, []).append((index, target))
    state: Dict[str, int] = {}  # 1 = on stack, 2 = done
    back: Set[int] = set()
    for root in list(roots) + list(nodes):
        if root in state:
            continue
        state[root] = 1
        stack: List[Tuple[str, int]] = [(root, 0)]
        while stack:
            node, position = stack[-1]
            children = out.get(node, [])
            if position >= len(children):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, position + 1)
            index, child = children[position]
            if state.get(child) == 1:
                back.add(index)
            elif child not in state:
                state[child] = 1
                stack.append((child, 0))
    return back


def longest_path_layers(nodes: Sequence[str], edges: Sequence[Tuple[str, str]],
                        skip: Set[int]) -> Dict[str, int]:
    """Layer per node: 0 for nodes without forward predecessors, else 1 + max over them."""
    preds: Dict[str, List[str]] = {node: [] for node in nodes}
    succs: Dict[str, List[str]] = {node: [] for node in nodes}
    for index, (source, target) in enumerate(edges):
        if index in skip or source == target:
            continue
        preds[target].append(source)
        succs[source].append(target)
    indegree = {node: len(preds[node]) for node in nodes}
    ready = [node for node in nodes if indegree[node] == 0]
    layer: Dict[str, int] = {}
    while ready:
        node = ready.pop(0)
        layer[node] = max((layer[p] + 1 for p in preds[node]), default=0)
        for succ in succs[node]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                ready.append(succ)
    for node in nodes:  # only reachable if `skip` left a cycle; keep the layout total
        layer.setdefault(node, 0)
    return layer


def _crossings(layers: List[List[str]], adjacency: List[Tuple[str, str]]) -> int:
    position = {node: i for layer in layers for i, node in enumerate(layer)}
    layer_of = {node: n for n, layer in enumerate(layers) for node in layer}
    total = 0
    by_layer: Dict[int, List[Tuple[int, int]]] = {}
    for source, target in adjacency:
        by_layer.setdefault(layer_of[source], []).append((position[source], position[target]))
    for pairs in by_layer.values():
        for i, (a1, b1) in enumerate(pairs):
            for a2, b2 in pairs[i + 1:]:
                if (a1 - a2) * (b1 - b2) < 0:
                    total += 1
    return total


def _barycenter_pass(layers: List[List[str]], neighbours: Dict[str, List[str]],
                     order: range) -> None:
    for n in order:
        reference = {node: i for i, node in enumerate(layers[n - 1 if order.step > 0 else n + 1])}
        current = {node: i for i, node in enumerate(layers[n])}

        def key(node: str) -> float:
            linked = [reference[m] for m in neighbours.get(node, []) if m in reference]
            return sum(linked) / len(linked) if linked else float(current[node])

        layers[n].sort(key=key)


def order_layers(layers: List[List[str]], adjacency: List[Tuple[str, str]],
                 sweeps: int = 6) -> List[List[str]]:
    """Reorder nodes inside each layer to reduce edge crossings (barycenter heuristic).

    Args:
        layers: node ids per layer, in an initial order.
        adjacency: edges between adjacent layers (source in layer n, target in layer n + 1).
        sweeps: how many down+up sweeps to try.

    Returns:
        The best ordering found (fewest crossings; the initial order wins ties).
    """
    up: Dict[str, List[str]] = {}
    down: Dict[str, List[str]] = {}
    for source, target in adjacency:
        up.setdefault(target, []).append(source)
        down.setdefault(source, []).append(target)
    best = [list(layer) for layer in layers]
    best_score = _crossings(best, adjacency)
    work = [list(layer) for layer in layers]
    for _ in range(sweeps):
        _barycenter_pass(work, up, range(1, len(work)))
        _barycenter_pass(work, down, range(len(work) - 2, -1, -1))
        score = _crossings(work, adjacency)
        if score < best_score:
            best, best_score = [list(layer) for layer in work], score
    return best


def _assign_x(layout: Layout, adjacency: List[Tuple[str, str]], gap: float) -> None:
    nodes = layout.nodes
    neighbours: Dict[str, List[str]] = {}
    for source, target in adjacency:
        neighbours.setdefault(source, []).append(target)
        neighbours.setdefault(target, []).append(source)
    for layer in layout.layers:  # start packed from the left
        x = 0.0
        for node_id in layer:
            node = nodes[node_id]
            node.x = x + node.width / 2
            x += node.width + gap
    for _ in range(8):
        for layer in layout.layers:
            for node_id in layer:
                linked = neighbours.get(node_id, [])
                if linked:
                    nodes[node_id].x = sum(nodes[m].x for m in linked) / len(linked)
            _separate(layer, nodes, gap)
    left = min((n.x - n.width / 2 for n in nodes.values()), default=0.0)
    for node in nodes.values():
        node.x -= left


def _separate(layer: List[str], nodes: Dict[str, Placed], gap: float) -> None:
    """Push nodes of one layer apart (keeping their order) so that none overlap."""
    if not layer:
        return
    wanted = [nodes[n].x for n in layer]
    for i in range(1, len(layer)):
        previous, node = nodes[layer[i - 1]], nodes[layer[i]]
        minimum = previous.x + (previous.width + node.width) / 2 + gap
        if node.x < minimum:
            node.x = minimum
    shift = (sum(wanted) - sum(nodes[n].x for n in layer)) / len(layer)
    for i, node_id in enumerate(layer):  # re-centre on the wanted positions, then fix overlaps
        nodes[node_id].x += shift
        if i:
            previous = nodes[layer[i - 1]]
            minimum = previous.x + (previous.width + nodes[node_id].width) / 2 + gap
            nodes[node_id].x = max(nodes[node_id].x, minimum)


def layered_layout(nodes: Sequence[str], sizes: Dict[str, NodeSize],
                   edges: Sequence[Tuple[str, str]], roots: Sequence[str],
                   h_gap: float = 40.0, v_gap: float = 70.0,
                   dummy_width: float = 16.0) -> Layout:
    """Lay out a directed graph top-down.

    Args:
        nodes: node ids in a preferred order (used as tie-breaker).
        sizes: width and height per node.
        edges: (source, target) pairs; both ends must be in ``nodes``.
        roots: nodes to start the depth-first search from (e.g. the start node).
        h_gap: horizontal space between boxes of one layer.
        v_gap: vertical space between layers (room for edge labels).
        dummy_width: width reserved for an edge passing through a layer.

    Returns:
        The :class:`Layout` with centre coordinates for every node.
    """
    back = find_back_edges(nodes, edges, roots)
    layer_of = longest_path_layers(nodes, edges, back)
    layout = Layout(back_edges=set(back))
    for node in nodes:
        width, height = sizes[node]
        layout.nodes[node] = Placed(node, width, height, layer_of[node])
    for index, (source, target) in enumerate(edges):
        if index in back or source == target:
            layout.back_edges.add(index)
            continue
        chain = [source]
        for level in range(layer_of[source] + 1, layer_of[target]):
            dummy = f"__dummy_{index}_{level}"
            layout.nodes[dummy] = Placed(dummy, dummy_width, 1.0, level, dummy=True)
            chain.append(dummy)
        chain.append(target)
        layout.routes[index] = chain
    depth = max((p.layer for p in layout.nodes.values()), default=0) + 1
    layout.layers = [[] for _ in range(depth)]
    for node_id in _discovery_order(nodes, layout.routes, roots, layout.nodes):
        layout.layers[layout.nodes[node_id].layer].append(node_id)
    adjacency = [(chain[i], chain[i + 1]) for chain in layout.routes.values()
                 for i in range(len(chain) - 1)]
    layout.layers = order_layers(layout.layers, adjacency)
    _assign_x(layout, adjacency, h_gap)
    y = 0.0
    for layer in layout.layers:
        height = max((layout.nodes[n].height for n in layer), default=0.0)
        for node_id in layer:
            layout.nodes[node_id].y = y + height / 2
        y += height + v_gap
    layout.height = max(y - v_gap, 0.0)
    layout.width = max((n.x + n.width / 2 for n in layout.nodes.values()), default=0.0)
    return layout


def _discovery_order(nodes: Sequence[str], routes: Dict[int, List[str]], roots: Sequence[str],
                     placed: Dict[str, Placed]) -> List[str]:
    """All node ids (dummies included) in breadth-first order from ``roots``, then the rest."""
    out: Dict[str, List[str]] = {}
    for chain in routes.values():
        for i in range(len(chain) - 1):
            out.setdefault(chain[i], []).append(chain[i + 1])
    seen: List[str] = []
    marked: Set[str] = set()
    queue: List[str] = []
    for start in list(roots) + list(nodes):
        if start in marked:
            continue
        queue.append(start)
        marked.add(start)
        while queue:
            node = queue.pop(0)
            seen.append(node)
            for child in out.get(node, []):
                if child not in marked:
                    marked.add(child)
                    queue.append(child)
    seen.extend(n for n in placed if n not in marked)
    return seen


def edge_points(layout: Layout, index: int) -> Optional[List[Tuple[float, float]]]:
    """Centre points of the chain an edge passes through, or None for back edges."""
    chain = layout.routes.get(index)
    if chain is None:
        return None
    return [(layout.nodes[n].x, layout.nodes[n].y) for n in chain]
