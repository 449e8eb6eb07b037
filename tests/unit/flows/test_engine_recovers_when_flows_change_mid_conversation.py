"""Hot-reloaded edits mid-conversation: a removed step restarts the flow, a removed flow ends it."""

from __future__ import annotations

from datetime import datetime

from bot.flows.loading.loader import load_flows
from bot.flows.model.turns import UserTurn
from bot.flows.runtime.checks import CheckRegistry
from bot.flows.runtime.engine import FlowEngine
from bot.flows.runtime.ports import NullKnowledgeBase

V1 = """
flows:
  mfa_problem:
    description: MFA problems
    triggers: [{intent: mfa_problem}]
    steps:
      - id: ask_device
        ask: Which device?
        answer: {type: text}
      - id: done
        say: ok
"""


def test_removed_step_restarts_and_removed_flow_abandons(flow_dir, write_flow) -> None:
    write_flow("mfa_problem.yml", V1)
    current = {"flows": load_flows(flow_dir)[0]}
    engine = FlowEngine(lambda: current["flows"], CheckRegistry(), NullKnowledgeBase(), lambda: datetime(2024, 1, 1))
    state = engine.handle(None, UserTurn("mfa", "mfa_problem", 0.9)).state
    assert state["step"] == "ask_device"

    write_flow("mfa_problem.yml", V1.replace("ask_device", "which_device"))
    current["flows"] = load_flows(flow_dir)[0]
    restarted = engine.handle(state, UserTurn("my phone", None, 0.0))
    assert restarted.messages[0].text.startswith("This troubleshooting guide was just updated")
    assert restarted.state["step"] == "which_device"

    (flow_dir / "mfa_problem.yml").unlink()
    current["flows"] = load_flows(flow_dir)[0]
    gone = engine.handle(restarted.state, UserTurn("my phone", None, 0.0))
    assert gone.state is None
    assert [(o.flow, o.outcome) for o in gone.ended] == [("mfa_problem", "abandoned")]
    assert "changed" in gone.messages[0].text
