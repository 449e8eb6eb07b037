"""Interfaces the engine needs from the outside world (knowledge base search)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Protocol, Tuple, runtime_checkable


@dataclass(frozen=True)
class Article:
    """A knowledge-base search hit."""

    title: str
    url: str
    snippet: str = ""
    score: float = 0.0
    products: Tuple[str, ...] = ()


@runtime_checkable
class KnowledgeBase(Protocol):
    """Searches knowledge-base articles; ``kb`` steps call it with their rendered query."""

    def search(self, query: str, top: int) -> List[Article]:
        """Return at most ``top`` articles, best first; an empty list when nothing fits."""
        ...


class NullKnowledgeBase:
    """A knowledge base that never finds anything (for tests and deployments without a KB)."""

    def search(self, query: str, top: int) -> List[Article]:
        """Return no articles."""
        return []
