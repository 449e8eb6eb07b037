"""``frontline flows lint`` reads each flow file once: the linter reuses the loader's parse."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, List

import pytest
from ruamel.yaml import YAML

from bot.flows.lint.linter import main_lint

FLOW = """
flows:
  {id}:
    description: Demo {id}
    triggers: [{{intent: {id}}}]
    steps:
      - id: ask_it
        ask: Did you restart?
        answer: {{type: yes_no}}
        max_attempts: 2
        on_give_up: nowhere
      - id: done
        say: "You said {{ask_it}}"
"""


def test_each_file_is_parsed_once_even_with_problems_to_pinpoint(
        write_flow: Callable[[str, str], Path], flow_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_flow("one.yml", FLOW.format(id="one").replace("on_give_up: nowhere", "on_give_up: done"))
    # Loads, but the linter must find the line of on_give_up (it leads back into the question).
    write_flow("two.yml", FLOW.format(id="two").replace("on_give_up: nowhere", "on_give_up: ask_it"))
    parsed: List[str] = []
    original = YAML.load

    def counting_load(self: YAML, stream: Any) -> Any:
        parsed.append(str(stream)[:40])
        return original(self, stream)

    monkeypatch.setattr(YAML, "load", counting_load)

    code = main_lint(flow_dir, None)

    out = capsys.readouterr().out
    assert code == 1 and "two.yml:10: error:" in out and "leads back to 'ask_it'" in out
    assert len(parsed) == 2, parsed
