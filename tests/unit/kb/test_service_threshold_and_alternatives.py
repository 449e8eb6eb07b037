"""KbService: below the confidence threshold the bot finds nothing; alternatives need a lower bar."""

from __future__ import annotations

from typing import List, Optional

import pytest

from bot.flows.runtime.ports import Article, KnowledgeBase
from bot.kb.model import Filters, KbHit, Passage
from bot.kb.search import HybridSearcher, SearchConfig
from bot.kb.service import KbService, excerpt, looks_like_question, plain_snippet


def hit(slug: str, confidence: float, anchor: str = "steps") -> KbHit:
    return KbHit(
        slug=slug, title=slug.replace("-", " ").title(), url=f"https://kb.example.com/{slug}", tags=(),
        products=(), source_path=f"kb/{slug}.md",
        passage=Passage(heading="Steps", anchor=anchor, text="Do **this**, then [that](https://x).", line=9),
        score=0.1, confidence=confidence,
    )


class StubSearcher:
    def __init__(self, hits: List[KbHit]) -> None:
        self.hits = hits
        self.calls: List[tuple] = []

    def search(self, query: str, top: int = 3, filters: Optional[Filters] = None, mode: str = "hybrid") -> List[KbHit]:
        self.calls.append((query, top, filters, mode))
        return self.hits[:top]


def service(*confidences: float, threshold: float = 0.5) -> KbService:
    hits = [hit(f"article-{i}", c) for i, c in enumerate(confidences)]
    return KbService(StubSearcher(hits), threshold)  # type: ignore[arg-type]


def test_best_answer_with_alternatives_above_their_bar() -> None:
    answer = service(0.9, 0.45, 0.39, 0.8).answer("how do I map a drive")

    assert answer.found and answer.confidence == 0.9
    assert answer.best is not None and answer.best.slug == "article-0"
    # alternatives need 0.8 x 0.5 = 0.4: 0.39 is left out, at most two are shown
    assert [h.slug for h in answer.alternatives] == ["article-1", "article-3"]
    assert [h.slug for h in answer.shown] == ["article-0", "article-1", "article-3"]


@pytest.mark.parametrize("best", [0.49, 0.0])
def test_below_the_threshold_nothing_is_shown(best: float) -> None:
    answer = service(best, 0.3).answer("what's on the cafeteria menu")

    assert not answer.found
    assert answer.best is None and answer.alternatives == () and answer.shown == ()
    assert answer.confidence == best and answer.threshold == 0.5
    assert len(answer.hits) == 2  # still listed for `frontline kb search` and analytics


def test_nothing_at_all() -> None:
    answer = service().answer("anything")

    assert (answer.found, answer.confidence, answer.hits) == (False, 0.0, ())


def test_the_flow_port_returns_articles_only_above_the_threshold() -> None:
    kb: KnowledgeBase = service(0.9, 0.6)
    assert isinstance(kb, KnowledgeBase)

    articles = kb.search("vpn drops", 3)

    assert articles == [
        Article("Article 0", "https://kb.example.com/article-0#steps", "Do this, then that.", 0.9),
        Article("Article 1", "https://kb.example.com/article-1#steps", "Do this, then that.", 0.6),
    ]
    assert service(0.3).search("vpn drops", 3) == []
    assert service(0.9, 0.8).search("vpn drops", 1) == articles[:1]


def test_threshold_zero_shows_any_match() -> None:
    assert service(0.01, threshold=0.0).answer("x").found


def test_confidence_blends_similarity_and_coverage() -> None:
    searcher = HybridSearcher(None, None, None, None, SearchConfig())  # type: ignore[arg-type]

    assert searcher.confidence(0.70, 1.0) == 1.0
    assert searcher.confidence(0.15, 0.0) == 0.0
    assert searcher.confidence(0.05, 0.0) == 0.0  # clamped
    assert searcher.confidence(0.425, 0.5) == pytest.approx(0.65 * 0.5 + 0.35 * 0.5)
    assert searcher.confidence(None, 0.5) == 0.5  # no dense search: coverage only
    assert searcher.confidence(0.425, 1.0, mode="dense") == 0.5
    low, high = searcher.confidence(0.3, 0.5), searcher.confidence(0.5, 0.5)
    assert low < high


def test_excerpt_cuts_at_a_paragraph_and_snippet_is_plain() -> None:
    text = "First paragraph is short.\n\nSecond paragraph " + "word " * 200
    assert excerpt(text, 40) == "First paragraph is short. …"
    assert excerpt(text, 100).endswith("word …") and len(excerpt(text, 100)) <= 102
    assert excerpt("short", 100) == "short"
    assert plain_snippet("**Bold** and [link](https://x) `code`") == "Bold and link code"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("how do I map a network drive", True),
        ("Where is Software Center?", True),
        ("vpn broken?", True),
        ("is there a way to recover deleted mail", True),
        ("how to set up out of office", True),
        ("the coffee machine is broken", False),
        ("/kb_feedback{\"kb_helpful\": \"no\"}", False),
        ("", False),
    ],
)
def test_looks_like_question(text: str, expected: bool) -> None:
    assert looks_like_question(text) is expected


def test_warm_up_runs_in_the_background_and_survives_failures() -> None:
    import asyncio

    from bot.kb.service import KbWarmUp

    calls = []

    class Service:
        def __init__(self, fail: bool) -> None:
            self.fail = fail

        def warm_up(self) -> None:
            calls.append(self.fail)
            if self.fail:
                raise RuntimeError("model missing")

    async def scenario() -> None:
        for fail in (False, True):
            job = KbWarmUp(Service(fail))  # type: ignore[arg-type]
            await job.start()
            await job._future  # type: ignore[misc]
            await job.stop()

    asyncio.run(scenario())
    assert calls == [False, True]
