"""FlowPolicy: hands user turns to the flow engine.

Flows live in YAML files that change without retraining, so this policy knows nothing about
individual flows. It only decides *whether* the flow engine (``action_flow``, run by the action
server) gets a turn:

- while a flow is active (slot ``flow_state`` set), every user turn goes to the flow, because
  the engine itself handles the interruptions that must always work ("talk to a human",
  "cancel", "start over", switching topic);
- with no active flow, a turn whose intent is not a core intent (greet, thanks, ...) is a
  support topic, and the engine starts the flow whose trigger matches it;
- after ``action_flow`` the bot listens.

It also routes the turns that belong to a ticket rather than to NLU's guess (their actions are
followed by listening too):

- while an engineer has the conversation (slot ``handoff_active``), every user turn goes to
  ``action_handoff_relay``, which passes it to the engineer and says nothing itself;
- after "what would you like to add to your ticket?" (slot ``ticket_note_for``) the next turn is
  the information: ``action_ticket_note``;
- a rating button (intent ``handoff_rating``), or a typed 1-5 while a rating is pending (slot
  ``rating_for``) and no flow is active: ``action_handoff_rating``.

It has nothing to learn; ``train`` only records the configuration.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.contract import (
    FLOW_ACTION,
    FLOW_LAST_SLOT,
    FLOW_STATE_SLOT,
    HANDOFF_SLOT,
    NOTE_ACTION,
    NOTE_SLOT,
    RATING_ACTION,
    RATING_INTENT,
    RATING_SLOT,
    RELAY_ACTION,
    typed_rating,
)

# Actions this policy predicts after a user turn; the bot listens after each of them.
OWN_ACTIONS = frozenset({FLOW_ACTION, RELAY_ACTION, NOTE_ACTION, RATING_ACTION})
#: "It's not fixed" reopens a resolved flow within this many user messages of its end.
REOPEN_WITHIN = 3


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class FlowPolicy(Policy):
    """Predicts ``action_flow`` for turns that belong to a troubleshooting flow."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Default configuration: priority above RulePolicy, no core intents."""
        return {"priority": 7, "core_intents": []}

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: persist the configuration so the model records it."""
        with self._model_storage.write_to(self._resource) as path:
            (path / "flow_policy.json").write_text(json.dumps(self.config, default=str))
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predict ``action_flow`` after a flow turn, ``action_listen`` after the flow ran."""
        action = self._next_action(tracker)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(self._default_predictions(domain))
        return self._prediction(confidence_scores_for(action, 1.0, domain))

    def _next_action(self, tracker: DialogueStateTracker) -> Optional[str]:
        latest = tracker.latest_action_name
        if latest in OWN_ACTIONS:
            return ACTION_LISTEN_NAME
        if latest != ACTION_LISTEN_NAME:
            return None
        if tracker.get_slot(HANDOFF_SLOT):
            return RELAY_ACTION
        if tracker.get_slot(NOTE_SLOT):
            return NOTE_ACTION
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        if intent == RATING_INTENT:
            return RATING_ACTION
        flow_active = bool(tracker.get_slot(FLOW_STATE_SLOT))
        text = (tracker.latest_message.text or "") if tracker.latest_message else ""
        if tracker.get_slot(RATING_SLOT) and not flow_active and typed_rating(text) is not None:
            return RATING_ACTION
        if flow_active:
            return FLOW_ACTION
        if intent and intent not in set(self.config.get("core_intents") or []):
            return FLOW_ACTION
        if reopens_resolved_flow(tracker, intent, text):
            return FLOW_ACTION
        return None


def reopens_resolved_flow(tracker: DialogueStateTracker, intent: Optional[str], text: str) -> bool:
    """Whether "it's not fixed" / "still broken" comes shortly after a flow ended resolved.

    The flow engine then reopens that flow with its answers and trail (``FlowEngine.handle``).
    """
    last = tracker.get_slot(FLOW_LAST_SLOT)
    if not isinstance(last, dict) or last.get("outcome") != "resolved":
        return False
    if intent == "not_fixed":
        return True
    since = 0
    for event in reversed(tracker.events):
        if isinstance(event, SlotSet) and event.key == FLOW_LAST_SLOT:
            break
        if isinstance(event, UserUttered):
            since += 1
    if since > REOPEN_WITHIN:
        return False
    from bot.flows.understanding.yesno import says_not_fixed

    return says_not_fixed(text, intent)
