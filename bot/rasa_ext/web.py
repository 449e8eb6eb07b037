"""Serves the website widget's script and the demo page from the Rasa server itself.

The widget (built from ``widget/`` into ``bot/web/static/frontline-widget.js``) talks to the
socket.io channel of the same server, so serving it from there means one process, one origin
and one URL to embed: ``<script src="http://<rasa server>/widget/frontline-widget.js"></script>``.
It is an input channel only because that is how Rasa lets a plug-in add routes
(credentials.yml lists it); it never receives messages.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
WIDGET_FILE = WEB_DIR / "static" / "frontline-widget.js"
DEMO_DIR = WEB_DIR / "demo"

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# Demo files are served by name from one flat directory; nothing else can be asked for.
_DEMO_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(html|css|svg|png)$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_flag(value: Any, name: str) -> bool:
    """A boolean from credentials.yml, where ``${VAR}`` expands to a string.

    Raises:
        ValueError: the value is not a recognisable yes/no; the message names the key.
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name}={value!r}: expected true or false")


class _GzipCache:
    """Gzipped bodies by (path, mtime), so the 150 KB script travels as ~45 KB."""

    def __init__(self) -> None:
        self._cache: Dict[Path, Tuple[float, bytes, bytes]] = {}

    def get(self, path: Path) -> Tuple[bytes, bytes]:
        """(plain, gzipped) contents of ``path``; re-read when the file changes (a rebuild)."""
        mtime = path.stat().st_mtime
        cached = self._cache.get(path)
        if cached is None or cached[0] != mtime:
            plain = path.read_bytes()
            cached = (mtime, plain, gzip.compress(plain, mtime=0))
            self._cache[path] = cached
        return cached[1], cached[2]


def _serve(request: Request, path: Path, cache: _GzipCache, max_age: int) -> HTTPResponse:
    plain, zipped = cache.get(path)
    headers = {
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
        # Lets pages that isolate themselves (Cross-Origin-Embedder-Policy) load the script too.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    body = plain
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = zipped
        headers["Content-Encoding"] = "gzip"
    return response.raw(body, headers=headers, content_type=_CONTENT_TYPES.get(path.suffix, "application/octet-stream"))


class _RootBlueprint(Blueprint):
    """A blueprint whose routes stay at the site root.

    Rasa mounts every input channel under ``/webhooks/<name>``; the widget URL should not
    look like a webhook.
    """

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        """Register ignoring the ``url_prefix`` Rasa passes."""
        super().register(app, {**options, "url_prefix": None})


class WidgetChannel(InputChannel):
    """``GET /widget/frontline-widget.js`` and, unless disabled, the demo site at ``/demo/``."""

    def __init__(self, demo_page: bool = True, widget_file: Path = WIDGET_FILE, demo_dir: Path = DEMO_DIR) -> None:
        self.demo_page = demo_page
        self.widget_file = widget_file
        self.demo_dir = demo_dir
        self._cache = _GzipCache()

    @classmethod
    def name(cls) -> Text:
        """Channel name (only used by Rasa to tell channels apart)."""
        return "frontline_web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WidgetChannel":
        """Build from credentials.yml: ``demo_page: ${FRONTLINE_WEB_DEMO}``."""
        credentials = credentials or {}
        return cls(demo_page=parse_flag(credentials.get("demo_page", True), "demo_page"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes for the script and the demo page (``on_new_message`` is not used)."""
        bp = _RootBlueprint("frontline_web")

        @bp.route("/widget/frontline-widget.js", methods=["GET"])
        async def widget(request: Request) -> HTTPResponse:
            if not self.widget_file.is_file():
                return response.text(
                    "The widget is not built: run `npm ci && npm run build` in widget/.", status=404
                )
            return _serve(request, self.widget_file, self._cache, max_age=300)

        if not self.demo_page:
            return bp

        @bp.route("/demo", methods=["GET"], strict_slashes=True)
        async def demo_redirect(_: Request) -> HTTPResponse:
            # Relative links on the demo pages need the trailing slash.
            return response.redirect("/demo/")

        @bp.route("/demo/", methods=["GET"], strict_slashes=True)
        async def demo_index(request: Request) -> HTTPResponse:
            return _serve(request, self.demo_dir / "index.html", self._cache, max_age=0)

        @bp.route("/demo/<name:str>", methods=["GET"])
        async def demo_file(request: Request, name: str) -> HTTPResponse:
            path = self.demo_dir / name
            if not _DEMO_NAME.match(name) or not path.is_file():
                return response.text("not found", status=404)
            return _serve(request, path, self._cache, max_age=0)

        return bp
