"""The focus tokenizer drops greeting/thanks-only sentences, and only when content remains."""

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.focus_tokenizer import FocusTokenizer, is_courtesy, sentence_spans


def words(text: str, **config: object) -> list:
    tokenizer = FocusTokenizer({**FocusTokenizer.get_default_config(), **config})
    return [t.text for t in tokenizer.tokenize(Message(data={TEXT: text}), TEXT)]


def test_greeting_and_thanks_sentences_are_dropped_around_the_problem() -> None:
    text = "Hi there, hope you're well. My VPN drops every few minutes. Thanks so much in advance!"
    assert words(text) == ["My", "VPN", "drops", "every", "few", "minutes"]


def test_a_message_of_courtesy_only_keeps_every_token() -> None:
    assert words("Hi there. Thanks a lot!") == ["Hi", "there", "Thanks", "a", "lot"]


def test_a_single_sentence_is_never_filtered() -> None:
    assert words("hi, my printer is jammed, thanks") == ["hi", "my", "printer", "is", "jammed", "thanks"]


def test_sentences_with_any_content_word_are_kept() -> None:
    assert not is_courtesy("Sorry, the printer is jammed.")
    assert not is_courtesy("I have a client call at ten.")
    assert is_courtesy("Kind regards.")
    assert is_courtesy("Hello, good morning and sorry to bother you!")


def test_tokens_keep_their_offsets_for_entity_extraction() -> None:
    text = "Good morning. Outlook shows 0x800CCC0E. Cheers!"
    tokenizer = FocusTokenizer(FocusTokenizer.get_default_config())
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert [text[t.start : t.end] for t in tokens] == ["Outlook", "shows", "0x800CCC0E"]


def test_extra_courtesy_words_come_from_config() -> None:
    text = "Moin moin. My laptop will not start. Danke!"
    assert words(text, extra_courtesy_words=["moin", "danke"]) == ["My", "laptop", "will", "not", "start"]


def test_sentences_split_at_end_punctuation_and_line_breaks() -> None:
    text = "One. Two!\nThree? Four"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["One.", "Two!", "Three?", "Four"]
