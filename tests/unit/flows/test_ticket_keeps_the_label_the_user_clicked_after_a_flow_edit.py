"""The trail records the chosen option's label when the answer is given, so editing a button's
label in the (hot-reloaded) flow never changes what a ticket says about an earlier answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from bot.flows.loading.loader import load_flows
from bot.flows.model.trail import TrailEntry
from bot.tickets.summary import TicketContext, summarise

FLOW = """
flows:
  vpn_connection:
    description: VPN won't connect
    triggers: [{intent: vpn_connection}]
    steps:
      - id: ask_client
        ask: Which VPN client are you using?
        answer:
          type: choice
          options:
            - {label: Cisco AnyConnect, value: anyconnect}
            - {label: GlobalProtect, value: globalprotect}
      - id: hand_over
        escalate: {team: network}
"""


def test_summary_shows_the_label_clicked_not_the_edited_one(
        write_flow: Callable[[str, str], Path], flow_dir: Path, make_chat: Callable[..., Any]) -> None:
    path = write_flow("vpn_connection.yml", FLOW)
    chat = make_chat()
    chat.send("my vpn is down", intent="vpn_connection")
    result = chat.click("anyconnect")
    trail = result.escalation.trail
    assert TrailEntry.from_json(trail[0]).label == "Cisco AnyConnect"

    # A content designer renames the button afterwards; the flows are hot-reloaded.
    path.write_text(path.read_text(encoding="utf-8").replace("Cisco AnyConnect", "AnyConnect (legacy)"),
                    encoding="utf-8")
    edited, problems = load_flows(flow_dir)
    assert problems == []

    def label_of(flow_id: str, step_id: str, value: Any) -> Optional[str]:
        step = edited.flows[flow_id].step(step_id)
        return next((o.label for o in step.answer.options if o.value == value), None)

    context = TicketContext(requester_id="u1", channel="rest", category="vpn_connection", reason="flow",
                            flow_description="VPN won't connect", trail=trail)
    summary = summarise(context, "normal", (), label_of)

    assert "Which VPN client are you using? Cisco AnyConnect" in summary.text
    assert "legacy" not in summary.text
    assert summary.details["questions"][0]["label"] == "Cisco AnyConnect"


def test_old_stored_entries_without_a_label_still_read() -> None:
    stored = {"flow": "f", "step": "s", "kind": "ask", "text": "Q?", "answer": "x", "at": "t"}

    entry = TrailEntry.from_json(stored)

    assert (entry.label, entry.answer_text, entry.unusable) == (None, "x", [])
    assert entry.to_json() == stored
    assert TrailEntry.from_json({"kind": "resolve", "answer": False}).answer_text == "no"
