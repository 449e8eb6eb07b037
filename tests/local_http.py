"""A real HTTP server on a free loopback port, for fakes of services Frontline calls."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


def wait_until(
    predicate: Callable[[], Any], what: str, timeout: float = 60.0, context: Callable[[], str] = lambda: ""
) -> Any:
    """Poll ``predicate`` until it returns something truthy (returned); fail the test on timeout.

    ``context`` adds what is known at that point to the failure message.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    extra = context()
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}" + (f"; {extra}" if extra else ""))


class LocalHttpServer:
    """Serves every GET/POST with ``self._serve(handler)`` on 127.0.0.1 in a daemon thread."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (stdlib name)
                owner._serve(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass  # tests read what was recorded, not stderr

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self._server.server_address[1]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def _received(self) -> str:
        """What the server got so far, for a time-out message."""
        return "(nothing recorded)"

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
        """Poll ``predicate`` until it returns something truthy; fail the test on timeout."""
        return wait_until(predicate, what, timeout, lambda: self._received())

    def start(self) -> "LocalHttpServer":
        """Start serving in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
