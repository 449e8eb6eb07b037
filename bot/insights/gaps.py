"""Knowledge-base gaps: questions without a confident answer, grouped by similarity (pure).

TF-IDF over words and word pairs, then a single pass of leader clustering: each distinct
question (most frequent first) joins the group whose centroid it is most similar to, if the
cosine similarity reaches ``threshold``, or starts a new group. We chose TF-IDF over the shipped
MiniLM embeddings because it needs no TensorFlow in the dashboard's process, runs in
milliseconds on thousands of questions, and groups the short, keyword-heavy questions people
ask a help desk well ("printer offline" / "my printer says offline"); see docs/insights.md.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, List, Sequence, Tuple

import numpy as np

DEFAULT_THRESHOLD = 0.35
EXAMPLES = 3
MAX_DISTINCT = 1000
MAX_FEATURES = 20000
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Gap:
    """A group of similar unanswered questions.

    Attributes:
        label: the question closest to the group's centre (a readable name for the group).
        count: how many times questions of the group were asked.
        examples: up to three distinct questions of the group, most frequent first.
    """

    label: str
    count: int
    examples: List[str]


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text.strip().lower())


def group_gaps(questions: Sequence[str], threshold: float = DEFAULT_THRESHOLD, top: int = 10,
               max_distinct: int = MAX_DISTINCT) -> List[Gap]:
    """Group unanswered questions by similarity.

    Args:
        questions: the questions, one per time asked (repeats count).
        threshold: the cosine similarity (0–1) a question needs to join a group.
        top: how many groups to return, largest first.
        max_distinct: only the most frequent distinct questions are grouped (the rest are too
            rare to change the top groups).

    Returns:
        The largest groups, each with its count and example questions.
    """
    counts = Counter(_normal(q) for q in questions if q and q.strip())
    if not counts:
        return []
    distinct = [text for text, _ in counts.most_common(max_distinct)]
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy; only when there are gaps

    try:
        matrix = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True,
                                 max_features=MAX_FEATURES).fit_transform(distinct).tocsr()
    except ValueError:  # only stop words: every question is its own group
        return [Gap(text, n, [text]) for text, n in counts.most_common(top)]
    # Questions stay sparse (a handful of terms each); group centres are dense rows, so each
    # comparison costs groups × terms, not groups × vocabulary.
    # Stored term-major (terms × groups): gathering a question's few term rows is contiguous.
    centres = np.zeros((matrix.shape[1], len(distinct)), dtype=np.float32)
    squares = np.zeros(len(distinct), dtype=np.float64)  # squared norms of the centres
    members: List[List[int]] = []
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data.astype(np.float32)
    for index in range(len(distinct)):
        terms, values = indices[indptr[index]:indptr[index + 1]], data[indptr[index]:indptr[index + 1]]
        weight = counts[distinct[index]]
        groups = len(members)
        best = -1
        if groups and terms.size:
            sims = values @ centres[terms, :groups] / np.maximum(np.sqrt(squares[:groups]), 1e-12)
            candidate = int(np.argmax(sims))
            if sims[candidate] >= threshold:  # question vectors are unit length (TF-IDF l2)
                best = candidate
        if best < 0:
            best = groups
            members.append([])
        delta = values * weight
        before = centres[terms, best]
        squares[best] += float(2.0 * (before @ delta) + delta @ delta)  # |c + d|² without a pass over c
        centres[terms, best] = before + delta
        members[best].append(index)
    gaps = []
    for number, group in enumerate(members):
        total = sum(counts[distinct[i]] for i in group)
        centre = centres[:, number]

        def closeness(i: int, centre: Any = centre) -> Tuple[float, int]:  # bound now, not at call
            lo, hi = indptr[i], indptr[i + 1]
            return float(centre[indices[lo:hi]] @ data[lo:hi]), counts[distinct[i]]

        label_index = max(group, key=closeness)
        gaps.append(Gap(distinct[label_index], total, [distinct[i] for i in group[:EXAMPLES]]))
    gaps.sort(key=lambda g: (-g.count, g.label))
    return gaps[:top]
