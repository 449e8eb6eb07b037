"""`main_graph` writes <flow>.mmd and <flow>.svg; an unknown flow lists the known ones."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.flows.diagrams.graph import main_graph

FLOW = textwrap.dedent("""\
    flows:
      email_sync:
        description: Mail doesn't sync
        triggers:
          - intent: email_sync
        steps:
          - id: intro
            say: Let's get your mail flowing.
""")


def write(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "email.yml").write_text(FLOW, encoding="utf-8")
    return flows


def test_graph_cli_writes_mermaid_and_svg(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out_dir = tmp_path / "out"

    code = main_graph(write(tmp_path), "email_sync", out_dir)

    captured = capsys.readouterr()
    assert code == 0
    assert (out_dir / "email_sync.mmd").read_text(encoding="utf-8") == captured.out
    assert "flowchart TD" in captured.out
    assert (out_dir / "email_sync.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert str(out_dir / "email_sync.svg") in captured.err


def test_graph_cli_rejects_unknown_flow_listing_known_ids(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    code = main_graph(write(tmp_path), "email_synk", tmp_path / "out")

    err = capsys.readouterr().err
    assert code == 2
    assert "'email_synk'" in err and "known flows: email_sync" in err
    assert not (tmp_path / "out").exists()
