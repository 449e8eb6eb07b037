"""Standalone SVG rendering of a flow (no Graphviz, no browser).

The graph comes from :mod:`bot.flows.lint.edges`, positions from :mod:`bot.flows.diagrams.layout`. Every step
becomes a ``<g class="node" data-step="<id>">`` group with a shape per kind, wrapped text and a
``<title>`` tooltip holding the full text; every arrow a ``<g class="edge">`` with its label.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple
from xml.sax.saxutils import escape, quoteattr

from bot.flows.diagrams.labels import kind_styles, shorten, step_summary
from bot.flows.diagrams.layout import Layout, Placed, edge_points, layered_layout
from bot.flows.kinds import registry
from bot.flows.lint.edges import HUMAN, START, Edge, flow_edges
from bot.flows.model import END, Flow

FONT = "font-family=\"Helvetica, Arial, sans-serif\""
CHAR_WIDTH = 6.8
LINE_HEIGHT = 15.0
STEP_WIDTH = 220.0
ASK_POINT = 18.0
MAX_LINES = 5
MARGIN = 24.0
LANE_GAP = 16.0

Point = Tuple[float, float]


@dataclass
class _Box:
    """What to draw for one node: its kind (for shape and colour), title and text lines."""

    kind: str
    title: str
    lines: List[str]
    tooltip: str
    step_id: Optional[str] = None
    shape: str = "rect"


def _wrap(text: str, width: float, max_lines: int = MAX_LINES) -> List[str]:
    chars = max(int(width / CHAR_WIDTH), 8)
    lines = textwrap.wrap(text, chars, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = shorten(lines[-1] + " …", chars)
        if not lines[-1].endswith("…"):
            lines[-1] = lines[-1][: chars - 1] + "…"
    return lines


#: Room the flag shape (escalate, the default hand-over) takes from the text width.
FLAG_INSET = 28.0
#: Shapes of the nodes that are not steps (a step's shape comes from its kind's ``Style``).
PSEUDO_SHAPES = {"start": "start", "end": "end", "human": "flag", "missing": "dashed"}


def _boxes(flow: Flow, edges: Sequence[Edge]) -> Dict[str, _Box]:
    boxes: Dict[str, _Box] = {START: _Box("start", "", [], "start", shape="start")}
    for step in flow.steps:
        kind = registry.kind_of(step.kind)
        summary = step_summary(step)
        lines = _wrap(summary, STEP_WIDTH - kind.style.text_inset)
        tooltip = f"{step.id} ({step.kind}): {kind.full_text(step)}"
        boxes[step.id] = _Box(step.kind, step.id, lines, tooltip, step.id, kind.style.svg_shape)
    for edge in edges:
        target = edge.target
        if target in boxes:
            continue
        if target == END:
            boxes[END] = _Box("end", "END", [], "the flow ends here", shape="end")
        elif target == HUMAN:
            boxes[HUMAN] = _Box("human", "hand over", _wrap("to a human (default give-up)",
                                                       180.0 - FLAG_INSET),
                                "ask gave up: escalate to a human with the conversation trail",
                                shape="flag")
        else:
            boxes[target] = _Box("missing", target, ["unknown step!"],
                                 f"'{target}' is not a step of flow '{flow.id}'", shape="dashed")
    return boxes


def _size(box: _Box) -> Tuple[float, float]:
    if box.shape == "start":
        return 20.0, 20.0
    if box.shape == "end":
        return 44.0, 44.0
    width = 180.0 if box.step_id is None else STEP_WIDTH
    if box.shape == "hexagon":
        width += 20.0
    height = 16.0 + LINE_HEIGHT * (1 + len(box.lines))
    if box.shape == "cylinder":
        height += 8.0
    return width, max(height, 40.0)


def _attr(value: str) -> str:
    return quoteattr(value)


def _shape(box: _Box, node: Placed, styles: Dict[str, Dict[str, str]]) -> str:
    style = styles.get(box.kind, styles["missing"])
    paint = f'fill="{style["fill"]}" stroke="{style["stroke"]}" stroke-width="1.5"'
    x, y, w, h = node.x, node.y, node.width, node.height
    left, right, top, bottom = x - w / 2, x + w / 2, y - h / 2, y + h / 2
    kind = box.shape
    if kind == "start":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" {paint}/>'
    if kind == "end":
        return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="22" {paint}/>'
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="18" fill="none" '
                f'stroke="{style["stroke"]}" stroke-width="1.5"/>')
    if kind == "hexagon":
        pts = [(left, y), (left + ASK_POINT, top), (right - ASK_POINT, top), (right, y),
               (right - ASK_POINT, bottom), (left + ASK_POINT, bottom)]
        return _polygon(pts, paint)
    if kind == "flag":
        pts = [(left, top), (right, top), (right - 14, y), (right, bottom), (left, bottom)]
        return _polygon(pts, paint.replace('stroke-width="1.5"', 'stroke-width="2.5"'))
    if kind == "parallelogram":
        pts = [(left + 14, top), (right, top), (right - 14, bottom), (left, bottom)]
        return _polygon(pts, paint)
    if kind == "stadium":
        return _rect(left, top, w, h, paint, radius=min(h / 2, 20.0))
    if kind == "cylinder":
        ry = 7.0
        body = (f'<path d="M{left:.1f},{top + ry:.1f} A{w / 2:.1f},{ry} 0 0 1 {right:.1f},'
                f'{top + ry:.1f} V{bottom - ry:.1f} A{w / 2:.1f},{ry} 0 0 1 {left:.1f},'
                f'{bottom - ry:.1f} Z" {paint}/>')
        rim = (f'<path d="M{left:.1f},{top + ry:.1f} A{w / 2:.1f},{ry} 0 0 0 {right:.1f},'
               f'{top + ry:.1f}" fill="none" stroke="{style["stroke"]}" stroke-width="1.5"/>')
        return body + rim
    if kind in ("subroutine", "rounded"):
        bars = ""
        if kind == "subroutine":
            bars = "".join(f'<line x1="{bx:.1f}" y1="{top:.1f}" x2="{bx:.1f}" y2="{bottom:.1f}" '
                           f'stroke="{style["stroke"]}" stroke-width="1.5"/>'
                           for bx in (left + 10, right - 10))
        return _rect(left, top, w, h, paint, radius=10.0 if kind == "rounded" else 0.0) + bars
    if kind == "dashed":
        return _rect(left, top, w, h, paint + ' stroke-dasharray="6 3"', radius=2.0)
    return _rect(left, top, w, h, paint, radius=4.0)


def _rect(left: float, top: float, w: float, h: float, paint: str, radius: float) -> str:
    return (f'<rect x="{left:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="{radius:.1f}" {paint}/>')


def _polygon(points: Sequence[Point], paint: str) -> str:
    coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    return f'<polygon points="{coords}" {paint}/>'


def _node_svg(box: _Box, node: Placed, styles: Dict[str, Dict[str, str]]) -> str:
    classes = f"node kind-{box.kind}" + (" step" if box.step_id else "")
    data = f' data-step={_attr(box.step_id)}' if box.step_id else ""
    parts = [f'<g class="{classes}"{data} data-kind="{box.kind}">',
             f"<title>{escape(box.tooltip)}</title>", _shape(box, node, styles)]
    if box.kind == "end":
        parts.append(f'<text x="{node.x:.1f}" y="{node.y + 4:.1f}" text-anchor="middle" '
                     f'font-size="11" font-weight="bold">END</text>')
    elif box.kind != "start":
        top = node.y - node.height / 2 + (8.0 if box.shape == "cylinder" else 0.0)
        y = top + 8.0 + LINE_HEIGHT - 3
        parts.append(f'<text x="{node.x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="12" '
                     f'font-weight="bold">{escape(box.title)}</text>')
        for line in box.lines:
            y += LINE_HEIGHT
            parts.append(f'<text x="{node.x:.1f}" y="{y:.1f}" text-anchor="middle" '
                         f'font-size="11.5">{escape(line)}</text>')
    parts.append("</g>")
    return "".join(parts)


class _Bounds:
    """Running bounding box of everything drawn."""

    def __init__(self) -> None:
        self.left, self.top, self.right, self.bottom = 0.0, 0.0, 0.0, 0.0

    def add(self, x: float, y: float) -> None:
        self.left, self.right = min(self.left, x), max(self.right, x)
        self.top, self.bottom = min(self.top, y), max(self.bottom, y)


class _Labels:
    """Places edge labels, nudging each one until it overlaps no earlier label."""

    def __init__(self, bounds: _Bounds) -> None:
        self.bounds = bounds
        self.placed: List[Tuple[float, float, float, float]] = []
        self.parts: List[str] = []

    def _free(self, box: Tuple[float, float, float, float]) -> bool:
        left, top, right, bottom = box
        return all(right <= l2 or left >= r2 or bottom <= t2 or top >= b2
                   for l2, t2, r2, b2 in self.placed)

    def add(self, text: str, x: float, y: float, side: int = 0) -> None:
        """Add a label centred at (x, y); ``side`` -1/+1 puts it left/right of x instead."""
        if not text:
            return
        lines = _wrap(text, 170.0, max_lines=3)
        width = max(len(line) for line in lines) * 6.0 + 8
        height = 13.0 * len(lines) + 4
        cx = x + side * (width / 2 + 4)
        cy = y
        for attempt in range(12):
            cy = y + (attempt + 1) // 2 * (height + 2) * (1 if attempt % 2 else -1)
            if self._free((cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)):
                break
        box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        self.placed.append(box)
        self.bounds.add(box[0], box[1])
        self.bounds.add(box[2], box[3])
        self.parts.append(f'<rect x="{box[0]:.1f}" y="{box[1]:.1f}" width="{width:.1f}" '
                          f'height="{height:.1f}" rx="3" fill="#ffffff" fill-opacity="0.9"/>')
        ty = box[1] + 12.0
        for line in lines:
            self.parts.append(f'<text x="{cx:.1f}" y="{ty:.1f}" text-anchor="middle" '
                              f'font-size="10.5" fill="#37474f">{escape(line)}</text>')
            ty += 13.0


def _edge_style(edge: Edge) -> str:
    colour = {"give_up": "#b71c1c", "else": "#607d8b", "yes": "#2e7d32", "no": "#e65100"}.get(
        edge.kind, "#37474f")
    dash = ' stroke-dasharray="5 4"' if edge.kind == "give_up" else ""
    marker = "arrow-" + ("red" if edge.kind == "give_up" else "dark")
    return f'fill="none" stroke="{colour}" stroke-width="1.4"{dash} marker-end="url(#{marker})"'


def _spread(count: int, width: float) -> List[float]:
    if count <= 1:
        return [0.0]
    step = min(18.0, width * 0.6 / (count - 1))
    return [(i - (count - 1) / 2) * step for i in range(count)]


def _port_offsets(edges: Sequence[Edge], layout: Layout) -> Dict[Tuple[int, str], float]:
    """Horizontal offsets so that several arrows leaving/entering one box do not overlap."""
    offsets: Dict[Tuple[int, str], float] = {}
    outgoing: Dict[str, List[int]] = {}
    incoming: Dict[str, List[int]] = {}
    for index, edge in enumerate(edges):
        outgoing.setdefault(edge.source, []).append(index)
        incoming.setdefault(edge.target, []).append(index)
    for table, end, other in ((outgoing, "out", "target"), (incoming, "in", "source")):
        for node_id, indexes in table.items():
            node = layout.nodes[node_id]
            indexes.sort(key=lambda i: layout.nodes[getattr(edges[i], other)].x)
            for index, offset in zip(indexes, _spread(len(indexes), node.width)):
                offsets[(index, end)] = offset
    return offsets


def _forward_path(points: List[Point], layout: Layout, edge: Edge,
                  offsets: Dict[Tuple[int, str], float], index: int) -> Tuple[str, Point]:
    source, target = layout.nodes[edge.source], layout.nodes[edge.target]
    start = (points[0][0] + offsets[(index, "out")], points[0][1] + source.height / 2)
    end = (points[-1][0] + offsets[(index, "in")], points[-1][1] - target.height / 2 - 2)
    chain = [start] + points[1:-1] + [end]
    # Catmull-Rom through the chain, with phantom points that make the ends leave/enter
    # vertically; gives one smooth curve instead of an S-bend per layer.
    padded = [(start[0], start[1] - 40.0)] + chain + [(end[0], end[1] + 40.0)]
    d = [f"M{start[0]:.1f},{start[1]:.1f}"]
    for i in range(1, len(padded) - 2):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = padded[i - 1:i + 3]
        c1 = (x1 + (x2 - x0) / 6, y1 + (y2 - y0) / 6)
        c2 = (x2 - (x3 - x1) / 6, y2 - (y3 - y1) / 6)
        d.append(f"C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {x2:.1f},{y2:.1f}")
    (ax, ay), (bx, by) = chain[0], chain[1]
    return " ".join(d), ((ax + bx) / 2, (ay + by) / 2)


def _back_path(layout: Layout, edge: Edge, lane: int,
               offsets: Dict[Tuple[int, str], float], index: int) -> Tuple[str, Point, int]:
    """Route an edge that goes back up (a loop) around the side of the drawing."""
    source, target = layout.nodes[edge.source], layout.nodes[edge.target]
    low, high = sorted((source.layer, target.layer))
    spanned = [n for n in layout.nodes.values() if low <= n.layer <= high]
    right_side = max(n.x + n.width / 2 for n in spanned)
    left_side = min(n.x - n.width / 2 for n in spanned)
    go_right = (right_side - source.x) <= (source.x - left_side)
    x_lane = (right_side + LANE_GAP * (lane + 1) + 8) if go_right else (
        left_side - LANE_GAP * (lane + 1) - 8)
    sx = source.x + offsets[(index, "out")]
    tx = target.x + offsets[(index, "in")]
    y_out = source.y + source.height / 2 + 14
    y_in = target.y - target.height / 2 - 14
    d = (f"M{sx:.1f},{source.y + source.height / 2:.1f} L{sx:.1f},{y_out:.1f} "
         f"L{x_lane:.1f},{y_out:.1f} L{x_lane:.1f},{y_in:.1f} L{tx:.1f},{y_in:.1f} "
         f"L{tx:.1f},{target.y - target.height / 2 - 2:.1f}")
    return d, (x_lane, (y_out + y_in) / 2), (1 if go_right else -1)


def _legend(x: float, y: float, width: float, styles: Dict[str, Dict[str, str]]) -> Tuple[str, float]:
    """Legend with one swatch per kind; returns the SVG and its height."""
    kinds = [k for k in styles if k not in ("start", "missing")]
    item_width = max(len(styles[k]["title"]) for k in kinds) * 6.0 + 44.0
    row_height = 22.0
    per_row = max(int(width // item_width), 1)
    parts = [f'<g class="legend"><text x="{x:.1f}" y="{y + 12:.1f}" font-size="12" '
             f'font-weight="bold">Legend</text>']
    for i, kind in enumerate(kinds):
        style = styles[kind]
        ix = x + (i % per_row) * item_width
        iy = y + 20 + (i // per_row) * row_height
        parts.append(f'<rect x="{ix:.1f}" y="{iy:.1f}" width="22" height="14" rx="3" '
                     f'fill="{style["fill"]}" stroke="{style["stroke"]}" stroke-width="1.5"/>')
        parts.append(f'<text x="{ix + 28:.1f}" y="{iy + 11:.1f}" font-size="11">'
                     f'{escape(style["title"])}</text>')
    rows = (len(kinds) + per_row - 1) // per_row
    parts.append(f'<text x="{x:.1f}" y="{y + 32 + rows * row_height:.1f}" font-size="10.5" '
                 f'fill="#607d8b">Dashed red arrows: what happens when an answer is not '
                 f'understood after max_attempts (gave up).</text></g>')
    return "".join(parts), 40 + rows * row_height


def render_svg(flow: Flow) -> str:
    """Render ``flow`` as a standalone SVG document.

    Args:
        flow: the flow to draw.

    Returns:
        SVG text (UTF-8, with XML declaration) that any browser can display.
    """
    edges = flow_edges(flow)
    boxes = _boxes(flow, edges)
    order = list(boxes)
    sizes = {node: _size(box) for node, box in boxes.items()}
    pairs = [(edge.source, edge.target) for edge in edges]
    layout = layered_layout(order, sizes, pairs, roots=[START])
    offsets = _port_offsets(edges, layout)
    bounds = _Bounds()
    for node in layout.nodes.values():
        bounds.add(node.x - node.width / 2, node.y - node.height / 2)
        bounds.add(node.x + node.width / 2, node.y + node.height / 2)
    edge_parts: List[str] = []
    labels = _Labels(bounds)
    lane = 0
    for index, edge in enumerate(edges):
        points = edge_points(layout, index)
        side = 0
        if points is None:
            d, label_at, side = _back_path(layout, edge, lane, offsets, index)
            lane += 1
        else:
            d, label_at = _forward_path(points, layout, edge, offsets, index)
        for token in d.replace("M", " ").replace("L", " ").replace("C", " ").split():
            px, py = token.split(",")
            bounds.add(float(px), float(py))
        edge_parts.append(f'<g class="edge kind-{edge.kind}" data-source={_attr(edge.source)} '
                          f'data-target={_attr(edge.target)}><path d="{d}" {_edge_style(edge)}/>'
                          f'</g>')
        labels.add(edge.label, label_at[0], label_at[1], side)
    styles = kind_styles()
    node_parts = [_node_svg(boxes[node_id], layout.nodes[node_id], styles)
                  for node_id in boxes]
    header = 56.0
    graph_width = bounds.right - bounds.left
    width = max(graph_width, 620.0) + 2 * MARGIN
    dx = MARGIN - bounds.left + (width - 2 * MARGIN - graph_width) / 2
    dy = header - bounds.top
    legend_y = header + (bounds.bottom - bounds.top) + 30
    legend, legend_height = _legend(MARGIN, legend_y, width - 2 * MARGIN, styles)
    height = legend_y + legend_height + MARGIN
    title = escape(f"{flow.id}")
    description = escape(shorten(flow.description, 140))
    return "".join([
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}" role="img" {FONT}>\n',
        f"<title>Flow {title}: {description}</title>\n",
        "<defs>",
        '<marker id="arrow-dark" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#37474f"/></marker>',
        '<marker id="arrow-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#b71c1c"/></marker>',
        "</defs>\n",
        f'<rect x="0" y="0" width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>\n',
        f'<text x="{MARGIN:.1f}" y="26" font-size="17" font-weight="bold">{title}</text>\n',
        f'<text x="{MARGIN:.1f}" y="44" font-size="12" fill="#455a64">{description}</text>\n',
        f'<g transform="translate({dx:.1f},{dy:.1f})">\n',
        '<g class="edges">', "".join(edge_parts), "</g>\n",
        '<g class="nodes">', "".join(node_parts), "</g>\n",
        '<g class="labels">', "".join(labels.parts), "</g>\n",
        "</g>\n",
        legend, "\n</svg>\n",
    ])
