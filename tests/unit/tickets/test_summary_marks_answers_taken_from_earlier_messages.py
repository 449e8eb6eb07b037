"""An answer the bot took from what the person already said (``source: earlier``) is marked on
the ticket, so the engineer knows it was inferred, not asked."""

from bot.tickets.summary import TicketContext, summarise

TRAIL = [
    {"flow": "vpn_connection", "step": "ask_client", "kind": "ask", "text": "Which VPN client are you using?",
     "answer": "globalprotect", "label": "GlobalProtect", "source": "button", "at": "t1"},
    {"flow": "vpn_connection", "step": "ask_symptom", "kind": "ask", "text": "What exactly happens?",
     "answer": "drops", "label": "It connects, then drops", "source": "earlier", "matched": "cutting out", "at": "t2"},
    {"flow": "vpn_connection", "step": "ask_network", "kind": "ask", "text": "Where are you connecting from?",
     "answer": "home", "label": "Home Wi-Fi", "source": "earlier", "matched": "home wifi", "at": "t3"},
    {"flow": "vpn_connection", "step": "ask_os", "kind": "ask", "text": "Which computer?",
     "answer": "macos", "label": "Mac", "source": "earlier", "matched": "os: macos", "at": "t4"},
    {"flow": "vpn_connection", "step": "ask_code", "kind": "ask", "text": "Any error code?",
     "answer": "none", "label": "none", "source": "typed", "at": "t5"},
]
TRANSCRIPT = [
    {"from": "user", "text": "my VPN keeps cutting out every 20 minutes", "at": 1},
    {"from": "bot", "text": "Which VPN client are you using?", "at": 2},
    {"from": "user", "text": '/flow_answer{"flow_answer":"globalprotect"}', "at": 3},
    {"from": "user", "text": "I'm on my Home WiFi by the way", "at": 4},
]


def summary_lines() -> list:
    context = TicketContext(requester_id="r", channel="rest", category="vpn_connection", reason="flow",
                            flow_description="VPN problems", trail=TRAIL, transcript=TRANSCRIPT)
    return summarise(context, "normal").text.split("\n")


def test_an_answer_from_the_first_message_says_so() -> None:
    assert "- What exactly happens? → It connects, then drops (from their first message)" in summary_lines()


def test_an_answer_from_a_later_message_says_earlier_message() -> None:
    assert "- Where are you connecting from? → Home Wi-Fi (from an earlier message)" in summary_lines()


def test_an_answer_from_a_recognised_entity_says_it_was_recognised() -> None:
    assert "- Which computer? → Mac (recognised in what they said earlier)" in summary_lines()


def test_answers_given_to_the_question_itself_are_not_marked() -> None:
    lines = summary_lines()
    assert "- Which VPN client are you using? → GlobalProtect" in lines
    assert "- Any error code? → none" in lines
