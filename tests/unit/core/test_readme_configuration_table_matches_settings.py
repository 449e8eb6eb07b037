"""The README's configuration table is exactly what `frontline config` prints."""

from pathlib import Path

from bot.config import SETTINGS_DOC

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_setting_is_in_the_readme_table_with_its_default() -> None:
    text = README.read_text()
    for name, default, meaning in SETTINGS_DOC:
        assert f"| `{name}` | `{default}` | {meaning} |" in text, f"README.md is missing or has a stale row for {name}; run `frontline config`"
