"""Slack payloads map to stable Rasa sender ids; everything that is not a person is ignored."""

from __future__ import annotations

from bot.slack import events
from tests.fake_slack import BOT_USER, TEAM, dm_event, event_body, mention_event, thread_reply_event


def test_dm_is_one_conversation_per_person() -> None:
    incoming = events.from_message(event_body(dm_event("U1", "hi there", "D1")), BOT_USER)
    assert incoming is not None
    assert (incoming.kind, incoming.conversation_id, incoming.channel, incoming.thread_ts) == (
        "dm", f"slack:{TEAM}:U1", "D1", None)


def test_mention_starts_a_thread_conversation_and_loses_the_mention() -> None:
    top = events.from_mention(event_body(mention_event("U1", f"<@{BOT_USER}>   wifi down", "C1", ts="17.1")), BOT_USER)
    assert top is not None
    assert (top.text, top.conversation_id, top.thread_ts) == ("wifi down", f"slack:{TEAM}:C1:17.1", "17.1")
    inside = events.from_mention(event_body(mention_event("U2", f"hey <@{BOT_USER}|frontline>", "C1", ts="17.5", thread_ts="17.1")), BOT_USER)
    assert inside is not None and inside.conversation_id == top.conversation_id and inside.text == "hey"
    bare = events.from_mention(event_body(mention_event("U1", f"<@{BOT_USER}>", "C1")), BOT_USER)
    assert bare is not None and bare.text == "hi"


def test_thread_replies_only_count_inside_threads_without_the_mention() -> None:
    reply = events.from_message(event_body(thread_reply_event("U2", "E-104", "C1", "17.1")), BOT_USER)
    assert reply is not None and reply.kind == "thread_reply" and reply.conversation_id == f"slack:{TEAM}:C1:17.1"
    top_level = {**thread_reply_event("U2", "hello all", "C1", "17.1")}
    del top_level["thread_ts"]
    assert events.from_message(event_body(top_level), BOT_USER) is None
    mentioning = thread_reply_event("U2", f"<@{BOT_USER}> ping", "C1", "17.1")
    assert events.from_message(event_body(mentioning), BOT_USER) is None  # app_mention answers it


def test_bots_edits_and_empty_messages_are_ignored() -> None:
    ignored = [
        {**dm_event(BOT_USER, "mine", "D1")},
        {**dm_event("U9", "beep", "D1"), "bot_id": "B9"},
        {**dm_event("U9", "beep", "D1"), "subtype": "bot_message"},
        {**dm_event("U1", "x", "D1"), "subtype": "message_changed"},
        {**dm_event("U1", "x", "D1"), "subtype": "message_deleted"},
        {**dm_event("U1", "", "D1")},
    ]
    assert [events.from_message(event_body(e), BOT_USER) for e in ignored] == [None] * len(ignored)
    assert events.from_message(event_body({**dm_event("U1", "see file", "D1"), "subtype": "file_share"}), BOT_USER)


def test_click_maps_to_the_conversation_of_its_message() -> None:
    action = {"action_id": "fl_choice_1", "value": "/request_human", "text": {"type": "plain_text", "text": "Talk to a human"}}
    dm = {"type": "block_actions", "user": {"id": "U1", "team_id": TEAM}, "team": {"id": TEAM},
          "channel": {"id": "D1"}, "message": {"ts": "18.2", "text": "?", "blocks": []}, "actions": [action]}
    click = events.from_click(dm)
    assert click is not None
    assert (click.incoming.conversation_id, click.incoming.text, click.label, click.message_ts) == (
        f"slack:{TEAM}:U1", "/request_human", "Talk to a human", "18.2")
    in_thread = {**dm, "channel": {"id": "C1"}, "message": {"ts": "18.2", "thread_ts": "17.1", "blocks": []}}
    click = events.from_click(in_thread)
    assert click is not None and click.incoming.conversation_id == f"slack:{TEAM}:C1:17.1" and click.incoming.thread_ts == "17.1"
    foreign = {**dm, "actions": [{**action, "action_id": "someone_elses_button"}]}
    assert events.from_click(foreign) is None
