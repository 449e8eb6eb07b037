"""EmbeddingHead: a logistic-regression intent head on the MiniLM sentence vector, ensembled with DIET.

DIET learns its own embedding from sparse and dense features; with 10-20 examples per intent it
under-uses what the sentence encoder already knows. A linear classifier on the encoder's
mean-pooled sentence vector (what sentence-transformers' few-shot recipes put on top of it) is a
second, differently biased opinion that costs a few seconds to train. This component runs after
``DIETClassifier``: it trains scikit-learn's ``LogisticRegression`` on the L2-normalised dense
sentence features of the intent examples (set by ``MiniLMFeaturizer``), and at inference replaces
the message's ``intent`` and ``intent_ranking`` with the weighted mean

    p(intent) = (1 - weight) * p_DIET(intent) + weight * p_head(intent)

(DIET's ranking holds its top ``ranking_length`` intents; the others count as 0 for DIET). The
fallback classifier after it then sees the combined confidence.

Long messages (``sentence_scoring: true``; needs ``MiniLMFeaturizer`` with
``sentence_vectors: true``): a message of several sentences describes its problem in one of them
and surrounds it with context ("My colleagues get the same thing."), which dilutes the
whole-message vector and pushes the right topic under the fallback threshold. When the
whole-message ensemble ranks a topic first (an intent outside ``sentence_scoring_exclude``, the
conversation intents), the head also scores every sentence on its own and its opinion becomes the
mean of the whole-message distribution and that of the sentence with the most confident topic:

    p_head = 0.5 * p_head(message) + 0.5 * p_head(most confident sentence)

and the DIET mix above is recomputed with it. A message whose first reading is small talk or a
ticket question is left alone, so a sentence naming a problem cannot hijack "any update on my
VPN ticket?".

Only the coefficients are stored (``numpy.savez`` in Rasa's model storage, no pickle), and
inference is one matrix product in numpy.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)

INTENT_RANKING = "intent_ranking"
#: Where MiniLMFeaturizer leaves per-sentence vectors (bot/rasa_ext/minilm.py, SENTENCE_VECTORS_KEY).
SENTENCE_VECTORS_KEY = "minilm_sentence_vectors"
#: Up to this many rows, probabilities are computed without BLAS (see EmbeddingHead.probabilities).
SMALL_BATCH = 16
#: Message key (never in the parse output) holding both opinions, for the weight sweep in bench/.
PARTS_KEY = "embedding_head_parts"


def sentence_vectors(messages: list[Message]) -> tuple[np.ndarray, list[int]]:
    """The L2-normalised dense sentence features of ``messages`` and the indices that have one.

    Args:
        messages: featurised messages.

    Returns:
        ``(vectors, indices)``: one row per message that has dense sentence features.
    """
    rows: list[np.ndarray] = []
    indices: list[int] = []
    for index, message in enumerate(messages):
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            continue
        vector = np.asarray(sentence.features, dtype=np.float32).reshape(-1)
        rows.append(vector / max(float(np.linalg.norm(vector)), 1e-12))
        indices.append(index)
    if not rows:
        return np.zeros((0, 0), dtype=np.float32), []
    return np.vstack(rows), indices


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax.

    Args:
        logits: array of shape ``(n, classes)``.

    Returns:
        Probabilities of the same shape.
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def combine(
    diet_ranking: list[dict[str, Any]], head: dict[str, float], weight: float, length: int
) -> list[dict[str, Any]]:
    """The weighted mean of DIET's ranking and the head's probabilities, best first.

    Args:
        diet_ranking: DIET's ``intent_ranking`` (``name``/``confidence`` dicts).
        head: the head's probability per intent.
        weight: the head's share, 0 (DIET only) to 1 (head only).
        length: how many intents to keep (0 keeps all).

    Returns:
        A new ranking in Rasa's format.
    """
    scores: dict[str, float] = {}
    for entry in diet_ranking:
        name = entry.get(INTENT_NAME_KEY)
        if name:
            scores[name] = (1.0 - weight) * float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    for name, probability in head.items():
        scores[name] = scores.get(name, 0.0) + weight * probability
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if length > 0:
        ranked = ranked[:length]
    return [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: float(score)} for name, score in ranked]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmbeddingHead(GraphComponent):
    """Logistic regression on the sentence vector, averaged with DIET's ranking (see module doc)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``weight`` of the head; ``C`` and ``class_weight`` of the logistic regression; ``ranking_length``; ``max_iter``.

        ``class_weight: balanced`` weighs each intent's examples by the inverse of its count, so an
        intent with more examples (topics get LongMessageAugmenter copies, conversation intents do
        not) is not made likelier by its count alone.
        """
        return {"weight": 0.5, "C": 10.0, "class_weight": None, "ranking_length": 10, "max_iter": 1000,
                "sentence_scoring": False, "sentence_scoring_exclude": []}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classes: list[str] | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
    ) -> None:
        """Keep the configuration and, once trained or loaded, the head's coefficients."""
        weight = float(config.get("weight", 0.5))
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"EmbeddingHead weight must be between 0 and 1, got {weight}")
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self.classes = classes or []
        self.coef = coef
        self.intercept = intercept

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmbeddingHead:
        """A new, untrained head (Rasa's graph interface)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the logistic regression on the intent examples' sentence vectors and persist it.

        Args:
            training_data: featurised NLU training data.

        Returns:
            The resource the coefficients were written to.
        """
        from sklearn.linear_model import LogisticRegression

        examples = [m for m in training_data.intent_examples if m.get(INTENT)]
        vectors, indices = sentence_vectors(examples)
        labels = [examples[i].get(INTENT) for i in indices]
        if len(set(labels)) < 2:
            log.warning("EmbeddingHead: fewer than two intents with sentence features; head left untrained")
            return self._resource
        class_weight = self._config.get("class_weight")
        if class_weight not in (None, "balanced"):
            raise ValueError(f"EmbeddingHead class_weight must be null or 'balanced', got {class_weight!r}")
        model = LogisticRegression(C=float(self._config["C"]), max_iter=int(self._config["max_iter"]),
                                   class_weight=class_weight)
        model.fit(vectors, labels)
        self.classes = [str(c) for c in model.classes_]
        coef = np.asarray(model.coef_, dtype=np.float32)
        intercept = np.asarray(model.intercept_, dtype=np.float32)
        if len(self.classes) == 2:  # binary LR keeps one row: expand to two softmax logits
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
        self.coef, self.intercept = coef, intercept
        with self._storage.write_to(self._resource) as directory:
            np.savez(Path(directory) / "head.npz", coef=self.coef, intercept=self.intercept)
            (Path(directory) / "classes.json").write_text(json.dumps(self.classes))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmbeddingHead:
        """The head as trained (an untrained head passes DIET's ranking through)."""
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(Path(directory) / "head.npz")
                classes = json.loads((Path(directory) / "classes.json").read_text())
                return cls(config, model_storage, resource, classes, arrays["coef"], arrays["intercept"])
        except (ValueError, FileNotFoundError):
            log.debug("EmbeddingHead: no trained head in the model; DIET's ranking is used as is")
            return cls(config, model_storage, resource)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """The head's class probabilities for L2-normalised sentence vectors."""
        assert self.coef is not None and self.intercept is not None
        if len(vectors) <= SMALL_BATCH:
            # A parse is one row: numpy's BLAS matmul wakes its thread pool for it, which cost
            # 0.5-2 ms per parse on the shared 2-core machine; einsum's plain loop takes ~6 us.
            return softmax(np.einsum("ij,kj->ik", vectors, self.coef) + self.intercept)
        return softmax(vectors @ self.coef.T + self.intercept)

    def _sentence_head(self, message: Message, whole: np.ndarray, first: str) -> dict[str, float] | None:
        """The head's opinion of a multi-sentence message read by its most telling sentence.

        Args:
            message: the message (with per-sentence vectors when it has several sentences).
            whole: the head's probabilities for the whole message.
            first: the intent the whole-message ensemble ranks first.

        Returns:
            The mean of the whole-message distribution and that of the sentence whose top topic
            is most confident, or None when sentence scoring does not apply (see module doc).
        """
        excluded = set(self._config.get("sentence_scoring_exclude") or [])
        sentences = message.get(SENTENCE_VECTORS_KEY)
        if not self._config.get("sentence_scoring") or sentences is None or len(sentences) < 2 or first in excluded:
            return None
        vectors = np.asarray(sentences, dtype=np.float32)
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        per_sentence = self.probabilities(vectors)
        topics = np.array([name not in excluded for name in self.classes])
        if not topics.any():
            return None
        best = int(np.argmax(np.where(topics, per_sentence, 0.0).max(axis=1)))
        mixed = 0.5 * whole + 0.5 * per_sentence[best]
        return {name: float(p) for name, p in zip(self.classes, mixed, strict=True)}

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace DIET's intent and ranking with the ensemble's.

        Messages without sentence features or without a DIET ranking pass unchanged.
        """
        if self.coef is None or not messages:
            return messages
        vectors, indices = sentence_vectors(messages)
        if not indices:
            return messages
        probabilities = self.probabilities(vectors)
        weight = float(self._config["weight"])
        length = int(self._config["ranking_length"])
        for row, index in enumerate(indices):
            message = messages[index]
            diet_ranking = message.get(INTENT_RANKING) or []
            if not diet_ranking:
                continue
            head = {name: float(p) for name, p in zip(self.classes, probabilities[row], strict=True)}
            ranking = combine(diet_ranking, head, weight, length)
            refined = self._sentence_head(message, probabilities[row], ranking[0][INTENT_NAME_KEY])
            if refined is not None:
                head = refined
                ranking = combine(diet_ranking, head, weight, length)
            message.set(PARTS_KEY, {"diet": diet_ranking, "head": head})
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING, ranking, add_to_output=True)
        return messages
