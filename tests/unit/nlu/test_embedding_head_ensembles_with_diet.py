"""The embedding head trains on sentence vectors, persists, and re-ranks DIET's intents by a weighted mean."""

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

from bot.rasa_ext.embedding_head import SENTENCE_VECTORS_KEY, EmbeddingHead, combine

# Two well-separated clusters in a 4-d "sentence space".
VPN = np.array([1.0, 0.1, 0.0, 0.0])
PRINTER = np.array([0.0, 0.1, 1.0, 0.0])


def message(text: str, vector: np.ndarray | None, intent: str | None = None) -> Message:
    msg = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    if vector is not None:
        msg.add_features(Features(vector.reshape(1, -1), "sentence", TEXT, "MiniLMFeaturizer"))
    return msg


def training_data() -> TrainingData:
    rng = np.random.default_rng(0)
    examples: list[Message] = []
    for i in range(6):
        examples.append(message(f"vpn {i}", VPN + rng.normal(0, 0.05, 4), "vpn_connection"))
        examples.append(message(f"printer {i}", PRINTER + rng.normal(0, 0.05, 4), "printer_issue"))
    return TrainingData(training_examples=examples)


def diet_says(msg: Message, ranking: list[tuple]) -> Message:
    entries = [{"name": n, "confidence": c} for n, c in ranking]
    msg.set(INTENT, entries[0])
    msg.set("intent_ranking", entries)
    return msg


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained(storage: LocalModelStorage, weight: float) -> Resource:
    resource = Resource("embedding_head")
    config = {**EmbeddingHead.get_default_config(), "weight": weight}
    head = EmbeddingHead.create(config, storage, resource, context())
    return head.train(training_data())


def test_combine_is_the_weighted_mean_and_ranks_best_first() -> None:
    ranking = combine([{"name": "a", "confidence": 0.8}, {"name": "b", "confidence": 0.2}],
                      {"a": 0.0, "b": 0.8, "c": 0.2}, weight=0.5, length=10)
    assert [e["name"] for e in ranking] == ["b", "a", "c"]
    assert ranking[0]["confidence"] == pytest.approx(0.5)
    assert ranking[2]["confidence"] == pytest.approx(0.1)  # DIET gave c nothing (not in its top list)


def test_head_overrules_an_unsure_diet_after_a_round_trip_through_model_storage(storage: LocalModelStorage) -> None:
    resource = trained(storage, weight=0.5)
    config = {**EmbeddingHead.get_default_config(), "weight": 0.5}
    loaded = EmbeddingHead.load(config, storage, resource, context())
    msg = diet_says(message("my vpn drops", VPN), [("printer_issue", 0.55), ("vpn_connection", 0.45)])
    [out] = loaded.process([msg])
    assert out.get(INTENT)["name"] == "vpn_connection"
    confidences = [e["confidence"] for e in out.get("intent_ranking")]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0, abs=1e-5)


def test_weight_zero_keeps_diets_decision(storage: LocalModelStorage) -> None:
    resource = trained(storage, weight=0.0)
    loaded = EmbeddingHead.load({**EmbeddingHead.get_default_config(), "weight": 0.0}, storage, resource, context())
    msg = diet_says(message("my vpn drops", VPN), [("printer_issue", 0.55), ("vpn_connection", 0.45)])
    [out] = loaded.process([msg])
    assert out.get(INTENT)["name"] == "printer_issue"
    assert out.get(INTENT)["confidence"] == pytest.approx(0.55)


def test_messages_without_sentence_features_pass_unchanged(storage: LocalModelStorage) -> None:
    resource = trained(storage, weight=0.5)
    loaded = EmbeddingHead.load(EmbeddingHead.get_default_config(), storage, resource, context())
    msg = diet_says(message("/greet", None), [("greet", 1.0)])
    [out] = loaded.process([msg])
    assert out.get(INTENT) == {"name": "greet", "confidence": 1.0}


def test_an_untrained_head_passes_diets_ranking_through(storage: LocalModelStorage) -> None:
    loaded = EmbeddingHead.load(EmbeddingHead.get_default_config(), storage, Resource("never_trained"), context())
    msg = diet_says(message("my vpn drops", VPN), [("printer_issue", 0.55), ("vpn_connection", 0.45)])
    [out] = loaded.process([msg])
    assert out.get(INTENT)["name"] == "printer_issue"


def test_weight_outside_zero_to_one_is_refused(storage: LocalModelStorage) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        EmbeddingHead.create({**EmbeddingHead.get_default_config(), "weight": 1.5}, storage,
                             Resource("x"), context())


def sentence_scoring(storage: LocalModelStorage, exclude: list[str]) -> EmbeddingHead:
    resource = trained(storage, weight=1.0)
    config = {**EmbeddingHead.get_default_config(), "weight": 1.0, "sentence_scoring": True,
              "sentence_scoring_exclude": exclude}
    return EmbeddingHead.load(config, storage, resource, context())


def long_message(whole: np.ndarray, sentences: list[np.ndarray]) -> Message:
    msg = message("Colleagues see it too. My vpn drops.", whole)
    msg.set(SENTENCE_VECTORS_KEY, np.vstack(sentences))
    return msg


# A whole-message vector halfway between the topics, leaning to the printer.
BLURRED = 0.55 * PRINTER + 0.45 * VPN


def test_a_long_message_is_also_read_by_its_most_telling_sentence(storage: LocalModelStorage) -> None:
    head = sentence_scoring(storage, exclude=[])
    neutral = np.array([0.0, 1.0, 0.0, 1.0])  # a context sentence near neither topic
    whole_only = head.process([diet_says(message("blurred", BLURRED), [("printer_issue", 0.5)])])[0]
    msg = diet_says(long_message(BLURRED, [neutral, VPN]), [("printer_issue", 0.5)])
    [out] = head.process([msg])
    assert whole_only.get(INTENT)["name"] == "printer_issue"
    assert out.get(INTENT)["name"] == "vpn_connection"


def test_a_message_first_read_as_a_conversation_intent_is_not_rescored(storage: LocalModelStorage) -> None:
    head = sentence_scoring(storage, exclude=["printer_issue"])  # here printer stands for e.g. ticket_status
    msg = diet_says(long_message(BLURRED, [PRINTER, VPN]), [("printer_issue", 0.5)])
    [out] = head.process([msg])
    assert out.get(INTENT)["name"] == "printer_issue"


def test_sentence_scoring_is_off_by_default(storage: LocalModelStorage) -> None:
    resource = trained(storage, weight=1.0)
    head = EmbeddingHead.load({**EmbeddingHead.get_default_config(), "weight": 1.0}, storage, resource, context())
    msg = diet_says(long_message(BLURRED, [np.array([0.0, 1.0, 0.0, 1.0]), VPN]), [("printer_issue", 0.5)])
    [out] = head.process([msg])
    assert out.get(INTENT)["name"] == "printer_issue"
