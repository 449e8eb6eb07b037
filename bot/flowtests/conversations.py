"""Conversation tests: YAML scripts of user turns and expectations, run against a real bot.

A test talks to a running Rasa server exactly like a user would (the REST channel), and reads
the flow state through Rasa's HTTP API. See docs/flows.md for the format.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

STEP_KEYS = ("user", "click", "bot", "buttons", "flow", "step", "outcome", "no_flow")


@dataclass(frozen=True)
class ConversationStep:
    """One line of a conversation test."""

    key: str
    value: Any
    line: int


@dataclass(frozen=True)
class ConversationTest:
    """A named conversation test from a file."""

    name: str
    file: Path
    line: int
    steps: Sequence[ConversationStep]

    @property
    def id(self) -> str:
        """``<file stem>::<name>`` (used as the pytest id)."""
        return f"{self.file.stem}::{self.name}"


@dataclass
class TestOutcome:
    """Pass/fail of one test, with the transcript for the failure message."""

    test: ConversationTest
    error: Optional[str] = None
    transcript: List[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True if every expectation held."""
        return self.error is None


class ConversationFileError(ValueError):
    """A conversation test file is malformed; the message has file:line."""


def load_tests(path: Path) -> List[ConversationTest]:
    """Parse one conversation test file.

    Raises:
        ConversationFileError: with ``file:line: message`` for the first problem found.
    """
    try:
        data = YAML(typ="rt").load(path.read_text())
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ConversationFileError(f"{path}:{line}: YAML syntax error: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tests"), list):
        raise ConversationFileError(f"{path}:1: expected a top-level `tests:` list")
    tests = []
    for index, raw in enumerate(data["tests"]):
        line = data["tests"].lc.item(index)[0] + 1
        if not isinstance(raw, dict) or "name" not in raw or not isinstance(raw.get("steps"), list):
            raise ConversationFileError(f"{path}:{line}: each test needs `name:` and a `steps:` list")
        steps = []
        for s_index, step in enumerate(raw["steps"]):
            s_line = raw["steps"].lc.item(s_index)[0] + 1
            if not isinstance(step, dict) or len(step) != 1 or next(iter(step)) not in STEP_KEYS:
                raise ConversationFileError(
                    f"{path}:{s_line}: each step is one of {', '.join(STEP_KEYS)} (e.g. `- user: my vpn is down`)"
                )
            key, value = next(iter(step.items()))
            steps.append(ConversationStep(key, value, s_line))
        tests.append(ConversationTest(str(raw["name"]), path, line, tuple(steps)))
    return tests


class RasaClient:
    """Minimal HTTP client for the REST channel and the tracker endpoint."""

    def __init__(self, base_url: str, token: Optional[str], timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def send(self, sender: str, message: str) -> List[Dict[str, Any]]:
        """Send a user message; return the bot's messages."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as resp:
            return json.loads(resp.read() or b"[]")

    def slots(self, sender: str) -> Dict[str, Any]:
        """The conversation's current slots (needs the API token)."""
        query = f"?token={self.token}" if self.token else ""
        with urllib.request.urlopen(f"{self.base_url}/conversations/{sender}/tracker{query}", timeout=self.timeout) as resp:
            return json.loads(resp.read()).get("slots") or {}


def run_test(test: ConversationTest, client: RasaClient) -> TestOutcome:
    """Run one conversation test against a live bot."""
    outcome = TestOutcome(test)
    sender = f"convtest-{uuid.uuid4().hex[:12]}"
    last: List[Dict[str, Any]] = []

    def fail(step: ConversationStep, message: str) -> TestOutcome:
        outcome.error = f"{test.file}:{step.line}: {message}"
        return outcome

    for step in test.steps:
        try:
            if step.key in ("user", "click"):
                text = str(step.value)
                if step.key == "click":
                    payload = _button_payload(last, text)
                    if payload is None:
                        titles = [b.get("title") for m in last for b in m.get("buttons") or []]
                        return fail(step, f"no button titled {text!r} in the last bot turn (buttons: {titles})")
                    text = payload
                outcome.transcript.append(f"user: {step.value}")
                last = client.send(sender, text)
                outcome.transcript.extend(f"bot:  {_render(m)}" for m in last)
            elif step.key == "bot":
                if not any(str(step.value).lower() in (m.get("text") or "").lower() for m in last):
                    return fail(step, f"no bot message contains {step.value!r}")
            elif step.key == "buttons":
                titles = [b.get("title") for m in last for b in m.get("buttons") or []]
                missing = [t for t in step.value if t not in titles]
                if missing:
                    return fail(step, f"buttons {missing} not offered (offered: {titles})")
            else:
                slots = client.slots(sender)
                state = slots.get("flow_state") or {}
                if step.key == "flow" and state.get("flow") != step.value:
                    return fail(step, f"expected flow {step.value!r} to be active, found {state.get('flow')!r}")
                if step.key == "step" and state.get("step") != step.value:
                    return fail(step, f"expected the flow to wait at step {step.value!r}, found {state.get('step')!r}")
                if step.key == "no_flow" and state:
                    return fail(step, f"expected no active flow, found {state.get('flow')!r}")
                if step.key == "outcome":
                    last_flow = slots.get("flow_last") or {}
                    if last_flow.get("outcome") != step.value:
                        return fail(step, f"expected outcome {step.value!r}, found {last_flow or 'no finished flow'}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return fail(step, f"could not talk to the bot: {exc}")
    return outcome


def _button_payload(messages: List[Dict[str, Any]], title: str) -> Optional[str]:
    for message in messages:
        for button in message.get("buttons") or []:
            if str(button.get("title", "")).strip().lower() == title.strip().lower():
                return button.get("payload")
    return None


def _render(message: Dict[str, Any]) -> str:
    text = (message.get("text") or "").replace("\n", " ")
    buttons = [b.get("title") for b in message.get("buttons") or []]
    return text + (f"  {buttons}" if buttons else "")


def discover(paths: Sequence[Path], default_dir: Path) -> List[ConversationTest]:
    """Load the tests in ``paths`` (files or directories), or every file in ``default_dir``."""
    files: List[Path] = []
    for path in paths or [default_dir]:
        files.extend(sorted(path.glob("*.yml")) if path.is_dir() else [path])
    tests: List[ConversationTest] = []
    for file in files:
        tests.extend(load_tests(file))
    return tests


def main_flows_test(settings: Any, paths: Sequence[Path], url: Optional[str], token: Optional[str]) -> int:
    """`frontline flows test`: run conversation tests against ``url`` or a bot started for them."""
    try:
        tests = discover(paths, settings.project_dir / "tests" / "conversations")
    except (ConversationFileError, OSError) as exc:
        print(f"error: {exc}")
        return 2
    assistant = None
    if url is None:
        from bot.db.migrate import upgrade
        from bot.supervisor import Assistant, StartupError
        from bot.training import ensure_model

        print("starting the assistant for the tests…", flush=True)
        upgrade(settings.database_url)
        assistant = Assistant(settings, ensure_model(settings.project_dir, settings.model_dir, settings.model_cache))
        try:
            assistant.start()
        except StartupError as exc:
            print(f"error: {exc}")
            return 2
        url, token = settings.rasa_url, assistant.api_token
    elif token is None:
        token_file = settings.run_dir / "api-token"
        token = token_file.read_text().strip() if token_file.exists() else None
    try:
        client = RasaClient(url, token)
        failed = 0
        for test in tests:
            result = run_test(test, client)
            print(f"{'PASS' if result.passed else 'FAIL'}  {test.id}")
            if not result.passed:
                failed += 1
                print(f"      {result.error}")
                for line in result.transcript:
                    print(f"        {line}")
        print(f"{len(tests) - failed} passed, {failed} failed")
        return 1 if failed else 0
    finally:
        if assistant is not None:
            assistant.stop()
