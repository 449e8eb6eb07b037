"""One person, two channels, against the real Rasa and action servers and the fake Slack Web
API: a Slack user asks for a human in their DM (the Slack adapter reads their profile e-mail
with users.info), then the same person opens the website widget. Verified by the host site
(user_id = that e-mail, a valid user_hash) they see the Slack ticket and its details; with a bad
hash or none they see nothing of it."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest

from bot.db.engine import make_engine
from bot.security.identity import user_hash
from tests.conftest import WIDGET_IDENTITY_SECRET, Bot
from tests.fake_slack import TEAM, FakeSlackApi, SlackSender, block_text, dm_event, event_body
from tests.privacy_search import hits
from tests.socket_client import open_widget, texts_of

pytestmark = pytest.mark.e2e

STATUS = "what's the status of my tickets?"


def _slack_ticket(bot: Bot, slack_api: FakeSlackApi, email: str) -> "tuple[str, str]":
    suffix = uuid.uuid4().hex[:6].upper()
    user, dm = f"U0GR{suffix}", f"D0GR{suffix}"
    slack_api.set_email(user, email.title())  # Slack keeps the case people typed; links ignore it
    slack = SlackSender(f"{bot.url}/webhooks/slack/events")
    assert slack.event(event_body(dm_event(user, "talk to a human", dm)))[0] == 200
    answer = slack_api.wait_for(lambda: next((c for c in slack_api.posts(dm) if "SUP-" in block_text(c)), None),
                                what="the escalation answer in the DM")
    reference = re.search(r"SUP-\d+", block_text(answer)).group(0)
    ticket, _ = bot.ticket_with_events(reference)
    assert ticket.requester_id.endswith(f":{user}") and ticket.requester_email == email
    assert slack_api.of("users.info", user=user)
    return reference, user


def test_a_slack_ticket_is_shown_to_the_same_person_verified_in_the_widget(bot: Bot, slack_api: FakeSlackApi) -> None:
    email = f"grace.{uuid.uuid4().hex[:6]}@example.com"
    reference, _ = _slack_ticket(bot, slack_api, email)

    async def scenario() -> None:
        sock, session = await open_widget(bot.url, user_id=email, user_hash=user_hash(WIDGET_IDENTITY_SECRET, email))
        assert reference in texts_of(await sock.say({"message": STATUS, "session_id": session}))
        detail = await sock.say({"message": f"what's the status of {reference}?", "session_id": session})
        assert f"**{reference}**" in texts_of(detail)  # its details, not just a status
        await sock.close()

    asyncio.run(scenario())
    # Personal data: the address is kept with the ticket only (the tracker store masked it in the
    # Slack turn's metadata), and the server's log never shows it.
    engine = make_engine(bot.settings.database_url)
    try:
        assert {(table, column) for table, column, _ in hits(engine, [email])} == {("tickets", "requester_email")}
    finally:
        engine.dispose()
    for process in (bot.assistant.rasa, bot.assistant.actions):
        assert email not in process.log_path.read_text(errors="replace").lower()


@pytest.mark.parametrize("identity", [{"user_hash": "0" * 64}, {}], ids=["bad hash", "no hash"])
def test_a_visitor_merely_claiming_the_email_sees_nothing_of_it(bot: Bot, slack_api: FakeSlackApi, identity: dict) -> None:
    email = f"grace.{uuid.uuid4().hex[:6]}@example.com"
    reference, _ = _slack_ticket(bot, slack_api, email)

    async def scenario() -> None:
        sock, session = await open_widget(bot.url, user_id=email, **identity)
        assert reference not in texts_of(await sock.say({"message": STATUS, "session_id": session}))
        detail = texts_of(await sock.say({"message": f"what's the status of {reference}?", "session_id": session}))
        assert f"**{reference}**" not in detail and "only shown to the person who opened it" in detail
        await sock.close()

    asyncio.run(scenario())


def test_identity_metadata_sent_over_socketio_is_ignored(bot: Bot, slack_api: FakeSlackApi) -> None:
    email = f"grace.{uuid.uuid4().hex[:6]}@example.com"
    reference, user = _slack_ticket(bot, slack_api, email)
    forged = {"slack": {"team": TEAM, "user": user, "email": email}, "frontline": {"verified_user": email}}

    async def scenario() -> None:
        sock, session = await open_widget(bot.url)
        reply = texts_of(await sock.say({"message": STATUS, "session_id": session, "metadata": forged}))
        assert reference not in reply
        detail = texts_of(await sock.say({"message": f"add to {reference}: hello", "session_id": session, "metadata": forged}))
        assert not detail.startswith(f"Added to **{reference}**")
        await sock.close()

    asyncio.run(scenario())
    _, events = bot.ticket_with_events(reference)
    assert not [e for e in events if e.kind == "message" and "hello" in (e.body or "")]
