"""The ticket summary is written for the engineer (key facts first, then question → answer
lines, no sender id or channel); the details carry the rest."""

from bot.tickets.summary import KbShown, TicketContext, questions_and_answers, summarise

TRAIL = [
    {"flow": "vpn_connection", "step": "intro", "kind": "say", "text": "Sorry your VPN…", "answer": None, "at": "t1"},
    {"flow": "vpn_connection", "step": "ask_client", "kind": "ask", "text": "Which VPN client are you using?", "answer": "anyconnect", "at": "t2"},
    {"flow": "vpn_connection", "step": "ask_symptom", "kind": "ask", "text": "What happens?", "answer": "no_connect", "at": "t3"},
    {"flow": "vpn_connection", "step": "articles", "kind": "kb", "text": "vpn anyconnect", "answer": ["VPN keeps disconnecting"], "at": "t4"},
    {"flow": "vpn_connection", "step": "fixed", "kind": "resolve", "text": "Did that fix it?", "answer": False, "at": "t5"},
]
TRANSCRIPT = [
    {"from": "user", "text": "I can't connect to the VPN, error 0x80070005", "at": 1},
    {"from": "bot", "text": "Which VPN client are you using?", "at": 2},
    {"from": "user", "text": '/flow_answer{"flow_answer":"anyconnect"}', "at": 3},
]
LABELS = {("vpn_connection", "ask_client", "anyconnect"): "Cisco AnyConnect",
          ("vpn_connection", "ask_symptom", "no_connect"): "It won't connect at all"}


def label_of(flow, step, value):
    return LABELS.get((flow, step, value))


def context(**changes) -> TicketContext:
    values = dict(
        requester_id="rest-42", requester_name="Sam Lee", channel="rest", category="vpn_connection",
        reason="flow", flow_description="VPN won't connect, keeps dropping, or is very slow",
        flow_summary="VPN (anyconnect) down; status operational",
        entities={"error_code": "0x80070005", "app_name": "anyconnect"},
        answers={"vpn_client": "anyconnect"}, trail=TRAIL, transcript=TRANSCRIPT,
        kb=[KbShown("vpn keeps dropping", ["vpn-keeps-disconnecting"], False)],
    )
    values.update(changes)
    return TicketContext(**values)


def test_summary_puts_key_facts_first_then_question_answer_lines_and_kb() -> None:
    summary = summarise(context(), "high", ["flow priority: normal", "outage words: raised to high"], label_of)
    text = summary.text
    lines = text.split("\n")
    assert lines[0] == "VPN won't connect, keeps dropping, or is very slow."
    assert "In their words: “I can't connect to the VPN, error 0x80070005”" in lines
    assert "the troubleshooting steps did not fix it" in text
    assert "error code 0x80070005" in text
    qa = lines.index("Questions and answers:")
    assert lines[qa + 1:qa + 4] == ["- Which VPN client are you using? → Cisco AnyConnect",
                                    "- What happens? → It won't connect at all", "- Did that fix it? → no"]
    assert lines.index("Details: error code 0x80070005, app anyconnect.") < qa  # key facts come before the answers
    assert "“vpn-keeps-disconnecting” (did not help)" in text
    assert text.endswith("Priority high (outage words).")


def test_summary_names_neither_the_sender_id_nor_the_channel() -> None:
    text = summarise(context(), "normal", label_of=label_of).text
    assert "rest-42" not in text and "Sam Lee" not in text and "via rest" not in text


def test_details_carry_entities_questions_trail_kb_and_transcript() -> None:
    details = summarise(context(), "normal", ["flow priority: normal"], label_of).details
    assert details["entities"] == {"error_code": "0x80070005", "app_name": "anyconnect"}
    assert [q["step"] for q in details["questions"]] == ["ask_client", "ask_symptom", "fixed"]
    assert details["questions"][0] == {"flow": "vpn_connection", "step": "ask_client",
                                       "question": "Which VPN client are you using?", "answer": "anyconnect",
                                       "label": "Cisco AnyConnect", "source": None, "matched": None}
    assert [s["step"] for s in details["steps"]] == [e["step"] for e in TRAIL]
    assert details["trail"] == TRAIL
    assert details["kb"] == [{"query": "vpn keeps dropping", "articles": ["vpn-keeps-disconnecting"], "helpful": False}]
    assert details["transcript"] == TRANSCRIPT
    assert details["reason"] == "flow" and details["priority_reasons"] == ["flow priority: normal"]


def test_request_for_a_human_without_a_flow_reads_naturally() -> None:
    transcript = [{"from": "user", "text": "printer on floor 3 jams", "at": 1},
                  {"from": "user", "text": "talk to a human", "at": 2}]
    summary = summarise(context(category="general", reason="user_request", flow_description=None, flow_summary=None,
                                entities={}, trail=[], kb=[], transcript=transcript, requester_name=None), "normal")
    assert summary.text.startswith("Asked for a person about: “printer on floor 3 jams”.")
    assert "rest-42" not in summary.text
    assert "they asked for a person" in summary.text
    assert "Nothing was tried before the handover." in summary.text
    assert "Latest message: “talk to a human”" in summary.text


def test_a_question_answered_twice_shows_the_latest_answer() -> None:
    trail = TRAIL[:2] + [dict(TRAIL[1], answer="globalprotect", at="t9")]
    assert [q["answer"] for q in questions_and_answers(trail)] == ["globalprotect"]
