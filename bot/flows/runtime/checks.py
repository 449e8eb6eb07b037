"""Named checks that ``action:`` steps run, and the built-in ones from the contract.

A check is any callable taking the step's rendered ``args`` dict and returning a JSON-compatible
value that the engine saves under ``save_as``. Data files are passed in at construction and
re-read when they change on disk, so ops can edit ``status/services.yml`` without a restart.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterator, Mapping, Optional, Protocol, Tuple

Check = Callable[[Dict[str, Any]], Any]
Clock = Callable[[], datetime]

logger = logging.getLogger(__name__)

SERVICE_STATUSES = ("operational", "degraded", "outage")

# Ops write free-ish words in the status file; map the common ones onto the three statuses.
_STATUS_WORDS = {
    "operational": "operational",
    "ok": "operational",
    "up": "operational",
    "normal": "operational",
    "degraded": "degraded",
    "partial": "degraded",
    "partial_outage": "degraded",
    "slow": "degraded",
    "outage": "outage",
    "down": "outage",
    "major_outage": "outage",
    # Atlassian Statuspage's component statuses (bot/flows/runtime/status_page.py)
    "degraded_performance": "degraded",
    "under_maintenance": "degraded",
}


def status_word(raw: Any) -> str:
    """One of SERVICE_STATUSES for a status as ops or a status page write it; unknown → operational."""
    word = str(raw or "").strip().casefold().replace(" ", "_")
    return _STATUS_WORDS.get(word, "operational")


class CheckRegistry:
    """Maps check names to callables. Thread-safe for concurrent ``run`` calls."""

    def __init__(self, checks: Optional[Mapping[str, Check]] = None) -> None:
        """Create a registry, optionally pre-filled with ``checks``."""
        self._checks: Dict[str, Check] = dict(checks or {})

    def register(self, name: str, check: Check) -> None:
        """Register (or replace) the check called ``name``."""
        self._checks[name] = check

    def get(self, name: str) -> Optional[Check]:
        """Return the check called ``name`` or None."""
        return self._checks.get(name)

    def names(self) -> FrozenSet[str]:
        """All registered check names (the linter uses this to flag unknown ``action:`` names)."""
        return frozenset(self._checks)

    def __contains__(self, name: object) -> bool:
        return name in self._checks

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._checks))

    def run(self, name: str, args: Dict[str, Any]) -> Any:
        """Run the check ``name`` with ``args``.

        Raises:
            KeyError: if no such check is registered.
        """
        check = self._checks.get(name)
        if check is None:
            raise KeyError(name)
        return check(args)


class _YamlFile:
    """A YAML data file cached until its mtime or size changes; missing → None."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: Optional[Tuple[int, int]] = None
        self._data: Any = None

    def read(self) -> Any:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._data = self._load()
                self._stamp = stamp
            return self._data

    def _load(self) -> Any:
        from ruamel.yaml import YAML  # imported lazily: nothing heavy at import time
        from ruamel.yaml.error import YAMLError

        try:
            # typ="base" keeps every scalar as text: an unquoted 0x80070005 key must not
            # become the integer 2147942405.
            return YAML(typ="base", pure=True).load(self.path.read_text(encoding="utf-8"))
        except (OSError, YAMLError, UnicodeDecodeError) as exc:
            # A half-saved or broken ops file must not take the bot down: behave as if empty.
            logger.error("%s: cannot read check data: %s", self.path, exc)
            return None


class ServiceStatusCheck:
    """``check_service_status``: {service: name} → "operational" | "degraded" | "outage".

    The data file maps service names to statuses, e.g. ``vpn: outage``; a top-level
    ``services:`` mapping is also accepted. A missing file or service means "operational".
    """

    def __init__(self, path: Path) -> None:
        """Read statuses from the YAML file at ``path`` (re-read when it changes)."""
        self._file = _YamlFile(path)

    def __call__(self, args: Dict[str, Any]) -> str:
        """Return the status of ``args["service"]``."""
        data = self._file.read()
        if isinstance(data, dict) and isinstance(data.get("services"), dict):
            data = data["services"]
        if not isinstance(data, dict):
            return "operational"
        wanted = str(args.get("service") or "").strip().casefold()
        for service, status in data.items():
            if str(service).strip().casefold() == wanted:
                return status_word(status)
        return "operational"


def normalize_error_code(code: Any) -> str:
    """Canonical form of an error code for lookups: case-folded, no "0x", no "error " prefix.

    "0x80070005", "80070005" and "0X80070005" all become "80070005"; "Error 403" becomes "403".
    """
    text = str(code or "").strip().casefold()
    text = re.sub(r"^(?:error|err)[\s:#]+", "", text)
    if text.startswith("0x"):
        text = text[2:]
    return text.strip()


class ErrorCodeLookup:
    """``lookup_error_code``: {code: "..."} → {known, title, advice, code}.

    The data file maps codes to ``{title, advice}``. Unknown codes (or a missing file) give
    ``{known: false, title: "", advice: ""}``.
    """

    def __init__(self, path: Path) -> None:
        """Read codes from the YAML file at ``path`` (re-read when it changes)."""
        self._file = _YamlFile(path)

    def __call__(self, args: Dict[str, Any]) -> Dict[str, Any]:
        """Look up ``args["code"]``."""
        raw = str(args.get("code") or "").strip()
        wanted = normalize_error_code(raw)
        data = self._file.read()
        if wanted and isinstance(data, dict):
            for code, entry in data.items():
                if normalize_error_code(code) == wanted:
                    entry = entry if isinstance(entry, dict) else {"title": str(entry or "")}
                    return {
                        "known": True,
                        "title": str(entry.get("title") or ""),
                        "advice": str(entry.get("advice") or ""),
                        "code": raw,
                    }
        return {"known": False, "title": "", "advice": "", "code": raw}


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class SupportHours:
    """When the human service desk is staffed. Days are 0=Monday … 6=Sunday.

    ``timezone``: if set and the clock returns an aware datetime, it is converted first;
    otherwise the clock's own (local) time is used as-is.
    """

    days: FrozenSet[int] = field(default_factory=lambda: frozenset(range(5)))
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    timezone: Optional[tzinfo] = None

    @classmethod
    def from_config(cls, config: Optional[Mapping[str, Any]]) -> "SupportHours":
        """Build from ``{days: [mon, ...], open: "08:00", close: "18:00"}`` (all optional).

        Raises:
            ValueError: on an unknown day name or a malformed time.
        """
        config = config or {}
        default = cls()
        days = default.days
        if config.get("days") is not None:
            days = frozenset(_parse_day(d) for d in config["days"])
        opens = _parse_time(config["open"]) if config.get("open") else default.opens
        closes = _parse_time(config["close"]) if config.get("close") else default.closes
        return cls(days=days, opens=opens, closes=closes)

    def is_open(self, now: datetime) -> bool:
        """Whether the desk is open at ``now`` (opening time inclusive, closing exclusive)."""
        if self.timezone is not None and now.tzinfo is not None:
            now = now.astimezone(self.timezone)
        return now.weekday() in self.days and self.opens <= now.time() < self.closes


def _parse_day(day: Any) -> int:
    if isinstance(day, int) and 0 <= day <= 6:
        return day
    key = str(day).strip().casefold()[:3]
    if key not in _DAY_NAMES:
        raise ValueError(f"unknown day {day!r} (expected one of {', '.join(_DAY_NAMES)})")
    return _DAY_NAMES.index(key)


def _parse_time(text: Any) -> time:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not match:
        raise ValueError(f"malformed time {text!r} (expected HH:MM)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24 and minute == 0:
        return time.max
    return time(hour, minute)


class OpenHours(Protocol):
    """Anything that knows whether the desk is open: :class:`SupportHours`, or the support
    calendar file (:class:`bot.handoff.calendar.SupportCalendarFile`) with holidays."""

    def is_open(self, now: datetime) -> bool:
        """Whether the desk is open at ``now``."""
        ...


class SupportHoursCheck:
    """``check_support_hours``: {} → "open" | "closed"."""

    def __init__(self, clock: Clock, hours: Optional[OpenHours] = None) -> None:
        """Use ``clock`` for the current time and ``hours`` (default weekdays 08:00–18:00)."""
        self._clock = clock
        self._hours = hours or SupportHours()

    def __call__(self, args: Dict[str, Any]) -> str:
        """Return "open" or "closed" for the current time."""
        return "open" if self._hours.is_open(self._clock()) else "closed"


def default_checks(
    status_file: Path,
    error_codes_file: Path,
    clock: Clock,
    hours: Optional[OpenHours] = None,
) -> CheckRegistry:
    """A registry with the three built-in checks.

    Args:
        status_file: e.g. ``status/services.yml`` (service → status).
        error_codes_file: e.g. ``flows/error_codes.yml`` (code → {title, advice}).
        clock: returns the current local time.
        hours: support hours (anything with ``is_open(now)``); defaults to weekdays 08:00–18:00.
    """
    return CheckRegistry(
        {
            "check_service_status": ServiceStatusCheck(status_file),
            "lookup_error_code": ErrorCodeLookup(error_codes_file),
            "check_support_hours": SupportHoursCheck(clock, hours),
        }
    )
