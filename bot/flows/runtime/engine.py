"""The flow interpreter: decides what a user turn means for the active flow.

``FlowEngine.handle(state, turn)`` is the single entry point. With no active flow it starts the
flow whose trigger matches the turn (or does nothing, so the caller can fall back). With an
active flow it handles, in order: interruptions (request_human, cancel, restart), a pending
"switch topic?" confirmation, a confident different-topic intent, and finally the answer to
the waiting question. Step execution itself lives in ``runner.Run``.

The engine is pure Python and keeps no per-conversation memory: everything it needs between
turns is in the JSON ``state`` it returns (stored by the caller in the ``flow_state`` slot).
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple

from bot.flows.kinds.escalate import first_escalation
from bot.flows.kinds.registry import get as get_kind
from bot.flows.kinds.registry import kind_of
from bot.flows.kinds.understand import ASIDES, context_for, message_for, question_for
from bot.flows.model import END, Flow, FlowSet, Step
from bot.flows.model.answers import read_yes_no
from bot.flows.understanding import interpret
from bot.flows.understanding import result as understood
from bot.flows.understanding.interpret import read as read_without_interruptions
from bot.flows.understanding.yesno import says_not_fixed as says_not_fixed_text
from bot.flows.model.turns import (
    BotMessage,
    Escalation,
    FlowOutcome,
    TurnResult,
    UserTurn,
    button,
    flow_answer_payload,
    yes_no_buttons,
)
from bot.flows.runtime.checks import CheckRegistry
from bot.flows.runtime.ports import KnowledgeBase
from bot.flows.runtime.runner import STATE_DEFAULTS, Run, new_state

__all__ = [
    "BotMessage",
    "Escalation",
    "FlowEngine",
    "FlowOutcome",
    "TurnResult",
    "UserTurn",
    "button",
    "flow_answer_payload",
]

logger = logging.getLogger(__name__)

INTERRUPT_INTENTS = ("request_human", "cancel", "start_over")


def _phrase(description: str) -> str:
    """A description for use mid-sentence: "Printer problems." → "printer problems" (keeps "VPN")."""
    text = description.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def guards_match(guards: Mapping[str, Iterable[str]], entities: Mapping[str, Any]) -> bool:
    """Whether every entity guard has one of its allowed values among ``entities`` (any case)."""
    for entity, allowed in guards.items():
        value = entities.get(entity)
        values = value if isinstance(value, (list, tuple)) else [value]
        wanted = {str(a).strip().casefold() for a in allowed}
        if not any(v is not None and str(v).strip().casefold() in wanted for v in values):
            return False
    return True


class FlowEngine:
    """Runs troubleshooting flows turn by turn.

    Args:
        flows: returns the current FlowSet (e.g. ``FlowRepository.get``); called once per turn
            so hot-reloaded flows apply from the next turn.
        checks: the checks ``action`` steps may run.
        kb: knowledge base for ``kb`` steps.
        clock: current time (trail timestamps, ``started_at``).
        switch_threshold: minimum intent confidence to offer switching to another flow, and to
            treat cancel/restart/request_human as interruptions while a free-text question waits.
    """

    def __init__(
        self,
        flows: Callable[[], FlowSet],
        checks: CheckRegistry,
        kb: KnowledgeBase,
        clock: Callable[[], datetime],
        switch_threshold: float = 0.8,
    ) -> None:
        self.flows = flows
        self.checks = checks
        self.kb = kb
        self.clock = clock
        self.switch_threshold = switch_threshold

    # -- public API ----------------------------------------------------------------------------

    def match(self, turn: UserTurn, flows: Optional[FlowSet] = None) -> Optional[Flow]:
        """The flow a turn would start: triggers on its intent whose entity guards all match.

        Guarded triggers win over plain ones (more guards win); then a flow named like the
        intent; then file order.
        """
        if not turn.intent:
            return None
        flows = flows if flows is not None else self.flows()
        best: Optional[Flow] = None
        best_rank: Tuple[int, int] = (-1, -1)
        for flow in flows.flows.values():
            for trigger in flow.triggers:
                if trigger.intent != turn.intent or not guards_match(trigger.entities, turn.entities):
                    continue
                rank = (len(trigger.entities), 1 if flow.id == turn.intent else 0)
                if rank > best_rank:
                    best, best_rank = flow, rank
        return best

    def start(self, flow_id: str, turn: UserTurn) -> TurnResult:
        """Start ``flow_id`` explicitly (ignoring triggers); empty result if it is not loaded."""
        flows = self.flows()
        flow = flows.get(flow_id)
        if flow is None:
            return TurnResult()
        run = Run(self, flows, turn, None)
        run.start(flow)
        return run.result()

    def handle(self, state: Optional[Dict[str, Any]], turn: UserTurn) -> TurnResult:
        """Process one user turn.

        Args:
            state: the ``flow_state`` slot value from the previous turn (None: no active flow).
            turn: what the user said, as NLU understood it.

        Returns:
            Messages to send, the new state, flows that ended and an escalation if any. An
            empty result (``handled`` is False) means no flow was active or started.
        """
        flows = self.flows()
        state = _coerce_state(state)
        if state is None:
            flow = self.match(turn, flows)
            last = turn.last_flow or {}
            if (flow is None or flow.id == last.get("flow")) and says_not_fixed(turn) and last.get("outcome") == "resolved":
                reopened = self._reopen(flows, turn, last)
                if reopened is not None:
                    return reopened
            if flow is None:
                return TurnResult()
            run = Run(self, flows, turn, None)
            run.start(flow)
            return run.result()

        run = Run(self, flows, turn, state)
        flow = run.flow
        if flow is None:
            run.say(
                "Sorry — the troubleshooting guide we were following has just been changed, so "
                "I've stopped it. Could you tell me again what the problem is?"
            )
            run.end_all("abandoned")
            return run.result()
        step = _waiting_step(flow, state.get("step"))
        if step is None:
            run.say("This troubleshooting guide was just updated, so let's start it again from the top.")
            self._restart(run, flow, announce=False)
            return run.result()

        if state.get("pending_switch") and self._settle_switch(run, flows, step):
            return run.result()

        # Interruptions come before answers, on every kind of question.
        active = [flows.get(f) for f in _active_flow_ids(run.state)]
        context = context_for(flows, active, run.state.get("said") or [], self.switch_threshold)
        question = question_for(step)
        message = message_for(turn)
        reading = interpret(question, message, context)
        if isinstance(reading, understood.Interruption):
            if self._interrupt(run, flows, flow, step, reading):
                return run.result()
            reading = read_without_interruptions(question, message)
        run.answer(step, reading)
        return run.result()

    # -- interruptions -------------------------------------------------------------------------

    def _interrupt(self, run: Run, flows: FlowSet, flow: Flow, step: Step, found: understood.Interruption) -> bool:
        """Act on an interruption; False when it turns out to be an answer after all."""
        question = run.render(kind_of(step.kind).question(step))
        kind = found.kind
        if kind == "request_human":
            self._request_human(run, flow, step)
        elif kind == "cancel":
            self._cancel(run, flow)
        elif kind == "start_over":
            self._restart(run, flow)
        elif kind == "other_problem":
            new_flow = self.match(run.turn, flows)
            if new_flow is None or new_flow.id in _active_flow_ids(run.state):
                return False
            self._offer_switch(run, flow, new_flow)
        elif kind == "thanks":
            run.ask(step, text=f"You're welcome! To finish this off: {question}", record=False)
        elif kind == "goodbye":
            run.record("goodbye", None, run.turn.text, step=step.id)
            run.say("OK, I'll leave it here. If it's still a problem later, just message me and we'll pick it up.")
            run.end_all("abandoned")
        elif kind == "mark_urgent":
            run.state["answers"]["urgent"] = True
            run.record("mark_urgent", None, run.turn.text, step=step.id)
            run.ask(
                step,
                text=f"Noted — this is urgent. If we can't fix it here, the ticket goes in as urgent. Meanwhile: {question}",
                record=False,
            )
        elif kind in ASIDES:
            run.record(kind, None, run.turn.text, step=step.id)
            # Where the ticket would go if this flow escalated: "how long?" is answered for that
            # team, and a number given now goes onto that ticket.
            team, priority = first_escalation(flow)
            if run.state["answers"].get("urgent") is True:
                priority = "urgent"
            run.aside = {"kind": kind, "reference": found.reference, "flow": flow.id, "team": team, "priority": priority}
            if kind != "ticket_add_info":
                run.ask(step, text=f"Back to where we were: {question}", record=False)
        else:
            return False
        return True

    def _reopen(self, flows: FlowSet, turn: UserTurn, last: Mapping[str, Any]) -> Optional[TurnResult]:
        """ "It's not fixed" after a flow ended resolved: pick it up again with its context.

        The answers and trail come back, the trail records the reopening, and the flow carries on
        from its "did that fix it?" step as if the answer had been no (usually: escalate, with
        the whole trail on the ticket).
        """
        flow = flows.get(str(last.get("flow")))
        if flow is None:
            return None
        run = Run(self, flows, turn, None)
        run.state = new_state(flow, self.clock())
        run.state["answers"] = dict(last.get("answers") or {})
        run.state["trail"] = list(last.get("trail") or [])
        run.state["said"] = list(turn.history)[-12:]
        resolve_step = None
        for entry in reversed(run.state["trail"]):
            if entry.get("flow") == flow.id and entry.get("kind") == "resolve" and entry.get("answer") is True:
                try:
                    resolve_step = flow.step(str(entry.get("step")))
                except KeyError:
                    resolve_step = None
                break
        run.record("reopened", "The person said it is not fixed after all", turn.text, step=resolve_step.id if resolve_step else None)
        run.say("Sorry it's not fixed after all — let's pick up where we left off.")
        following = run.next_of(resolve_step) if resolve_step is not None else END
        if following == END:
            team, priority = first_escalation(flow)
            run.escalate(
                team,
                priority,
                f"{flow.description}: came back after it was marked fixed.",
                "flow",
                f"I'm handing this over to the {team} team with everything we tried before, "
                "so you won't need to repeat yourself.",
            )
        else:
            run.run_from(following)
        return run.result()

    def _request_human(self, run: Run, flow: Flow, step: Step) -> None:
        team, priority = first_escalation(flow)
        run.record("request_human", None, run.turn.text, step=step.id)
        run.escalate(
            team,
            priority,
            f"User asked for a person during: {flow.description} (at step '{step.id}').",
            "user_request",
            f"Sure — I'll get a person from the {team} team to help. I'm opening a ticket with "
            f"{run.handed_over()}, so you won't need to repeat yourself.",
        )

    def _cancel(self, run: Run, flow: Flow) -> None:
        run.record("cancel", None, run.turn.text, step=run.state.get("step"))
        run.say(
            f"OK, I've stopped troubleshooting {_phrase(flow.description)}. "
            "Let me know if there's anything else I can help with."
        )
        run.end_all("abandoned")

    def _restart(self, run: Run, flow: Flow, announce: bool = True) -> None:
        stack = run.state.get("stack") or []
        root = run.flows.get(stack[0]["flow"]) if stack else flow
        root = root or flow
        run.record("restart", None, run.turn.text, step=run.state.get("step"))
        trail = run.state["trail"]
        said, seen = run.state.get("said") or [], run.state.get("seen") or {}
        run.state = new_state(root, self.clock())
        run.state["trail"] = trail  # keep the history: the agent should see what was tried
        run.state.update(said=said, seen=seen)
        if announce:
            run.say("OK, let's start again from the beginning.")
        run.run_from(root.first_step.id)

    # -- switching topic -----------------------------------------------------------------------

    def _offer_switch(self, run: Run, current: Flow, new: Flow) -> None:
        question = (
            f"Do you want to stop {_phrase(current.description)} and look at "
            f"{_phrase(new.description)} instead?"
        )
        run.state["pending_switch"] = {"flow": new.id}
        run.record("switch_offer", question, run.turn.text, step=run.state.get("step"))
        run.say(question, buttons=yes_no_buttons())

    def _settle_switch(self, run: Run, flows: FlowSet, step: Step) -> bool:
        """Handle the reply to "do you want to switch?"; False if it was neither yes nor no."""
        pending = run.state.get("pending_switch") or {}
        run.state["pending_switch"] = None
        decision = read_yes_no(run.turn)
        target = flows.get(str(pending.get("flow")))
        if decision is None:
            return False  # treat the reply normally (it may answer the waiting question)
        run.record("switch", pending.get("flow"), "yes" if decision else "no", step=step.id)
        if decision and target is not None:
            run.end_all("abandoned")
            run.start(target)
        else:
            run.ask(step, record=False)
        return True


def says_not_fixed(turn: UserTurn) -> bool:
    """Whether a message says a problem that was fixed is back ("it's not fixed", "still broken")."""
    if turn.button_value is not None:
        return False
    return says_not_fixed_text(turn.text or "", turn.intent)


def _waiting_step(flow: Flow, step_id: Any) -> Optional[Step]:
    """The step the state says is waiting, if it still exists and still waits for input."""
    if not isinstance(step_id, str):
        return None
    try:
        step = flow.step(step_id)
    except KeyError:
        return None
    kind = get_kind(step.kind)
    return step if kind is not None and kind.waits else None


def _active_flow_ids(state: Dict[str, Any]) -> set:
    return {state["flow"]} | {frame.get("flow") for frame in state.get("stack") or []}


def _coerce_state(state: Any) -> Optional[Dict[str, Any]]:
    """Validate a stored state; fill keys added in later versions; None if unusable."""
    if state is None:
        return None
    if not isinstance(state, dict) or not isinstance(state.get("flow"), str):
        logger.warning("ignoring malformed flow_state: %r", state)
        return None
    coerced = dict(state)
    for key, default in STATE_DEFAULTS.items():
        if default is None:
            coerced.setdefault(key, None)
        elif not isinstance(coerced.get(key), type(default)):
            coerced[key] = copy.deepcopy(default)
    return coerced
