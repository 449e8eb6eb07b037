"""HR, facilities and finance questions get the team that handles them, from config/other_teams.yml."""

from pathlib import Path

import pytest

from bot.datafile import DataFileError
from bot.support.other_teams import parse_other_teams

ROOT = Path(__file__).parents[3]


@pytest.mark.parametrize("question, team", [
    ("how many holiday days do I have left?", "HR"),
    ("I want to book two weeks of annual leave in August", "HR"),
    ("who do I ask about my pension contributions", "HR"),
    ("my payslip is wrong this month", "Payroll & finance"),
    ("how do I submit my expenses from the conference", "Payroll & finance"),
    ("the air conditioning on floor 2 is broken again", "Facilities"),
    ("my building pass doesn't open the side door", "Facilities"),
    ("can I book a meeting room for Friday", "Facilities"),
])
def test_the_shipped_directory_sends_each_question_to_its_team(question: str, team: str) -> None:
    directory = parse_other_teams(ROOT / "config" / "other_teams.yml")
    match = directory.match(question)
    assert match is not None and match.name == team
    assert match.contact


@pytest.mark.parametrize("question", ["my vpn keeps dropping", "what's the weather tomorrow", "tell me a joke"])
def test_questions_no_team_handles_match_nothing(question: str) -> None:
    assert parse_other_teams(ROOT / "config" / "other_teams.yml").match(question) is None


def test_an_entry_without_keywords_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "other_teams.yml"
    path.write_text("teams:\n  - name: HR\n    contact: hr@example.com\n")
    with pytest.raises(DataFileError, match=r"team 1: missing keywords"):
        parse_other_teams(path)
