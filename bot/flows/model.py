"""In-memory model of flow files.

The loader turns YAML into these immutable objects; the engine, the linter and the diagram
renderer read only these. Every object carries the file and line it came from so that any
problem can be reported as ``file:line: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

END = "END"

STEP_KINDS = ("say", "ask", "kb", "action", "escalate", "resolve", "link", "call")
ANSWER_TYPES = ("choice", "yes_no", "text", "number", "regex")
PRIORITIES = ("low", "normal", "high", "urgent")


@dataclass(frozen=True)
class Location:
    """Where something was written: a file path and a 1-based line number."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """A problem found in a flow file.

    Attributes:
        location: file and line of the offending YAML node.
        message: what is wrong and what was expected, for a content designer.
        severity: "error" (the file is rejected / lint fails) or "warning".
    """

    location: Location
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Branch:
    """One arm of a conditional ``next``: ``condition`` is None for the ``else`` arm."""

    condition: Optional[str]
    target: str
    location: Location


@dataclass(frozen=True)
class Next:
    """Where to go after a step.

    Exactly one of ``target`` (unconditional; a step id or END) or ``branches`` is used. When the
    step had no ``next`` at all, ``implicit`` is True and ``target`` is the following step's id
    (or END for the last step).
    """

    target: Optional[str] = None
    branches: Tuple[Branch, ...] = ()
    implicit: bool = False
    location: Optional[Location] = None

    def targets(self) -> List[str]:
        """All step ids (or END) this ``next`` can lead to."""
        if self.branches:
            return [b.target for b in self.branches]
        return [self.target] if self.target is not None else []


@dataclass(frozen=True)
class Option:
    """A choice offered by an ``ask`` step (rendered as a button)."""

    label: str
    value: str
    synonyms: Tuple[str, ...] = ()
    location: Optional[Location] = field(default=None, compare=False)


@dataclass(frozen=True)
class Answer:
    """How an ``ask`` step's answer is read and validated.

    ``unsure`` is what "not sure / don't know" means: an option value (choice), "yes"/"no"
    (yes_no) or a text to save (text, number, regex); None re-asks.
    """

    type: str = "text"
    options: Tuple[Option, ...] = ()
    pattern: Optional[str] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    unsure: Optional[str] = None


@dataclass(frozen=True)
class Step:
    """One step of a flow.

    ``kind`` is one of STEP_KINDS; ``body`` holds the kind's main value (the text for say/ask/
    resolve, the query template for kb, the check name for action, the flow id for link/call, the
    escalation dict for escalate). Kind-specific options live in the typed fields below.
    """

    id: str
    kind: str
    body: Any
    next: Next
    location: Location
    save_as: Optional[str] = None
    answer: Optional[Answer] = None
    hint: Optional[str] = None
    max_attempts: int = 3
    on_give_up: Optional[str] = None
    args: Mapping[str, Any] = field(default_factory=dict)
    image: Optional[str] = None
    link: Optional[Mapping[str, str]] = None
    top: int = 3
    fill_from: Tuple[str, ...] = ()
    confirm: Optional[str] = None


@dataclass(frozen=True)
class Trigger:
    """Starts a flow when NLU finds ``intent`` and, if given, every entity guard matches."""

    intent: str
    entities: Mapping[str, Tuple[str, ...]]
    location: Location


@dataclass(frozen=True)
class Flow:
    """A troubleshooting flow: an id, a description, its triggers and ordered steps."""

    id: str
    description: str
    triggers: Tuple[Trigger, ...]
    steps: Tuple[Step, ...]
    location: Location

    def step(self, step_id: str) -> Step:
        """Return the step with ``step_id``; raises KeyError if there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def first_step(self) -> Step:
        """The step a flow starts at (the first in the file)."""
        return self.steps[0]


@dataclass(frozen=True)
class FlowSet:
    """All flows loaded from one directory, plus a fingerprint of the files they came from."""

    flows: Dict[str, Flow]
    fingerprint: str = ""

    def get(self, flow_id: str) -> Optional[Flow]:
        """Return the flow with ``flow_id`` or None."""
        return self.flows.get(flow_id)
