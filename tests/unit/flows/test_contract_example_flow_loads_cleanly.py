"""The flow format example from the shared contract loads with the bundled schema."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from bot.flows.loading.loader import SCHEMA_PATH, load_flows

EXAMPLE = """
flows:
  vpn_connection:
    description: VPN won't connect, keeps dropping, or is very slow
    triggers:
      - intent: vpn_connection
      - intent: app_error
        entities: {app_name: [globalprotect, anyconnect]}
    steps:
      - id: intro
        say: "Sorry your VPN is giving you trouble — let's sort it out."
        image: https://example.com/vpn.png
        link: {title: "VPN guide", url: "https://intranet.example.com/vpn"}
      - id: status
        action: check_service_status
        args: {service: vpn}
        save_as: vpn_status
        next:
          - if: vpn_status == "outage"
            then: known_outage
          - else: ask_client
      - id: known_outage
        say: There is a VPN outage right now.
        next: END
      - id: ask_client
        ask: "Which VPN client are you using?"
        save_as: vpn_client
        answer:
          type: choice
          options:
            - {label: "GlobalProtect", value: globalprotect}
            - {label: "Cisco AnyConnect", value: anyconnect}
        hint: "Please pick one of the buttons, or type the client's name."
        max_attempts: 3
        on_give_up: escalate
      - id: articles
        kb: "vpn {vpn_client} disconnects"
        top: 3
      - id: fixed
        resolve: "Did that fix it?"
        next: sub
      - id: sub
        call: account_locked
        next: to_wifi
      - id: to_wifi
        link: wifi_connectivity
      - id: escalate
        escalate:
          team: network
          priority: high
          summary: "VPN ({vpn_client}) down; status {vpn_status}"
"""

OTHER = """
flows:
  {id}:
    description: {id}
    triggers: [{{intent: {id}}}]
    steps:
      - id: hello
        say: hello
"""


def test_contract_example_loads(flow_dir: Path, write_flow: Callable[[str, str], Path]) -> None:
    write_flow("vpn_connection.yml", EXAMPLE)
    write_flow("account_locked.yml", OTHER.format(id="account_locked"))
    write_flow("wifi_connectivity.yml", OTHER.format(id="wifi_connectivity"))
    flows, problems = load_flows(flow_dir)
    assert [str(p) for p in problems] == []
    vpn = flows.flows["vpn_connection"]
    assert [s.kind for s in vpn.steps] == ["say", "action", "say", "ask", "kb", "resolve", "call", "link", "escalate"]
    assert vpn.step("intro").link == {"title": "VPN guide", "url": "https://intranet.example.com/vpn"}
    assert vpn.step("to_wifi").body == "wifi_connectivity"


def test_bundled_schema_exists_next_to_the_loader() -> None:
    # The loader validates with it when present; this pins where it is looked up.
    assert SCHEMA_PATH.name == "schema.json" and SCHEMA_PATH.parent.name == "flows"
