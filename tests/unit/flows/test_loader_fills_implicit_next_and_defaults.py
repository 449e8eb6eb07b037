"""The loader fills in implicit next targets and the documented defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from bot.flows.loading.loader import load_flow_file
from bot.flows.model import END


def test_implicit_next_and_defaults(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow(
        "vpn.yml",
        """
        flows:
          vpn:
            description: VPN trouble
            triggers:
              - intent: vpn
              - intent: app_error
                entities: {app_name: [globalprotect, anyconnect]}
            steps:
              - id: ask_client
                ask: Which client?
                answer:
                  type: choice
                  options:
                    - {label: GlobalProtect, value: globalprotect}
                    - {label: Cisco AnyConnect, value: anyconnect}
              - id: status
                action: check_service_status
                args: {service: vpn}
              - id: fixed
                resolve: Did that fix it?
                next:
                  - if: status == "outage"
                    then: END
                  - else: escalate
              - id: escalate
                escalate: {team: network, summary: "VPN {ask_client}"}
        """,
    )
    flows, problems = load_flow_file(path)
    assert problems == []
    flow = flows[0]
    ask, action, resolve, escalate = flow.steps
    assert ask.next.implicit and ask.next.target == "status"
    assert action.next.implicit and action.next.target == "fixed"
    assert ask.save_as == "ask_client" and action.save_as == "status"
    assert ask.max_attempts == 3 and ask.on_give_up is None
    assert [o.value for o in ask.answer.options] == ["globalprotect", "anyconnect"]
    assert dict(action.args) == {"service": "vpn"}
    assert [b.condition for b in resolve.next.branches] == ['status == "outage"', None]
    assert resolve.next.targets() == [END, "escalate"]
    assert escalate.body == {"team": "network", "priority": "normal", "summary": "VPN {ask_client}"}
    assert escalate.next.target == END
    assert flow.triggers[1].entities == {"app_name": ("globalprotect", "anyconnect")}
    assert flow.first_step.id == "ask_client"


def test_last_step_without_next_ends_the_flow(write_flow: Callable[[str, str], Path]) -> None:
    path = write_flow(
        "one.yml",
        """
        flows:
          one:
            description: One step
            triggers: [{intent: one}]
            steps:
              - id: only
                say: Hello
        """,
    )
    flows, _ = load_flow_file(path)
    assert flows[0].steps[0].next.target == END
    assert flows[0].steps[0].next.implicit
