"""The model is retrained when config/domain/NLU data change, never for flow edits."""

import shutil
from pathlib import Path

from bot.training import fingerprint, model_status

ROOT = Path(__file__).resolve().parents[3]


def _project(tmp_path: Path) -> Path:
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "nlu_data", tmp_path / "nlu_data")
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "x.yml").write_text("flows: {}\n")
    return tmp_path


def test_nlu_edit_changes_fingerprint(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = fingerprint(project)
    rules = project / "nlu_data" / "rules.yml"
    rules.write_text(rules.read_text() + "\n# edited\n")
    assert fingerprint(project) != before


def test_config_and_domain_edits_change_fingerprint(tmp_path: Path) -> None:
    project = _project(tmp_path)
    seen = {fingerprint(project)}
    for name in ("config.yml", "domain.yml"):
        path = project / name
        path.write_text(path.read_text() + "\n# edited\n")
        seen.add(fingerprint(project))
    assert len(seen) == 3


def test_flow_edit_does_not_change_fingerprint(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = fingerprint(project)
    (project / "flows" / "x.yml").write_text("flows: {changed: {}}\n")
    assert fingerprint(project) == before


def test_cached_model_is_found_by_content_hash(tmp_path: Path) -> None:
    project = _project(tmp_path / "p") if (tmp_path / "p").mkdir() is None else None
    cache = tmp_path / "cache"
    cache.mkdir()
    status = model_status(project, tmp_path / "models", cache)
    assert not status.exists and status.cached is None
    (cache / status.path.name).write_bytes(b"model")
    assert model_status(project, tmp_path / "models", cache).cached == cache / status.path.name


def test_policy_source_named_in_config_changes_fingerprint_but_channels_do_not(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "bot" / "rasa_ext").mkdir(parents=True)
    policy = project / "bot" / "rasa_ext" / "flow_policy.py"
    policy.write_text("# policy v1\n")
    channels = project / "bot" / "rasa_ext" / "channels.py"
    channels.write_text("# channels v1\n")
    before = fingerprint(project)
    channels.write_text("# channels v2\n")
    assert fingerprint(project) == before
    policy.write_text("# policy v2\n")
    assert fingerprint(project) != before
