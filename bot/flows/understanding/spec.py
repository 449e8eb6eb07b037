"""What ``interpret`` reads: the question asked, the message received and the conversation so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Optional, Tuple

#: Question kinds. ``resolve`` is "did that fix it?" (yes / partly / not yet / no).
KINDS = ("choice", "yes_no", "resolve", "text", "number", "regex")


@dataclass(frozen=True)
class Choice:
    """One option of a choice question.

    Attributes:
        label: the button title ("Phone or tablet").
        value: what is saved ("mobile").
        synonyms: designer-declared words or phrases that mean this option ("iphone", "android").
    """

    label: str
    value: str
    synonyms: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """The question a reply is read against.

    Attributes:
        kind: one of KINDS.
        options: the options of a ``choice`` question, in button order.
        unsure: what "not sure / don't know" means: an option value for ``choice``, "yes"/"no"
            for ``yes_no``, any text for ``text``; None when the designer named nothing (the
            reply is then unclear and re-asked).
        pattern: the regular expression of a ``regex`` question.
        minimum: lower bound of a ``number`` question.
        maximum: upper bound of a ``number`` question.
    """

    kind: str = "text"
    options: Tuple[Choice, ...] = ()
    unsure: Optional[str] = None
    pattern: Optional[str] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None


@dataclass(frozen=True)
class Message:
    """One user message as NLU understood it.

    Attributes:
        text: what the person typed.
        intent: NLU's top intent, or None.
        confidence: that intent's confidence, 0..1.
        entities: entity name → value (or list of values) found in the message.
        button: the value of the button the person clicked, if they clicked one.
    """

    text: str = ""
    intent: Optional[str] = None
    confidence: float = 0.0
    entities: Dict[str, Any] = field(default_factory=dict)
    button: Optional[str] = None


@dataclass(frozen=True)
class Context:
    """What the interpreter needs to know about the conversation.

    Attributes:
        topic_intents: intents that start a troubleshooting flow (a different problem).
        active_topics: the topics of the flows running now (not a *different* problem).
        earlier: the person's earlier messages in this conversation, oldest first.
        interrupt_confidence: minimum NLU confidence for an interruption intent to win over a
            reply that could be an answer (free text, validated values).
    """

    topic_intents: FrozenSet[str] = frozenset()
    active_topics: FrozenSet[str] = frozenset()
    earlier: Tuple[str, ...] = ()
    interrupt_confidence: float = 0.8
