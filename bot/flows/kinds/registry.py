"""The registered step kinds, and the per-kind tables derived from them.

The built-in kinds (:mod:`bot.flows.kinds.builtin`) are registered on first use, not at import
time. A plug-in (or a test) adds a kind with :func:`register` and removes it with
:func:`unregister`; the loader, the schema, the engine, the linter and the diagrams all see it
from then on.
"""

from __future__ import annotations

import threading
from typing import Dict, List, Mapping, Optional, Tuple

from bot.flows.kinds.base import StepKind

_lock = threading.Lock()
_kinds: Dict[str, StepKind] = {}
_version = [0]
_builtins_loaded = [False]


def _ensure_builtins() -> None:
    """Register the built-in kinds on first use (nothing is registered at import time)."""
    if _builtins_loaded[0]:
        return
    from bot.flows.kinds.builtin import BUILTIN_KINDS

    with _lock:
        if not _builtins_loaded[0]:
            extra = dict(_kinds)
            _kinds.clear()
            _kinds.update({kind.name: kind for kind in BUILTIN_KINDS})
            _kinds.update(extra)
            _builtins_loaded[0] = True
            _version[0] += 1


def register(kind: StepKind) -> StepKind:
    """Add ``kind`` (replacing a kind of the same name) and return it.

    Raises:
        ValueError: if the kind has no name.
    """
    if not kind.name:
        raise ValueError(f"{type(kind).__name__} has no name")
    _ensure_builtins()
    with _lock:
        _kinds[kind.name] = kind
        _version[0] += 1
    return kind


def unregister(name: str) -> None:
    """Remove the kind called ``name`` (nothing happens if there is none)."""
    _ensure_builtins()
    with _lock:
        if _kinds.pop(name, None) is not None:
            _version[0] += 1


def version() -> int:
    """A number that changes whenever a kind is registered or removed (for caches)."""
    _ensure_builtins()
    return _version[0]


def all_kinds() -> Tuple[StepKind, ...]:
    """Every registered kind, in registration order (the order the docs and errors list them)."""
    _ensure_builtins()
    return tuple(_kinds.values())


def names() -> Tuple[str, ...]:
    """Names of every registered kind."""
    _ensure_builtins()
    return tuple(_kinds)


def get(name: str) -> Optional[StepKind]:
    """The kind called ``name``, or None."""
    _ensure_builtins()
    return _kinds.get(name)


def kind_of(name: str) -> StepKind:
    """The kind called ``name``.

    Raises:
        KeyError: if no such kind is registered (e.g. a plug-in kind was removed).
    """
    _ensure_builtins()
    return _kinds[name]


def kinds_in(item: Mapping[str, object]) -> List[StepKind]:
    """The kinds whose key the YAML step mapping ``item`` has (exactly one when well formed)."""
    _ensure_builtins()
    return [kind for kind in _kinds.values() if kind.present_in(item)]


def waiting_names() -> Tuple[str, ...]:
    """Names of kinds that wait for the user (a trail entry of one of these is a question)."""
    _ensure_builtins()
    return tuple(kind.name for kind in _kinds.values() if kind.waits)
