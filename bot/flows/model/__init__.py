"""In-memory model of flow files.

The loader turns YAML into these immutable objects; the engine, the linter and the diagram
renderer read only these. Every object carries the file and line it came from so that any
problem can be reported as ``file:line: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

END = "END"

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


class Body:
    """Base of every step kind's typed body (see :mod:`bot.flows.kinds`).

    A body equals the plain YAML value it was read from (``say: hello`` gives a body equal to
    ``"hello"``), so code and tests can compare a body with what the designer wrote.
    """

    def plain(self) -> Any:
        """The body as plain data (text, number or mapping), as it was written in YAML."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Body):
            return type(self) is type(other) and self.plain() == other.plain()
        return bool(self.plain() == other)

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self.plain())))

    def __str__(self) -> str:
        return str(self.plain())


@dataclass(frozen=True, eq=False)
class Text(Body):
    """The body of a step whose main value is one text (a message, a question, a query)."""

    text: str

    def plain(self) -> str:
        """The text."""
        return self.text


@dataclass(frozen=True)
class Step:
    """One step of a flow.

    ``kind`` is the name of a registered step kind (:mod:`bot.flows.kinds`), which also says how
    the step is parsed, run, drawn and summarised; ``body`` is that kind's typed body. Options
    shared by several kinds live in the typed fields below.
    """

    id: str
    kind: str
    body: Body
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


START = "__start__"
HUMAN = "__human__"

#: Edge kinds, used for styling: plain continuation, a conditional branch, the ``else`` branch,
#: the yes/no answers of a ``resolve`` step, and an ``ask`` step giving up.
EDGE_KINDS = ("next", "branch", "else", "yes", "no", "give_up", "start")


@dataclass(frozen=True)
class Edge:
    """An arrow from ``source`` to ``target`` with a human-readable ``label``.

    Besides step ids, edges can point at three pseudo nodes: ``START`` (before the first step),
    ``END`` (the flow finished) and ``HUMAN`` (the default hand-over to a person when a waiting
    step gives up without an ``on_give_up``).

    Attributes:
        source: step id, or START.
        target: step id (possibly an unknown one), END or HUMAN.
        label: text for the arrow: a condition, "else", "yes", "no", "gave up" or "".
        kind: one of EDGE_KINDS.
        location: where the arrow was written (the ``next``/``on_give_up`` or the step itself).
    """

    source: str
    target: str
    label: str
    kind: str
    location: Location


def next_edges(step: Step, nxt: Next, prefix: str = "") -> List[Edge]:
    """Edges for a step's ``next``; ``prefix`` is prepended to labels (used for resolve "no")."""
    location = nxt.location or step.location
    edges: List[Edge] = []
    if nxt.branches:
        for branch in nxt.branches:
            if branch.condition is None:
                label, kind = f"{prefix}else", "else"
            else:
                label, kind = f"{prefix}{branch.condition}", "branch"
            edges.append(Edge(step.id, branch.target, label, kind, branch.location))
        return edges
    if nxt.target is not None:
        label = prefix.rstrip(", ") if prefix else ""
        kind = "no" if prefix else "next"
        edges.append(Edge(step.id, nxt.target, label, kind, location))
    return edges


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
