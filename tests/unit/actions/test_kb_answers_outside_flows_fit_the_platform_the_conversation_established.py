"""A free question outside any flow ("how do I set up my email?") after the person said they are
on a Mac: the knowledge-base answer is the Mac article, not the Windows one the search ranked
first, as a flow's ``kb:`` step would choose (``bot.flows.runtime.fit.fitting``)."""

from __future__ import annotations

from pathlib import Path
from typing import Tuple

from actions.kb import ActionKbAnswer
from bot.kb.model import KbAnswer, KbHit, Passage
from tests.unit.actions.harness import MemoryKb, build_services, run, tracker

QUERY = "how do I set up the vpn client"


def hit(slug: str, products: Tuple[str, ...], confidence: float) -> KbHit:
    return KbHit(
        slug=slug, title=f"Title of {slug}", url=f"https://kb.example.com/{slug}", tags=(), products=products,
        source_path=f"kb/{slug}.md", passage=Passage(slug, "", f"Steps for {slug}.", 1),
        score=confidence, confidence=confidence,
    )


WINDOWS = hit("vpn-setup-windows", ("globalprotect", "windows"), 0.9)
MAC = hit("vpn-setup-mac", ("globalprotect", "macos"), 0.8)
PHONE = hit("vpn-setup-phone", ("globalprotect", "ios", "android"), 0.5)


def world_with_vpn_articles(tmp_path: Path):
    answer = KbAnswer(QUERY, True, 0.9, 0.6, best=WINDOWS, alternatives=(MAC,), hits=(WINDOWS, MAC, PHONE))
    return build_services(tmp_path, kb=MemoryKb(answers={QUERY: answer}))


def test_a_mac_user_gets_the_mac_article_and_no_windows_alternative(tmp_path: Path) -> None:
    world = world_with_vpn_articles(tmp_path)

    messages, _ = run(ActionKbAnswer(world.services), tracker(QUERY, "kb_question", slots={"os": "macos"}))

    assert "Title of vpn-setup-mac" in messages[0]["text"]
    assert "vpn-setup-windows" not in " ".join(str(m) for m in messages)


def test_the_os_named_in_the_question_itself_counts(tmp_path: Path) -> None:
    world = world_with_vpn_articles(tmp_path)

    messages, _ = run(ActionKbAnswer(world.services), tracker(
        QUERY, "kb_question", entities=[{"entity": "os", "value": "mac"}],
    ))

    assert "Title of vpn-setup-mac" in messages[0]["text"]


def test_without_a_known_platform_the_best_ranked_article_is_shown(tmp_path: Path) -> None:
    world = world_with_vpn_articles(tmp_path)

    messages, _ = run(ActionKbAnswer(world.services), tracker(QUERY, "kb_question"))

    assert "Title of vpn-setup-windows" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Title of vpn-setup-mac"]


def test_no_fitting_article_good_enough_means_no_article_rather_than_the_wrong_one(tmp_path: Path) -> None:
    world = world_with_vpn_articles(tmp_path)  # the phone article is below the threshold (0.5 < 0.6)

    messages, _ = run(ActionKbAnswer(world.services), tracker(QUERY, "kb_question", slots={"os": "ios"}))

    assert "couldn't find an article" in messages[0]["text"]
