"""Executes flow steps for one turn: the mutable half of the engine.

A ``Run`` lives for a single ``FlowEngine.handle`` call. It owns a private copy of the
``flow_state`` dict, appends messages/outcomes as steps execute, and stops when a step needs
the user (ask, resolve) or every flow has ended.

State layout (JSON, stored in the ``flow_state`` slot)::

    flow            id of the flow being run (the innermost one while a call is active)
    step            id of the ask/resolve step waiting for the user
    answers         saved answers and check results, shared by called/linked flows
    attempts        step id → unusable replies so far (current flow only)
    trail           [{flow, step, kind, text, answer, at}, ...] every step executed and event
    stack           [{flow, step, attempts, trail_from}, ...] callers waiting for a `call`
    pending_switch  {"flow": id} while "do you want to switch?" is being asked, else None
    started_at      ISO time the (root) flow started
    trail_from      index in trail where the current flow's own part starts
"""

from __future__ import annotations

import copy
import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from bot.flows.kinds.escalate import first_escalation
from bot.flows.kinds.registry import kind_of
from bot.flows.model import END, Flow, FlowSet, Step
from bot.flows.model.expr import parse, render_template
from bot.flows.model.trail import TrailEntry
from bot.flows.model.turns import BotMessage, Escalation, FlowOutcome, TurnResult, UserTurn

if TYPE_CHECKING:  # pragma: no cover
    from bot.flows.runtime.engine import FlowEngine

logger = logging.getLogger(__name__)

MAX_STEPS_PER_TURN = 50

MSG_GAVE_UP_END = "Sorry, I couldn't follow that, so I've stopped here."


#: Every key of a flow state but ``flow``, with its starting value. Also what a stored state
#: written by an older version is filled in with (``engine._coerce_state``).
STATE_DEFAULTS: Dict[str, Any] = {
    "step": None,
    "answers": {},
    "attempts": {},
    "trail": [],
    "stack": [],
    "pending_switch": None,
    "started_at": None,
    "trail_from": 0,
}


def new_state(flow: Flow, now: datetime) -> Dict[str, Any]:
    """A fresh state for starting ``flow``."""
    return {"flow": flow.id, **copy.deepcopy(STATE_DEFAULTS), "started_at": now.isoformat()}


def jsonable(value: Any) -> Any:
    """``value`` if it survives JSON, else a JSON-safe copy (unknown objects become strings)."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return json.loads(json.dumps(value, default=str))


class Run:
    """One turn's execution against a FlowSet snapshot."""

    def __init__(self, engine: "FlowEngine", flows: FlowSet, turn: UserTurn, state: Optional[Dict[str, Any]]) -> None:
        self.engine = engine
        self.flows = flows
        self.turn = turn
        # None once every flow has ended (or before ``start``); ``state`` is for while one runs.
        self._state: Optional[Dict[str, Any]] = copy.deepcopy(state) if state is not None else None
        self.messages: List[BotMessage] = []
        self.ended: List[FlowOutcome] = []
        self.escalation: Optional[Escalation] = None
        self.steps_run = 0

    # -- results and helpers -------------------------------------------------------------------

    @property
    def state(self) -> Dict[str, Any]:
        """The running flow's state (see the module docstring); only while a flow runs.

        Raises:
            RuntimeError: if no flow is running.
        """
        if self._state is None:
            raise RuntimeError("no flow is running in this turn")
        return self._state

    @state.setter
    def state(self, value: Dict[str, Any]) -> None:
        self._state = value

    def result(self) -> TurnResult:
        """The TurnResult for everything done in this run."""
        return TurnResult(
            messages=self.messages,
            state=jsonable(self._state) if self._state is not None else None,
            ended=self.ended,
            escalation=self.escalation,
        )

    @property
    def flow(self) -> Optional[Flow]:
        """The flow currently running (innermost while a call is active), if still loaded."""
        return self.flows.get(self._state["flow"]) if self._state else None

    def now(self) -> str:
        """The engine clock's time as ISO text, for trail entries."""
        return self.engine.clock().isoformat()

    def say(self, text: str, **extra: Any) -> None:
        """Queue a message (``extra``: BotMessage fields such as buttons, image, link)."""
        self.messages.append(BotMessage(text=text, **extra))

    def lookup(self, name: str) -> Any:
        """Answers first, then slots, then this turn's entities (conditions and templates)."""
        answers = self._state["answers"] if self._state else {}
        if name in answers:
            return answers[name]
        if self.turn.slots.get(name) is not None:
            return self.turn.slots[name]
        return self.turn.entities.get(name)

    def render(self, template: Optional[str]) -> str:
        """Render a ``{name}`` template against answers, slots and entities."""
        return render_template(template or "", self.lookup)

    def search_kb(self, query: str, top: int) -> List[Any]:
        """Knowledge-base articles for ``query`` from the engine's knowledge base."""
        return list(self.engine.kb.search(query, top))

    def run_check(self, name: str, args: Dict[str, Any]) -> Any:
        """Run the named check from the engine's registry (KeyError if there is none)."""
        return self.engine.checks.run(name, args)

    @staticmethod
    def jsonable(value: Any) -> Any:
        """``value`` made JSON-safe (see :func:`jsonable`), for answers and check results."""
        return jsonable(value)

    def record(self, kind: str, text: Any = None, answer: Any = None, step: Optional[str] = None,
               label: Optional[str] = None) -> Dict[str, Any]:
        """Append a trail entry (a step executed or an event such as restart) and return it."""
        entry = TrailEntry(
            flow=self._state["flow"] if self._state else None,
            step=step,
            kind=kind,
            text=text,
            answer=jsonable(answer),
            at=self.now(),
            label=label,
        ).to_json()
        if self._state is not None:
            self._state["trail"].append(entry)
        return entry

    def own_trail(self) -> List[Dict[str, Any]]:
        """The trail of the current flow (from where it was called; linked flows included)."""
        return list(self.state["trail"][self.state.get("trail_from", 0) :])

    # -- starting and running ------------------------------------------------------------------

    def start(self, flow: Flow) -> None:
        """Start ``flow`` from its first step with a fresh state."""
        self.state = new_state(flow, self.engine.clock())
        self.run_from(flow.first_step.id)

    def run_from(self, step_id: str) -> None:
        """Execute steps from ``step_id`` until one waits for the user or every flow ends."""
        while self._state is not None:
            if step_id == END:
                resumed = self.end_flow("resolved")
                if resumed is None:
                    return
                step_id = resumed
                continue
            flow = self.flow
            if flow is None:
                self.fail(f"flow '{self._state['flow']}' is not loaded")
                return
            self.steps_run += 1
            if self.steps_run > MAX_STEPS_PER_TURN:
                self.runaway(step_id)
                return
            try:
                step = flow.step(step_id)
            except KeyError:
                self.fail(f"flow '{flow.id}' has no step '{step_id}'")
                return
            try:
                kind = kind_of(step.kind)
            except KeyError:
                self.fail(f"step '{step_id}' is of an unknown kind '{step.kind}'")
                return
            following = kind.run(self, step)
            if following is None:
                return
            step_id = following

    def next_of(self, step: Step) -> str:
        """Where ``step`` leads now: its target, or the first branch whose condition holds."""
        if not step.next.branches:
            return step.next.target or END
        for branch in step.next.branches:
            if branch.condition is None or self._holds(branch.condition):
                return branch.target
        return END

    def _holds(self, condition: str) -> bool:
        try:
            return bool(_parsed(condition).evaluate(self.lookup))
        except Exception:  # a bad condition must not crash the conversation (loader parses them)
            logger.exception("cannot evaluate condition %r in flow %s", condition, self._state and self._state["flow"])
            return False

    # -- asking and answering ------------------------------------------------------------------

    def ask(self, step: Step, text: Optional[str] = None, record: bool = True) -> None:
        """Send ``step``'s question (or ``text`` instead) with its buttons and wait there."""
        kind = kind_of(step.kind)
        question = self.render(kind.question(step))
        self.say(
            text if text is not None else question,
            buttons=kind.buttons(step),
            image=step.image if text is None else None,
            link=dict(step.link) if step.link and text is None else None,
        )
        if record:
            self.record(step.kind, question, None, step=step.id)
        self.state["step"] = step.id

    def read(self, step: Step) -> Tuple[bool, Any]:
        """Interpret the turn as an answer to the waiting ``step``."""
        return kind_of(step.kind).read(self, step)

    def answer(self, step: Step) -> None:
        """Feed the turn to the waiting ``step`` and carry on from there."""
        kind = kind_of(step.kind)
        ok, value = kind.read(self, step)
        if not ok:
            self.not_understood(step)
            return
        self.state["attempts"].pop(step.id, None)
        self._set_trail_answer(step, value, kind.answer_label(step, value))
        kind.accept(self, step, value)

    def _set_trail_answer(self, step: Step, value: Any, label: Optional[str]) -> None:
        """Record the answer (and the label it was given under) on the step's trail entry."""
        for index in range(len(self.state["trail"]) - 1, -1, -1):
            entry = TrailEntry.from_json(self.state["trail"][index])
            if entry.step == step.id and entry.flow == self.state["flow"]:
                entry.answer, entry.label = jsonable(value), label
                self.state["trail"][index] = entry.to_json()
                return
        self.record(step.kind, self.render(kind_of(step.kind).question(step)), value, step=step.id, label=label)

    def not_understood(self, step: Step) -> None:
        """Count an unusable reply; re-ask with the hint, or give up after max_attempts."""
        attempts = int(self.state["attempts"].get(step.id, 0)) + 1
        self.state["attempts"][step.id] = attempts
        for entry in reversed(self.state["trail"]):
            if entry.get("step") == step.id:
                entry.setdefault("unusable", []).append(self.turn.text)
                break
        if attempts < step.max_attempts:
            hint = self.render(step.hint) if step.hint else kind_of(step.kind).retry_hint(step)
            self.ask(step, text=hint, record=False)
            return
        self.state["attempts"].pop(step.id, None)
        question = self.render(kind_of(step.kind).question(step))
        self.record("give_up", question, self.turn.text, step=step.id)
        if step.on_give_up == END:
            self.say(MSG_GAVE_UP_END)
            self.end_flow("abandoned", resume=False)
        elif step.on_give_up:
            self.run_from(step.on_give_up)
        else:
            team, priority = first_escalation(self.flow)
            description = self.flow.description if self.flow else self.state["flow"]
            self.escalate(
                team,
                priority,
                f"{description}: could not understand the answer to \"{question}\" "
                f"after {attempts} tries.",
                "gave_up",
                f"Sorry, I'm not getting this right. I'm passing you to a person from the {team} "
                "team and opening a ticket with what we've covered so far.",
            )

    # -- ending --------------------------------------------------------------------------------

    def end_flow(self, outcome: str, resume: bool = True) -> Optional[str]:
        """End the current flow; if it was called and ``resume``, return where the caller goes on.

        A called flow that ends resolved hands control back to its caller's ``next``; any other
        outcome ends the callers too.
        """
        self.ended.append(FlowOutcome(self.state["flow"], outcome, self.own_trail(), dict(self.state["answers"])))
        stack = self.state["stack"]
        if stack and outcome == "resolved" and resume:
            frame = stack.pop()
            self.state.update(
                flow=frame["flow"], attempts=frame["attempts"], trail_from=frame["trail_from"], step=None
            )
            caller = self.flow
            if caller is None:
                self.fail(f"calling flow '{frame['flow']}' is not loaded")
                return None
            try:
                return self.next_of(caller.step(frame["step"]))
            except KeyError:
                self.fail(f"flow '{caller.id}' has no step '{frame['step']}'")
                return None
        while stack:
            frame = stack.pop()
            self.state["trail_from"] = frame["trail_from"]
            self.ended.append(FlowOutcome(frame["flow"], outcome, self.own_trail(), dict(self.state["answers"])))
        self._state = None
        return None

    def end_all(self, outcome: str) -> None:
        """End the current flow and every caller with ``outcome``."""
        self.end_flow(outcome, resume=False)

    def escalate(self, team: str, priority: str, summary: str, reason: str, message: str) -> None:
        """Hand over to a human: message the user, record the Escalation, end all flows."""
        self.say(message)
        self.escalation = Escalation(
            flow=self.state["flow"],
            team=team,
            priority=priority,
            summary=summary,
            reason=reason,
            trail=list(self.state["trail"]),
            answers=dict(self.state["answers"]),
        )
        self.end_all("escalated")

    def runaway(self, step_id: str) -> None:
        """Too many steps in one turn: a loop in the flow file. Be honest and escalate."""
        flow_id = self.state["flow"]
        logger.error("flow %s ran more than %d steps in one turn (at step %s)", flow_id, MAX_STEPS_PER_TURN, step_id)
        self.record("loop", f"more than {MAX_STEPS_PER_TURN} steps in one turn", step=step_id)
        team, priority = first_escalation(self.flow)
        self.escalate(
            team,
            priority,
            f"Flow '{flow_id}' went round in circles (more than {MAX_STEPS_PER_TURN} steps in one "
            f"turn, last at step '{step_id}'); the flow file needs fixing.",
            "loop",
            "Sorry — this troubleshooting guide went round in circles on my side. I'm passing you "
            f"to a person from the {team} team and opening a ticket with what we've covered so far.",
        )

    def fail(self, why: str) -> None:
        """Something the flow needs is gone (e.g. edited away): escalate honestly."""
        logger.error("flow engine: %s", why)
        self.record("error", why)
        team, priority = first_escalation(self.flow)
        self.escalate(
            team,
            priority,
            f"The troubleshooting flow broke: {why}.",
            "error",
            "Sorry — I can't continue with this troubleshooting guide. I'm passing you to a person "
            f"from the {team} team and opening a ticket with what we've covered so far.",
        )


_parse_cache: Dict[str, Any] = {}


def _parsed(condition: str) -> Any:
    """Parse a condition once; flows are reloaded rarely and conditions repeat every turn."""
    expr = _parse_cache.get(condition)
    if expr is None:
        expr = parse(condition)
        if len(_parse_cache) > 10_000:  # bound memory if flows are edited a lot
            _parse_cache.clear()
        _parse_cache[condition] = expr
    return expr
