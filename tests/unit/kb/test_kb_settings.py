"""Knowledge-base settings: documented defaults and clear errors."""

from pathlib import Path

import pytest

from bot.config import Settings


def test_kb_defaults(tmp_path: Path) -> None:
    s = Settings.from_env({"FRONTLINE_PROJECT_DIR": str(tmp_path)})

    assert s.kb_dir == tmp_path / "kb"
    assert s.kb_url == "https://support.example.com/kb"
    assert s.kb_min_confidence == 0.6
    assert s.kb_model_dir is None
    assert s.kb_cache == Path.home() / ".cache" / "frontline" / "kb-embeddings.sqlite"
    assert Settings.from_env({"FRONTLINE_KB_CACHE": ""}).kb_cache is None


def test_kb_overrides(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "FRONTLINE_PROJECT_DIR": str(tmp_path),
            "FRONTLINE_KB_DIR": "content/articles",
            "FRONTLINE_KB_URL": "https://help.example.org/a/",
            "FRONTLINE_KB_MIN_CONFIDENCE": "0.65",
            "FRONTLINE_KB_MODEL_DIR": "/opt/models/minilm",
        }
    )

    assert s.kb_dir == tmp_path / "content" / "articles"
    assert s.kb_url == "https://help.example.org/a"
    assert s.kb_min_confidence == 0.65
    assert s.kb_model_dir == Path("/opt/models/minilm")


@pytest.mark.parametrize("value", ["high", "1.5", "-0.1"])
def test_bad_confidence_names_the_variable(value: str) -> None:
    with pytest.raises(ValueError, match="FRONTLINE_KB_MIN_CONFIDENCE.*between 0 and 1"):
        Settings.from_env({"FRONTLINE_KB_MIN_CONFIDENCE": value})
