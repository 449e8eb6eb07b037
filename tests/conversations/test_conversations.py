"""Every conversation test in tests/conversations/*.yml, against the real Rasa server."""

from pathlib import Path

import pytest

from bot.flowtests.conversations import RasaClient, discover, run_test
from tests.conftest import Bot

TESTS = discover([], Path(__file__).parent)


@pytest.mark.parametrize("conversation", TESTS, ids=[t.id for t in TESTS])
def test_conversation(bot: Bot, conversation) -> None:
    result = run_test(conversation, RasaClient(bot.url, bot.assistant.api_token))
    assert result.passed, result.error + "\n" + "\n".join(result.transcript)


def test_every_flow_has_resolved_escalated_and_interruption_tests() -> None:
    flows = {p.stem for p in (Path(__file__).parents[2] / "flows").glob("*.yml")} - {"error_codes"}
    by_flow = {}
    for t in TESTS:
        outcomes = [s.value for s in t.steps if s.key == "outcome"]
        by_flow.setdefault(t.file.stem, []).append(outcomes[-1] if outcomes else None)
    for flow in flows:
        assert len(by_flow.get(flow, [])) >= 3, f"{flow}: needs resolved, escalated and interruption tests"
        assert {"resolved", "escalated"} <= set(by_flow[flow]), f"{flow}: {by_flow[flow]}"
