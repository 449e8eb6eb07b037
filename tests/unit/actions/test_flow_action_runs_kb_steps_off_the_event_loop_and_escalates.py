"""actions/flow.py: a topic starts its flow, a button answer moves it on, a kb: step searches in a
worker thread (never on the action server's event loop), and an escalation opens a ticket and
records the finished run."""

from __future__ import annotations

import threading
from pathlib import Path

from actions.flow import ActionFlow
from bot.flows.runtime.ports import Article
from tests.unit.actions.harness import MemoryKb, build_services, run, slots_set, tracker

TOY_FLOW = """\
flows:
  printer_problem:
    description: "Printer trouble"
    triggers:
      - intent: printer_problem
    steps:
      - id: ask_printer
        ask: "Which printer is it?"
        save_as: printer
        answer:
          type: choice
          options:
            - {label: "Floor 3 printer", value: floor3}
            - {label: "Another printer", value: other}
      - id: articles
        kb: "printer {printer}"
        top: 1
      - id: escalate
        escalate:
          team: endpoint
          priority: normal
          summary: "Printer {printer} is broken."
"""


def test_a_flow_searches_off_the_loop_then_escalates_and_records_the_run(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "printer.yml").write_text(TOY_FLOW)
    kb = MemoryKb(articles={"printer floor3": [Article("Clear a paper jam", "https://kb/paper-jam")]})
    world = build_services(tmp_path, flows_dir=flows, kb=kb)
    action = ActionFlow(world.services)

    messages, events = run(action, tracker("my printer is broken", "printer_problem"))
    assert messages[0]["text"] == "Which printer is it?"
    state = slots_set(events)["flow_state"]
    assert state

    messages, events = run(action, tracker('/flow_answer{"flow_answer":"floor3"}', "flow_answer",
                                           entities=[{"entity": "flow_answer", "value": "floor3"}], slots={"flow_state": state}))

    assert kb.search_threads and threading.main_thread().name not in kb.search_threads
    assert any("Clear a paper jam" in (m.get("text") or "") for m in messages)
    (ticket,) = world.ticketing.tickets.list_for_requester("conv-alice")
    assert ticket.summary.startswith("Printer floor3 is broken") or "floor3" in ticket.summary
    assert ticket.reference in messages[-1]["text"]
    (flow_run,) = world.services.flow_runs.list_for_conversation("conv-alice")
    assert (flow_run.flow_id, flow_run.outcome, flow_run.ticket_id) == ("printer_problem", "escalated", ticket.id)
    assert slots_set(events)["flow_state"] is None
