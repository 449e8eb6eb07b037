"""Questions for other teams (HR, facilities, finance): ``config/other_teams.yml``.

The bot only handles IT, but people ask it everything. Rather than IT topic buttons, a question
for another team gets a short answer naming where to go::

    teams:
      - name: HR
        contact: "the HR portal (https://hr.example.com) or hr@example.com"
        handles: "holidays, leave, pay, contracts and personal details"
        keywords: [holiday, annual leave, payslip, pension, sick leave]

:func:`OtherTeams.match` picks the team whose keywords appear in the message (whole words, any
case, longest phrase wins ties); the ``other_team`` intent with no keyword match gets the whole
list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

from bot.datafile import DataFileError, WatchedFile, load_yaml


@dataclass(frozen=True)
class OtherTeam:
    """A team outside IT the bot points people to."""

    name: str
    contact: str
    handles: str
    keywords: Tuple[str, ...]
    _patterns: Tuple["re.Pattern[str]", ...] = field(default=(), repr=False, compare=False)

    def score(self, text: str) -> int:
        """How strongly ``text`` is about this team: the summed length of its keywords found."""
        return sum(len(keyword) for keyword, pattern in zip(self.keywords, self._patterns, strict=True) if pattern.search(text))


def _pattern(phrase: str) -> "re.Pattern[str]":
    words = [re.escape(word) for word in phrase.casefold().split()]
    # "holiday" also finds "holidays": an optional plural s.
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"s?(?!\w)")


@dataclass(frozen=True)
class OtherTeams:
    """The directory of other teams."""

    teams: Tuple[OtherTeam, ...] = ()

    def match(self, text: str) -> Optional[OtherTeam]:
        """The team ``text`` is most likely for, or None when no keyword appears."""
        folded = " ".join(text.replace("\u2019", "'").split()).casefold()
        best: Optional[OtherTeam] = None
        best_score = 0
        for team in self.teams:
            score = team.score(folded)
            if score > best_score:
                best, best_score = team, score
        return best


def _strings(where: str, value: object) -> Tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(f"{where}: expected a non-empty list of words or phrases")
    return tuple(v.strip() for v in value)


def parse_other_teams(path: Path) -> OtherTeams:
    """Parse an other-teams file.

    Raises:
        DataFileError: a malformed entry; the message names the file and the entry.
    """
    data = load_yaml(path) or {}
    raw = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise DataFileError(f"{path}: expected a top-level 'teams:' list of {{name, contact, handles, keywords}}")
    teams: List[OtherTeam] = []
    for index, entry in enumerate(raw, start=1):
        where = f"{path}: team {index}"
        if not isinstance(entry, dict):
            raise DataFileError(f"{where}: expected name, contact, handles and keywords")
        missing = [key for key in ("name", "contact", "keywords") if not entry.get(key)]
        if missing:
            raise DataFileError(f"{where}: missing {', '.join(missing)}")
        keywords = _strings(f"{where} ({entry['name']}): keywords", entry["keywords"])
        teams.append(OtherTeam(
            name=str(entry["name"]), contact=str(entry["contact"]), handles=str(entry.get("handles") or ""),
            keywords=keywords, _patterns=tuple(_pattern(k) for k in keywords),
        ))
    return OtherTeams(tuple(teams))


class OtherTeamsFile:
    """The other-teams file, re-read when it changes (empty when missing)."""

    def __init__(self, path: Path) -> None:
        self._file: WatchedFile[OtherTeams] = WatchedFile(path, parse_other_teams, OtherTeams())

    def get(self) -> OtherTeams:
        """The current directory."""
        return self._file.get()
