"""A free question is answered from the knowledge base, and the user's Yes/No is recorded."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

from bot.db.engine import make_engine, make_session_factory
from bot.db.repositories import utc_now
from bot.kb.feedback import AnswerRecord, FeedbackStore
from tests.conftest import Bot, button_titles, texts


def payload_of(messages: List[Dict[str, Any]], title: str) -> str:
    """The payload of the button with ``title``."""
    for message in messages:
        for button in message.get("buttons") or []:
            if button["title"] == title:
                return button["payload"]
    raise AssertionError(f"no button {title!r} in {button_titles(messages)}")


def recorded(bot: Bot, sender: str) -> List[AnswerRecord]:
    """The knowledge-base answers recorded for a conversation."""
    engine = make_engine(bot.settings.database_url)
    try:
        return FeedbackStore(make_session_factory(engine), utc_now).for_conversation(bot.conversation(sender))
    finally:
        engine.dispose()


def test_how_to_question_gets_the_article_and_no_is_recorded(bot: Bot) -> None:
    sender = f"e2e-kb-{uuid.uuid4().hex[:8]}"

    reply = bot.send(sender, "how do I map a network drive?", timeout=120)

    text = texts(reply)
    assert "Map a network drive on Windows or Mac" in text, text
    assert "https://support.example.com/kb/map-network-drive" in text
    assert "Did this answer your question?" in text
    assert {"Yes, that helped", "No"} <= set(button_titles(reply))
    assert not bot.slots(sender)["flow_state"]

    follow_up = bot.send(sender, payload_of(reply, "No"))

    assert "didn't solve it" in texts(follow_up)
    assert "Talk to a human" in button_titles(follow_up)
    assert any(title.startswith("Troubleshoot step by step") for title in button_titles(follow_up))
    records = recorded(bot, sender)
    assert len(records) == 1
    assert records[0].query == "how do I map a network drive?"
    assert records[0].articles[0] == "map-network-drive"
    assert records[0].found and records[0].helpful is False
    assert bot.slots(sender)["kb_last"] is None


def test_typed_yes_after_an_answer_is_recorded_as_helpful(bot: Bot) -> None:
    sender = f"e2e-kb-{uuid.uuid4().hex[:8]}"

    reply = bot.send(sender, "where can I find my bitlocker recovery key?", timeout=120)
    assert "BitLocker recovery key screen at startup" in texts(reply), texts(reply)

    thanks = bot.send(sender, "yes")

    assert "glad that helped" in texts(thanks)
    records = recorded(bot, sender)
    assert [(r.articles[0], r.helpful) for r in records] == [("bitlocker-recovery-key", True)]


def test_non_it_question_gets_no_article(bot: Bot) -> None:
    sender = f"e2e-kb-{uuid.uuid4().hex[:8]}"

    reply = bot.send(sender, "how do I claim mileage for my trip to the client?", timeout=120)

    text = texts(reply)
    assert "Did this answer your question?" not in text
    assert "IT problems" in text or "couldn't find an article" in text, text
