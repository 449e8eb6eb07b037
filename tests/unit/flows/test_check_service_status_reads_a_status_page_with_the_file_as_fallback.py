"""check_service_status from a status page (Statuspage's components.json), served by a real local
HTTP server: statuses mapped, readings cached, and the ops file answering when the page is slow,
down or malformed."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from bot.flows.runtime.checks import ServiceStatusCheck
from bot.flows.runtime.status_page import StatusPageCheck
from tests.local_http import LocalHttpServer


class StatusPage(LocalHttpServer):
    """Serves ``body`` after ``delay`` seconds; counts the requests."""

    def __init__(self) -> None:
        super().__init__()
        self.body: bytes = b"{}"
        self.status = 200
        self.delay = 0.0
        self.hits: List[float] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2/components.json"

    def components(self, statuses: Dict[str, str]) -> None:
        self.body = json.dumps({"components": [{"name": n, "status": s} for n, s in statuses.items()]}).encode()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        self.hits.append(time.monotonic())
        time.sleep(self.delay)
        handler.send_response(self.status)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        handler.wfile.write(self.body)


@pytest.fixture
def page() -> Iterator[StatusPage]:
    server = StatusPage()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ops_file(tmp_path: Path) -> ServiceStatusCheck:
    path = tmp_path / "services.yml"
    path.write_text("vpn: outage\n")
    return ServiceStatusCheck(path)


def test_statuspage_statuses_map_onto_the_three_the_flows_know(page: StatusPage, ops_file: Any) -> None:
    page.components({"VPN": "major_outage", "Email": "degraded_performance", "Wi-Fi": "partial_outage",
                     "Printers": "under_maintenance", "MFA": "operational"})
    check = StatusPageCheck(page.url, ops_file, cache_seconds=0)
    assert check({"service": "vpn"}) == "outage"
    assert check({"service": "email"}) == "degraded"
    assert check({"service": "wi-fi"}) == "degraded"
    assert check({"service": "printers"}) == "degraded"
    assert check({"service": "mfa"}) == "operational"
    assert check({"service": "laptops"}) == "operational"  # not on the page: nothing known to be wrong


def test_one_reading_is_reused_for_the_cache_time(page: StatusPage, ops_file: Any) -> None:
    page.components({"VPN": "operational"})
    now = [100.0]
    check = StatusPageCheck(page.url, ops_file, cache_seconds=30, monotonic=lambda: now[0])
    assert check({"service": "vpn"}) == "operational"
    page.components({"VPN": "major_outage"})
    now[0] += 29
    assert check({"service": "vpn"}) == "operational"
    now[0] += 2
    assert check({"service": "vpn"}) == "outage"
    assert len(page.hits) == 2


@pytest.mark.parametrize("trouble", ["slow", "http 500", "not json", "not components"])
def test_an_unreadable_page_answers_from_the_ops_file(page: StatusPage, ops_file: Any, trouble: str) -> None:
    page.components({"VPN": "operational"})
    if trouble == "slow":
        page.delay = 2.0
    elif trouble == "http 500":
        page.status = 500
    elif trouble == "not json":
        page.body = b"<html>maintenance</html>"
    else:
        page.body = b'{"page": {"name": "status"}}'
    check = StatusPageCheck(page.url, ops_file, timeout=0.5, cache_seconds=0)
    started = time.monotonic()
    assert check({"service": "vpn"}) == "outage"  # the file's answer, not the page's
    assert time.monotonic() - started < 1.9  # waited for the time-out, not for the slow page


def test_a_page_that_cannot_be_reached_answers_from_the_ops_file(ops_file: Any) -> None:
    from tests.conftest import free_port

    check = StatusPageCheck(f"http://127.0.0.1:{free_port()}/components.json", ops_file, timeout=1)
    assert check({"service": "vpn"}) == "outage"


def test_doctor_says_whether_the_status_page_answers_and_how_to_fix_it(page: StatusPage, tmp_path: Path) -> None:
    from bot.config import Settings
    from bot.service_checks import status_page
    from tests.conftest import ROOT, free_port

    def doctor(**env: str) -> Any:
        return status_page(Settings.from_env({"FRONTLINE_PROJECT_DIR": str(ROOT), "FRONTLINE_STATUS_TIMEOUT": "1", **env}))

    assert doctor().ok and "FRONTLINE_STATUS_URL unset" in doctor().found
    page.components({"VPN": "operational", "Email": "operational"})
    good = doctor(FRONTLINE_STATUS_URL=page.url)
    assert good.ok and "2 components" in good.found
    page.body = b'{"page": {}}'
    wrong = doctor(FRONTLINE_STATUS_URL=page.url)
    assert not wrong.ok and "components.json" in wrong.fix
    down = doctor(FRONTLINE_STATUS_URL=f"http://127.0.0.1:{free_port()}/api/v2/components.json")
    assert not down.ok and "FRONTLINE_STATUS_TIMEOUT" in down.fix
