"""`to_mermaid` draws every step with a kind-specific shape and labels the branches."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.flows.diagrams.graph import to_mermaid
from bot.flows.loading.loader import load_flow_file
from bot.flows.model import Flow

FLOW = textwrap.dedent("""\
    flows:
      vpn_connection:
        description: VPN trouble
        triggers:
          - intent: vpn_connection
        steps:
          - id: status
            action: check_service_status
            args: {service: vpn}
            save_as: vpn_status
            next:
              - if: vpn_status == "outage"
                then: outage
              - else: ask_client
          - id: ask_client
            ask: Which client?
            answer:
              type: choice
              options:
                - {label: GlobalProtect, value: globalprotect}
          - id: fixed
            resolve: Did that fix it?
            next: outage
          - id: outage
            escalate: {team: network, priority: high, summary: "VPN down"}
""")


def load(tmp_path: Path) -> Flow:
    path = tmp_path / "vpn.yml"
    path.write_text(FLOW, encoding="utf-8")
    flows, problems = load_flow_file(path)
    assert problems == []
    return flows[0]


def test_graph_mermaid_has_every_step_and_labelled_edges(tmp_path: Path) -> None:
    text = to_mermaid(load(tmp_path))
    lines = text.splitlines()

    assert "flowchart TD" in lines
    for step_id in ("status", "ask_client", "fixed", "outage"):
        assert any(line.strip().startswith(f"s_{step_id}") for line in lines), step_id
    assert 's_ask_client{"ask_client' in text  # ask = decision rhombus
    assert 's_status -->|"vpn_status == #quot;outage#quot;"| s_outage' in text
    assert 's_status -->|"else"| s_ask_client' in text
    assert 's_fixed -->|"yes"| n_end' in text
    assert 's_fixed -->|"no"| s_outage' in text
    assert 's_ask_client -.->|"gave up"| n_human' in text


def test_graph_mermaid_is_safe_for_reserved_words(tmp_path: Path) -> None:
    text = to_mermaid(load(tmp_path))

    # `end` is a Mermaid keyword; our END node and classes must never be called that.
    assert not any(token == "end" for line in text.splitlines() for token in line.split())
