"""The insights dashboard in Debian's Chromium: log in, read the figures and charts, filter by
channel and flow, export a table as CSV, log out. Synthetic traffic (bench/insights_traffic.py)
over the last 60 days fills it; the figures on the page are compared with the report API's.

It runs the dashboard on a bare Sanic server (tests/insights_server.py), not the whole Rasa
server; tests/e2e/test_insights_dashboard_is_served_by_the_rasa_server.py checks it is mounted
there. The screenshot in docs/img/insights.png comes from this test (test-artifacts/insights.png).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from bench.insights_traffic import generate
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.insights.auth import hash_password
from tests.insights_server import serve

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('insights') / 'frontline.db'}"
    upgrade(url)
    engine = make_engine(url)
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    generate(engine, 2500, today, days=60, seed=11)
    engine.dispose()
    env = {"FRONTLINE_DATABASE_URL": url, "FRONTLINE_INSIGHTS_SECRET": "browser-test-secret-0123456789",
           "FRONTLINE_INSIGHTS_USERS": f"lead:{hash_password(PASSWORD, iterations=1000)}"}
    with serve(env) as base:
        yield base


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/insights/")
    expect(page).to_have_url(f"{base}/insights/login")
    page.get_by_label("Name").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/insights/")
    expect(page.locator("body[data-loaded=true]")).to_have_count(1)


def api(page: Page, base: str, query: str) -> dict:
    return json.loads(page.request.get(f"{base}/insights/api/report?{query}").text())


def test_dashboard_shows_the_reports_figures_and_charts(page: Page, dashboard: str, artifacts: Path) -> None:
    log_in(page, dashboard)
    report = api(page, dashboard, "")
    conversations = page.locator('[data-figure="conversations"] .value')
    expect(conversations).to_have_text(str(report["summary"]["conversations"]))
    containment = report["headline"]["containment"]["value"]
    expect(page.locator('[data-figure="containment"] .value')).to_have_text(f"{containment * 100:.1f}%")
    assert page.locator("#chart-days rect").count() > 20
    assert page.locator("#funnels .funnel").count() == len(report["funnels"])
    expect(page.locator("#funnels")).to_contain_text("Biggest drop-off")
    gaps = page.locator('[data-table="kb_gaps"] tbody tr')
    expect(gaps.first).to_contain_text(report["kb"]["gaps"][0]["label"])
    expect(page.locator('[data-table="rising"]')).to_contain_text("mfa")
    page.screenshot(path=str(artifacts / "insights.png"), full_page=False)


def test_filters_apply_everywhere_and_tables_export_as_csv(page: Page, dashboard: str) -> None:
    log_in(page, dashboard)
    page.locator("#channel").select_option("slack")
    page.locator("#flow").select_option("vpn")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("body[data-loaded=true]")).to_have_count(1)
    assert "channel=slack" in page.url and "flow=vpn" in page.url
    query = page.url.split("?", 1)[1]
    filtered = api(page, dashboard, query)
    expect(page.locator('[data-figure="conversations"] .value')).to_have_text(str(filtered["summary"]["conversations"]))
    expect(page.locator("#status")).to_contain_text("channel slack · flow vpn")
    assert [f["flow"] for f in filtered["funnels"]] == ["vpn"]
    assert page.locator("#funnels .funnel").count() == 1
    link = page.locator('[data-table="channels"] a.csv')
    assert link.get_attribute("href") == f"/insights/export/channels.csv?{query}"
    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text()
    lines = text.splitlines()
    assert lines[0].startswith("channel,conversations,ended")
    assert len(lines) == 2 and lines[1].startswith(f"slack,{filtered['summary']['conversations']},")


def test_logging_out_closes_the_dashboard(page: Page, dashboard: str) -> None:
    log_in(page, dashboard)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{dashboard}/insights/login")
    page.goto(f"{dashboard}/insights/")
    expect(page).to_have_url(f"{dashboard}/insights/login")
    assert page.request.get(f"{dashboard}/insights/api/report").status == 401
