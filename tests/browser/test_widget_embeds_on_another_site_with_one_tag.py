"""Another site embeds the widget with one tag and it talks to the bot across origins."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.widget_driver import WidgetDriver
from tests.conftest import Bot, free_port


@pytest.fixture
def other_site(bot: Bot) -> Iterator[str]:
    """A page on http://localhost:<port> (another origin than the bot's 127.0.0.1) with the tag."""
    page = (
        "<!doctype html><html lang=en><head><title>Intranet</title></head><body><h1>Intranet</h1>"
        f'<script src="{bot.url}/widget/frontline-widget.js"></script>'
        "</body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_one_script_tag_adds_a_working_widget_to_another_site(page: Page, bot: Bot, other_site: str) -> None:
    page.goto(other_site)
    widget = WidgetDriver(page, bot)
    widget.open()  # connected: CORS and the socket's origin check let this origin in
    expect(widget.panel).to_have_accessible_name("IT Support")  # defaults, no config object
    widget.send("hi")
    widget.expect_bot("")
    widget.wait_turn_done()
    assert widget.tracker()["events"], "the conversation reached the bot"
