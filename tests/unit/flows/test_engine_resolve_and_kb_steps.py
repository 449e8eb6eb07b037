"""resolve: yes ends resolved with thanks, no continues; kb lists articles or says it found none."""

from __future__ import annotations

from bot.flows.runtime.ports import Article

FLOW = """
flows:
  wifi_connectivity:
    description: Wi-Fi problems
    triggers: [{intent: wifi_connectivity}]
    steps:
      - id: ask_where
        ask: Where are you?
        answer: {type: text}
      - id: articles
        kb: "wifi {ask_where}"
        top: 2
      - id: fixed
        resolve: Did that fix it?
        next: escalate
      - id: escalate
        escalate: {team: network, summary: "Wi-Fi at {ask_where}"}
"""


def test_resolve_yes_ends_resolved(write_flow, make_chat, static_kb) -> None:
    write_flow("wifi_connectivity.yml", FLOW)
    kb = static_kb([
        Article("Fix office Wi-Fi", "https://kb/1", "Forget and rejoin the network.", 0.9),
        Article("Wi-Fi drivers", "https://kb/2", "", 0.5),
        Article("Third", "https://kb/3", "", 0.1),
    ])
    chat = make_chat(kb=kb)
    chat.send("wifi down", intent="wifi_connectivity")
    shown = chat.send("the office")
    assert kb.queries == ["wifi the office"]
    text = shown.messages[0].text
    assert "[Fix office Wi-Fi](https://kb/1) — Forget and rejoin the network." in text
    assert "[Wi-Fi drivers](https://kb/2)" in text and "Third" not in text
    assert [a["url"] for a in shown.messages[0].articles] == ["https://kb/1", "https://kb/2"]
    assert shown.messages[1].text == "Did that fix it?"

    done = chat.send("yes it did, thanks!")
    assert "glad" in done.messages[0].text.lower()
    assert [(o.flow, o.outcome) for o in done.ended] == [("wifi_connectivity", "resolved")]
    assert done.state is None and done.escalation is None


def test_resolve_no_follows_next_and_kb_admits_nothing_found(write_flow, make_chat) -> None:
    write_flow("wifi_connectivity.yml", FLOW)
    chat = make_chat()
    chat.send("wifi down", intent="wifi_connectivity")
    shown = chat.send("home")
    assert shown.messages[0].text == "I couldn't find an article for that."
    result = chat.click("no")
    assert result.escalation is not None and result.escalation.summary == "Wi-Fi at home"
    assert result.escalation.reason == "flow" and result.escalation.priority == "normal"
    assert "network team" in result.messages[0].text and "ticket" in result.messages[0].text


def test_resolve_reasks_yes_no(write_flow, make_chat) -> None:
    write_flow("wifi_connectivity.yml", FLOW)
    chat = make_chat()
    chat.send("wifi down", intent="wifi_connectivity")
    chat.send("home")
    again = chat.send("maybe")
    assert chat.step == "fixed"
    assert "yes or no" in again.messages[0].text
    assert [b["payload"] for b in again.messages[0].buttons] == [  # issue #15: Partly and Not yet too
        '/flow_answer{"flow_answer":"yes"}', '/flow_answer{"flow_answer":"no"}',
        '/flow_answer{"flow_answer":"partly"}', '/flow_answer{"flow_answer":"not_yet"}',
    ]


def test_kb_failure_is_reported_as_nothing_found(write_flow, make_chat) -> None:
    class Down:
        def search(self, query, top):
            raise ConnectionError("search index offline")

    write_flow("wifi_connectivity.yml", FLOW)
    chat = make_chat(kb=Down())
    chat.send("wifi down", intent="wifi_connectivity")
    assert chat.send("home").messages[0].text == "I couldn't find an article for that."
