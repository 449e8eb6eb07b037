"""check_service_status reads the ops-edited status file; unknown means operational."""

from __future__ import annotations

import os
from pathlib import Path

from bot.flows.runtime.checks import ServiceStatusCheck


def test_statuses_from_file_and_defaults(tmp_path: Path) -> None:
    status = tmp_path / "services.yml"
    status.write_text("vpn: outage\nEmail: Degraded\nwifi: down\nprinters: operational\n")
    check = ServiceStatusCheck(status)
    assert check({"service": "vpn"}) == "outage"
    assert check({"service": "email"}) == "degraded"  # service names and statuses ignore case
    assert check({"service": "wifi"}) == "outage"  # "down" is what ops write for an outage
    assert check({"service": "printers"}) == "operational"
    assert check({"service": "unknown"}) == "operational"


def test_missing_or_broken_file_means_operational(tmp_path: Path) -> None:
    assert ServiceStatusCheck(tmp_path / "missing.yml")({"service": "vpn"}) == "operational"
    broken = tmp_path / "broken.yml"
    broken.write_text("vpn: [outage\n")
    assert ServiceStatusCheck(broken)({"service": "vpn"}) == "operational"


def test_edits_are_picked_up_without_restart(tmp_path: Path) -> None:
    status = tmp_path / "services.yml"
    status.write_text("vpn: operational\n")
    check = ServiceStatusCheck(status)
    assert check({"service": "vpn"}) == "operational"
    status.write_text("vpn: outage  \n")
    stat = status.stat()
    os.utime(status, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert check({"service": "vpn"}) == "outage"
