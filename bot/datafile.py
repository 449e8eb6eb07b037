"""Data files that operators edit while the bot runs (priority rules, support hours, lists).

A :class:`WatchedFile` parses its file with a given function the first time it is asked, and
again whenever the file's modification time or size changes. A broken edit never takes the bot
down: the error is logged and the last good value is kept (or the default, if there never was
one).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable, Generic, Optional, Sequence, Tuple, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class DataFileError(ValueError):
    """A data file is malformed; the message names the file and what is wrong."""


def load_yaml(path: Path) -> Any:
    """Parse a YAML file safely (plain data only).

    Args:
        path: the file.

    Returns:
        The parsed document (None for an empty file).

    Raises:
        DataFileError: the file cannot be read or is not valid YAML.
    """
    from ruamel.yaml import YAML  # lazily: nothing heavy at import time
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read: {exc}") from None
    except YAMLError as exc:
        raise DataFileError(f"{path}: invalid YAML: {exc}") from None


class WatchedFile(Generic[T]):
    """A parsed file, re-parsed when it changes on disk.

    Args:
        path: the file.
        parse: turns the path into a value; raises :class:`DataFileError` (or ``ValueError``)
            for malformed content.
        default: the value while the file is missing or has never parsed.
        depends_on: files the parsed value was built from besides ``path`` (e.g. lists it
            names); a change to any of them re-parses too.
    """

    def __init__(
        self,
        path: Path,
        parse: Callable[[Path], T],
        default: T,
        depends_on: Optional[Callable[[T], Sequence[Path]]] = None,
    ) -> None:
        self.path = Path(path)
        self._parse = parse
        self._default = default
        self._depends_on = depends_on
        self._lock = threading.Lock()
        self._stamp: Optional[Tuple[Tuple[int, int], ...]] = None
        self._value: T = default
        self.error: Optional[str] = None

    @staticmethod
    def _stat(path: Path) -> Tuple[int, int]:
        try:
            stat = path.stat()
        except OSError:
            return (-1, -1)
        return (stat.st_mtime_ns, stat.st_size)

    def get(self) -> T:
        """The current value (re-parsed if the file changed since the last call)."""
        if not self.path.exists():
            with self._lock:
                self._stamp, self._value, self.error = None, self._default, None
                return self._value
        with self._lock:
            extra = list(self._depends_on(self._value)) if self._depends_on else []
            stamp = tuple(self._stat(p) for p in [self.path, *extra])
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._value = self._parse(self.path)
                    self.error = None
                    if self._depends_on:  # stamp what this version was built from
                        deps = list(self._depends_on(self._value))
                        self._stamp = tuple(self._stat(p) for p in [self.path, *deps])
                except ValueError as exc:  # DataFileError is a ValueError
                    self.error = str(exc)
                    log.error("%s (keeping the previous version)", exc)
            return self._value
