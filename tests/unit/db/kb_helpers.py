"""Helpers for knowledge-base tests: a tiny deterministic embedder and an article writer."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

import numpy as np
from sqlalchemy.engine import Engine

from bot.kb.lexical import LexicalIndex
from bot.kb.normalise import Normaliser
from bot.kb.search import HybridSearcher
from bot.kb.service import KbService
from bot.kb.store import KbStore

_NORMALISER: Optional[Normaliser] = None


def normaliser() -> Normaliser:
    """One real (spaCy) normaliser for the whole test session."""
    global _NORMALISER
    if _NORMALISER is None:
        _NORMALISER = Normaliser()
    return _NORMALISER


class FakeEmbedder:
    """Bag-of-words hashing embedder: texts sharing words are similar; counts what it embeds."""

    model_id = "fake-bow-256"
    dim = 256
    stop_words = frozenset("a an and are do does for how i in is it my of on the this to type with".split())

    def __init__(self) -> None:
        self.embedded: List[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                if word in self.stop_words:
                    continue
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim
                out[row, bucket] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


def article(title: str, body: str, tags: Iterable[str] = ("how-to",), products: Iterable[str] = ()) -> str:
    """Markdown for an article with valid front matter."""
    return (
        f"---\ntitle: {title}\ntags: [{', '.join(tags)}]\nproducts: [{', '.join(products)}]\n"
        f"audience: everyone\nupdated: 2024-10-01\n---\n{body}\n"
    )


def write_kb(folder: Path) -> Path:
    """A small knowledge base of four articles."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "map-network-drive.md").write_text(
        article(
            "Map a network drive",
            "Shared drives are mapped at sign-in.\n\n## Windows\nOpen File Explorer, This PC, Map network drive, "
            "type the folder path.\n\n## Mac\nIn Finder press Cmd K and type the smb path.",
            tags=("access_request", "shared-drive"),
            products=("windows", "macos"),
        )
    )
    (folder / "printer-paper-jam.md").write_text(
        article(
            "Clear a paper jam",
            "The printer screen shows paper jam.\n\n## Remove the paper\nOpen the side door and pull the jammed "
            "paper out slowly.",
            tags=("printer_problem",),
            products=("follow-me-print",),
        )
    )
    (folder / "vpn-keeps-disconnecting.md").write_text(
        article(
            "VPN keeps disconnecting",
            "The VPN drops every few minutes.\n\n## Check your router\nRestart the home router and use a cable.",
            tags=("vpn_connection",),
            products=("globalprotect",),
        )
    )
    (folder / "set-out-of-office.md").write_text(
        article(
            "Set up an out-of-office reply",
            "Going on holiday? Turn on automatic replies in Outlook: File, Automatic Replies.",
            tags=("email_sync", "how-to"),
            products=("outlook",),
        )
    )
    return folder


def make_service(engine: Engine, store: KbStore, embedder: Optional[FakeEmbedder], min_confidence: float = 0.5) -> KbService:
    """A KbService over ``store`` with the real normaliser and full-text index."""
    searcher = HybridSearcher(store, LexicalIndex(engine), normaliser(), embedder)
    return KbService(searcher, min_confidence)
