"""`frontline doctor` names each problem and says what to do about it."""

from pathlib import Path

from bot.config import Settings
from bot.doctor import main_doctor, run_checks

ROOT = Path(__file__).resolve().parents[3]


def _settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings.from_env(
        {
            "FRONTLINE_PROJECT_DIR": str(ROOT),
            "FRONTLINE_DATABASE_URL": db_url,
            "FRONTLINE_MODEL_DIR": str(tmp_path / "models"),
            "FRONTLINE_MODEL_CACHE": "",
        }
    )


def test_unreachable_database_and_missing_model_fail_with_fixes(tmp_path: Path, capsys) -> None:
    settings = _settings(tmp_path, "postgresql+psycopg2://nobody@127.0.0.1:1/nothing")
    results = {c.name: c for c in run_checks(settings)}
    assert not results["database"].ok and "FRONTLINE_DATABASE_URL" in results["database"].fix
    assert not results["model"].ok and "frontline train" in results["model"].fix
    assert results["Python"].ok and results["flows"].ok
    assert main_doctor(settings) == 1
    assert "problem(s) found" in capsys.readouterr().out


def test_unmigrated_database_asks_for_db_upgrade(tmp_path: Path) -> None:
    settings = _settings(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}")
    database = next(c for c in run_checks(settings) if c.name == "database")
    assert not database.ok and "frontline db upgrade" in database.fix


def test_cli_on_unmigrated_database_says_what_to_do_instead_of_a_traceback(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.cli import main

    monkeypatch.setenv("FRONTLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["tickets", "outbox"]) == 1
    err = capsys.readouterr().err
    assert "frontline db upgrade" in err and "Traceback" not in err
