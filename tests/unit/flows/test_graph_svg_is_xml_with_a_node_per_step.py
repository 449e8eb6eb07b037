"""`to_svg` produces a standalone SVG with one node group per step, labelled edges and a legend."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

from bot.flows.diagrams.graph import to_svg
from bot.flows.loading.loader import load_flow_file

SVG_NS = "{http://www.w3.org/2000/svg}"

FLOW = textwrap.dedent("""\
    flows:
      printer_problem:
        description: Printer won't print & shows <errors>
        triggers:
          - intent: printer_problem
        steps:
          - id: ask_kind
            ask: "Is it a \\"paper jam\\" or something else?"
            answer: {type: yes_no}
            next:
              - if: ask_kind
                then: jam
              - else: articles
          - id: jam
            say: Open the tray and remove the paper.
            next: retry
          - id: articles
            kb: printer {ask_kind}
          - id: retry
            resolve: Does it print now?
            next: ask_kind
""")


def test_graph_svg_is_xml_with_a_node_per_step(tmp_path: Path) -> None:
    path = tmp_path / "printer.yml"
    path.write_text(FLOW, encoding="utf-8")
    flows, problems = load_flow_file(path)
    assert problems == []

    root = ET.fromstring(to_svg(flows[0]).encode("utf-8"))

    assert root.tag == f"{SVG_NS}svg"
    steps = [g.get("data-step") for g in root.iter(f"{SVG_NS}g") if g.get("data-step")]
    assert sorted(steps) == ["articles", "ask_kind", "jam", "retry"]
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG_NS}text"))
    assert "else" in texts and "yes" in texts and "gave up" in texts
    assert "Legend" in texts
    edges = [g for g in root.iter(f"{SVG_NS}g") if (g.get("class") or "x").split()[0] == "edge"]
    # start→ask, ask→jam, ask→articles, ask gave up, jam→retry, articles→retry,
    # retry yes→END, retry no→ask (a loop back up)
    assert len(edges) == 8
