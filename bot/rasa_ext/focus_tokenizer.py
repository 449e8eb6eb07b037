"""A whitespace tokenizer that keeps long messages about the problem, not about the politeness.

People write a first message to a support bot the way they write an email: "Hi there, hope you're
well. My VPN drops every few minutes. Thanks so much in advance!". Every featurizer after the
tokenizer (word counts, MiniLM's mean-pooled sentence embedding) then weighs the greeting and the
thanks as much as the problem, and DIET, trained on short examples, ranks ``greet`` or ``thanks``
first. This tokenizer drops the tokens of *courtesy-only sentences* (greetings, thanks, apologies,
sign-offs) when the message also has a sentence with content, so the classifier sees the problem.

A message that is nothing but courtesy ("hi, thanks!") keeps every token: it really is small talk.
Tokens keep their character offsets, and entity extraction (regexes, lookup tables) reads the
text itself, so entities are unaffected. The sentence split and the word lists are deliberately
simple rules (spaCy has no pretrained English pipeline here); the word lists can be extended per
deployment in ``config.yml`` with ``extra_courtesy_words``.
"""

from __future__ import annotations

import re
from typing import Any, Dict, FrozenSet, Iterable, List, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

# Words that make a sentence courtesy: greetings, thanks, apologies, wishes and sign-offs.
COURTESY_WORDS: FrozenSet[str] = frozenset(
    """
    hi hii hiii hiya hey heya hello helo hallo howdy greetings morning afternoon evening
    good day dear team folks everyone all there guys people
    thanks thank thx ty tia cheers appreciate appreciated appreciating grateful gratitude
    advance regards kind kindest best wishes sincerely warm warmest
    sorry apologies apologise apologize apologising apologizing bother bothering trouble
    patience hope hoping hopefully well fine great nice lovely weekend week monday tuesday
    wednesday thursday friday saturday sunday today tonight
    please pls plz help helping assistance assist support much lot lots so very really
    many advance again anyway quick silly question dumb stupid rant long message
    """.split()
)

# Words that carry no topic on their own (pronouns, auxiliaries, articles, prepositions).
FILLER_WORDS: FrozenSet[str] = frozenset(
    """
    a an the i i'm im i've ive i'd id i'll me my mine we we're our us you you're youre your yours
    it it's its this that these those there here is am are was were be been being do does did
    doing have has had having will would could can can't cant should shall may might must
    to for of on in at by with from about as and or but if so just also too any some
    what who whom how when where why which whoever whatever
    going go got get getting hope being once more not no yes ok okay oh um hmm well
    early late one quick weird odd strange bit little problem issue query busy know think sure
    new here still writing because hour time while
    """.split()
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[a-z']+")


def sentence_spans(text: str) -> List[Tuple[int, int]]:
    """Character spans of the sentences of ``text`` (split after . ! ? and at line breaks).

    Args:
        text: the message.

    Returns:
        ``(start, end)`` pairs covering the text, in order, without empty sentences.
    """
    spans: List[Tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def is_courtesy(sentence: str, courtesy: FrozenSet[str] = COURTESY_WORDS) -> bool:
    """Whether a sentence is only courtesy: some courtesy words and nothing with content.

    Args:
        sentence: one sentence.
        courtesy: the courtesy word list (lower case).

    Returns:
        True for "Hi there, hope you're well." or "Thanks so much in advance!", False for any
        sentence with a word outside the courtesy and filler lists.
    """
    words = _WORD.findall(sentence.lower().replace("’", "'"))
    if not words:
        return True  # punctuation or emoji only
    if not any(word in courtesy for word in words):
        return False
    return all(word in courtesy or word in FILLER_WORDS for word in words)


def content_token_filter(text: str, tokens: Iterable[Token], courtesy: FrozenSet[str] = COURTESY_WORDS) -> List[Token]:
    """The tokens of ``text`` outside its courtesy-only sentences.

    Args:
        text: the message.
        tokens: its tokens, with character offsets.
        courtesy: the courtesy word list.

    Returns:
        The tokens to featurize: all of them when the message has one sentence, or when every
        sentence is courtesy; otherwise only those outside courtesy-only sentences.
    """
    token_list = list(tokens)
    spans = sentence_spans(text)
    if len(spans) < 2:
        return token_list
    dropped = [(start, end) for start, end in spans if is_courtesy(text[start:end], courtesy)]
    if not dropped or len(dropped) == len(spans):
        return token_list
    return [token for token in token_list if not any(start <= token.start < end for start, end in dropped)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FocusTokenizer(WhitespaceTokenizer):
    """Whitespace tokens of the message, without its courtesy-only sentences (see module doc)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The whitespace tokenizer's options plus ``extra_courtesy_words`` (a list of words)."""
        return {**WhitespaceTokenizer.get_default_config(), "extra_courtesy_words": []}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Build the tokenizer.

        Args:
            config: the component's configuration from config.yml.
        """
        super().__init__(config)
        extra = {str(word).lower() for word in self._config.get("extra_courtesy_words") or []}
        self._courtesy = COURTESY_WORDS | frozenset(extra)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenize like WhitespaceTokenizer, then drop courtesy-only sentences of user text.

        Args:
            message: the message.
            attribute: which of its texts (only the user's TEXT is filtered).

        Returns:
            The tokens to featurize.
        """
        tokens = super().tokenize(message, attribute)
        if attribute != TEXT:
            return tokens
        return content_token_filter(message.get(attribute) or "", tokens, self._courtesy)
