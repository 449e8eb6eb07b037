"""link ends the current flow without an outcome of its own and carries its trail along."""

from __future__ import annotations

FIRST = """
flows:
  slow_computer:
    description: Slow computer
    triggers: [{intent: slow_computer}]
    steps:
      - id: ask_wifi
        ask: Is it only slow on the internet?
        answer: {type: yes_no}
        next:
          - if: ask_wifi
            then: to_wifi
          - else: tips
      - id: tips
        say: Restart your computer.
      - id: to_wifi
        link: wifi_connectivity
"""

SECOND = """
flows:
  wifi_connectivity:
    description: Wi-Fi problems
    triggers: [{intent: wifi_connectivity}]
    steps:
      - id: wifi_intro
        say: "Let's look at your Wi-Fi (slow only online: {ask_wifi})."
      - id: fixed
        resolve: Is it better now?
"""


def test_link_moves_into_the_other_flow(write_flow, make_chat) -> None:
    write_flow("slow_computer.yml", FIRST)
    write_flow("wifi_connectivity.yml", SECOND)
    chat = make_chat()
    chat.send("my laptop is slow", intent="slow_computer")
    result = chat.send("yes only online")
    assert [m.text for m in result.messages] == ["Let's look at your Wi-Fi (slow only online: yes).", "Is it better now?"]
    assert [b["title"] for b in result.messages[-1].buttons] == ["Yes", "No", "Partly", "Not yet"]  # issue #15: resolve offers the in-betweens
    assert result.ended == []  # the linking flow has no outcome of its own
    assert chat.flow == "wifi_connectivity" and chat.step == "fixed"

    done = chat.click("yes")
    assert [(o.flow, o.outcome) for o in done.ended] == [("wifi_connectivity", "resolved")]
    assert [(e["flow"], e["step"]) for e in done.ended[0].trail] == [
        ("slow_computer", "ask_wifi"),
        ("slow_computer", "to_wifi"),
        ("wifi_connectivity", "wifi_intro"),
        ("wifi_connectivity", "fixed"),
    ]
