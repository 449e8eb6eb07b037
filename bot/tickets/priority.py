"""Ticket priority rules: data in ``config/priority_rules.yml``, not code.

A ticket starts with the priority its flow's ``escalate`` step names (``normal`` for "talk to a
human"). Every rule whose conditions all hold can only *raise* it, either to a level
(``raise_to: high``) or by a number of levels (``raise_by: 1``); the highest result wins. The
file is re-read when it changes, so the service desk can tune it without a restart::

    lists:
      vip: vip_requesters.txt        # one requester per line (id, Slack user id, name or e-mail)
    rules:
      - name: outage words
        when: {text_contains: [outage, "is down", everyone]}
        raise_to: high
      - name: VIP requester
        when: {requester_in: vip}
        raise_by: 1
      - name: many people, same problem
        when: {open_tickets_same_flow: {at_least: 3, within_minutes: 30}}
        raise_to: urgent

Conditions: ``text_contains`` (any of the words or phrases, whole words, any case, in what the
user wrote and the summary), ``requester_in`` (a named list), ``flow_in`` / ``team_in`` (lists of
flow ids / teams), ``open_tickets_same_flow`` (at least N open tickets for the same flow, this
one included, created within M minutes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from bot.datafile import DataFileError, WatchedFile, load_yaml
from bot.db.models import TICKET_PRIORITIES

CONDITIONS = ("text_contains", "requester_in", "flow_in", "team_in", "open_tickets_same_flow")


@dataclass(frozen=True)
class PriorityContext:
    """What the rules look at for one escalation.

    Attributes:
        base: the flow's priority (low | normal | high | urgent).
        text: what the user wrote plus the ticket summary.
        requester_keys: every way the requester may appear in a list (id, user id, name, e-mail).
        flow: the flow id (ticket category).
        team: the team the ticket goes to.
        open_same_flow: returns how many open tickets for this flow were created in the last
            ``timedelta`` (not counting the one being opened); only called when a rule needs it.
    """

    base: str
    text: str
    requester_keys: FrozenSet[str]
    flow: str
    team: str
    open_same_flow: Callable[[timedelta], int]


@dataclass(frozen=True)
class PriorityDecision:
    """The priority a ticket gets, and why (for the agent and for tuning the rules)."""

    priority: str
    reasons: Tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One rule: conditions (all must hold) and how far it raises the priority."""

    name: str
    text_contains: Tuple[str, ...] = ()
    requester_in: Optional[str] = None
    flow_in: Tuple[str, ...] = ()
    team_in: Tuple[str, ...] = ()
    surge: Optional[Tuple[int, int]] = None  # (at_least, within_minutes)
    raise_to: Optional[str] = None
    raise_by: int = 0
    _patterns: Tuple["re.Pattern[str]", ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class PriorityRules:
    """Parsed rules and the named requester lists they use."""

    rules: Tuple[Rule, ...] = ()
    lists: Mapping[str, FrozenSet[str]] = field(default_factory=dict)
    list_files: Tuple[Path, ...] = ()

    def decide(self, context: PriorityContext) -> PriorityDecision:
        """Apply every rule to ``context``.

        Args:
            context: the escalation being prioritised.

        Returns:
            The highest priority any rule gives (never lower than ``context.base``) and the
            reasons, starting with the flow's own priority.
        """
        base = context.base if context.base in TICKET_PRIORITIES else "normal"
        best = TICKET_PRIORITIES.index(base)
        reasons = [f"flow priority: {base}"]
        text = " ".join(context.text.split()).casefold()
        for rule in self.rules:
            if not self._matches(rule, context, text):
                continue
            level = best
            if rule.raise_to is not None:
                level = max(level, TICKET_PRIORITIES.index(rule.raise_to))
            if rule.raise_by:
                level = max(level, min(TICKET_PRIORITIES.index(base) + rule.raise_by, len(TICKET_PRIORITIES) - 1))
            if level > best:
                best = level
                reasons.append(f"{rule.name}: raised to {TICKET_PRIORITIES[level]}")
            else:
                reasons.append(f"{rule.name}: matched (already {TICKET_PRIORITIES[best]})")
        return PriorityDecision(TICKET_PRIORITIES[best], tuple(reasons))

    def _matches(self, rule: Rule, context: PriorityContext, text: str) -> bool:
        if rule._patterns and not any(p.search(text) for p in rule._patterns):
            return False
        if rule.requester_in is not None:
            members = self.lists.get(rule.requester_in, frozenset())
            if not members & {key.casefold() for key in context.requester_keys if key}:
                return False
        if rule.flow_in and context.flow not in rule.flow_in:
            return False
        if rule.team_in and context.team not in rule.team_in:
            return False
        if rule.surge is not None:
            at_least, minutes = rule.surge
            if context.open_same_flow(timedelta(minutes=minutes)) + 1 < at_least:
                return False
        return True


def _phrase_pattern(phrase: str) -> "re.Pattern[str]":
    """A case-folded whole-word pattern for a word or phrase (spaces match any whitespace)."""
    words = [re.escape(word) for word in phrase.casefold().split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def _strings(where: str, value: Any) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, (str, int)) for v in value):
        raise DataFileError(f"{where}: expected a non-empty list of words")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _rule(where: str, raw: Any, list_names: FrozenSet[str]) -> Rule:
    if not isinstance(raw, dict):
        raise DataFileError(f"{where}: a rule is a mapping with name, when and raise_to/raise_by")
    unknown = set(raw) - {"name", "when", "raise_to", "raise_by"}
    if unknown:
        raise DataFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    name = str(raw.get("name") or where)
    where = f"{where} ({name})"
    when = raw.get("when")
    if not isinstance(when, dict) or not when:
        raise DataFileError(f"{where}: 'when' must map at least one of {', '.join(CONDITIONS)}")
    bad = set(when) - set(CONDITIONS)
    if bad:
        raise DataFileError(f"{where}: unknown condition(s) {', '.join(sorted(bad))}; expected {', '.join(CONDITIONS)}")
    raise_to = raw.get("raise_to")
    raise_by = raw.get("raise_by", 0)
    if raise_to is None and not raise_by:
        raise DataFileError(f"{where}: needs raise_to (a priority) or raise_by (levels)")
    if raise_to is not None and raise_to not in TICKET_PRIORITIES:
        raise DataFileError(f"{where}: raise_to {raise_to!r}; expected one of {', '.join(TICKET_PRIORITIES)}")
    if not isinstance(raise_by, int) or raise_by < 0:
        raise DataFileError(f"{where}: raise_by must be a whole number of levels (0-3)")
    text = _strings(f"{where}: text_contains", when["text_contains"]) if "text_contains" in when else ()
    requester_in = when.get("requester_in")
    if requester_in is not None and requester_in not in list_names:
        raise DataFileError(f"{where}: requester_in {requester_in!r} is not one of the lists ({', '.join(sorted(list_names)) or 'none defined'})")
    surge: Optional[Tuple[int, int]] = None
    if "open_tickets_same_flow" in when:
        spec = when["open_tickets_same_flow"]
        if not isinstance(spec, dict) or not all(isinstance(spec.get(k), int) and spec[k] > 0 for k in ("at_least", "within_minutes")):
            raise DataFileError(f"{where}: open_tickets_same_flow needs at_least and within_minutes (positive numbers)")
        surge = (spec["at_least"], spec["within_minutes"])
    return Rule(
        name=name,
        text_contains=text,
        requester_in=requester_in,
        flow_in=_strings(f"{where}: flow_in", when["flow_in"]) if "flow_in" in when else (),
        team_in=_strings(f"{where}: team_in", when["team_in"]) if "team_in" in when else (),
        surge=surge,
        raise_to=raise_to,
        raise_by=raise_by,
        _patterns=tuple(_phrase_pattern(p) for p in text),
    )


def read_list(path: Path) -> FrozenSet[str]:
    """A requester list: one entry per line, ``#`` starts a comment, case-insensitive.

    Raises:
        DataFileError: the file cannot be read.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read list: {exc}") from None
    return frozenset(
        entry.casefold() for entry in (line.split("#", 1)[0].strip() for line in lines) if entry
    )


def parse_rules(path: Path) -> PriorityRules:
    """Parse a priority rules file (lists are read relative to it).

    Raises:
        DataFileError: the file or a list is malformed; the message names the rule.
    """
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected a mapping with 'rules' (and optionally 'lists')")
    lists: Dict[str, FrozenSet[str]] = {}
    files: List[Path] = []
    raw_lists = data.get("lists") or {}
    if not isinstance(raw_lists, dict):
        raise DataFileError(f"{path}: 'lists' must map list names to files (or to inline lists)")
    for name, source in raw_lists.items():
        if isinstance(source, list):
            lists[str(name)] = frozenset(str(s).strip().casefold() for s in source if str(s).strip())
        else:
            list_path = Path(str(source))
            list_path = list_path if list_path.is_absolute() else path.parent / list_path
            files.append(list_path)
            lists[str(name)] = read_list(list_path)
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise DataFileError(f"{path}: 'rules' must be a list")
    names = frozenset(lists)
    rules = tuple(_rule(f"{path}: rule {i + 1}", raw, names) for i, raw in enumerate(raw_rules))
    return PriorityRules(rules=rules, lists=lists, list_files=tuple(files))


class PriorityRulesFile:
    """The rules file, re-read when it or one of the lists it names changes."""

    def __init__(self, path: Path) -> None:
        self._file: WatchedFile[PriorityRules] = WatchedFile(
            path, parse_rules, PriorityRules(), depends_on=lambda rules: rules.list_files
        )

    def decide(self, context: PriorityContext) -> PriorityDecision:
        """Apply the current rules (see :meth:`PriorityRules.decide`)."""
        return self._file.get().decide(context)

    @property
    def error(self) -> Optional[str]:
        """The last parse error, if the current file is broken."""
        return self._file.error


def requester_keys(requester_id: str, name: Optional[str] = None, extra: Sequence[str] = ()) -> FrozenSet[str]:
    """Every form a requester may be listed under: the id, its last ``:`` part (a Slack user
    id in ``slack:T1:U2``), the display name and any extra identifiers (e.g. an e-mail)."""
    keys = {requester_id}
    if requester_id.startswith(("slack:", "user:")):
        # Only ids a channel verified: a REST sender or a widget session is whatever the client
        # said, so "rest:vip@example.com" must not match the VIP list.
        keys.add(requester_id.split(":", 1)[1] if requester_id.startswith("user:") else requester_id.rsplit(":", 1)[-1])
    if name:
        keys.add(name)
    keys.update(e for e in extra if e)
    return frozenset(k.strip() for k in keys if k and k.strip())
