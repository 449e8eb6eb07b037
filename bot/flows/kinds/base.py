"""What a flow step kind is: one object that says how steps of that kind are read, run and drawn.

Every per-kind table the flow tools need (allowed YAML keys, the JSON Schema, which kinds wait for
the user or end a flow, how a step is run, its diagram shape, colour and label, the texts the
linter checks, how its answer is shown in a ticket) is derived from :class:`StepKind` objects
registered in :mod:`bot.flows.kinds.registry`. Adding a kind means writing one module with a
``StepKind`` subclass and registering it; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Dict, List, Mapping, Optional, Protocol, Sequence, Set, Tuple

from bot.flows.model import Answer, Body, Edge, Flow, FlowSet, Step, Text, next_edges
from bot.flows.model.turns import UserTurn

#: Keys of the optional image / web-link card shown with a message.
ATTACHMENT_KEYS: Tuple[str, ...] = ("image", "link")
#: Keys controlling what happens when an answer is not understood.
RETRY_KEYS: Tuple[str, ...] = ("hint", "max_attempts", "on_give_up")

#: A path of keys inside a step (``("escalate", "summary")``) and the template text found there.
TemplateText = Tuple[Tuple[Any, ...], str]


class StepParser(Protocol):
    """What a kind's ``parse`` may use (the loader provides it; kinds never import the loader)."""

    def error(self, line: int, message: str) -> None:
        """Report a problem the schema cannot see (``file:line: message``)."""

    def malformed(self) -> None:
        """Note a part that does not match the schema (the schema reports it)."""

    def text(self, where: str, item: Mapping[str, Any], key: str, at: int, what: str) -> Optional[str]:
        """The text under ``key`` (None, after noting it, if it is not usable)."""

    def save_as(self, where: str, item: Mapping[str, Any], at: int) -> Optional[str]:
        """The ``save_as`` name (default: the step id)."""

    def answer(self, where: str, item: Mapping[str, Any], at: int) -> Optional[Answer]:
        """The ``answer:`` mapping of a question."""

    def understanding(self, where: str, item: Mapping[str, Any], at: int, fields: Dict[str, Any]) -> None:
        """``fill_from`` and ``confirm`` of a question, into ``fields``."""

    def plain(self, node: Any) -> Any:
        """A YAML node as plain dicts, lists and scalars."""


class StepRun(Protocol):
    """What a kind's ``run`` and answer handling may use (the engine's per-turn ``Run``)."""

    state: Dict[str, Any]
    turn: UserTurn
    flows: FlowSet

    @property
    def flow(self) -> Optional[Flow]:
        """The flow currently running, if still loaded."""

    def render(self, template: Optional[str]) -> str:
        """A ``{name}`` template filled from answers, slots and entities."""

    def say(self, text: str, **extra: Any) -> None:
        """Queue a message (``extra``: buttons, image, link, articles)."""

    def record(self, kind: str, text: Any = None, answer: Any = None, step: Optional[str] = None,
               label: Optional[str] = None) -> Dict[str, Any]:
        """Append a trail entry."""

    def jsonable(self, value: Any) -> Any:
        """``value`` made JSON-safe."""

    def next_of(self, step: Step) -> str:
        """Where ``step`` leads now."""

    def run_from(self, step_id: str) -> None:
        """Execute steps from ``step_id``."""

    def prefilled(self, step: Step) -> Optional[str]:
        """If the person already said the answer (``fill_from``), save it; the next step id or None."""

    def ask(self, step: Step, text: Optional[str] = None, record: bool = True) -> None:
        """Send a waiting step's question and wait there."""

    def end_flow(self, outcome: str, resume: bool = True) -> Optional[str]:
        """End the current flow; where a caller resumes, if any."""

    def escalate(self, team: str, priority: str, summary: str, reason: str, message: str) -> None:
        """Hand over to a human and end every flow."""

    def fail(self, why: str) -> None:
        """Something the flow needs is gone: escalate honestly."""

    def search_kb(self, query: str, top: int) -> Sequence[Any]:
        """Knowledge-base articles (``title``, ``url``, ``snippet``) for ``query``."""

    def run_check(self, name: str, args: Dict[str, Any]) -> Any:
        """Run the named check (raises KeyError if there is none)."""


@dataclass(frozen=True)
class Style:
    """How a kind looks in diagrams.

    Attributes:
        title: legend text, e.g. "ask (question)".
        fill: node fill colour.
        stroke: node border colour.
        mermaid: Mermaid node shape with ``{}`` for the label, e.g. ``'{{"{}"}}'`` (a rhombus).
        svg_shape: one of the shapes :mod:`bot.flows.diagrams.svg` draws (rect, rounded, hexagon, flag,
            parallelogram, stadium, cylinder, subroutine).
        text_inset: horizontal room the shape takes from the text width, in pixels.
    """

    title: str
    fill: str
    stroke: str
    mermaid: str = '["{}"]'
    svg_shape: str = "rect"
    text_inset: float = 16.0


class StepKind:
    """A step kind. Subclasses set the class attributes and override what differs.

    Class attributes:
        name: the YAML key that makes a step this kind (``say:``), also ``Step.kind``.
        doc: one line for the JSON Schema and editors: what the kind key's value means.
        own_keys: keys besides ``id``, the kind key, ``next``, retry and attachment keys.
        waits: the step waits for the user's reply (ask, resolve).
        ends: the flow never continues after this step with ``next`` (escalate, link).
        saves: the step saves a value under ``save_as`` (default: its id).
        advises: the step shows the person something to try (say, kb); a handover then says
            the ticket carries what was tried, and only then.
        attachments: the message may carry an ``image`` and a ``link`` card.
        retry: the step takes ``hint``, ``max_attempts`` and ``on_give_up``.
        style: how the kind is drawn.
    """

    name: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    own_keys: ClassVar[Tuple[str, ...]] = ()
    waits: ClassVar[bool] = False
    ends: ClassVar[bool] = False
    saves: ClassVar[bool] = False
    advises: ClassVar[bool] = False
    attachments: ClassVar[bool] = False
    retry: ClassVar[bool] = False
    style: ClassVar[Style] = Style("step", "#ffffff", "#212121")

    # -- format ------------------------------------------------------------------------------

    def keys(self) -> Tuple[str, ...]:
        """Every key a step of this kind may have, in the order the docs list them."""
        keys = ("id", self.name) + self.own_keys
        if self.saves and "save_as" not in keys:
            keys += ("save_as",)
        if not self.ends:
            keys += ("next",)
        if self.retry:
            keys += RETRY_KEYS
        if self.attachments:
            keys += ATTACHMENT_KEYS
        return keys

    def present_in(self, item: Mapping[str, Any]) -> bool:
        """Whether the YAML mapping ``item`` is a step of this kind (has the kind key)."""
        return self.name in item

    def value_schema(self) -> Dict[str, Any]:
        """JSON Schema of the kind key's value (default: a non-empty template text)."""
        return {"description": self.doc, "allOf": [{"$ref": "#/definitions/template"}], "minLength": 1}

    def definitions(self) -> Dict[str, Dict[str, Any]]:
        """JSON Schema definitions the kind's schemas refer to (``#/definitions/<name>``)."""
        return {}

    def option_schemas(self) -> Dict[str, Dict[str, Any]]:
        """JSON Schemas of this kind's ``own_keys`` that no other kind shares."""
        return {}

    def discriminator(self) -> Dict[str, Any]:
        """The JSON Schema condition that tells a step of this kind (default: has the key)."""
        return {"required": [self.name]}

    def parse(self, parser: StepParser, where: str, item: Mapping[str, Any], at: int,
              fields: Dict[str, Any]) -> Optional[Body]:
        """Read the kind's body (and own options into ``fields``) from ``item``.

        Args:
            parser: reports problems and reads shared options (see ``loader.StepParser``).
            where: "step 'id'" for messages.
            item: the step's YAML mapping.
            at: the step's line.
            fields: ``Step`` fields to set (save_as, answer, args, top, …).

        Returns:
            The body, or None after reporting a problem.
        """
        text = parser.text(where, item, self.name, at, "text")
        return Text(text) if text is not None else None

    # -- running -----------------------------------------------------------------------------

    def run(self, run: StepRun, step: Step) -> Optional[str]:
        """Execute ``step``; return the next step id, or None to stop this turn."""
        raise NotImplementedError(f"step kind {self.name!r} cannot run")

    def read(self, run: StepRun, step: Step) -> Tuple[bool, Any]:
        """(understood, value) for the user's reply to a waiting step."""
        return False, None

    def accept(self, run: StepRun, step: Step, value: Any) -> None:
        """Carry on after the waiting ``step`` got the usable answer ``value``."""
        run.run_from(run.next_of(step))

    def buttons(self, step: Step) -> List[Dict[str, str]]:
        """Buttons offered with a waiting step's question."""
        return []

    def retry_hint(self, step: Step) -> str:
        """What to say when a reply to a waiting step is not understood (no ``hint`` given)."""
        return "Sorry, I didn't understand that."

    def free_text(self, step: Step) -> bool:
        """Whether any typed reply is an answer (so intents must be confident to interrupt)."""
        return False

    def answer_label(self, step: Step, value: Any) -> Optional[str]:
        """How an answer reads for a person (a button's label), recorded in the trail."""
        return None

    def question(self, step: Step) -> str:
        """The template of the text the step shows (asked again when a reply is unusable)."""
        body = step.body
        return body.text if isinstance(body, Text) else str(body)

    # -- analysis and drawing ----------------------------------------------------------------

    def edges(self, step: Step) -> List[Edge]:
        """Arrows leaving ``step`` (default: its ``next``, none if the kind ends the flow)."""
        return [] if self.ends else next_edges(step, step.next)

    def flow_reference(self, step: Step) -> Optional[str]:
        """The id of another flow this step continues in or calls, if any."""
        return None

    def calls(self, step: Step) -> Optional[str]:
        """The flow id this step runs as a sub-flow (its caller waits), if any."""
        return None

    def templates(self, step: Step) -> List[TemplateText]:
        """Template texts of the body (the linter checks the names they use)."""
        body = step.body
        return [((self.name,), body.text)] if isinstance(body, Text) else []

    def saved_name(self, step: Step) -> Optional[str]:
        """The name the step saves its result under, or None."""
        return (step.save_as or step.id) if self.saves else None

    def summary(self, step: Step) -> str:
        """One line saying what the step does, for diagram nodes (not yet shortened)."""
        return str(step.body)

    def full_text(self, step: Step) -> str:
        """The step's whole text for diagram tooltips."""
        return " ".join(str(step.body).split())

    def check_names(self, step: Step) -> Set[str]:
        """Check names the step runs (the linter reports unknown ones)."""
        return set()
