"""Training-time augmentation adds context-wrapped copies of topic examples only, deterministically."""

from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext.long_message_augmenter import LongMessageAugmenter, augment, load_context_sentences

TOPIC_WORDS = {"vpn", "wifi", "printer", "password", "outlook", "email", "laptop", "account", "install", "access"}


def examples() -> list:
    return [Message(data={TEXT: "my vpn keeps dropping", INTENT: "vpn_connection"}),
            Message(data={TEXT: "hello", INTENT: "greet"})]


def test_only_topic_examples_get_long_variants_with_the_original_inside() -> None:
    new = augment(examples(), ["greet"], ["It started today.", "I'm at home."], copies=2, seed=1)
    assert len(new) == 2
    for message in new:
        assert message.get(INTENT) == "vpn_connection"
        assert "My vpn keeps dropping." in message.get(TEXT)
        assert message.get(TEXT) != "My vpn keeps dropping."


def test_augmentation_is_deterministic_for_a_seed() -> None:
    sentences = load_context_sentences()
    first = [m.get(TEXT) for m in augment(examples(), ["greet"], sentences, 3, seed=7)]
    again = [m.get(TEXT) for m in augment(examples(), ["greet"], sentences, 3, seed=7)]
    assert first == again


def test_context_sentences_name_no_topic() -> None:
    for sentence in load_context_sentences():
        assert not TOPIC_WORDS & set(sentence.lower().replace(".", "").split()), sentence


def test_component_adds_variants_to_training_data_and_leaves_inference_alone() -> None:
    component = LongMessageAugmenter({**LongMessageAugmenter.get_default_config(), "exclude_intents": ["greet"]})
    data = component.process_training_data(TrainingData(training_examples=examples()))
    assert len(data.intent_examples) == 3
    message = Message(data={TEXT: "hi"})
    assert component.process([message]) == [message]
