"""Flow diagrams: Mermaid text and a standalone SVG, plus the ``frontline flows graph`` command.

The SVG is drawn in pure Python (see :mod:`bot.flows.diagrams.svg`); no Graphviz or browser is needed.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

from bot.flows.diagrams.labels import kind_styles, step_summary
from bot.flows.kinds import registry
from bot.flows.lint.edges import HUMAN, START, Edge, flow_edges
from bot.flows.model import END, Flow, Step

#: Mermaid shape of nodes that are not steps (the kinds bring their own, ``Style.mermaid``).
_MISSING_SHAPE = '["{}"]'


def _mermaid_escape(text: str) -> str:
    """Escape text for use inside a quoted Mermaid label."""
    text = text.replace("#", "#35;")
    for char, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;")):
        text = text.replace(char, code)
    return text


def mermaid_id(node: str) -> str:
    """Mermaid node id for a step id or pseudo node (prefixed so that ``end`` etc. are safe)."""
    if node == START:
        return "n_start"
    if node == END:
        return "n_end"
    if node == HUMAN:
        return "n_human"
    return f"s_{node}"


def _step_node(step: Step) -> str:
    label = f"{_mermaid_escape(step.id)}<br/>{_mermaid_escape(step_summary(step))}"
    return mermaid_id(step.id) + registry.kind_of(step.kind).style.mermaid.format(label)


def _edge_line(edge: Edge) -> str:
    arrow = "-.->" if edge.kind == "give_up" else "-->"
    source, target = mermaid_id(edge.source), mermaid_id(edge.target)
    if edge.label:
        return f'    {source} {arrow}|"{_mermaid_escape(edge.label)}"| {target}'
    return f"    {source} {arrow} {target}"


def to_mermaid(flow: Flow) -> str:
    """Render ``flow`` as a Mermaid ``flowchart TD`` diagram.

    Node shapes follow the step kind (ask = decision rhombus, say = rectangle, kb = cylinder,
    action = hexagon, escalate = flag, resolve = stadium, link = parallelogram, call =
    subroutine); edges carry their condition, "else", "yes", "no" or "gave up" as label.

    Args:
        flow: the flow to draw.

    Returns:
        Mermaid source text ending with a newline.
    """
    lines: List[str] = [f"%% {flow.id}: {flow.description}", "flowchart TD"]
    lines.append(f'    {mermaid_id(START)}(("start"))')
    known = {step.id for step in flow.steps}
    for step in flow.steps:
        lines.append("    " + _step_node(step))
    edges = flow_edges(flow)
    targets = {edge.target for edge in edges}
    if END in targets:
        lines.append(f'    {mermaid_id(END)}(("END"))')
    if HUMAN in targets:
        lines.append(f'    {mermaid_id(HUMAN)}>"hand over to a human<br/>(default give-up)"]')
    missing = sorted(t for t in targets if t not in known and t not in (END, HUMAN))
    for target in missing:
        label = _mermaid_escape(f"unknown step '{target}'")
        lines.append(f"    {mermaid_id(target)}" + _MISSING_SHAPE.format(label))
    lines.extend(_edge_line(edge) for edge in edges)
    for kind, style in kind_styles().items():
        lines.append(f"    classDef k_{kind} fill:{style['fill']},stroke:{style['stroke']}")
    by_kind: Dict[str, List[str]] = {}
    for step in flow.steps:
        by_kind.setdefault(step.kind, []).append(mermaid_id(step.id))
    by_kind.setdefault("start", []).append(mermaid_id(START))
    if END in targets:
        by_kind.setdefault("end", []).append(mermaid_id(END))
    if HUMAN in targets:
        by_kind.setdefault("human", []).append(mermaid_id(HUMAN))
    if missing:
        by_kind["missing"] = [mermaid_id(target) for target in missing]
    for kind, ids in by_kind.items():
        lines.append(f"    class {','.join(ids)} k_{kind}")
    return "\n".join(lines) + "\n"


def to_svg(flow: Flow) -> str:
    """Render ``flow`` as a standalone SVG document (layered layout, legend included)."""
    from bot.flows.diagrams.svg import render_svg

    return render_svg(flow)


def _write_png(svg_path: Path, png_path: Path) -> Optional[str]:
    """Convert the SVG to PNG with rsvg-convert or cairosvg if available.

    Returns:
        None on success, otherwise a hint on how to get a PNG.
    """
    converter = shutil.which("rsvg-convert")
    if converter:
        result = subprocess.run([converter, "-o", str(png_path), str(svg_path)],
                                capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return None
        return f"rsvg-convert failed: {result.stderr.strip()}"
    try:
        import cairosvg  # optional; not a dependency
    except ImportError:
        return ("no PNG written: install `rsvg-convert` (apt-get install librsvg2-bin) or "
                "`pip install cairosvg` and run again, or open the SVG in a browser")
    cairosvg.svg2png(url=str(svg_path), write_to=str(png_path))
    return None


def main_graph(flows_dir: Path, flow_id: str, out_dir: Path) -> int:
    """``frontline flows graph <flow>``: write ``<out>/<flow>.mmd`` and ``<out>/<flow>.svg``.

    The Mermaid text goes to stdout; the written paths and any notes go to stderr, so that
    ``frontline flows graph vpn_connection > vpn.mmd`` works.

    Args:
        flows_dir: directory with the flow YAML files.
        flow_id: id of the flow to draw.
        out_dir: directory for the output files (created if needed).

    Returns:
        0 on success, 2 if the flow does not exist (the known flow ids are listed).
    """
    from bot.flows.loading.loader import load_flows

    flow_set, problems = load_flows(Path(flows_dir))
    flow = flow_set.get(flow_id)
    if flow is None:
        known = ", ".join(sorted(flow_set.flows)) or "none"
        close = difflib.get_close_matches(flow_id, sorted(flow_set.flows), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        print(f"error: there is no flow '{flow_id}' in {flows_dir} (known flows: {known}){hint}",
              file=sys.stderr)
        for problem in problems:
            print(str(problem), file=sys.stderr)
        return 2
    for problem in problems:
        if problem.location.file and flow.location.file == problem.location.file:
            print(str(problem), file=sys.stderr)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    mermaid = to_mermaid(flow)
    mmd_path, svg_path = out / f"{flow_id}.mmd", out / f"{flow_id}.svg"
    mmd_path.write_text(mermaid, encoding="utf-8")
    svg_path.write_text(to_svg(flow), encoding="utf-8")
    sys.stdout.write(mermaid)
    print(f"wrote {mmd_path}", file=sys.stderr)
    print(f"wrote {svg_path}", file=sys.stderr)
    png_path = out / f"{flow_id}.png"
    note = _write_png(svg_path, png_path)
    print(f"wrote {png_path}" if note is None else note, file=sys.stderr)
    return 0
