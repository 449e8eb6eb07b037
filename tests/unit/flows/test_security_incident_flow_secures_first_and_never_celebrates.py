"""flows/security_incident.yml: immediate steps first, then a high-priority ticket for the security
team; no path says "glad that's sorted"."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).parents[3]


@pytest.fixture
def chat(flow_dir: Path, make_chat):
    shutil.copy(ROOT / "flows" / "security_incident.yml", flow_dir / "security_incident.yml")
    return make_chat()


def said(chat) -> List[str]:
    return [m.text for r in chat.results for m in r.messages]


@pytest.mark.parametrize("answers", [
    ["password_entered", "yes"],
    ["mfa_prompts", "no"],
    ["clicked", "yes", "not yet"],
    ["clicked", "no"],
    ["device_lost", "laptop"],
])
def test_every_incident_path_gives_steps_then_escalates_to_security_at_high_priority(chat, answers) -> None:
    chat.send("I think something bad happened with my account", intent="security_incident")
    assert chat.flow == "security_incident" and chat.step == "ask_what"
    chat.click(answers[0])
    for answer in answers[1:]:
        if chat.state is None:
            break
        if chat.step == "ask_device":
            chat.click(answer)
        else:
            chat.send(answer)
    escalation = chat.results[-1].escalation
    assert escalation is not None and escalation.team == "security" and escalation.priority == "high"
    text = "\n".join(said(chat))
    assert "Sign out of every other session" in text or "Don't open the link" in text
    assert "glad" not in text.lower() and "🎉" not in text


def test_password_steps_come_before_any_ticket(chat) -> None:
    chat.send("I think I've been phished", intent="security_incident")
    shown = chat.click("password_entered")
    text = "\n".join(m.text for m in shown.messages)
    assert text.index("Change your password now") < text.index("Sign out of every other session") < text.index("Report the email")
    assert shown.escalation is None and chat.step == "ask_changed"


def test_a_suspicious_email_not_clicked_ends_without_a_ticket_or_celebration(chat) -> None:
    chat.send("got a weird message, looks like a scam", intent="security_incident")
    result = chat.click("not_clicked")
    assert result.escalation is None and chat.state is None
    assert [e.outcome for e in result.ended] == ["resolved"]
    assert "report it" in result.messages[0].text and "glad" not in result.messages[0].text.lower()


@pytest.mark.parametrize("first, skipped_to", [
    ("I typed my password into a fake login page", "ask_changed"),
    ("I got MFA prompts at 3am that I didn't make", "ask_changed"),
    ("I clicked a link in an email and now I'm worried", "ask_entered"),
])
def test_what_happened_is_not_asked_when_the_first_message_says_it(chat, first: str, skipped_to: str) -> None:
    shown = chat.send(first, intent="security_incident")
    assert chat.step == skipped_to
    assert "Which of these is closest" not in "\n".join(m.text for m in shown.messages)


def test_two_things_that_happened_are_asked_about_not_guessed(chat) -> None:
    chat.send("I clicked a link and typed my password into a fake login page", intent="security_incident")
    assert chat.step == "ask_what"
