"""KB gap grouping (pure): similar questions together, counts of times asked, readable labels."""

from __future__ import annotations

from bot.insights.gaps import group_gaps


def test_similar_questions_form_one_group_counted_by_times_asked() -> None:
    questions = (["how do I reset my voicemail pin"] * 3 + ["voicemail pin reset", "Voicemail  PIN reset"]
                 + ["where is the cafeteria menu"] * 2 + ["printer on floor 3 is offline"])
    gaps = group_gaps(questions)
    assert [(g.count, sorted(g.examples)) for g in gaps] == [
        (5, ["how do i reset my voicemail pin", "voicemail pin reset"]),
        (2, ["where is the cafeteria menu"]),
        (1, ["printer on floor 3 is offline"]),
    ]
    assert gaps[0].label == "how do i reset my voicemail pin"  # the most asked wording, nearest the centre


def test_unrelated_questions_stay_apart_and_top_limits_the_list() -> None:
    questions = ["expense report stuck", "parking permit renewal", "sales dashboard access", "teams camera black"]
    assert len(group_gaps(questions)) == 4
    assert len(group_gaps(questions, top=2)) == 2


def test_nothing_or_only_stop_words() -> None:
    assert group_gaps([]) == []
    assert [g.count for g in group_gaps(["the", "the", "and"])] == [2, 1]
