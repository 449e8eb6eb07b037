"""Frontline's custom actions (thin: read the tracker, call a service, return events).

The action server (``python -m bot.action_server``) builds them with their services via
``build_actions``; nothing here runs at import time.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action

from bot.action_server.services import Services


def build_actions(services: Services) -> List[Action]:
    """Every action the domain declares, wired to ``services``."""
    from actions.fallback import ActionClarify, ActionOutOfScope
    from actions.flow import ActionFlow
    from actions.kb import ActionKbAnswer, ActionKbFeedback
    from actions.privacy import ActionPrivacyErase, ActionPrivacyExplain
    from actions.handoff import ActionHandoffRating, ActionHandoffRelay
    from actions.tickets import ActionRequestHuman, ActionTicketAddInfo, ActionTicketNote, ActionTicketStatus
    from actions.support_chat import (
        ActionAskEta, ActionAskPhone, ActionGoodbye, ActionNotFixed, ActionOtherTeam, ActionProblemSolved, ActionThanks,
    )
    from actions.ticket_contact import ActionGivePhone, ActionMarkUrgent

    return [
        ActionFlow(services),
        ActionClarify(services),
        ActionOutOfScope(services),
        ActionRequestHuman(services),
        ActionTicketStatus(services),
        ActionTicketAddInfo(services),
        ActionTicketNote(services),
        ActionHandoffRelay(services),
        ActionHandoffRating(services),
        ActionKbAnswer(services),
        ActionKbFeedback(services),
        ActionPrivacyExplain(services),
        ActionPrivacyErase(services),
        ActionProblemSolved(services),
        ActionNotFixed(services),
        ActionThanks(services),
        ActionGoodbye(services),
        ActionAskEta(services),
        ActionMarkUrgent(services),
        ActionGivePhone(services),
        ActionAskPhone(services),
        ActionOtherTeam(services),
    ]
