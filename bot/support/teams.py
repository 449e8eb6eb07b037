"""Teams' response targets and the service desk's contact details: ``config/teams.yml``.

The file is data the support lead edits (re-read on change)::

    contact:                      # how people reach the service desk besides this chat
      phone: "+44 20 7946 0000"
      email: it-support@example.com
      hours_note: "The phone line is staffed during support hours."
    targets:                      # default first-response targets, in working time
      urgent: 30m
      high: 2h
      normal: 1d                  # a working day: the support hours of one day
      low: 3d
    teams:
      identity:
        name: Identity & access   # how the team is named to users
        targets: {high: 1h}       # overrides, per priority
    ask_contact_route: [account_locked, password_reset, mfa_problem, email_sync]

Targets are working time: ``30m``, ``4h``, ``1d`` (one day of support hours) or a number of
minutes. ``ask_contact_route`` lists the flows whose escalation asks "how should the engineer
reach you?", because the usual routes (email, Teams) are what is broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from bot.datafile import DataFileError, WatchedFile, load_yaml
from bot.db.models import TICKET_PRIORITIES

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)?\s*$", re.IGNORECASE)
# A working day, for targets in days: the length is taken from the calendar by the caller.
DAY = "d"
DEFAULT_TARGETS: Mapping[str, Tuple[float, str]] = {
    "urgent": (30, "m"), "high": (120, "m"), "normal": (1, DAY), "low": (3, DAY),
}


@dataclass(frozen=True)
class Target:
    """A first-response target: an amount of working minutes, or of working days."""

    amount: float
    unit: str  # "m" (minutes) or "d" (working days)

    def describe(self) -> str:
        """``30 minutes``, ``2 working hours``, ``1 working day``."""
        if self.unit == DAY:
            days = int(self.amount) if float(self.amount).is_integer() else self.amount
            return f"{days} working day{'s' if days != 1 else ''}"
        if self.amount < 60:
            return f"{int(self.amount)} minutes"
        hours = self.amount / 60
        hours_text = int(hours) if hours.is_integer() else round(hours, 1)
        return f"{hours_text} working hour{'s' if hours_text != 1 else ''}"


@dataclass(frozen=True)
class Team:
    """A team tickets are routed to."""

    id: str
    name: str
    targets: Mapping[str, Target] = field(default_factory=dict)


@dataclass(frozen=True)
class Contact:
    """How people reach the service desk outside this chat."""

    phone: Optional[str] = None
    email: Optional[str] = None
    hours_note: Optional[str] = None


@dataclass(frozen=True)
class TeamDirectory:
    """The parsed ``config/teams.yml``."""

    contact: Contact = Contact()
    targets: Mapping[str, Target] = field(
        default_factory=lambda: {p: Target(a, u) for p, (a, u) in DEFAULT_TARGETS.items()}
    )
    teams: Mapping[str, Team] = field(default_factory=dict)
    ask_contact_route: FrozenSet[str] = frozenset()

    def team_name(self, team_id: str) -> str:
        """How a team is named to users ("identity" → "Identity & access")."""
        team = self.teams.get(team_id)
        return team.name if team is not None else team_id.replace("-", " ").replace("_", " ")

    def target(self, team_id: str, priority: str) -> Target:
        """The team's first-response target for ``priority`` (its own, else the default)."""
        team = self.teams.get(team_id)
        if team is not None and priority in team.targets:
            return team.targets[priority]
        return self.targets.get(priority) or self.targets.get("normal") or Target(1, DAY)

    def asks_contact_route(self, flow_id: str) -> bool:
        """Whether escalating ``flow_id`` asks how the engineer should reach the person."""
        return flow_id in self.ask_contact_route


def parse_target(where: str, value: Any) -> Target:
    """``30m`` / ``4h`` / ``1d`` / a number of minutes → a :class:`Target`.

    Raises:
        DataFileError: the value is not a duration.
    """
    match = _DURATION.match(str(value))
    if not match or float(match.group(1)) <= 0:
        raise DataFileError(f"{where}: {value!r} is not a duration like 30m, 4h or 1d")
    amount = float(match.group(1))
    unit = (match.group(2) or "m").lower()
    if unit.startswith("d"):
        return Target(amount, DAY)
    return Target(amount * 60 if unit.startswith("h") else amount, "m")


def _targets(where: str, raw: Any) -> Dict[str, Target]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DataFileError(f"{where}: expected a mapping of priority → duration ({', '.join(TICKET_PRIORITIES)})")
    targets = {}
    for priority, value in raw.items():
        if priority not in TICKET_PRIORITIES:
            raise DataFileError(f"{where}: unknown priority {priority!r}; expected one of {', '.join(TICKET_PRIORITIES)}")
        targets[str(priority)] = parse_target(f"{where}: {priority}", value)
    return targets


def parse_teams(path: Path) -> TeamDirectory:
    """Parse a teams file.

    Raises:
        DataFileError: a malformed section; the message names the file and the key.
    """
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected a mapping with contact, targets, teams and ask_contact_route")
    unknown = set(data) - {"contact", "targets", "teams", "ask_contact_route"}
    if unknown:
        raise DataFileError(f"{path}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected contact, targets, teams, ask_contact_route")
    raw_contact = data.get("contact") or {}
    if not isinstance(raw_contact, dict):
        raise DataFileError(f"{path}: contact: expected phone, email and hours_note")
    contact = Contact(
        phone=str(raw_contact["phone"]) if raw_contact.get("phone") else None,
        email=str(raw_contact["email"]) if raw_contact.get("email") else None,
        hours_note=str(raw_contact["hours_note"]) if raw_contact.get("hours_note") else None,
    )
    defaults = {p: Target(a, u) for p, (a, u) in DEFAULT_TARGETS.items()}
    defaults.update(_targets(f"{path}: targets", data.get("targets")))
    raw_teams = data.get("teams") or {}
    if not isinstance(raw_teams, dict):
        raise DataFileError(f"{path}: teams: expected a mapping of team id → {{name, targets}}")
    teams = {}
    for team_id, raw in raw_teams.items():
        raw = raw or {}
        if not isinstance(raw, dict):
            raise DataFileError(f"{path}: teams: {team_id}: expected name and targets")
        teams[str(team_id)] = Team(
            id=str(team_id),
            name=str(raw.get("name") or team_id),
            targets=_targets(f"{path}: teams: {team_id}: targets", raw.get("targets")),
        )
    route = data.get("ask_contact_route") or []
    if not isinstance(route, list):
        raise DataFileError(f"{path}: ask_contact_route: expected a list of flow ids")
    return TeamDirectory(contact=contact, targets=defaults, teams=teams, ask_contact_route=frozenset(map(str, route)))


class TeamsFile:
    """The teams file, re-read when it changes (defaults when it is missing)."""

    def __init__(self, path: Path) -> None:
        self._file: WatchedFile[TeamDirectory] = WatchedFile(path, parse_teams, TeamDirectory())

    def get(self) -> TeamDirectory:
        """The current directory."""
        return self._file.get()
