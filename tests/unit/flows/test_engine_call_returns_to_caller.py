"""A called flow runs to its end and control returns to the caller's next; escalations propagate."""

from __future__ import annotations

CALLER = """
flows:
  vpn_connection:
    description: VPN problems
    triggers: [{intent: vpn_connection}]
    steps:
      - id: intro
        say: Let's check your account first.
      - id: check_account
        call: account_locked
        next:
          - if: unlocked
            then: after
          - else: sorry
      - id: after
        say: "Back in VPN; account unlocked: {unlocked}"
        next: END
      - id: sorry
        say: Account still locked.
"""

CALLEE = """
flows:
  account_locked:
    description: Account locked out
    triggers: [{intent: account_locked}]
    steps:
      - id: intro
        say: Account check.
      - id: unlocked
        ask: Can you sign in now?
        answer: {type: yes_no}
        next:
          - if: unlocked
            then: END
          - else: escalate
      - id: escalate
        escalate: {team: identity, priority: high, summary: "Locked out"}
"""


def test_call_returns_to_caller_next(write_flow, make_chat) -> None:
    write_flow("vpn_connection.yml", CALLER)
    write_flow("account_locked.yml", CALLEE)
    chat = make_chat()
    first = chat.send("vpn broken", intent="vpn_connection")
    assert [m.text for m in first.messages] == ["Let's check your account first.", "Account check.", "Can you sign in now?"]
    assert chat.flow == "account_locked" and chat.step == "unlocked"
    assert chat.state["stack"][0]["flow"] == "vpn_connection" and chat.state["stack"][0]["step"] == "check_account"

    done = chat.click("yes")
    assert [m.text for m in done.messages] == ["Back in VPN; account unlocked: yes"]
    assert [(o.flow, o.outcome) for o in done.ended] == [("account_locked", "resolved"), ("vpn_connection", "resolved")]
    callee_trail, caller_trail = done.ended[0].trail, done.ended[1].trail
    assert {e["flow"] for e in callee_trail} == {"account_locked"}
    assert [e["step"] for e in caller_trail] == ["intro", "check_account", "intro", "unlocked", "after"]
    assert done.state is None


def test_callee_escalation_escalates_everything(write_flow, make_chat) -> None:
    write_flow("vpn_connection.yml", CALLER)
    write_flow("account_locked.yml", CALLEE)
    chat = make_chat()
    chat.send("vpn broken", intent="vpn_connection")
    result = chat.send("no", intent="deny")
    assert result.escalation is not None
    assert (result.escalation.flow, result.escalation.team, result.escalation.reason) == ("account_locked", "identity", "flow")
    assert [(o.flow, o.outcome) for o in result.ended] == [("account_locked", "escalated"), ("vpn_connection", "escalated")]
    assert result.state is None
