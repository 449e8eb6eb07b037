"""Action results, answers and entity slots feed conditions and templates (answers first)."""

from __future__ import annotations

from pathlib import Path

from bot.flows.runtime.checks import CheckRegistry, ErrorCodeLookup

FLOW = """
flows:
  app_error:
    description: App errors
    triggers: [{intent: app_error}]
    steps:
      - id: lookup
        action: lookup_error_code
        args: {code: "{error_code}"}
        save_as: err
        next:
          - if: err.known and app_name in ["outlook", "teams"]
            then: known
          - if: err.known
            then: known_other
          - else: unknown
      - id: known
        say: "{app_name}: {err.title}. {err.advice}"
        next: END
      - id: known_other
        say: "Known code {error_code} in another app"
        next: END
      - id: unknown
        say: "I don't know {error_code}."
"""


def make_registry(tmp_path: Path) -> CheckRegistry:
    codes = tmp_path / "error_codes.yml"
    codes.write_text('"0x80070005": {title: Access denied, advice: Restart.}\n')
    return CheckRegistry({"lookup_error_code": ErrorCodeLookup(codes)})


def test_known_code_in_listed_app(tmp_path, write_flow, make_chat) -> None:
    write_flow("app_error.yml", FLOW)
    chat = make_chat(checks=make_registry(tmp_path))
    result = chat.send("outlook says 0x80070005", intent="app_error", entities={"app_name": "Outlook", "error_code": "0X80070005"})
    assert [m.text for m in result.messages] == ["Outlook: Access denied. Restart."]
    assert result.ended[0].answers["err"]["known"] is True


def test_known_code_elsewhere_and_unknown_code(tmp_path, write_flow, make_chat) -> None:
    write_flow("app_error.yml", FLOW)
    registry = make_registry(tmp_path)
    chat = make_chat(checks=registry)
    other = chat.send("zoom says 0x80070005", intent="app_error", entities={"app_name": "zoom", "error_code": "0x80070005"})
    assert [m.text for m in other.messages] == ["Known code 0x80070005 in another app"]
    chat = make_chat(checks=registry)
    unknown = chat.send("E42", intent="app_error", entities={"error_code": "E42"})
    assert [m.text for m in unknown.messages] == ["I don't know E42."]


def test_answers_shadow_slots(tmp_path, write_flow, make_chat) -> None:
    # A saved answer named like a slot wins over the slot.
    write_flow("app_error.yml", FLOW.replace("save_as: err", "save_as: app_name"))
    chat = make_chat(checks=make_registry(tmp_path))
    result = chat.send("x", intent="app_error", entities={"app_name": "outlook", "error_code": "E1"})
    assert result.ended[0].answers["app_name"]["known"] is False


def test_failing_or_unknown_check_saves_null(write_flow, make_chat) -> None:
    def broken(args):
        raise RuntimeError("status page down")

    write_flow("app_error.yml", FLOW)
    chat = make_chat(checks=CheckRegistry({"lookup_error_code": broken}))
    result = chat.send("x", intent="app_error", entities={"error_code": "E1"})
    assert [m.text for m in result.messages] == ["I don't know E1."]
    assert result.ended[0].answers == {"err": None}
    chat = make_chat(checks=CheckRegistry())
    assert [m.text for m in chat.send("x", intent="app_error", entities={"error_code": "E2"}).messages] == ["I don't know E2."]
