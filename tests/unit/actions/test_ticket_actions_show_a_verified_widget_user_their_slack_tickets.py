"""actions/tickets.py across channels: a ticket Grace opened in Slack (stored with her Slack
profile e-mail) is listed, shown in detail and takes information when she asks in the widget
verified as that address; the same question from an unverified widget session shows nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.tickets import ActionRequestHuman, ActionTicketAddInfo, ActionTicketStatus
from bot.security.identity import trusted_metadata
from tests.unit.actions.harness import World, build_services, run, tracker

GRACE = "grace@example.com"
SLACK_META = {"slack": {"team": "T1", "user": "U0GRACE", "display_name": "Grace", "email": "Grace@Example.com"}}


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_services(tmp_path)


def slack_ticket(world: World) -> str:
    messages, _ = run(ActionRequestHuman(world.services),
                      tracker("talk to a human", "request_human", sender="slack:T1:U0GRACE", channel="slack", metadata=SLACK_META))
    ticket = world.ticketing.tickets.list_for_requester("slack:T1:U0GRACE")[0]
    assert ticket.requester_email == GRACE
    return ticket.reference


def test_a_verified_widget_user_is_shown_their_slack_ticket_and_can_add_to_it(world: World) -> None:
    reference = slack_ticket(world)
    verified = dict(trusted_metadata("socketio", verified_user=GRACE))

    listed, _ = run(ActionTicketStatus(world.services),
                    tracker("status of my tickets", "ticket_status", sender="web:s2", channel="socketio", metadata=verified))
    assert reference in listed[0]["text"]
    detail, _ = run(ActionTicketStatus(world.services),
                    tracker(f"status of {reference}", "ticket_status", sender="web:s2", channel="socketio", metadata=verified,
                            entities=[{"entity": "ticket_ref", "value": reference}]))
    assert detail[0]["text"].startswith(f"**{reference}**") and detail[0]["buttons"]
    added, _ = run(ActionTicketAddInfo(world.services),
                   tracker("add to my ticket: the dock is a Dell WD19", "ticket_add_info", sender="web:s2", channel="socketio",
                           metadata=verified))
    assert added[0]["text"].startswith(f"Added to **{reference}**")


def test_an_unverified_widget_session_is_shown_nothing_of_it(world: World) -> None:
    reference = slack_ticket(world)
    anonymous = dict(trusted_metadata("socketio"))

    listed, _ = run(ActionTicketStatus(world.services),
                    tracker("status of my tickets", "ticket_status", sender="web:s3", channel="socketio", metadata=anonymous))
    assert reference not in listed[0]["text"] and "no open tickets" in listed[0]["text"]
    detail, _ = run(ActionTicketStatus(world.services),
                    tracker(f"status of {reference}", "ticket_status", sender="web:s3", channel="socketio", metadata=anonymous,
                            entities=[{"entity": "ticket_ref", "value": reference}]))
    assert not detail[0]["text"].startswith(f"**{reference}**") and not detail[0].get("buttons")
    added, _ = run(ActionTicketAddInfo(world.services),
                   tracker("add to my ticket: hello", "ticket_add_info", sender="web:s3", channel="socketio", metadata=anonymous))
    assert "no open tickets" in added[0]["text"]
