"""``frontline insights`` on the hand-built week: text, JSON and the filters.

The CLI's clock is today, long after March 2024, so every conversation has ended — K
(waiting at a VPN question on 10 March) counts as abandoned, next to B and H.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.insights.auth import check_password
from tests.unit.insights.story import write_week


@pytest.fixture
def cli_db(engine: Engine, migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    write_week(engine)
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", migrated_url)
    return migrated_url


def run_cli(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


def test_json_has_every_outcome_for_the_period(cli_db: str) -> None:
    report = json.loads(run_cli("insights", "--since", "2024-03-04", "--until", "2024-03-10", "--json"))
    assert report["summary"]["outcomes"] == {
        "contained_resolved": 3, "contained_left": 3, "escalated": 3, "abandoned": 3}
    assert report["summary"]["ongoing"] == 0


def test_channel_and_flow_filters(cli_db: str) -> None:
    slack = json.loads(run_cli("insights", "--since", "2024-03-04", "--until", "2024-03-10", "--channel", "slack", "--json"))
    assert slack["summary"]["conversations"] == 3
    vpn = json.loads(run_cli("insights", "--since", "2024-03-04", "--until", "2024-03-10", "--flow", "vpn", "--json"))
    assert vpn["summary"]["outcomes"] == {"contained_resolved": 1, "contained_left": 1, "escalated": 1, "abandoned": 2}


def test_text_report_names_the_headline_figures(cli_db: str) -> None:
    text = run_cli("insights", "--since", "2024-03-04", "--until", "2024-03-10")
    assert "Conversations      12 (12 ended, 0 ongoing)" in text
    assert "Contained          50.0%" in text
    assert "Abandoned          25.0%  (3)" in text
    assert "gap ×2: " in text
    assert "vpn at 'restart_client'" not in text  # 2 runs reached it: below the 5 a drop-off needs


def test_until_before_since_is_a_clear_error(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["insights", "--since", "2024-03-10", "--until", "2024-03-01"]) == 2
    assert "before it starts" in capsys.readouterr().err


def test_insights_user_prints_a_hash_that_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    line = run_cli("insights-user", "alice", "--stdin").strip()
    name, hashed = line.split(":", 1)
    assert name == "alice" and "correct horse" not in line
    assert check_password("correct horse battery", hashed)
    assert not check_password("wrong password", hashed)
