"""A stand-in for an external ticket system: a local HTTP server receiving Frontline's ticket
webhook, checking each request's signature, and failing on demand.

It runs in a thread (stdlib ``ThreadingHTTPServer``), so it serves the action server in its own
process (end-to-end tests) as well as the dispatcher inside the test process (unit tests).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Dict, List, Optional

from tests.local_http import LocalHttpServer
from bot.tickets.sinks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

SECRET = "test-webhook-secret-0123456789abcdef"


@dataclass
class Received:
    """One request the receiver answered.

    Attributes:
        key: the ``Idempotency-Key`` header.
        body: the decoded JSON body.
        status: what the receiver answered.
        signed: whether the signature verified.
        at: ``time.monotonic()`` when it arrived.
    """

    key: str
    body: Dict[str, Any]
    status: int
    signed: bool
    at: float
    headers: Dict[str, str] = field(default_factory=dict)


class WebhookReceiver(LocalHttpServer):
    """Receives ticket webhooks; :meth:`fail` makes it answer 500 (or hang) until :meth:`recover`."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.requests: List[Received] = []
        self._lock = threading.Lock()
        self._status = 200
        self._delay = 0.0
        super().__init__()

    @property
    def url(self) -> str:
        """Where to send webhooks."""
        return f"http://127.0.0.1:{self.port}/frontline/tickets"



    def fail(self, status: int = 500, delay: float = 0.0) -> None:
        """Answer every request with ``status`` (after ``delay`` seconds) until :meth:`recover`."""
        with self._lock:
            self._status, self._delay = status, delay

    def recover(self) -> None:
        """Accept requests again."""
        with self._lock:
            self._status, self._delay = 200, 0.0

    def accepted(self, where: Optional[Callable[[Received], bool]] = None) -> List[Received]:
        """Requests answered 200, oldest first."""
        with self._lock:
            return [r for r in self.requests if r.status == 200 and (where is None or where(r))]

    def refused(self) -> List[Received]:
        """Requests answered with an error."""
        with self._lock:
            return [r for r in self.requests if r.status != 200]

    def _received(self) -> str:
        return f"got {len(self.requests)} requests"

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        with self._lock:
            status, delay = self._status, self._delay
        if delay:
            time.sleep(delay)
        signed = verify(self.secret, handler.headers.get(TIMESTAMP_HEADER) or "", raw, handler.headers.get(SIGNATURE_HEADER) or "")
        if not signed and status == 200:
            status = 401
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body, status = {}, 400
        with self._lock:
            self.requests.append(Received(handler.headers.get("Idempotency-Key") or "", body, status, signed,
                                          time.monotonic(), dict(handler.headers.items())))
        data = json.dumps({"ok": status == 200}).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:  # the client gave up (timeout) while we were slow on purpose
            pass
