"""`frontline doctor`: check the installation and the configured services (bot/service_checks.py) and say what to do about each problem."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Callable, List

from bot.config import Settings
from bot.service_checks import Check, service_checks, tracker_index



def _python() -> Check:
    v = sys.version_info
    ok = (3, 10) <= (v.major, v.minor) <= (3, 11)
    return Check("Python", ok, f"{v.major}.{v.minor}.{v.micro} ({sys.executable})",
                 "Rasa 3.6 needs Python 3.10 (or 3.11 with our installer): run `make install`.")


def _package(dist: str, expected_prefix: str) -> Callable[[], Check]:
    def check() -> Check:
        try:
            found = version(dist)
        except PackageNotFoundError:
            return Check(dist, False, "not installed", "Run `make install`.")
        ok = found.startswith(expected_prefix)
        return Check(dist, ok, found, f"Expected {expected_prefix}*; run `make install` to restore requirements.lock.")
    return check


def _database(settings: Settings) -> Check:
    from bot.db.engine import check_database
    from bot.db.migrate import current_revision, head_revision

    reachable, message = check_database(settings.database_url)
    if not reachable:
        return Check("database", False, message,
                     "Start the database or fix FRONTLINE_DATABASE_URL (default: SQLite under var/).")
    try:
        current, head = current_revision(settings.database_url), head_revision()
    except Exception as exc:  # report, don't crash the doctor
        return Check("database", False, f"{message}; cannot read schema version: {exc}", "Run `frontline db upgrade`.")
    if current != head:
        return Check("database", False, f"{message}; schema at {current or 'none'}, code expects {head}",
                     "Run `frontline db upgrade` (`frontline run` does it too).")
    index = tracker_index(settings)
    if not index.ok:
        return Check("database", False, f"{message}; schema {current}; {index.found}", index.fix)
    return Check("database", True, f"{message}; schema {current}; {index.found}")


def _model(settings: Settings) -> Check:
    from bot.training import model_status

    status = model_status(settings.project_dir, settings.model_dir, settings.model_cache)
    if status.exists:
        return Check("model", True, f"up to date ({status.path.name})")
    if status.cached:
        return Check("model", False, f"in the cache, not yet in {settings.model_dir}",
                     "Run `frontline train` (copies it, no training) or just `frontline run`.")
    return Check("model", False, f"no model for the current config.yml/domain.yml/nlu_data (hash {status.fingerprint})",
                 "Run `frontline train` (`frontline run` trains automatically).")


def _flows(settings: Settings) -> Check:
    from bot.flows.loading.loader import load_flows

    flow_set, problems = load_flows(settings.flows_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        return Check("flows", False, f"{len(errors)} error(s), first: {errors[0]}", "Run `frontline flows lint` and fix what it reports.")
    return Check("flows", True, f"{len(flow_set.flows)} flows load cleanly")


def run_checks(settings: Settings) -> List[Check]:
    """Run every check; a check that crashes is reported as a failed check."""
    checks: List[Callable[[], Check]] = [
        _python,
        _package("rasa", "3.6."),
        _package("rasa-sdk", "3.6."),
        _package("tensorflow", "2.12."),
        _package("spacy", "3.4."),
        _package("SQLAlchemy", "1.4."),
        _package("slack-bolt", "1."),
        lambda: _database(settings),
        *service_checks(settings),
        lambda: _model(settings),
        lambda: _flows(settings),
    ]
    results = []
    for check in checks:
        try:
            results.append(check())
        except Exception as exc:
            results.append(Check(getattr(check, "__name__", "check"), False, f"check crashed: {exc}", "Report this as a bug."))
    return results


def main_doctor(settings: Settings) -> int:
    """Print the report; exit 0 when everything is green, 1 otherwise."""
    results = run_checks(settings)
    width = max(len(c.name) for c in results)
    for c in results:
        mark = "ok " if c.ok else "FAIL"
        print(f"[{mark}] {c.name.ljust(width)}  {c.found}")
        if not c.ok and c.fix:
            print(f"       {' ' * width}  → {c.fix}")
    failed = [c for c in results if not c.ok]
    print("all checks passed" if not failed else f"{len(failed)} problem(s) found")
    return 0 if not failed else 1
