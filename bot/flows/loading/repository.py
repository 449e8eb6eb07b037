"""Hot-reloading access to the flow directory for a running bot.

Content designers edit ``flows/*.yml`` while the bot runs. ``FlowRepository.get`` notices
changes (by file names, mtimes and sizes, checked at most every ``min_interval`` seconds) and
reloads. An edit that introduces any error is rejected as a whole — the bot keeps serving the
last good version of the directory and logs every problem as ``file:line: message`` — so a
half-saved file can never take a flow (or the flows it links to) away mid-conversation.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from bot.flows.loading.loader import SCHEMA_PATH, flow_files, load_flows
from bot.flows.model import FlowSet, Problem

Signature = Tuple[Tuple[str, int, int], ...]


class FlowRepository:
    """Thread-safe, hot-reloading source of the current FlowSet.

    Args:
        directory: the flows directory.
        min_interval: seconds between checks of the directory for changes.
        logger: where load problems are reported (default: this module's logger).
        schema_path: an extra JSON Schema file (see ``load_flows``); the format is always checked.
        monotonic: clock for the check interval (injectable for tests).
    """

    def __init__(
        self,
        directory: Path,
        min_interval: float = 1.0,
        logger: Optional[logging.Logger] = None,
        *,
        schema_path: Optional[Path] = SCHEMA_PATH,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = Path(directory)
        self.min_interval = min_interval
        self.logger = logger or logging.getLogger(__name__)
        self._schema_path = schema_path
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._current: Optional[FlowSet] = None
        self._signature: Optional[Signature] = None
        self._checked_at = float("-inf")
        self._problems: List[Problem] = []

    def get(self) -> FlowSet:
        """The current FlowSet, reloading first if the directory changed since the last check."""
        with self._lock:
            now = self._monotonic()
            if self._current is None or now - self._checked_at >= self.min_interval:
                self._checked_at = now
                signature = self._stat()
                if self._current is None or signature != self._signature:
                    self._reload(signature)
            assert self._current is not None
            return self._current

    def reload(self) -> FlowSet:
        """Reload now regardless of the interval or of whether anything changed."""
        with self._lock:
            self._checked_at = self._monotonic()
            self._reload(self._stat())
            assert self._current is not None
            return self._current

    @property
    def problems(self) -> List[Problem]:
        """Problems found by the most recent load (empty when it was clean)."""
        with self._lock:
            return list(self._problems)

    def _stat(self) -> Signature:
        entries = []
        for path in flow_files(self.directory):
            try:
                stat = path.stat()
            except OSError:
                continue  # deleted between listing and stat: the next check sees it gone
            entries.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(entries)

    def _reload(self, signature: Signature) -> None:
        flows, problems = load_flows(self.directory, schema_path=self._schema_path)
        # Remember the signature even for a rejected edit, so the same errors are logged once
        # rather than on every check; the next save changes the signature and retries.
        self._signature = signature
        self._problems = problems
        errors = [p for p in problems if p.severity == "error"]
        for problem in problems:
            level = logging.ERROR if problem.severity == "error" else logging.WARNING
            self.logger.log(level, "%s: %s", problem.location, problem.message)
        if not errors:
            self._current = flows
            self.logger.info("loaded %d flows from %s (%s)", len(flows.flows), self.directory, flows.fingerprint[:12])
        elif self._current is None:
            self._current = flows
            self.logger.error(
                "flows in %s have %d error(s); serving only the %d valid flow(s) until they are fixed",
                self.directory,
                len(errors),
                len(flows.flows),
            )
        else:
            self.logger.error(
                "flows in %s have %d error(s); the edit was rejected and the previous version "
                "(%d flows, %s) is still being served",
                self.directory,
                len(errors),
                len(self._current.flows),
                self._current.fingerprint[:12],
            )
