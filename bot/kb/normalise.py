"""Text normalisation for full-text search: lemmas without stop words, support-desk synonyms.

Articles and questions go through the same steps, so "printers jamming" finds "printer jam"
and "wi-fi pw" finds "Wi-Fi password":

1. lower-case, strip Markdown punctuation and URLs' scheme;
2. rewrite a few multi-word and spelling variants to one form (:data:`PHRASES`);
3. tokenise and lemmatise with spaCy (``spacy.blank("en")`` + the lookup lemmatizer from
   spacy-lookups-data: no statistical model, no download);
4. drop stop words (keeping the few that matter for IT problems, :data:`KEEP`) and punctuation;
5. split what remains into ``[a-z0-9]+`` terms and map abbreviations (:data:`TERMS`).

The output is plain space-separated terms, safe to put in an FTS5 or ``tsquery`` expression.
Change :data:`NORMALISER_VERSION` when changing any rule: it is part of every article's content
hash, so the next ingest re-indexes everything.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

NORMALISER_VERSION = "1"

# Multi-word or punctuated variants → one token (applied to lower-cased text, word-bounded).
PHRASES: Tuple[Tuple[str, str], ...] = (
    (r"wi[\s-]?fi|wlan|wireless network", "wifi"),
    (r"e-mail", "email"),
    (r"log[\s-]?in|log[\s-]?on|sign[\s-]?in|signin|logon", "signin"),
    (r"log[\s-]?out|log[\s-]?off|sign[\s-]?out|signout", "signout"),
    (r"two[\s-]factor|2[\s-]?factor|multi[\s-]?factor|2[\s-]?step|two[\s-]step|2fa", "mfa"),
    (r"global[\s-]?protect", "globalprotect"),
    (r"any[\s-]?connect", "anyconnect"),
    (r"one[\s-]?drive", "onedrive"),
    (r"share[\s-]?point", "sharepoint"),
    (r"out[\s-]of[\s-](?:the[\s-])?office|ooo", "outofoffice"),
    (r"office[\s-]?365|microsoft[\s-]?365|o365|m365", "microsoft365"),
    (r"set[\s-]?up", "setup"),
    (r"pop[\s-]?up", "popup"),
    (r"blue[\s-]?screen|bsod", "bluescreen"),
    (r"bit[\s-]?locker", "bitlocker"),
    (r"self[\s-]service", "selfservice"),
)

# Single-term synonyms and abbreviations (after lemmatisation).
TERMS: Dict[str, str] = {
    "pw": "password",
    "pwd": "password",
    "passwd": "password",
    "passwort": "password",
    "pword": "password",
    "acct": "account",
    "mail": "email",
    "emails": "email",
    "pc": "computer",
    "mac": "macos",
    "macbook": "macos",
    "osx": "macos",
    "win": "windows",
    "otp": "code",
    "passcode": "code",
    "apps": "app",
    "application": "app",
    "applications": "app",
    "program": "software",
    "programs": "software",
    "installer": "install",
    "installation": "install",
    "installing": "install",
    "reinstall": "install",
    "printing": "print",
    "monitors": "monitor",
    "display": "monitor",
    "cellphone": "phone",
    "mobile": "phone",
    "smartphone": "phone",
    "iphone": "phone",
    "ooo": "outofoffice",
    "2fa": "mfa",
    "locked": "lock",
    "lockout": "lock",
    "unlock": "lock",
    "disconnects": "disconnect",
    "slowly": "slow",
    "slower": "slow",
    "sluggish": "slow",
    "laggy": "slow",
    "lag": "slow",
}

# spaCy stop words that carry meaning in IT questions.
KEEP = frozenset(
    {
        "off", "on", "down", "up", "out", "back", "empty", "full", "not", "no", "cannot",
        "never", "without", "move", "call", "show", "keep", "front", "top", "bottom", "side",
        "name", "first", "last", "again", "new", "make",
    }
)

_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_MARKDOWN = re.compile(r"\]\([^)]*\)|[`*_#>|\[\]{}]+|https?://\S*")
# Fragments of contractions and URLs that carry no meaning ("won't" → "wo" + "n't").
DROP = frozenset({"wo", "ca", "sha", "nt", "ve", "ll", "re", "www", "com", "http", "https"})


def _compile_phrases() -> List[Tuple[re.Pattern, str]]:
    """Compile :data:`PHRASES` into word-bounded patterns."""
    return [(re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])"), term) for pattern, term in PHRASES]


_PHRASE_PATTERNS = _compile_phrases()


def _blank_english() -> Any:
    """spaCy's blank English pipeline with the lookup lemmatizer (spacy-lookups-data)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


class Normaliser:
    """Turns text into search terms. The spaCy pipeline is built on first use (about 4 s).

    Args:
        nlp_factory: builds the spaCy pipeline (default: blank English + lookup lemmatizer);
            tests may pass a cheaper one.
    """

    version = NORMALISER_VERSION

    def __init__(self, nlp_factory: Callable[[], Any] = _blank_english) -> None:
        self._factory = nlp_factory
        self._nlp: Optional[Any] = None
        self._stop_words: frozenset = frozenset()
        self._lock = threading.Lock()

    def _pipeline(self) -> Any:
        """The spaCy pipeline, built once (thread-safe)."""
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    nlp = self._factory()
                    self._stop_words = frozenset(nlp.Defaults.stop_words) - KEEP
                    self._nlp = nlp
        return self._nlp

    @staticmethod
    def _prepare(text: str) -> str:
        """Lower-case, strip Markdown and apply :data:`PHRASES`."""
        text = _MARKDOWN.sub(" ", text.lower().replace("\u2019", "'"))
        for pattern, term in _PHRASE_PATTERNS:
            text = pattern.sub(term, text)
        return text

    def _terms_of(self, doc: Iterable[Any]) -> List[str]:
        """Terms of one spaCy doc."""
        terms: List[str] = []
        for token in doc:
            if token.is_punct or token.is_space:
                continue
            lower = token.lower_
            if lower in self._stop_words:
                continue
            lemma = (token.lemma_ or lower).lower()
            if lemma in self._stop_words and lower not in KEEP:
                continue
            for part in _TOKEN_SPLIT.split(lemma):
                if not part or part in DROP or (len(part) == 1 and not part.isdigit()):
                    continue
                terms.append(TERMS.get(part, part))
        return terms

    def terms(self, text: str) -> List[str]:
        """Normalised terms of ``text``, in order, with repetitions.

        Args:
            text: any text (a question, a Markdown passage).

        Returns:
            Terms matching ``[a-z0-9]+``.
        """
        return self._terms_of(self._pipeline()(self._prepare(text)))

    def query_terms(self, text: str) -> List[str]:
        """Distinct terms of a question, in order of first appearance."""
        return list(dict.fromkeys(self.terms(text)))

    def normalise(self, text: str) -> str:
        """``text`` as space-separated terms (what the full-text index stores)."""
        return " ".join(self.terms(text))

    def normalise_many(self, texts: Sequence[str], batch_size: int = 256) -> List[str]:
        """Normalise many texts efficiently (spaCy's ``pipe``)."""
        nlp = self._pipeline()
        prepared = (self._prepare(text) for text in texts)
        return [" ".join(self._terms_of(doc)) for doc in nlp.pipe(prepared, batch_size=batch_size)]
