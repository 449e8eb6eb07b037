"""With ``class_weight: balanced`` the embedding head does not favour an intent for having more examples."""

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.embedding_head import EmbeddingHead

TOPIC = np.array([1.0, 0.0, 0.0])
SMALL_TALK = np.array([0.0, 1.0, 0.0])
#: Half-way between the two clusters: only the example counts can tip it.
BETWEEN = np.array([0.5, 0.5, 0.0])


def message(vector: np.ndarray, intent: str) -> Message:
    msg = Message(data={TEXT: intent, INTENT: intent})
    msg.add_features(Features(vector.reshape(1, -1), "sentence", TEXT, "MiniLMFeaturizer"))
    return msg


def unbalanced_data() -> TrainingData:
    """Ten times as many topic examples as small-talk ones (as augmentation copies make it)."""
    rng = np.random.default_rng(1)
    examples = [message(TOPIC + rng.normal(0, 0.1, 3), "vpn_connection") for _ in range(60)]
    examples += [message(SMALL_TALK + rng.normal(0, 0.1, 3), "goodbye") for _ in range(6)]
    return TrainingData(training_examples=examples)


def head_probability_of_topic(tmp_path: Path, class_weight: str | None) -> float:
    config = {**EmbeddingHead.get_default_config(), "class_weight": class_weight, "C": 1.0}
    (tmp_path / str(class_weight)).mkdir()
    storage = LocalModelStorage(tmp_path / str(class_weight))
    head = EmbeddingHead.create(config, storage, Resource("head"), ExecutionContext(GraphSchema({}), "test"))
    head.train(unbalanced_data())
    vector = BETWEEN / np.linalg.norm(BETWEEN)
    probabilities = head.probabilities(vector.reshape(1, -1).astype(np.float32))[0]
    return float(probabilities[head.classes.index("vpn_connection")])


def test_balanced_head_splits_an_ambiguous_vector_evenly_where_the_default_leans_to_the_bigger_intent(
    tmp_path: Path,
) -> None:
    default = head_probability_of_topic(tmp_path, None)
    balanced = head_probability_of_topic(tmp_path, "balanced")
    assert default > 0.6  # ten times the examples: the plain fit leans towards the topic
    assert balanced == pytest.approx(0.5, abs=0.1)


def test_unknown_class_weight_is_refused(tmp_path: Path) -> None:
    config = {**EmbeddingHead.get_default_config(), "class_weight": "inverse"}
    head = EmbeddingHead.create(config, LocalModelStorage(tmp_path), Resource("head"),
                                ExecutionContext(GraphSchema({}), "test"))
    with pytest.raises(ValueError, match="class_weight"):
        head.train(unbalanced_data())
