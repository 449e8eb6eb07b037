"""Directory loading: cross-file checks, data files skipped, fingerprint over contents."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from bot.flows.loading.loader import load_flows

TEMPLATE = """
flows:
  {id}:
    description: Flow {id}
    triggers: [{{intent: {id}}}]
    steps:
      - id: start
        {kind}: {body}
"""


def flow(id: str, kind: str = "say", body: str = "hello") -> str:
    return TEMPLATE.format(id=id, kind=kind, body=body)


def test_link_to_missing_flow_rejects_the_file_and_cascades(flow_dir: Path, write_flow: Callable[[str, str], Path]) -> None:
    write_flow("a.yml", flow("a", "link", "b"))
    write_flow("b.yml", flow("b", "call", "c"))
    write_flow("c.yml", flow("c", "say", "[unclosed"))  # YAML error
    write_flow("d.yml", flow("d"))
    flows, problems = load_flows(flow_dir)
    assert sorted(flows.flows) == ["d"]
    messages = {(Path(p.location.file).name, p.message) for p in problems}
    assert ("b.yml", "step 'start': call target: flow 'c' could not be loaded (see its errors)") in messages
    assert ("a.yml", "step 'start': link target: flow 'b' could not be loaded (see its errors)") in messages
    assert any(name == "c.yml" and msg.startswith("YAML syntax error") for name, msg in messages)


def test_unknown_flow_target_is_reported(flow_dir: Path, write_flow: Callable[[str, str], Path]) -> None:
    write_flow("a.yml", flow("a", "link", "nowhere"))
    flows, problems = load_flows(flow_dir)
    assert flows.flows == {}
    assert [(p.location.line, p.message) for p in problems] == [(6, "step 'start': link target: there is no flow 'nowhere'")]


def test_duplicate_flow_id_in_second_file_is_rejected(flow_dir: Path, write_flow: Callable[[str, str], Path]) -> None:
    write_flow("a.yml", flow("same"))
    write_flow("b.yml", flow("same", "say", "other"))
    flows, problems = load_flows(flow_dir)
    assert flows.flows["same"].steps[0].body == "hello"
    assert len(problems) == 1
    assert Path(problems[0].location.file).name == "b.yml"
    assert "flow 'same' is already defined at" in problems[0].message and "a.yml:2" in problems[0].message


def test_data_files_are_not_flows(flow_dir: Path, write_flow: Callable[[str, str], Path]) -> None:
    write_flow("a.yml", flow("a"))
    write_flow("error_codes.yml", "80070005: {title: Access denied, advice: Ask for access}\n")
    flows, problems = load_flows(flow_dir)
    assert problems == [] and list(flows.flows) == ["a"]


def test_fingerprint_follows_names_and_contents(flow_dir: Path, write_flow: Callable[[str, str], Path]) -> None:
    write_flow("a.yml", flow("a"))
    first = load_flows(flow_dir)[0].fingerprint
    assert load_flows(flow_dir)[0].fingerprint == first
    write_flow("a.yml", flow("a", "say", "changed"))
    second = load_flows(flow_dir)[0].fingerprint
    assert second != first
    (flow_dir / "a.yml").rename(flow_dir / "renamed.yml")
    assert load_flows(flow_dir)[0].fingerprint not in (first, second)
    assert len(first) == 64


def test_missing_directory_is_a_problem(tmp_path: Path) -> None:
    flows, problems = load_flows(tmp_path / "nope")
    assert flows.flows == {}
    assert "does not exist" in problems[0].message
