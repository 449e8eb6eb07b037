"""`frontline privacy export|erase` on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from pathlib import Path

from privacy_helpers import converse, shipped_redactor, tracker_store
from sqlalchemy.orm import sessionmaker

from bot.config import Settings
from bot.db.repositories import TicketStore
from bot.privacy.cli import main_privacy
from bot.privacy.service import PrivacyService


def test_export_writes_one_json_file_then_erase_needs_yes_and_closes_tickets(
    migrated_url: str, session_factory: sessionmaker, clock, tmp_path: Path
) -> None:
    redactor = shipped_redactor()
    converse(tracker_store(migrated_url, redactor), "slack:T1:U0ALICE1", ["my vpn drops every hour"])
    tickets = TicketStore(session_factory, clock)
    tickets.create(requester_id="slack:T1:U0ALICE1", category="vpn", team="net", summary="vpn drops",
                   channel="slack", conversation_id="slack:T1:U0ALICE1")
    service = PrivacyService(session_factory, tickets, redactor, clock)
    settings = Settings.from_env({"FRONTLINE_DATABASE_URL": migrated_url, "FRONTLINE_PROJECT_DIR": str(tmp_path)})
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "alice.json"

    # A Slack user id finds the person's DM conversation and tickets.
    assert main_privacy(["export", "--user", "U0ALICE1", "--out", str(target)], settings, out, err, service) == 0
    document = json.loads(target.read_text())
    assert "my vpn drops every hour" in json.dumps(document["conversations"])
    assert [t["reference"] for t in document["tickets"]] == ["SUP-1001"]

    assert main_privacy(["erase", "--user", "U0ALICE1"], settings, out, err, service) == 2
    assert "cannot be undone" in err.getvalue()
    assert main_privacy(["erase", "--user", "U0ALICE1", "--yes", "--actor", "dpo"], settings, out, err, service) == 0
    assert "closed open tickets: SUP-1001" in out.getvalue()
    assert main_privacy(["export", "--user", "U0ALICE1", "--out", str(target)], settings, out, err, service) == 1
    main_privacy(["audit"], settings, out, err, service)
    assert "erase     via cli   by dpo" in out.getvalue()
