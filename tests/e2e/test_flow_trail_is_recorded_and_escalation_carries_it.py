"""Finished flows land in flow_runs with their trail; escalations open a ticket carrying it."""

from sqlalchemy import select

from bot.db.engine import make_engine
from bot.db.models import FlowRunRow, TicketRow
from tests.conftest import Bot, button_titles, texts


def _click(bot: Bot, sender: str, reply, title: str):
    for message in reply:
        for button in message.get("buttons") or []:
            if button["title"] == title:
                return bot.send(sender, button["payload"])
    raise AssertionError(f"no button {title!r} in {button_titles(reply)}")


def test_escalated_vpn_flow_records_trail_and_opens_ticket_with_it(bot: Bot) -> None:
    sender = "e2e-trail"
    reply = bot.send(sender, "I can't connect to the VPN")
    reply = _click(bot, sender, reply, "Cisco AnyConnect")
    reply = _click(bot, sender, reply, "It won't connect at all")
    reply = _click(bot, sender, reply, "Hotel, airport or café Wi-Fi")
    reply = bot.send(sender, "no")
    assert "SUP-" in texts(reply), texts(reply)

    engine = make_engine(bot.settings.database_url)
    with engine.connect() as conn:
        run = conn.execute(select(FlowRunRow).where(FlowRunRow.conversation_id == bot.conversation(sender))).one()
        ticket = conn.execute(select(TicketRow).where(TicketRow.requester_id == bot.conversation(sender))).one()
    assert run.flow_id == "vpn_connection" and run.outcome == "escalated"
    asked = [entry.get("answer") for entry in run.trail if entry.get("kind") == "ask"]
    assert "anyconnect" in asked and "no_connect" in asked
    assert run.ticket_id == ticket.id
    assert ticket.category == "vpn_connection" and ticket.team == "network"
    assert ticket.reference in texts(reply)
    assert [e["step"] for e in ticket.details["trail"]] == [e["step"] for e in run.trail]
    assert any(line["text"] == "I can't connect to the VPN" for line in ticket.details["transcript"])


def test_start_over_mid_flow_restarts_at_first_question(bot: Bot) -> None:
    sender = "e2e-startover"
    reply = bot.send(sender, "my vpn keeps disconnecting")
    _click(bot, sender, reply, "GlobalProtect")
    assert bot.slots(sender)["flow_state"]["step"] == "ask_symptom"
    bot.send(sender, "let's start over")
    assert bot.slots(sender)["flow_state"]["step"] == "ask_client"
