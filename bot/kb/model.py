"""Plain value types shared by the knowledge-base modules (no I/O, no heavy imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Optional, Tuple

AUDIENCES = ("everyone", "staff", "managers", "contractors", "new-starters", "it-staff")
SEARCH_MODES = ("hybrid", "lexical", "dense")


@dataclass(frozen=True)
class KbProblem:
    """A validation problem in an article file, reported as ``file:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        """Render the problem the way editors and CI logs understand it."""
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ArticleDoc:
    """An article file after parsing and validation.

    Attributes:
        slug: the file name without ``.md``; the article's stable id and URL path.
        path: where the file is, for messages (relative to the folder being ingested).
        title: the front-matter title.
        tags: front-matter tags (lower-case); tags naming a flow id link the article to that flow.
        products: front-matter products (lower-case), used by product filters.
        audience: who the article is written for (one of :data:`AUDIENCES`).
        updated: when the content was last reviewed.
        body: the Markdown after the front matter.
        body_line: the file line number of the first body line.
        raw: the file's bytes, hashed to detect changes.
    """

    slug: str
    path: str
    title: str
    tags: Tuple[str, ...]
    products: Tuple[str, ...]
    audience: str
    updated: date
    body: str
    body_line: int
    raw: bytes = field(repr=False, default=b"")


@dataclass(frozen=True)
class Section:
    """A heading section of an article: the unit that is indexed and shown as a passage.

    Attributes:
        heading: the section heading (the article title for the text before the first heading).
        anchor: the heading's URL fragment ("" for the introduction).
        line: file line number where the section starts.
        text: the section's Markdown without its heading line.
    """

    heading: str
    anchor: str
    line: int
    text: str


@dataclass(frozen=True)
class Filters:
    """Restrict a search to articles about some products and/or with some tags.

    An article passes when it lists at least one of ``products`` (if given) and at least one of
    ``tags`` (if given) and, if ``audiences`` is given, its audience is one of them. Matching is
    case-insensitive.
    """

    products: Tuple[str, ...] = ()
    tags: Tuple[str, ...] = ()
    audiences: Tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        products: Optional[Iterable[str]] = None,
        tags: Optional[Iterable[str]] = None,
        audiences: Optional[Iterable[str]] = None,
    ) -> "Filters":
        """Build filters from any iterables, normalising case and dropping blanks."""

        def clean(values: Optional[Iterable[str]]) -> Tuple[str, ...]:
            return tuple(v.strip().lower() for v in values or () if v and v.strip())

        return cls(clean(products), clean(tags), clean(audiences))

    @property
    def empty(self) -> bool:
        """True when the filters let every article through."""
        return not (self.products or self.tags or self.audiences)

    def matches(self, products: Iterable[str], tags: Iterable[str], audience: str) -> bool:
        """Tell whether an article with these properties passes the filters."""
        if self.products and not set(self.products) & {p.lower() for p in products}:
            return False
        if self.tags and not set(self.tags) & {t.lower() for t in tags}:
            return False
        if self.audiences and audience.lower() not in self.audiences:
            return False
        return True


@dataclass(frozen=True)
class Passage:
    """The part of an article that best matches a query."""

    heading: str
    anchor: str
    text: str
    line: int


@dataclass(frozen=True)
class KbHit:
    """One article found by a search, with every score that explains its rank.

    Attributes:
        slug: the article id (file name without ``.md``).
        title: the article title.
        url: the article's URL (without fragment).
        tags: the article's tags.
        products: the article's products.
        source_path: the file the article came from.
        passage: the best-matching section.
        score: the fused ranking score (see :class:`bot.kb.search.SearchConfig`).
        confidence: how sure the searcher is that this article answers the query (0-1).
        lexical_rank: 1-based rank among full-text results, None if not matched.
        lexical_score: the full-text score (BM25 on SQLite, ts_rank on PostgreSQL).
        dense_rank: 1-based rank among dense results, None if not retrieved.
        dense_score: cosine similarity of the query and the best passage.
        coverage: share of the query's normalised terms that occur in the article.
    """

    slug: str
    title: str
    url: str
    tags: Tuple[str, ...]
    products: Tuple[str, ...]
    source_path: str
    passage: Passage
    score: float
    confidence: float
    lexical_rank: Optional[int] = None
    lexical_score: Optional[float] = None
    dense_rank: Optional[int] = None
    dense_score: Optional[float] = None
    coverage: float = 0.0

    @property
    def passage_url(self) -> str:
        """Link straight to the matching section when it has an anchor."""
        return f"{self.url}#{self.passage.anchor}" if self.passage.anchor else self.url


@dataclass(frozen=True)
class KbAnswer:
    """What the bot would answer to a question.

    Attributes:
        query: the question as asked.
        found: True when the best article's confidence reaches the threshold.
        confidence: the best article's confidence (0 when nothing matched at all).
        threshold: the minimum confidence in force.
        best: the article to show (None unless ``found``).
        alternatives: up to two further articles that also pass the alternatives' bar.
        hits: every ranked hit, shown or not (for ``frontline kb search`` and analytics).
    """

    query: str
    found: bool
    confidence: float
    threshold: float
    best: Optional[KbHit] = None
    alternatives: Tuple[KbHit, ...] = ()
    hits: Tuple[KbHit, ...] = ()

    @property
    def shown(self) -> Tuple[KbHit, ...]:
        """The articles the user actually sees, best first."""
        return ((self.best,) if self.best else ()) + self.alternatives


@dataclass(frozen=True)
class IngestReport:
    """The outcome of ``frontline kb ingest``.

    Attributes:
        folder: the folder that was ingested.
        problems: validation problems; when any exist nothing was written.
        added: slugs of new articles.
        updated: slugs of articles whose file changed.
        unchanged: slugs of articles skipped because their content hash matched.
        deleted: slugs of articles removed because their file is gone.
        embedded: passages embedded by the model during this run.
        reused: passages whose embedding came from the cache.
    """

    folder: Path
    problems: Tuple[KbProblem, ...] = ()
    added: Tuple[str, ...] = ()
    updated: Tuple[str, ...] = ()
    unchanged: Tuple[str, ...] = ()
    deleted: Tuple[str, ...] = ()
    embedded: int = 0
    reused: int = 0

    @property
    def ok(self) -> bool:
        """True when the folder was valid and the database now matches it."""
        return not self.problems

    @property
    def changed(self) -> bool:
        """True when the run wrote anything."""
        return bool(self.added or self.updated or self.deleted)
