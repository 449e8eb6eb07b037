"""The REST channel's reply: a bot message with paragraphs is one message (Rasa's collector cut
it at every blank line, so a knowledge-base answer arrived as four messages)."""

from __future__ import annotations

import asyncio

from bot.rasa_ext.rest import WholeMessageCollector


def test_a_text_with_paragraphs_is_one_message_and_buttons_stay_with_their_text() -> None:
    collector = WholeMessageCollector()
    asyncio.run(collector.send_response("rest:alice", {"text": "**Title**\n\nThe passage.\n\n[Read it](https://kb/x)\n"}))
    asyncio.run(collector.send_response("rest:alice", {"text": "Did it help?", "buttons": [{"title": "Yes", "payload": "/affirm"}]}))

    assert [m["text"] for m in collector.messages] == ["**Title**\n\nThe passage.\n\n[Read it](https://kb/x)", "Did it help?"]
    assert collector.messages[1]["buttons"] == [{"title": "Yes", "payload": "/affirm"}]
