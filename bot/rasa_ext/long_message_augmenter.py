"""Training-time augmentation: long versions of the designers' short topic examples.

Designers write short examples ("my vpn keeps dropping"), but people's first messages are often
three or four sentences of context around the problem ("I'm working from home today. My VPN keeps
dropping. I have a client call at ten."). Trained on short examples only, DIET is unsure about such
messages even when it ranks the right topic first, and the fallback threshold turns them into a
clarifying question. This component adds, at training time only, copies of each topic example
wrapped in neutral context sentences (``context_sentences.txt`` beside this module: situations,
urgency, what was already tried, with no topic of their own), so the classifier learns that context
does not change the topic. Courtesy (greetings, thanks) is handled by the FocusTokenizer instead.

The augmentation is deterministic (a seeded generator) so the same inputs train the same model,
and it never touches messages at inference time.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

CONTEXT_FILE = Path(__file__).with_name("context_sentences.txt")


def load_context_sentences(path: Path = CONTEXT_FILE) -> List[str]:
    """The neutral context sentences, one per line (blank lines and ``#`` comments skipped).

    Args:
        path: the sentence file.

    Returns:
        The sentences, in file order.
    """
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def augment(
    examples: List[Message], exclude: List[str], sentences: List[str], copies: int, seed: int
) -> List[Message]:
    """Long variants of the topic examples: each wrapped in one to three context sentences.

    Args:
        examples: the training examples.
        exclude: intents left alone (small talk and other conversation intents).
        sentences: neutral context sentences to wrap with.
        copies: how many variants per example.
        seed: seed of the generator (same inputs, same variants).

    Returns:
        The new examples only (the originals are not repeated).
    """
    rng = random.Random(seed)
    skipped = set(exclude)
    new: List[Message] = []
    for example in examples:
        intent = example.get(INTENT)
        text = example.get(TEXT)
        if not intent or intent in skipped or not text:
            continue
        for _ in range(copies):
            before = rng.sample(sentences, rng.randint(0, 2))
            after = rng.sample(sentences, rng.randint(1 if not before else 0, 2))
            core = text[0].upper() + text[1:]
            if core[-1] not in ".!?":
                core += "."
            new.append(Message(data={TEXT: " ".join([*before, core, *after]), INTENT: intent}))
    return new


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LongMessageAugmenter(GraphComponent):
    """Adds long, context-wrapped copies of topic examples to the training data (see module doc)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """``exclude_intents``: intents that are not topics; ``copies`` per example; ``seed``."""
        return {"exclude_intents": [], "copies": 1, "seed": 42}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Keep the configuration.

        Args:
            config: the component's configuration from config.yml.
        """
        self._config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LongMessageAugmenter":
        """Create the component (Rasa's graph interface)."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Return the training data with the long variants added.

        Args:
            training_data: the project's NLU training data.

        Returns:
            A new TrainingData holding the originals and their variants.
        """
        variants = augment(
            training_data.intent_examples,
            list(self._config["exclude_intents"]),
            load_context_sentences(),
            int(self._config["copies"]),
            int(self._config["seed"]),
        )
        return training_data.merge(TrainingData(training_examples=variants))

    def process(self, messages: List[Message]) -> List[Message]:
        """Inference: messages pass through unchanged."""
        return messages
