"""The Rasa server serves the widget's script (gzipped when asked) and the demo site.

Header names are compared in lower case: that is how Sanic sends them."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from typing import Dict, Tuple

import pytest

from tests.conftest import Bot


def _get(url: str, headers: Dict[str, str] = {}) -> Tuple[int, Dict[str, str], bytes]:  # noqa: B006
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def test_widget_script_is_served_plain_and_gzipped(bot: Bot) -> None:
    status, headers, plain = _get(f"{bot.url}/widget/frontline-widget.js")
    assert status == 200
    assert headers["content-type"].startswith("application/javascript")
    assert plain.startswith(b"/*! Frontline website chat widget")
    status, headers, zipped = _get(f"{bot.url}/widget/frontline-widget.js", {"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip" and gzip.decompress(zipped) == plain


def test_demo_site_is_served_with_the_embed_tag(bot: Bot) -> None:
    status, headers, body = _get(f"{bot.url}/demo/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'<script src="/widget/frontline-widget.js"' in body
    assert _get(f"{bot.url}/demo/offices.html")[0] == 200
    assert _get(f"{bot.url}/demo/demo.css")[0] == 200


@pytest.mark.parametrize("path", ["/demo/missing.html", "/demo/..%2Fstatic%2Ffrontline-widget.js", "/demo/%2e%2e%2f%2e%2e%2frasa_ext%2fweb.py"])
def test_demo_serves_nothing_but_its_own_files(bot: Bot, path: str) -> None:
    assert _get(f"{bot.url}{path}")[0] == 404
