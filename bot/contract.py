"""The contract between the Rasa side (domain.yml, nlu_data/, the policy and the channels) and
Frontline's code: slot, intent, entity and action names, and the button payloads that set an
intent without NLU.

Every module that reads a slot, checks an intent or builds a payload takes the name from here,
so renaming one in domain.yml is one edit here (``tests/unit/core/test_rasa_contract_matches_domain.py``
checks each name against domain.yml). This module imports nothing of ours: the Rasa server's
plug-ins, the action server's actions and the domain services can all depend on it.
"""

from __future__ import annotations

import json
import re
from typing import Dict, Mapping, Optional, Tuple

# The flow engine is pure (it imports nothing outside bot.flows), so the flow-answer button's
# names and payload are defined there, once, and this contract re-exports them.
from bot.flows.model.turns import FLOW_ANSWER_ENTITY as FLOW_ANSWER_ENTITY
from bot.flows.model.turns import FLOW_ANSWER_INTENT as FLOW_ANSWER_INTENT
from bot.flows.model.turns import flow_answer_payload as flow_answer_payload

# -- slots ----------------------------------------------------------------------------------------
FLOW_STATE_SLOT = "flow_state"  # the active flow run (JSON), None when no flow is active
FLOW_LAST_SLOT = "flow_last"  # the last ended flow and its outcome
HANDOFF_SLOT = "handoff_active"  # an engineer has the conversation: the bot stays quiet
RATING_SLOT = "rating_for"  # a ticket reference whose 1-5 rating is being asked for
NOTE_SLOT = "ticket_note_for"  # the next message is information for this ticket
KB_LAST_SLOT = "kb_last"  # the last knowledge-base answer, until its Yes/No arrives
ENTITY_SLOTS: Tuple[str, ...] = ("error_code", "app_name", "os", "device_type")

# -- intents --------------------------------------------------------------------------------------
REQUEST_HUMAN_INTENT = "request_human"
RATING_INTENT = "handoff_rating"
ADD_INFO_INTENT = "ticket_add_info"
KB_QUESTION_INTENT = "kb_question"
KB_FEEDBACK_INTENT = "kb_feedback"
CANCEL_INTENT = "cancel"
START_OVER_INTENT = "start_over"
AFFIRM_INTENT = "affirm"
DENY_INTENT = "deny"

# -- entities -------------------------------------------------------------------------------------
TICKET_REF_ENTITY = "ticket_ref"
RATING_ENTITY = "rating"
KB_HELPFUL_ENTITY = "kb_helpful"
KB_ARTICLE_ENTITY = "kb_article"

# -- actions --------------------------------------------------------------------------------------
FLOW_ACTION = "action_flow"
RELAY_ACTION = "action_handoff_relay"
NOTE_ACTION = "action_ticket_note"
RATING_ACTION = "action_handoff_rating"
KB_ANSWER_ACTION = "action_kb_answer"
OUT_OF_SCOPE_ACTION = "action_out_of_scope"

# -- payloads -------------------------------------------------------------------------------------
HUMAN_BUTTON_TITLE = "Talk to a human"
_COMPACT = (",", ":")

# A typed rating while one is pending: "4", "4/5", "5 stars", "3 out of 5".
_TYPED_RATING = re.compile(r"^\s*([1-5])\s*(?:/\s*5|out of 5|stars?|\*)?\s*[.!]?\s*$", re.IGNORECASE)


def intent_payload(intent: str, entities: Optional[Mapping[str, str]] = None, *, compact: bool = False) -> str:
    """A button payload that sets ``intent`` (and entities) without NLU: ``/intent{"entity": "v"}``.

    Args:
        intent: the intent name.
        entities: entity values the message carries.
        compact: JSON without spaces (the shape the flow, rating and ticket buttons always had).
    """
    if not entities:
        return f"/{intent}"
    return f"/{intent}" + json.dumps(dict(entities), separators=_COMPACT if compact else None, ensure_ascii=False)


def request_human_payload() -> str:
    """``/request_human``: the "talk to a human" button."""
    return intent_payload(REQUEST_HUMAN_INTENT)


def human_button() -> Dict[str, str]:
    """The "Talk to a human" button (a new dict each time: callers put it in their own lists)."""
    return {"title": HUMAN_BUTTON_TITLE, "payload": request_human_payload()}


def rating_payload(rating: int, reference: str) -> str:
    """A rating button: ``/handoff_rating{"rating":"4","ticket_ref":"SUP-1042"}``."""
    return intent_payload(RATING_INTENT, {RATING_ENTITY: str(rating), TICKET_REF_ENTITY: reference}, compact=True)


def add_info_payload(reference: str) -> str:
    """"Add information to SUP-1042": ``/ticket_add_info{"ticket_ref":"SUP-1042"}``."""
    return intent_payload(ADD_INFO_INTENT, {TICKET_REF_ENTITY: reference}, compact=True)


def kb_feedback_payload(helpful: bool) -> str:
    """The Yes/No after a knowledge-base answer: ``/kb_feedback{"kb_helpful": "yes"}``."""
    return intent_payload(KB_FEEDBACK_INTENT, {KB_HELPFUL_ENTITY: "yes" if helpful else "no"})


def kb_article_payload(slug: str) -> str:
    """An alternative article's button: ``/kb_question{"kb_article": "<slug>"}``."""
    return intent_payload(KB_QUESTION_INTENT, {KB_ARTICLE_ENTITY: slug})


def typed_rating(text: str) -> Optional[int]:
    """The score of a typed rating ("4", "4/5", "5 stars", "3 out of 5"), or None."""
    match = _TYPED_RATING.match(text or "")
    return int(match.group(1)) if match else None
