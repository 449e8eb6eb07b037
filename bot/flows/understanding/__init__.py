"""Understanding a person's reply to a question, the way people actually write.

Pure Python, no Rasa imports: given a question (:class:`~bot.flows.understanding.spec.Question`), the
message (:class:`~bot.flows.understanding.spec.Message`: text, NLU intent/confidence/entities, clicked
button) and what was said before (:class:`~bot.flows.understanding.spec.Context`), ``interpret`` returns
one typed :mod:`~bot.flows.understanding.result` value: an answer (with where it came from), an
interruption, a hedge, or an unclear reply with the reason for the re-ask. ``prefill`` finds the
answer to a question in what the person already said.
"""

from .interpret import interpret
from .prefill import prefill
from .result import Answer, Hedge, Interpretation, Interruption, Unclear
from .spec import Choice, Context, Message, Question

__all__ = [
    "Answer",
    "Choice",
    "Context",
    "Hedge",
    "Interpretation",
    "Interruption",
    "Message",
    "Question",
    "Unclear",
    "interpret",
    "prefill",
]
