"""``frontline privacy …``: serve data-access and erasure requests, run retention, read the audit.

- ``export --user ID [--out FILE]``: everything stored about a person, as one JSON file;
- ``erase --user ID --yes``: delete or anonymise it everywhere (asks for ``--yes``);
- ``retention``: run the retention purge now (FRONTLINE_RETENTION_DAYS);
- ``audit``: the latest export/erase records (they hold no personal data).

``ID`` is a Rasa sender id, an email address or a Slack user id (``U…``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any, List, Optional, TextIO

from bot.config import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontline privacy", description="personal data: export, erasure, retention")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("export", help="write everything stored about a person to one JSON file")
    p.add_argument("--user", required=True, help="sender id, email address or Slack user id (U…)")
    p.add_argument("--out", help="output file (default var/privacy/export-<time>.json)")
    p.add_argument("--actor", help="who asks (recorded in the audit; default: your login)")
    p = sub.add_parser("erase", help="delete or anonymise everything stored about a person")
    p.add_argument("--user", required=True, help="sender id, email address or Slack user id (U…)")
    p.add_argument("--yes", action="store_true", help="really erase (it cannot be undone)")
    p.add_argument("--actor", help="who asks (recorded in the audit; default: your login)")
    sub.add_parser("retention", help="delete what is older than FRONTLINE_RETENTION_DAYS now")
    sub.add_parser("audit", help="the latest privacy requests served (no personal data)")
    return parser


def main_privacy(argv: List[str], settings: Settings, out: TextIO = sys.stdout, err: TextIO = sys.stderr, service: Optional[Any] = None) -> int:
    """Run one privacy command.

    Args:
        argv: the command and its arguments.
        settings: resolved settings.
        out: normal output.
        err: problems.
        service: a :class:`bot.privacy.service.PrivacyService` (default: built from settings).

    Returns:
        0 on success, 1 when nothing is stored about the person, 2 for usage errors.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and 2
    from bot.privacy.export import is_empty
    from bot.privacy.policy import PolicyError
    from bot.privacy.service import build_privacy_service

    try:
        service = service or build_privacy_service(settings)
    except PolicyError as exc:
        print(f"error: {exc}", file=err)
        return 2
    actor = getattr(args, "actor", None) or _login()
    if args.command == "export":
        document = service.export(args.user, actor=actor, via="cli")
        if is_empty(document):
            print(f"nothing is stored about {args.user!r}", file=err)
            return 1
        stamp = document["generated_at"].replace(":", "").replace("+0000", "Z")[:17]
        path = Path(args.out) if args.out else settings.project_dir / "var" / "privacy" / f"export-{stamp}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        path.chmod(0o600)
        print(f"wrote {path}: " + ", ".join(f"{v} {k}" for k, v in _counts(document).items()), file=out)
        return 0
    if args.command == "erase":
        if not args.yes:
            print("erase deletes the person's conversations and anonymises their tickets; it cannot be undone.\n"
                  "Run `frontline privacy export` first if you must answer an access request, then add --yes.", file=err)
            return 2
        result = service.erase(args.user, actor=actor, via="cli")
        if not result.found:
            print(f"nothing is stored about {args.user!r} (an audit record was written)", file=err)
            return 1
        print("erased: " + ", ".join(f"{v} {k}" for k, v in result.counts.items()), file=out)
        if result.closed_tickets:
            print(f"closed open tickets: {', '.join(result.closed_tickets)}", file=out)
        return 0
    if args.command == "retention":
        from bot.privacy.retention import purge

        counts = purge(service.sessions, service.clock(), settings.retention_days, settings.retention_tickets)
        print("retention: " + (", ".join(f"{v} {k}" for k, v in counts.items()) or "off (FRONTLINE_RETENTION_DAYS=0)"), file=out)
        return 0
    for record in service.audit_log():
        print(f"{record['at']}  {record['action']:<9} via {record['via']:<5} by {record['actor']}: {record['counts']}", file=out)
    return 0


def _counts(document: Any) -> Any:
    from bot.privacy.export import counts

    return counts(document)


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"
