"""Find the line of any key in a flow file, for pinpointing lint problems.

The model keeps the line of each step, trigger and ``next``; the linter sometimes wants the
line of a particular option (``on_give_up:``, ``max_attempts:``, a template inside
``escalate:``). The trees come from the loader's own parse (ruamel.yaml's round-trip
loader remembers where every key was written); a file it was not given is read once here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Union

PathItem = Union[str, int]


class KeyLines:
    """Line lookup for keys in YAML files; each file is parsed at most once."""

    def __init__(self, documents: Optional[Mapping[str, Any]] = None) -> None:
        """Start with ``documents`` (file path → tree the loader already parsed) in the cache."""
        self._docs: Dict[str, Any] = dict(documents or {})

    def _document(self, file: Path) -> Any:
        key = str(file)
        if key not in self._docs:
            from ruamel.yaml import YAML  # lazily: nothing heavy at import time
            from ruamel.yaml.error import YAMLError

            try:
                self._docs[key] = YAML(typ="rt").load(Path(file).read_text(encoding="utf-8"))
            except (OSError, YAMLError, UnicodeDecodeError):
                self._docs[key] = None
        return self._docs[key]

    def line(self, file: Path, path: Sequence[PathItem]) -> Optional[int]:
        """The 1-based line where the last element of ``path`` is written, or None.

        Args:
            file: the YAML file.
            path: keys and list indexes from the document root, e.g.
                ``("flows", "vpn", "steps", 3, "on_give_up")``.

        Returns:
            The line of that key (or list item), or None if the path does not exist.
        """
        node = self._document(file)
        found: Optional[int] = None
        for item in path:
            try:
                if isinstance(item, int):
                    if not isinstance(node, list) or item >= len(node):
                        return None
                    found = getattr(node, "lc").item(item)[0] + 1
                else:
                    if not isinstance(node, dict) or item not in node:
                        return None
                    found = getattr(node, "lc").key(item)[0] + 1
                node = node[item]
            except (AttributeError, KeyError, TypeError):
                return None
        return found

    def top_keys(self, file: Path, path: Sequence[PathItem]) -> Sequence[str]:
        """The keys of the mapping at ``path`` (e.g. the flow ids under ``flows``), or []."""
        node = self._document(file)
        for item in path:
            try:
                node = node[item]
            except (KeyError, IndexError, TypeError):
                return []
        return [str(key) for key in node] if isinstance(node, dict) else []
