"""Helpers for ruamel.yaml round-trip trees: 1-based line numbers and plain-Python copies."""

from __future__ import annotations

from typing import Any, Optional, Sequence


def node_line(node: Any, default: int = 1) -> int:
    """1-based line where a ruamel mapping/sequence starts, or ``default`` for other values."""
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return default
    return int(lc.line) + 1


def key_line(mapping: Any, key: Any, default: Optional[int] = None) -> int:
    """1-based line of ``key`` in a ruamel mapping (the mapping's own line if unknown)."""
    fallback = default if default is not None else node_line(mapping)
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return fallback


def item_line(sequence: Any, index: int, default: Optional[int] = None) -> int:
    """1-based line of item ``index`` in a ruamel sequence (the sequence's line if unknown)."""
    fallback = default if default is not None else node_line(sequence)
    try:
        return int(sequence.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return fallback


def line_for_path(root: Any, path: Sequence[Any]) -> int:
    """1-based line of the node reached by following ``path`` (keys and indexes) from ``root``.

    Stops at the deepest node that exists, so a path into a missing key points at its parent.
    """
    node, line = root, node_line(root)
    for part in path:
        if isinstance(node, dict) and part in node:
            line = key_line(node, part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            line = item_line(node, part, line)
            node = node[part]
        else:
            break
    return line


def to_plain(value: Any) -> Any:
    """Copy a ruamel round-trip value (CommentedMap, ScalarFloat, …) into plain Python types."""
    if isinstance(value, dict):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    # Dates and other YAML types: keep their text so JSON Schema sees a string.
    return str(value)


def type_name(value: Any) -> str:
    """A designer-friendly name for a YAML value's type ("text", "a list", …)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
