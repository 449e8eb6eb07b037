"""The three messages from the foundation issue, through the real REST channel."""

from tests.conftest import Bot, button_titles, texts


def test_greeting_gets_an_introduction(bot: Bot) -> None:
    reply = bot.send("e2e-greet", "hi")
    assert "Frontline" in texts(reply)


def test_vpn_problem_starts_the_vpn_flow(bot: Bot) -> None:
    reply = bot.send("e2e-vpn", "my vpn keeps dropping")
    assert reply, "the bot said nothing"
    state = bot.slots("e2e-vpn")["flow_state"]
    assert state and state["flow"] == "vpn_connection"


def test_gibberish_gets_a_clarifying_question_with_a_human_option(bot: Bot) -> None:
    reply = bot.send("e2e-gibberish", "asdfgh")
    assert "not sure" in texts(reply).lower() or "didn't understand" in texts(reply).lower()
    assert "Talk to a human" in button_titles(reply)
    assert not bot.slots("e2e-gibberish")["flow_state"]
