"""What ``interpret`` returns: exactly one of four typed results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Union

#: Where an answer came from (recorded in the flow trail).
SOURCES = (
    "button",         # a button click
    "typed",          # the reply is the option's label/value, "yes"/"no", the number, the text
    "ordinal",        # "the second one", "2", "last"
    "synonym",        # a designer-declared synonym, or a label phrase, found in the reply
    "label_words",    # words of one option's label found in the reply
    "entity",         # an NLU entity (app, OS, device) that names an option or fills the value
    "fuzzy",          # a near spelling of a label or synonym ("moniter")
    "unsure",         # "not sure / don't know", mapped to what the designer named
    "found_in_text",  # a validated value (number, pattern) found inside a longer reply
    "earlier",        # found in an earlier message (prefill)
    "intent",         # yes/no from the affirm/deny intent
)

#: Interruption kinds: what the person asked for instead of answering.
INTERRUPTIONS = (
    "request_human", "cancel", "start_over", "other_problem", "ticket_status", "ticket_add_info",
    "mark_urgent", "thanks", "goodbye", "ask_eta", "ask_phone", "give_phone",
)

#: Hedge kinds on yes/no and resolve questions. None of them is ever "yes".
HEDGES = ("partly", "not_yet", "wait", "unsure")

#: Reasons a reply was not usable (the re-ask says which).
UNCLEAR = ("empty", "no_match", "ambiguous", "not_yes_no", "out_of_range", "not_a_number", "bad_format", "unsure", "hedge", "question")


@dataclass(frozen=True)
class Answer:
    """The reply answers the question.

    Attributes:
        value: the value to save (option value, bool, number or text).
        source: one of SOURCES.
        matched: the words of the reply that gave the answer (for the trail and confirmations).
    """

    value: Any
    source: str
    matched: str = ""


@dataclass(frozen=True)
class Interruption:
    """The reply is not an answer but a request that comes first.

    Attributes:
        kind: one of INTERRUPTIONS.
        intent: for ``other_problem``, the topic intent of the new problem.
        reference: a ticket reference mentioned ("SUP-1004"), if any.
    """

    kind: str
    intent: Optional[str] = None
    reference: Optional[str] = None


@dataclass(frozen=True)
class Hedge:
    """A yes/no reply that is neither: "partly", "not yet", "give me a sec", "not sure"."""

    kind: str


@dataclass(frozen=True)
class Unclear:
    """The reply could not be used.

    Attributes:
        reason: one of UNCLEAR.
        detail: what was not understood, for the re-ask ("“blue one”" or the two options it
            could mean).
    """

    reason: str
    detail: str = ""


Interpretation = Union[Answer, Interruption, Hedge, Unclear]
