"""Flow files declare how answers are understood: synonyms, unsure, fill_from, confirm."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any, List, Tuple

from bot.flows.loading.loader import DEFAULT_CONFIRM, load_flow_file

FLOW = textwrap.dedent("""\
    flows:
      wifi_connectivity:
        description: Wi-Fi problems
        triggers:
          - intent: wifi_connectivity
        steps:
          - id: ask_location
            ask: Where are you?
            fill_from: [messages]
            confirm: "You said {answer} — noted."
            answer:
              type: choice
              unsure: office
              options:
                - {label: "In the office", value: office, synonyms: [at work, hq]}
                - {label: "At home", value: home, synonyms: [wfh]}
          - id: ask_os
            ask: Which system?
            fill_from: os
            confirm: true
            answer: {type: yes_no, unsure: no}
""")


def _load(tmp_path: Path, text: str) -> Tuple[List[Any], List[Any]]:
    path = tmp_path / "wifi.yml"
    path.write_text(text, encoding="utf-8")
    return load_flow_file(path)


def test_loader_reads_the_understanding_keys(tmp_path: Path) -> None:
    flows, problems = _load(tmp_path, FLOW)
    assert problems == []
    step = flows[0].step("ask_location")
    assert step.fill_from == ("messages",)
    assert step.confirm == "You said {answer} — noted."
    assert step.answer.unsure == "office"
    assert step.answer.options[0].synonyms == ("at work", "hq")
    assert step.answer.options[1].location.line == 16
    other = flows[0].step("ask_os")
    assert other.fill_from == ("os",) and other.confirm == DEFAULT_CONFIRM and other.answer.unsure == "no"


def test_unsure_must_name_an_option(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, FLOW.replace("unsure: office", "unsure: garden"))
    assert len(problems) == 1
    assert problems[0].location.line == 13
    assert "garden" in problems[0].message and "office" in problems[0].message


def test_confirm_without_fill_from_is_an_error(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, re.sub(r"\n *fill_from: os\n", "\n", FLOW))
    assert any("confirm is only used with fill_from" in p.message and p.location.line == 19 for p in problems)


def test_synonyms_must_be_a_list_of_words(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, FLOW.replace("synonyms: [wfh]", "synonyms: {a: 1}"))
    assert any("synonyms must be a list" in p.message and p.location.line == 16 for p in problems)
