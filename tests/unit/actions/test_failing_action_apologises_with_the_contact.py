"""actions/base.py: an action that fails says sorry, names the support contact and drops the
half-sent answer; it never leaves the user in silence or shows a stack trace."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import FrontlineAction
from tests.unit.actions.harness import build_services, run, tracker


class HalfDoneAction(FrontlineAction):
    def name(self) -> Text:
        return "action_half_done"

    async def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text="Step 1 of 2 done…")
        raise RuntimeError("database went away")


def test_a_crash_becomes_one_apology_naming_the_contact(tmp_path: Path) -> None:
    world = build_services(tmp_path)

    messages, events = run(HalfDoneAction(world.services), tracker("hello", "greet"))

    assert events == []
    assert len(messages) == 1
    assert "Sorry" in messages[0]["text"] and "the test desk" in messages[0]["text"]
    assert "database went away" not in messages[0]["text"]
