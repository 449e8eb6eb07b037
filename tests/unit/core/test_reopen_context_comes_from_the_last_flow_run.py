"""'It's not fixed' reopens a flow with the answers and trail of its last recorded run."""

from __future__ import annotations

from types import SimpleNamespace

from actions.flow import _run_context


def run(flow_id: str, answers: dict, trail: list) -> SimpleNamespace:
    return SimpleNamespace(flow_id=flow_id, answers=answers, trail=trail)


def test_latest_run_of_the_same_flow_gives_answers_and_trail() -> None:
    runs = [run("wifi_connectivity", {"a": 1}, [{"step": "old"}]), run("printer_problem", {}, []),
            run("wifi_connectivity", {"a": 2}, [{"step": "new"}])]
    last = {"flow": "wifi_connectivity", "outcome": "resolved"}
    assert _run_context(runs, last) == {**last, "answers": {"a": 2}, "trail": [{"step": "new"}]}


def test_no_recorded_run_leaves_the_slot_as_it_is() -> None:
    last = {"flow": "vpn_connection", "outcome": "resolved"}
    assert _run_context([], last) == last
