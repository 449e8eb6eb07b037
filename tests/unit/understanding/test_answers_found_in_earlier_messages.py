"""``prefill``: answers to later questions taken from what the person already said."""

from __future__ import annotations

from understanding_questions import QUESTIONS

from bot.flows.understanding import Answer, prefill


def test_location_synonym_in_first_message_fills_the_question() -> None:
    said = ["my wifi keeps cutting out every 20 minutes, I'm on my home wifi"]
    assert prefill(QUESTIONS["location"], ["messages"], said, {}) == Answer("home", "earlier", "home wifi")


def test_symptom_synonym_in_first_message_fills_the_question() -> None:
    said = ["my wifi keeps cutting out every 20 minutes, I'm on my home wifi"]
    assert prefill(QUESTIONS["wifi_symptom"], ["messages"], said, {}).value == "drops"


def test_nothing_is_filled_unless_the_question_declares_fill_from() -> None:
    assert prefill(QUESTIONS["location"], [], ["I'm at home"], {}) is None


def test_entity_fills_a_choice_by_option_synonym() -> None:
    found = prefill(QUESTIONS["platform"], ["os"], [], {"os": "macos"})
    assert found == Answer("mac", "earlier", "os: macos")


def test_entity_fills_an_open_question_with_its_value() -> None:
    found = prefill(QUESTIONS["software"], ["app_name"], ["I need Adobe Acrobat Pro"], {"app_name": "adobe acrobat"})
    assert found is not None and found.value == "Adobe Acrobat"  # as the person wrote it


def test_pattern_value_in_an_earlier_message_fills_a_validated_question() -> None:
    said = ["my laptop LT-104233 fell off the desk"]
    assert prefill(QUESTIONS["asset"], ["messages"], said, {}).value == "LT-104233"


def test_negated_mention_does_not_fill() -> None:
    assert prefill(QUESTIONS["location"], ["messages"], ["I'm not at home today"], {}) is None


def test_two_options_mentioned_fill_nothing() -> None:
    assert prefill(QUESTIONS["device"], ["messages"], ["the laptop and the monitor both died"], {}) is None


def test_latest_mention_wins() -> None:
    said = ["I was at home this morning", "now I'm in the office and it still drops"]
    assert prefill(QUESTIONS["location"], ["messages"], said, {}).value == "office"


def test_ordinals_and_yes_words_never_fill() -> None:
    assert prefill(QUESTIONS["device"], ["messages"], ["the first thing I tried was rebooting"], {}) is None
    assert prefill(QUESTIONS["restarted"], ["messages"], ["yes I restarted"], {}) is None


def test_an_options_internal_value_alone_does_not_fill() -> None:
    # "office" is the value of "In the office", but "the office wifi" says nothing about where they are
    assert prefill(QUESTIONS["location"], ["messages"], ["the office wifi is not working"], {}) is None


def test_a_negation_reaches_only_what_it_governs() -> None:
    # "isn't" negates the working, not the office: the person is in the office
    assert prefill(QUESTIONS["location"], ["messages"], ["wifi isn't working in the office"], {}).value == "office"
    assert prefill(QUESTIONS["location"], ["messages"], ["I'm not in the office today"], {}) is None
