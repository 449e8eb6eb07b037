"""Priority rules are data: keywords, a VIP list and "many tickets for one flow" raise priority."""

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable

import pytest

from bot.tickets.priority import PriorityContext, PriorityRulesFile, parse_rules, requester_keys
from bot.datafile import DataFileError

RULES = """
lists:
  vip: vip.txt
rules:
  - name: outage words
    when: {text_contains: [outage, "is down", everyone]}
    raise_to: high
  - name: security
    when: {text_contains: [phishing]}
    raise_to: urgent
  - name: VIP requester
    when: {requester_in: vip}
    raise_by: 1
  - name: surge
    when: {open_tickets_same_flow: {at_least: 3, within_minutes: 30}}
    raise_to: urgent
"""


def context(text: str = "my vpn drops", base: str = "normal", requester: str = "rest-user",
            name: str = "", open_same_flow: Callable[[timedelta], int] = lambda window: 0) -> PriorityContext:
    return PriorityContext(base=base, text=text, requester_keys=requester_keys(requester, name),
                           flow="vpn_connection", team="network", open_same_flow=open_same_flow)


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    (tmp_path / "vip.txt").write_text("# VIPs\nceo@example.com\nU0BOSS  # the boss on Slack\n")
    path = tmp_path / "priority_rules.yml"
    path.write_text(RULES)
    return path


def test_no_rule_matching_keeps_the_flow_priority(rules_file: Path) -> None:
    decision = PriorityRulesFile(rules_file).decide(context("my vpn drops every hour", base="low"))
    assert decision.priority == "low"
    assert decision.reasons == ("flow priority: low",)


def test_outage_words_raise_to_high_matching_whole_words_only(rules_file: Path) -> None:
    rules = PriorityRulesFile(rules_file)
    assert rules.decide(context("The VPN IS   DOWN for me")).priority == "high"
    assert rules.decide(context("there's an Outage?")).priority == "high"
    assert rules.decide(context("outages are logged weekly")).priority == "normal"  # not the word "outage"
    decision = rules.decide(context("everyone in finance is affected"))
    assert "outage words: raised to high" in decision.reasons


def test_rules_only_raise_and_the_highest_wins(rules_file: Path) -> None:
    rules = PriorityRulesFile(rules_file)
    assert rules.decide(context("outage", base="urgent")).priority == "urgent"
    assert rules.decide(context("outage and a phishing mail")).priority == "urgent"


def test_vip_list_raises_one_level_by_slack_user_id_or_email(rules_file: Path) -> None:
    rules = PriorityRulesFile(rules_file)
    assert rules.decide(context(requester="slack:T0FRONT:U0BOSS")).priority == "high"
    assert rules.decide(context(requester="web-123", name="CEO@example.com")).priority == "high"
    assert rules.decide(context(requester="slack:T0FRONT:U0INTERN")).priority == "normal"
    assert rules.decide(context(base="high", requester="slack:T0FRONT:U0BOSS")).priority == "urgent"


def test_editing_the_vip_list_applies_without_restart(rules_file: Path) -> None:
    rules = PriorityRulesFile(rules_file)
    assert rules.decide(context(requester="slack:T1:U0NEWVIP")).priority == "normal"
    vip = rules_file.parent / "vip.txt"
    vip.write_text(vip.read_text() + "U0NEWVIP\n")
    os.utime(vip, (time.time() + 5, time.time() + 5))
    assert rules.decide(context(requester="slack:T1:U0NEWVIP")).priority == "high"


def test_many_open_tickets_for_the_same_flow_raise_to_urgent(rules_file: Path) -> None:
    windows = []

    def counted(n: int) -> Callable[[timedelta], int]:
        def count(window: timedelta) -> int:
            windows.append(window)
            return n
        return count

    rules = PriorityRulesFile(rules_file)
    assert rules.decide(context(open_same_flow=counted(1))).priority == "normal"  # 2 with this one
    assert rules.decide(context(open_same_flow=counted(2))).priority == "urgent"  # 3 with this one
    assert windows[-1] == timedelta(minutes=30)


def test_broken_edit_keeps_the_previous_rules_and_reports_the_rule(rules_file: Path) -> None:
    rules = PriorityRulesFile(rules_file)
    assert rules.decide(context("outage")).priority == "high"
    rules_file.write_text(RULES.replace("text_contains: [phishing]", "text_contain: [phishing]"))
    os.utime(rules_file, (time.time() + 5, time.time() + 5))
    assert rules.decide(context("outage")).priority == "high"
    assert rules.error and "rule 2 (security)" in rules.error and "text_contain" in rules.error


@pytest.mark.parametrize("rule, message", [
    ("{name: x, when: {requester_in: nobody}, raise_by: 1}", "not one of the lists"),
    ("{name: x, when: {text_contains: [a]}, raise_to: critical}", "raise_to 'critical'"),
    ("{name: x, when: {text_contains: [a]}}", "needs raise_to"),
    ("{name: x, when: {open_tickets_same_flow: {at_least: 3}}, raise_to: high}", "within_minutes"),
])
def test_malformed_rules_are_rejected_with_a_clear_message(tmp_path: Path, rule: str, message: str) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(f"lists: {{vip: [a]}}\nrules:\n  - {rule}\n")
    with pytest.raises(DataFileError, match=message):
        parse_rules(path)


def test_the_shipped_rules_file_parses() -> None:
    root = Path(__file__).resolve().parents[3]
    rules = parse_rules(root / "config" / "priority_rules.yml")
    assert {rule.name for rule in rules.rules} >= {"outage words", "VIP requester", "many people, same problem"}
    assert "ceo@example.com" in rules.lists["vip"]
