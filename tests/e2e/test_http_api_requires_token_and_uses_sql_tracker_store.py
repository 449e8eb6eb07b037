"""Rasa's HTTP API is protected by the token, and conversations land in our database."""

import urllib.error

import pytest
from sqlalchemy import text

from bot.db.engine import make_engine
from tests.conftest import Bot


def test_tracker_endpoint_rejects_missing_and_wrong_token(bot: Bot) -> None:
    bot.send("e2e-token", "hello")
    for token in (None, "wrong-token"):
        with pytest.raises(urllib.error.HTTPError) as err:
            bot.api("/conversations/e2e-token/tracker", token=token)
        assert err.value.code == 401
    assert bot.api("/conversations/e2e-token/tracker")["sender_id"] == bot.conversation("e2e-token")


def test_conversation_events_are_stored_in_the_configured_database(bot: Bot) -> None:
    bot.send("e2e-store", "hello there")
    engine = make_engine(bot.settings.database_url)
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"), {"s": bot.conversation("e2e-store")}
        ).scalar_one()
    assert count == 1
