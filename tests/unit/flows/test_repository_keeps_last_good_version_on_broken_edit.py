"""FlowRepository reloads edits, rejects broken ones whole (logging file:line) and keeps serving."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

import bot.flows.loading.repository as repository_module
from bot.flows.loading.repository import FlowRepository

GOOD = """
flows:
  {id}:
    description: {id} v{version}
    triggers: [{{intent: {id}}}]
    steps:
      - id: hello
        say: "version {version}"
"""

BROKEN = """
flows:
  {id}:
    description: broken
    triggers: [{{intent: {id}}}]
    steps:
      - id: hello
        sya: typo
"""


class Ticker:
    """A manual monotonic clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def write(path: Path, text: str, bump: int) -> None:
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    # Make sure the mtime changes even on coarse-grained file systems.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump * 1_000_000_000))


def test_broken_edit_is_rejected_and_logged(flow_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    ticker = Ticker()
    write(flow_dir / "a.yml", GOOD.format(id="a", version=1), 0)
    write(flow_dir / "b.yml", GOOD.format(id="b", version=1), 0)
    repo = FlowRepository(flow_dir, min_interval=1.0, monotonic=ticker)
    first = repo.get()
    assert sorted(first.flows) == ["a", "b"]

    write(flow_dir / "a.yml", BROKEN.format(id="a"), 1)
    ticker.now = 5.0
    with caplog.at_level(logging.ERROR, logger="bot.flows.loading.repository"):
        served = repo.get()
    assert served is first  # the whole directory edit is rejected, b included
    assert f"{flow_dir / 'a.yml'}:7: step 'hello': unknown key 'sya'" in caplog.text and "did you mean 'say'?" in caplog.text
    assert "still being served" in caplog.text
    assert [p.location.line for p in repo.problems] == [6, 7]

    write(flow_dir / "a.yml", GOOD.format(id="a", version=2), 2)
    ticker.now = 10.0
    fixed = repo.get()
    assert fixed.flows["a"].description == "a v2"
    assert fixed.fingerprint != first.fingerprint
    assert repo.problems == []


def test_changes_are_noticed_only_after_min_interval(flow_dir: Path) -> None:
    ticker = Ticker()
    write(flow_dir / "a.yml", GOOD.format(id="a", version=1), 0)
    repo = FlowRepository(flow_dir, min_interval=1.0, monotonic=ticker)
    assert repo.get().flows["a"].description == "a v1"
    write(flow_dir / "a.yml", GOOD.format(id="a", version=2), 1)
    ticker.now = 0.5
    assert repo.get().flows["a"].description == "a v1"
    ticker.now = 1.0
    assert repo.get().flows["a"].description == "a v2"
    (flow_dir / "a.yml").unlink()
    ticker.now = 2.0
    assert repo.get().flows == {}  # deleting a flow file is a valid edit


def test_first_load_with_errors_serves_valid_files(flow_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(flow_dir / "a.yml", BROKEN.format(id="a"), 0)
    write(flow_dir / "b.yml", GOOD.format(id="b", version=1), 0)
    with caplog.at_level(logging.ERROR, logger="bot.flows.loading.repository"):
        flows = FlowRepository(flow_dir).get()
    assert list(flows.flows) == ["b"]
    assert "a.yml:7:" in caplog.text and "serving only the 1 valid flow" in caplog.text


def test_unchanged_directory_is_not_reloaded_and_access_is_thread_safe(flow_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(flow_dir / "a.yml", GOOD.format(id="a", version=1), 0)
    calls = []
    real = repository_module.load_flows

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(repository_module, "load_flows", counting)
    repo = FlowRepository(flow_dir, min_interval=0.0)
    seen = []
    threads = [threading.Thread(target=lambda: seen.extend(repo.get() for _ in range(20))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 160 and len({id(f) for f in seen}) == 1
    assert len(calls) == 1
