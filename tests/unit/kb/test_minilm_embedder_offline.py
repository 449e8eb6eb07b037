"""The bundled all-MiniLM-L6-v2 loads offline with TensorFlow and embeds by meaning."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bot.kb.dense import EmbeddingModelUnavailable, MiniLMEmbedder, default_model_dir, embedding_key, from_blob, to_blob


def test_model_files_are_installed_and_identified_without_loading() -> None:
    model_dir = default_model_dir()
    embedder = MiniLMEmbedder()

    assert (model_dir / "model.safetensors").is_file()
    assert embedder.dim == 384
    assert embedder.model_id.startswith("all-MiniLM-L6-v2-") and embedder.model_id.endswith("-mean-256")
    assert not embedder.loaded


def test_paraphrases_are_closer_than_unrelated_texts() -> None:
    embedder = MiniLMEmbedder()

    vectors = embedder.embed(["I forgot my password", "how do I reset my password", "the printer is jammed"])

    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > 0.6 > 0.3 > vectors[0] @ vectors[2]
    # The compiled path used for bulk ingestion gives the same vectors.
    bulk = MiniLMEmbedder(compile_from=1)
    bulk._model, bulk._tokenizer = embedder._model, embedder._tokenizer
    assert np.allclose(bulk.embed(["I forgot my password"])[0], vectors[0], atol=1e-4)


def test_missing_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelUnavailable, match="lacks config.json"):
        MiniLMEmbedder(tmp_path).embed(["x"])


def test_vectors_round_trip_and_keys_depend_on_model_and_text() -> None:
    vector = np.arange(4, dtype=np.float32)

    assert np.array_equal(from_blob(to_blob(vector), 4), vector)
    assert embedding_key("m1", "text") != embedding_key("m2", "text") != embedding_key("m1", "other")
    with pytest.raises(ValueError):
        from_blob(to_blob(vector), 3)


def test_one_question_runs_through_the_compiled_graph_and_matches_the_eager_path() -> None:
    compiled = MiniLMEmbedder()
    eager = MiniLMEmbedder(compile_from=10**9)
    vector = compiled.embed(["my vpn keeps dropping"])[0]
    assert compiled._graph is not None  # the default path traced the graph for a single text
    eager._model, eager._tokenizer = compiled._model, compiled._tokenizer
    assert np.allclose(eager.embed(["my vpn keeps dropping"])[0], vector, atol=1e-4)
    assert eager._graph is None  # and the eager one never did
