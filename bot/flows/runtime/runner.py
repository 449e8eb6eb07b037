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
from bot.flows.kinds.registry import get as get_kind
from bot.flows.kinds.registry import kind_of
from bot.flows.kinds.understand import MAX_SAID, message_for, option_label, question_for, reask_text, remember, seen_entities
from bot.flows.model import END, Flow, FlowSet, Step
from bot.flows.model.expr import parse, render_template
from bot.flows.model.trail import TrailEntry
from bot.flows.model.turns import BotMessage, Escalation, FlowOutcome, TurnResult, UserTurn, resolve_buttons
from bot.flows.runtime.fit import establishes_anything, fitting
from bot.flows.understanding import interpret, prefill
from bot.flows.understanding import result as understood

if TYPE_CHECKING:  # pragma: no cover
    from bot.flows.runtime.engine import FlowEngine

logger = logging.getLogger(__name__)

MAX_STEPS_PER_TURN = 50

MSG_GAVE_UP_END = "Sorry, I couldn't follow that, so I've stopped here."
MSG_PARTLY = "Thanks for telling me — partly fixed isn't fixed, so let's keep going."
MSG_WAIT = "No rush — give it a try and tell me here how it went."
MSG_RESOLVE_UNSURE = "Not sure is fine — have one more try of the thing that wasn't working, then tell me: yes or no?"
MSG_TAKE_YOUR_TIME = "Sure, take your time."


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
    "said": [],
    "seen": {},
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
        self.aside: Optional[Dict[str, Any]] = None
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
            aside=self.aside,
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
        """Knowledge-base articles for ``query`` that fit the person's platform, best first.

        Articles tagged only for another platform than the one the conversation established
        (an answer such as ``email_client: mobile``, or the ``os`` entity) are left out; articles
        about the application it established (``vpn_client: anyconnect``, the ``app_name``
        entity) come first, and those only about other applications are left out when one fits.
        """
        answers, seen = (self.state["answers"], self.state.get("seen") or {}) if self.state else ({}, {})
        found = list(self.engine.kb.search(query, top + (3 if establishes_anything(answers, seen) else 0)))
        def products(article: Any) -> Any:
            return getattr(article, "products", ())

        return fitting(found, answers, seen, products)[:top]

    def run_check(self, name: str, args: Dict[str, Any]) -> Any:
        """Run the named check from the engine's registry (KeyError if there is none)."""
        return self.engine.checks.run(name, args)

    @staticmethod
    def jsonable(value: Any) -> Any:
        """``value`` made JSON-safe (see :func:`jsonable`), for answers and check results."""
        return jsonable(value)

    def record(self, kind: str, text: Any = None, answer: Any = None, step: Optional[str] = None,
               label: Optional[str] = None, source: Optional[str] = None, matched: Optional[str] = None) -> Dict[str, Any]:
        """Append a trail entry (a step executed or an event such as restart) and return it."""
        entry = TrailEntry(
            flow=self._state["flow"] if self._state else None,
            step=step,
            kind=kind,
            text=text,
            answer=jsonable(answer),
            at=self.now(),
            label=label,
            source=source,
            matched=matched or None,
        ).to_json()
        if self._state is not None:
            self._state["trail"].append(entry)
        return entry

    def own_trail(self) -> List[Dict[str, Any]]:
        """The trail of the current flow (from where it was called; linked flows included)."""
        return list(self.state["trail"][self.state.get("trail_from", 0) :])

    def handed_over(self) -> str:
        """What a handover says the ticket carries: only what really happened in this flow."""
        kinds = [(get_kind(str(entry.get("kind"))), entry) for entry in self.own_trail()]
        if any(kind is not None and kind.advises for kind, _ in kinds):
            return "everything we've tried so far"
        if any(kind is not None and kind.waits and entry.get("answer") is not None for kind, entry in kinds):
            return "your answers so far"
        return "what you've told me"

    # -- starting and running ------------------------------------------------------------------

    def start(self, flow: Flow) -> None:
        """Start ``flow`` from its first step with a fresh state.

        The person's messages so far (and this one) are kept, so that questions declaring
        ``fill_from`` are answered from them instead of being asked again.
        """
        self.state = new_state(flow, self.engine.clock())
        self.state["said"] = [t for t in self.turn.history if t and not t.startswith("/")][-MAX_SAID:]
        remember(self.state, self.turn)
        self.state["seen"] = seen_entities(self.state, self.turn)
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
        """Whether the turn answers the waiting ``step`` (interruptions aside), and the value."""
        reading = interpret(question_for(step), message_for(self.turn))
        if isinstance(reading, understood.Answer):
            return True, reading.value
        return False, None

    def answer(self, step: Step, reading: Optional[understood.Interpretation] = None) -> None:
        """Feed the turn (as read by ``bot.flows.understanding``) to the waiting ``step`` and go on."""
        kind = kind_of(step.kind)
        if reading is None:
            reading = interpret(question_for(step), message_for(self.turn))
        remember(self.state, self.turn)
        self.state["seen"] = seen_entities(self.state, self.turn)
        if isinstance(reading, understood.Hedge):
            self.hedge(step, reading)
            return
        if not isinstance(reading, understood.Answer):
            self.not_understood(step, reading if isinstance(reading, understood.Unclear) else None)
            return
        value = reading.value
        self.state["attempts"].pop(step.id, None)
        self._set_trail_answer(step, value, kind.answer_label(step, value), reading.source, reading.matched)
        kind.accept(self, step, value)

    def prefilled(self, step: Step) -> Optional[str]:
        """If the person already said the answer (``fill_from``), save it and return the next step.

        The trail entry says where the answer came from (``source: earlier``); ``confirm`` adds
        a one-line confirmation ("You said home Wi-Fi — …").
        """
        if not step.fill_from or self.state is None:
            return None
        found = prefill(question_for(step), step.fill_from, self.state.get("said") or [], self.state.get("seen") or {})
        if found is None:
            return None
        kind = kind_of(step.kind)
        self.state["answers"][step.save_as or step.id] = found.value
        self.record(step.kind, self.render(kind.question(step)), found.value, step=step.id,
                    label=kind.answer_label(step, found.value), source="earlier", matched=found.matched)
        if step.confirm:
            label = option_label(step, found.value)
            self.say(render_template(step.confirm, lambda name: label if name == "answer" else self.lookup(name)))
        return self.next_of(step)

    def _set_trail_answer(self, step: Step, value: Any, label: Optional[str], source: str = "typed",
                          matched: str = "") -> None:
        """Record the answer, the label it was given under and where it came from on the step's entry."""
        matched_or_none = matched if matched and source not in ("button", "typed") else None
        for index in range(len(self.state["trail"]) - 1, -1, -1):
            entry = TrailEntry.from_json(self.state["trail"][index])
            if entry.step == step.id and entry.flow == self.state["flow"]:
                entry.answer, entry.label = jsonable(value), label
                entry.source, entry.matched = source, matched_or_none
                self.state["trail"][index] = entry.to_json()
                return
        self.record(step.kind, self.render(kind_of(step.kind).question(step)), value, step=step.id, label=label,
                    source=source, matched=matched_or_none)

    def hedge(self, step: Step, hedge: understood.Hedge) -> None:
        """ "Partly", "not yet", "give me a sec", "not sure": never a yes.

        On "did that fix it?": partly goes on as not fixed (and says so), not yet / wait keeps
        waiting without counting a failed attempt. On a yes/no question: wait keeps waiting,
        partly and unsure are re-asked.
        """
        question = self.render(kind_of(step.kind).question(step))
        if step.kind == "resolve":
            if hedge.kind == "partly":
                self.state["attempts"].pop(step.id, None)
                self._set_trail_answer(step, "partly", "Partly", "typed")
                self.state["answers"][step.id] = "partly"
                self.say(MSG_PARTLY)
                self.run_from(self.next_of(step))
                return
            waiting = hedge.kind in ("not_yet", "wait")
            self.record("wait" if waiting else "unsure", question, self.turn.text, step=step.id)
            self.state["step"] = step.id
            self.say(MSG_WAIT if waiting else MSG_RESOLVE_UNSURE, buttons=resolve_buttons())
            return
        if hedge.kind in ("wait", "not_yet"):
            self.record("wait", question, self.turn.text, step=step.id)
            self.ask(step, text=f"{MSG_TAKE_YOUR_TIME} {question}", record=False)
            return
        self.not_understood(step, understood.Unclear("unsure" if hedge.kind == "unsure" else "hedge", self.turn.text))

    def not_understood(self, step: Step, unclear: Optional[understood.Unclear] = None) -> None:
        """Count an unusable reply; re-ask with the hint, or give up after max_attempts.

        A question asked back ("where do I find that?") is no failed attempt: the question is
        asked again with its hint, however often the person needs it.
        """
        if unclear is not None and unclear.reason == "question":
            question = self.render(kind_of(step.kind).question(step))
            hint = self.render(step.hint) if step.hint else ""
            pointer = reask_text(step, unclear, hint) if hint and hint not in question else ""
            self.record("asked_back", question, self.turn.text, step=step.id)
            self.ask(step, text=f"{pointer}\n\n{question}".strip(), record=False)
            return
        attempts = int(self.state["attempts"].get(step.id, 0)) + 1
        self.state["attempts"][step.id] = attempts
        for entry in reversed(self.state["trail"]):
            if entry.get("step") == step.id:
                entry.setdefault("unusable", []).append(self.turn.text)
                break
        if attempts < step.max_attempts:
            hint = self.render(step.hint) if step.hint else kind_of(step.kind).retry_hint(step)
            if unclear is not None and unclear.reason == "hedge":
                hint = f"Is that closer to yes or no? {hint}"
            elif unclear is not None:
                hint = reask_text(step, unclear, hint)
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
                f"team and opening a ticket with {self.handed_over()}.",
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
        """Hand over to a human: message the user, record the Escalation, end all flows.

        A conversation the person marked urgent goes in as urgent whatever the flow says.
        """
        if self.state["answers"].get("urgent") is True:
            priority = "urgent"
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
            f"to a person from the {team} team and opening a ticket with {self.handed_over()}.",
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
            f"from the {team} team and opening a ticket with {self.handed_over()}.",
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
