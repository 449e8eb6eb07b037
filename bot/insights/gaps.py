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
from typing import List, Sequence

import numpy as np

DEFAULT_THRESHOLD = 0.35
EXAMPLES = 3
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


def group_gaps(questions: Sequence[str], threshold: float = DEFAULT_THRESHOLD, top: int = 10) -> List[Gap]:
    """Group unanswered questions by similarity.

    Args:
        questions: the questions, one per time asked (repeats count).
        threshold: the cosine similarity (0–1) a question needs to join a group.
        top: how many groups to return, largest first.

    Returns:
        The largest groups, each with its count and example questions.
    """
    counts = Counter(_normal(q) for q in questions if q and q.strip())
    if not counts:
        return []
    distinct = [text for text, _ in counts.most_common()]
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy; only when there are gaps

    try:
        matrix = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True).fit_transform(distinct)
    except ValueError:  # only stop words: every question is its own group
        return [Gap(text, n, [text]) for text, n in counts.most_common(top)]
    vectors = matrix.toarray().astype(np.float32)
    centroids: List[np.ndarray] = []
    members: List[List[int]] = []
    for index, vector in enumerate(vectors):
        best, best_sim = -1, threshold
        if centroids and vector.any():
            stack = np.vstack(centroids)
            norms = np.linalg.norm(stack, axis=1) * (np.linalg.norm(vector) or 1.0)
            sims = stack @ vector / np.where(norms == 0, 1.0, norms)
            candidate = int(np.argmax(sims))
            if sims[candidate] >= best_sim:
                best, best_sim = candidate, float(sims[candidate])
        if best < 0:
            centroids.append(vector * counts[distinct[index]])
            members.append([index])
        else:
            centroids[best] = centroids[best] + vector * counts[distinct[index]]
            members[best].append(index)
    gaps = []
    for centroid, group in zip(centroids, members):
        total = sum(counts[distinct[i]] for i in group)
        norm = np.linalg.norm(centroid) or 1.0
        label_index = max(group, key=lambda i: (float(vectors[i] @ centroid) / norm, counts[distinct[i]]))
        examples = [distinct[i] for i in group[:EXAMPLES]]
        gaps.append(Gap(distinct[label_index], total, examples))
    gaps.sort(key=lambda g: (-g.count, g.label))
    return gaps[:top]
