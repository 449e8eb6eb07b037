"""``check_service_status`` read from a status page over HTTP, the status file as its fallback.

Companies already publish service status on a status page; ops should not have to copy it into
``status/services.yml`` during an incident. The page is read in the format of Atlassian
Statuspage's ``/api/v2/components.json`` (``{"components": [{"name": …, "status": …}]}``), which
Statuspage, its open-source look-alikes (Cachet's adapters, Upptime, Instatus' compatible API) and
a ten-line internal endpoint can all serve. Component names are matched to the flows' service
names case-insensitively (``VPN`` ↔ ``vpn``).

A page that is slow, down or malformed never breaks a conversation: after ``timeout`` seconds the
check answers from the status file, and says so in the log (without any user data).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from typing import Any, Callable, Dict, Optional, Tuple

from bot.flows.runtime.checks import Check, status_word

logger = logging.getLogger(__name__)

Fetch = Callable[[str, float], bytes]
Monotonic = Callable[[], float]


def fetch_url(url: str, timeout: float) -> bytes:
    """GET ``url`` and return the body (raises on HTTP errors and time-outs)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "Frontline"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (operator's URL)
        return bytes(response.read(1_000_000))


def parse_components(body: bytes) -> Dict[str, str]:
    """Service name (case-folded) → "operational" | "degraded" | "outage" from components.json.

    Raises:
        ValueError: if the body is not a components document.
    """
    data = json.loads(body)
    components = data.get("components") if isinstance(data, dict) else None
    if not isinstance(components, list):
        raise ValueError('expected {"components": [{"name": ..., "status": ...}, ...]}')
    statuses: Dict[str, str] = {}
    for component in components:
        if isinstance(component, dict) and component.get("name"):
            statuses[str(component["name"]).strip().casefold()] = status_word(component.get("status"))
    return statuses


class StatusPageCheck:
    """Service statuses from a status page, cached for ``cache_seconds``; ``fallback`` when unreadable."""

    def __init__(
        self,
        url: str,
        fallback: Check,
        *,
        timeout: float = 5.0,
        cache_seconds: float = 30.0,
        fetch: Fetch = fetch_url,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        """Create the check.

        Args:
            url: the page's components.json address.
            fallback: the check answering when the page cannot be read (the status file's).
            timeout: seconds to wait for the page.
            cache_seconds: how long one reading is reused (0: read the page on every check).
            fetch: reads a URL with a time-out (the real one by default).
            monotonic: the clock the cache runs on.
        """
        self._url = url
        self._fallback = fallback
        self._timeout = timeout
        self._cache_seconds = cache_seconds
        self._fetch = fetch
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cached: Optional[Tuple[float, Dict[str, str]]] = None

    def __call__(self, args: Dict[str, Any]) -> Any:
        """Return the status of ``args["service"]``; a service the page does not list is operational."""
        statuses = self._statuses()
        if statuses is None:
            return self._fallback(args)
        return statuses.get(str(args.get("service") or "").strip().casefold(), "operational")

    def _statuses(self) -> Optional[Dict[str, str]]:
        now = self._monotonic()
        with self._lock:
            if self._cached is not None and now - self._cached[0] < self._cache_seconds:
                return self._cached[1]
        # Read outside the lock: a slow page holds back only the turns that need a fresh reading,
        # never one that could use the cache.
        try:
            statuses = parse_components(self._fetch(self._url, self._timeout))
        except Exception as exc:  # noqa: BLE001 - any failure of the page means "use the file"
            logger.warning("status page %s unreadable (%s); using the status file", self._url, type(exc).__name__)
            return None
        with self._lock:
            self._cached = (now, statuses)
        return statuses
