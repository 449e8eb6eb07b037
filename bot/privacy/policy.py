"""The privacy policy: what happens to each kind of personal data (config/privacy.yml).

Loading reports every problem as ``file:line: message`` (with "did you mean" for misspelt kinds
and actions) and loses nothing: a broken file is an error at start-up, never a silent "keep".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Pattern, Tuple

from bot.privacy.detect import KINDS, SECRET_KINDS

ACTIONS: Tuple[str, ...] = ("mask", "hash", "keep")


class PolicyError(ValueError):
    """config/privacy.yml is malformed; the message lists ``file:line: problem`` lines."""


@dataclass(frozen=True)
class Policy:
    """Action per kind plus the national-ID patterns to look for."""

    actions: Mapping[str, str] = field(default_factory=lambda: {kind: "mask" for kind in KINDS})
    national_ids: Tuple[Tuple[str, Pattern[str]], ...] = ()

    def action(self, kind: str) -> str:
        """``mask``, ``hash`` or ``keep`` for ``kind`` (anything unlisted is masked)."""
        return self.actions.get(kind, "mask")

    @property
    def patterns(self) -> Tuple[Pattern[str], ...]:
        """The compiled national-ID patterns."""
        return tuple(pattern for _, pattern in self.national_ids)


def _suggest(word: str, choices: Tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (expected one of: {', '.join(choices)})"


def _line(node: Any, key: Any, path: Path) -> str:
    try:
        return f"{path}:{node.lc.key(key)[0] + 1}"
    except (AttributeError, KeyError, TypeError):
        return f"{path}:{getattr(getattr(node, 'lc', None), 'line', 0) + 1}"


def load_policy(path: Path) -> Policy:
    """Read and check a privacy policy file.

    Args:
        path: the YAML file (see config/privacy.yml for the format). A missing file means the
            safe default: mask everything, no national-ID patterns.

    Returns:
        The policy.

    Raises:
        PolicyError: the file is unreadable or malformed; every problem is listed with its line.
    """
    if not path.exists():
        return Policy()
    from ruamel.yaml import YAML  # lazily: nothing heavy at import time
    from ruamel.yaml.error import YAMLError

    try:
        doc = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}:1: cannot read: {exc}") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise PolicyError(f"{path}:{line}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    problems: List[str] = []
    actions: Dict[str, str] = {kind: "mask" for kind in KINDS}
    national: List[Tuple[str, Pattern[str]]] = []
    if doc is None:
        return Policy()
    if not isinstance(doc, dict):
        raise PolicyError(f"{path}:1: expected a mapping with `policy:` and `national_ids:`")
    for key in doc:
        if key not in ("policy", "national_ids"):
            problems.append(f"{_line(doc, key, path)}: unknown key {key!r}{_suggest(str(key), ('policy', 'national_ids'))}")
    policy = doc.get("policy") or {}
    if not isinstance(policy, dict):
        problems.append(f"{_line(doc, 'policy', path)}: `policy` must map each kind to mask, hash or keep")
        policy = {}
    for kind, action in policy.items():
        where = _line(policy, kind, path)
        if kind not in KINDS:
            problems.append(f"{where}: unknown kind {kind!r}{_suggest(str(kind), KINDS)}")
            continue
        if action not in ACTIONS:
            problems.append(f"{where}: {kind}: unknown action {action!r}{_suggest(str(action), ACTIONS)}")
            continue
        if kind in SECRET_KINDS and action == "keep":
            problems.append(f"{where}: {kind}: secrets are never kept; use mask or hash")
            continue
        actions[kind] = str(action)
    entries = doc.get("national_ids") or []
    if not isinstance(entries, list):
        problems.append(f"{_line(doc, 'national_ids', path)}: `national_ids` must be a list of {{name, pattern}}")
        entries = []
    for index, entry in enumerate(entries):
        where = f"{path}:{entries.lc.item(index)[0] + 1}" if hasattr(entries, "lc") else f"{path}:1"
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("pattern"):
            problems.append(f"{where}: each national ID needs `name` and `pattern`")
            continue
        try:
            national.append((str(entry["name"]), re.compile(str(entry["pattern"]))))
        except re.error as exc:
            problems.append(f"{where}: {entry['name']}: invalid regular expression: {exc}")
    if problems:
        raise PolicyError("\n".join(problems))
    return Policy(actions=actions, national_ids=tuple(national))
