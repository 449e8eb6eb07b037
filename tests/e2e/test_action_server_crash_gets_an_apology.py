"""Rasa alone says nothing when the action server is gone; Frontline apologises instead."""

from tests.conftest import Bot, texts


def test_user_gets_apology_while_action_server_is_down_and_bot_recovers(bot: Bot) -> None:
    sender = "e2e-crash"
    first = bot.send(sender, "I can't connect to the VPN from home")
    assert first, "flow did not start"
    bot.assistant.actions.kill()  # mid-conversation, like a crash
    try:
        reply = bot.send(sender, "yes")
        assert "something went wrong on my side" in texts(reply)
        assert "the test service desk" in texts(reply)  # a way forward
    finally:
        bot.assistant.restart_actions()
    # the flow state survived (it lives in the tracker store), so the user can carry on
    assert bot.slots(sender)["flow_state"]["flow"] == "vpn_connection"
    assert bot.send(sender, "start over"), "bot silent after the action server came back"
