"""The /insights/ routes over real HTTP: login, signed cookie, filters, JSON and CSV exports."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator, Optional, Tuple

import pytest

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.insights.auth import hash_password
from tests.insights_server import serve
from tests.unit.insights.story import write_week

PASSWORD = "correct horse battery"
SECRET = "insights-test-secret-0123456789"
WEEK = "since=2024-03-04&until=2024-03-10"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        return None


class Client:
    """A browser-like client: keeps cookies, does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def get(self, path: str) -> Tuple[int, dict, bytes]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, form: dict) -> Tuple[int, dict, bytes]:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + path, data=data))

    def _open(self, req: urllib.request.Request) -> Tuple[int, dict, bytes]:
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()

    def cookie(self) -> Optional[str]:
        return next((c.value for c in self.jar if c.name == "frontline_insights"), None)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module, on SQLite (the figures are tested on both backends elsewhere)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('insights') / 'frontline.db'}"
    upgrade(url)
    engine = make_engine(url)
    write_week(engine)
    engine.dispose()
    users = " ".join(f"{name}:{hash_password(PASSWORD, iterations=1000)}" for name in ("alice", "bob"))
    env = {"FRONTLINE_DATABASE_URL": url, "FRONTLINE_INSIGHTS_SECRET": SECRET, "FRONTLINE_INSIGHTS_USERS": users}
    with serve(env) as base:
        yield base


def test_dashboard_and_data_need_a_login(dashboard: str) -> None:
    client = Client(dashboard)
    status, headers, _ = client.get("/insights/")
    assert status == 302 and headers["location"] == "/insights/login"
    assert client.get(f"/insights/api/report?{WEEK}")[0] == 401
    assert client.get("/insights/export/outcomes.csv")[0] == 401
    status, _, body = client.post("/insights/login", {"name": "alice", "password": "wrong password"})
    assert status == 401 and b"Wrong name or password" in body
    assert client.cookie() is None


def test_login_sets_a_strict_http_only_cookie_and_shows_the_figures(dashboard: str) -> None:
    client = Client(dashboard)
    status, headers, _ = client.post("/insights/login", {"name": "alice", "password": PASSWORD})
    assert status == 302 and headers["location"] == "/insights/"
    cookie_header = headers["set-cookie"]
    assert "HttpOnly" in cookie_header and "SameSite=Strict" in cookie_header and "Path=/insights" in cookie_header
    status, headers, body = client.get("/insights/")
    assert status == 200 and b"insights.js" in body and headers["x-frame-options"] == "DENY"
    status, _, body = client.get(f"/insights/api/report?{WEEK}")
    report = json.loads(body)
    # 10 March 2024 is long past, so K counts as abandoned too (see the CLI test).
    assert report["summary"]["outcomes"] == {"contained_resolved": 3, "contained_left": 3, "escalated": 3, "abandoned": 3}
    status, _, body = client.get(f"/insights/api/report?{WEEK}&channel=slack")
    assert json.loads(body)["summary"]["conversations"] == 3


def test_each_table_exports_as_csv_with_the_filters(dashboard: str) -> None:
    client = Client(dashboard)
    client.post("/insights/login", {"name": "alice", "password": PASSWORD})
    status, headers, body = client.get(f"/insights/export/outcomes.csv?{WEEK}")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert 'filename="insights-outcomes-20240304-20240310.csv"' in headers["content-disposition"]
    lines = body.decode().splitlines()
    assert lines[0] == "outcome,conversations,rate"
    assert "escalated,3,0.25" in lines and "abandoned,3,0.25" in lines
    status, _, body = client.get(f"/insights/export/tickets.csv?{WEEK}&channel=rest")
    assert body.decode().splitlines()[1:] == ["team,service-desk,1", "priority,normal,1", "flow,general,1", "channel,rest,1"]
    assert client.get(f"/insights/export/nope.csv?{WEEK}")[0] == 404


def test_bad_filters_and_forged_cookies_are_refused(dashboard: str) -> None:
    client = Client(dashboard)
    client.post("/insights/login", {"name": "alice", "password": PASSWORD})
    status, _, body = client.get("/insights/api/report?since=yesterday")
    assert status == 400 and "since='yesterday': expected a date" in json.loads(body)["error"]
    assert client.get("/insights/api/report?channel=fax")[0] == 400
    value = client.cookie()
    assert value is not None
    forged = Client(dashboard)
    name, expiry, signature = value.split("|")
    req = urllib.request.Request(f"{dashboard}/insights/api/report",
                                 headers={"Cookie": f"frontline_insights=mallory|{expiry}|{signature}"})
    assert forged._open(req)[0] == 401


def test_repeated_wrong_passwords_are_throttled(dashboard: str) -> None:
    client = Client(dashboard)
    codes = [client.post("/insights/login", {"name": "bob", "password": f"guess {n}"})[0] for n in range(6)]
    assert codes == [401] * 5 + [429]
    assert client.post("/insights/login", {"name": "bob", "password": PASSWORD})[0] == 429
    assert client.post("/insights/login", {"name": "alice", "password": PASSWORD})[0] == 302


def test_without_a_secret_the_dashboard_is_off(tmp_path: Path) -> None:
    with serve({"FRONTLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'f.db'}", "FRONTLINE_INSIGHTS_SECRET": ""}) as url:
        client = Client(url)
        status, _, body = client.get("/insights/")
        assert status == 503 and b"FRONTLINE_INSIGHTS_SECRET" in body
        assert client.get("/insights/api/report")[0] == 503
