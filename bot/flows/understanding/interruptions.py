"""Requests that come before any answer: a person, cancel, start over, a ticket, another problem…

Two sources, in order: phrases that mean the request whatever NLU says (a frustrated "this is
useless, get me a human" inside an answer to an open question), then the NLU intent when it is
confident enough for the question being asked.
"""

from __future__ import annotations

import re
from typing import Optional

from .result import Interruption
from .spec import Context, Message, Question
from .text import any_phrase, normalize

#: NLU intents that interrupt a question, and the interruption they are.
INTENT_INTERRUPTIONS = {
    "request_human": "request_human",
    "cancel": "cancel",
    "start_over": "start_over",
    "ticket_status": "ticket_status",
    "ticket_add_info": "ticket_add_info",
    "mark_urgent": "mark_urgent",
    "goodbye": "goodbye",
    "thanks": "thanks",
    "ask_eta": "ask_eta",
    "ask_phone": "ask_phone",
    "give_phone": "give_phone",
}

_HUMAN = re.compile(
    r"\b(?:talk|speak|chat|get|give|put|connect|transfer|escalate|pass|hand|need|want|let)\b"
    r"(?:\s+\w+){0,4}?\s+(?:to\s+|with\s+|me\s+)?(?:a\s+|an\s+|some\s+|the\s+)?"
    r"(?:real\s+|actual\s+|live\s+|proper\s+)?"
    r"(?:human|person|engineer|technician|someone|somebody|anyone|anybody|support staff|it guy|helpdesk|service desk)\b"
)
HUMAN_PHRASES = (
    "human please", "a human", "real person", "real human", "live agent", "this is useless",
    "you're useless", "youre useless", "you are useless", "this is pointless", "waste of time",
    "not helping", "not helpful", "useless bot", "stupid bot", "ridiculous", "fed up",
    "call someone", "operator", "escalate this", "escalate it", "open a ticket", "an agent",
    "human agent", "support agent", "useless", "pointless",
    "raise a ticket", "log a ticket", "create a ticket",
)
CANCEL_PHRASES = ("cancel", "never mind", "nevermind", "nvm", "forget it", "forget about it", "cancel that")
CANCEL_ALONE = ("stop", "stop this", "stop it", "abort", "quit", "exit", "leave it", "drop it", "no thanks", "no thank you")
START_OVER_PHRASES = (
    "start over", "start again", "start from scratch", "from the beginning", "from the start",
    "begin again", "restart the conversation", "reset the conversation", "go back to the start",
)
URGENT_PHRASES = (
    "mark it urgent", "mark this urgent", "mark it as urgent", "mark this as urgent", "make it urgent",
    "make this urgent", "it's urgent", "its urgent", "it is urgent", "this is urgent", "urgent please",
    "very urgent", "high priority", "mark as urgent", "set it to urgent", "raise the priority",
    "bump the priority", "escalate the priority",
)
ETA_PHRASES = (
    "how long will", "how long does", "how long until", "when will someone", "when will they",
    "when will i hear", "how soon", "any eta", "what's the eta", "whats the eta",
)
PHONE_ASK_PHRASES = ("phone number", "number to call", "can i call", "is there a number", "hotline")
TICKET_WORDS = ("ticket", "case", "request", "incident")
TICKET_STATUS_PHRASES = (
    "already opened", "already raised", "already logged", "already filed", "already created",
    "already submitted", "already have a ticket", "already reported", "existing ticket",
    "status of my", "update on my", "my ticket", "any update", "any news",
)
ADD_INFO_PHRASES = ("add to my ticket", "add to the ticket", "add something", "add info", "update my ticket", "add a note")
THANKS_ONLY = re.compile(
    r"^(?:(?:ok(?:ay)?|great|perfect|cool|brilliant|awesome|nice|lovely)\s+)?"
    r"(?:thanks?|thank you|thank u|thanx|thx|ty|tysm|cheers|much appreciated|appreciate it)"
    r"(?:\s+(?:a lot|so much|very much|again|mate|man|heaps|loads|for (?:your|the) help|for helping))*"
    r"(?:\s+(?:bye|goodbye|cya|see ya|see you|later|have a good (?:one|day)))?$"
)
BYE_ONLY = re.compile(
    r"^(?:ok(?:ay)?\s+)?(?:bye|goodbye|good bye|cya|see ya|see you|later|gotta go|got to go|i have to go|"
    r"have to go|that's all|thats all|i'm done|im done)(?:\s+(?:bye|now|for now|then))?$"
)
SWITCH_MARKERS = (
    "actually", "also", "another", "different", "separate", "new problem", "new issue", "oh and",
    "btw", "by the way", "instead", "one more thing", "something else", "unrelated", "as well",
)
_TICKET_REF = re.compile(r"\b([A-Za-z]{2,5})-?(\d{3,7})\b")
_TICKET_PREFIXES = ("sup", "inc", "req", "ritm", "tkt", "ticket")


def ticket_reference(text: str) -> Optional[str]:
    """A ticket reference in ``text`` ("SUP-1004", "inc0012345"), upper-cased, or None."""
    for match in _TICKET_REF.finditer(text):
        if match.group(1).casefold() in _TICKET_PREFIXES:
            return f"{match.group(1).upper()}-{match.group(2)}"
    return None


def by_phrase(text: str) -> Optional[Interruption]:
    """An interruption the words alone make certain, whatever the question."""
    norm = normalize(text)
    if not norm:
        return None
    reference = ticket_reference(text)
    if reference and any_phrase(norm, TICKET_WORDS + TICKET_STATUS_PHRASES + ("already", "status", "update")):
        kind = "ticket_add_info" if any_phrase(norm, ADD_INFO_PHRASES + ("add",)) else "ticket_status"
        return Interruption(kind, reference=reference)
    if any_phrase(norm, TICKET_STATUS_PHRASES) and any_phrase(norm, TICKET_WORDS):
        return Interruption("ticket_status", reference=reference)
    if any_phrase(norm, ADD_INFO_PHRASES):
        return Interruption("ticket_add_info", reference=reference)
    if _HUMAN.search(norm) or any_phrase(norm, HUMAN_PHRASES):
        return Interruption("request_human")
    if any_phrase(norm, START_OVER_PHRASES):
        return Interruption("start_over")
    if _is_cancel(norm):
        return Interruption("cancel")
    if any_phrase(norm, URGENT_PHRASES):
        return Interruption("mark_urgent")
    if any_phrase(norm, ETA_PHRASES):
        return Interruption("ask_eta")
    if any_phrase(norm, PHONE_ASK_PHRASES) and "?" in text:
        return Interruption("ask_phone")
    if THANKS_ONLY.match(norm):
        return Interruption("goodbye" if any_phrase(norm, ("bye", "goodbye", "cya", "see ya", "see you", "later")) else "thanks")
    if BYE_ONLY.match(norm):
        return Interruption("goodbye")
    return None


def _is_cancel(norm: str) -> bool:
    """Cancel words at the start of a short message ("cancel", "forget it, I'll call them")."""
    if re.sub(r"^(?:ok(?:ay)?|please|just)\s+|\s+please$", "", norm) in CANCEL_ALONE:
        return True
    phrase = any_phrase(norm, CANCEL_PHRASES)
    if phrase is None:
        return False
    return norm.startswith(phrase) or len(norm.split()) <= 4


def by_intent(message: Message, question: Question, context: Context, *, answered: bool, strong: bool) -> Optional[Interruption]:
    """An interruption from NLU's intent.

    Args:
        message: the reply.
        question: the question asked.
        context: topics and thresholds.
        answered: the reply also reads as an answer (any text does, for an open question).
        strong: that reading is sure (an option's name, a typed yes/no, a hedge).

    A reply that reads as an answer stays one unless NLU is confident; a reply that is no
    answer interrupts at a lower confidence. A topic intent is a different problem only when
    it is not the flow being run, and only when the person says so ("actually", "also",
    "another") or NLU is very confident and the reply is not a sure answer.
    """
    intent = message.intent
    if not intent:
        return None
    needed = context.interrupt_confidence if answered else min(0.5, context.interrupt_confidence)
    kind = INTENT_INTERRUPTIONS.get(intent)
    if kind is not None:
        if kind == "thanks" and question.kind == "resolve":
            return None  # "thanks" to "did that fix it?" is read by the yes/no reader
        return Interruption(kind) if message.confidence >= needed else None
    if intent in context.topic_intents and intent not in context.active_topics:
        marked = any_phrase(normalize(message.text), SWITCH_MARKERS) is not None
        if marked and not strong and message.confidence >= 0.6:
            return Interruption("other_problem", intent=intent)
        if marked and message.confidence >= context.interrupt_confidence:
            return Interruption("other_problem", intent=intent)
        if not answered and message.confidence >= context.interrupt_confidence:
            return Interruption("other_problem", intent=intent)
        if not strong and message.confidence >= max(0.9, context.interrupt_confidence):
            return Interruption("other_problem", intent=intent)
    return None
