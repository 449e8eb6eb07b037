"""The `frontline` command line.

Every subcommand reads the settings once here and passes them down; heavy imports (Rasa,
TensorFlow) happen inside the subcommand that needs them so `frontline --help` stays instant.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path
from typing import Callable, List, Optional

from bot.config import Settings, configuration_table, settings_table


def _cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.run import run

    return run(settings, role=getattr(args, "role", None))


def _cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    from bot.training import ensure_model

    try:
        model = ensure_model(settings.project_dir, settings.model_dir, settings.model_cache, force=args.force)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"model: {model}")
    return 0


def _cmd_doctor(settings: Settings, args: argparse.Namespace) -> int:
    from bot.doctor import main_doctor

    return main_doctor(settings)


def _cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from bot.db.migrate import main_db

    return main_db(args.rest, default_url=settings.database_url)


def _cmd_tickets(settings: Settings, args: argparse.Namespace) -> int:
    from bot.tickets.cli import main_tickets

    return main_tickets(args.rest, settings)


def _cmd_privacy(settings: Settings, args: argparse.Namespace) -> int:
    from bot.privacy.cli import main_privacy

    return main_privacy(args.rest, settings)


def _cmd_flows_lint(settings: Settings, args: argparse.Namespace) -> int:
    from bot.flows.lint.linter import main_lint

    return main_lint(Path(args.dir) if args.dir else settings.flows_dir, settings.project_dir / "domain.yml")


def _cmd_flows_graph(settings: Settings, args: argparse.Namespace) -> int:
    from bot.flows.diagrams.graph import main_graph

    out = Path(args.out) if args.out else settings.project_dir / "var" / "graphs"
    return main_graph(settings.flows_dir, args.flow, out)


def _cmd_flows_schema(settings: Settings, args: argparse.Namespace) -> int:
    from bot.flows.loading.schema import main_schema

    return main_schema(check=args.check)


def _cmd_flows_test(settings: Settings, args: argparse.Namespace) -> int:
    from bot.flowtests.conversations import main_flows_test

    return main_flows_test(settings, [Path(p) for p in args.files], args.url, args.token)


def _cmd_route(settings: Settings, args: argparse.Namespace) -> int:
    from bot.route import main_route

    return main_route(settings, args.message, args.file, args.json)


def _cmd_kb_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from bot.kb.cli import ingest_folder

    return ingest_folder(settings, Path(args.dir) if args.dir else settings.kb_dir, sys.stdout, sys.stderr)


def _cmd_kb_search(settings: Settings, args: argparse.Namespace) -> int:
    from bot.kb.cli import search_query

    return search_query(
        settings, args.question, top=args.top, as_json=args.json, products=args.product, tags=args.tag, mode=args.mode
    )


def _cmd_insights(settings: Settings, args: argparse.Namespace) -> int:
    from bot.insights.cli import run

    return run(settings, args)


def _cmd_insights_user(settings: Settings, args: argparse.Namespace) -> int:
    from bot.insights.cli import run_user

    return run_user(args)


def _cmd_config(settings: Settings, args: argparse.Namespace) -> int:
    if not args.values:
        print(configuration_table())
        return 0
    # The values this shell would run with; secrets are only said to be set, never shown.
    env = settings.to_env()
    for spec in settings_table():
        value = env[spec.variable]
        if spec.secret:
            shown = "(set)" if value else "(unset)"
        else:  # a database URL may carry a password
            shown = re.sub(r"(://[^:/@]+:)[^@/]+@", r"\1***@", value) or "(unset)"
        print(f"{spec.variable}={shown}")
    return 0


PASSTHROUGH = ("db", "tickets", "privacy")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(prog="frontline", description="Frontline support assistant")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="train if needed, then run the Rasa server and the action server")
    p.add_argument(
        "--role", choices=("rasa", "actions", "worker"),
        help="run one process of a cluster (docs/architecture.md); default: both servers on this machine",
    )
    p.set_defaults(func=_cmd_run)
    p = sub.add_parser("train", help="train the model if config.yml, domain.yml or nlu_data/ changed")
    p.add_argument("--force", action="store_true", help="train even if an up-to-date model exists")
    p.set_defaults(func=_cmd_train)
    sub.add_parser("doctor", help="check the installation and say how to fix problems").set_defaults(func=_cmd_doctor)
    p = sub.add_parser("db", help="database schema migrations: `db upgrade [REV]`, `db current [--check]`", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_db)
    p = sub.add_parser("tickets", help="tickets and deliveries: `tickets show SUP-1042`, `tickets outbox`, `tickets requeue`", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_tickets)
    p = sub.add_parser("privacy", help="personal data: `privacy export --user ID`, `privacy erase --user ID --yes`, `privacy retention`", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_privacy)
    p = sub.add_parser("config", help="print the configuration table (environment variables)")
    p.add_argument("--values", action="store_true", help="print the resolved value of every setting instead (secrets hidden)")
    p.set_defaults(func=_cmd_config)

    flows = sub.add_parser("flows", help="content designer tools for flows/").add_subparsers(dest="flows_command", required=True)
    p = flows.add_parser("lint", help="check flow files; prints file:line: message, exits 1 on errors")
    p.add_argument("--dir", help="flows directory (default: FRONTLINE_FLOWS_DIR)")
    p.set_defaults(func=_cmd_flows_lint)
    p = flows.add_parser("graph", help="write a flow diagram (Mermaid + SVG)")
    p.add_argument("flow")
    p.add_argument("--out", help="output directory (default var/graphs)")
    p.set_defaults(func=_cmd_flows_graph)
    p = flows.add_parser("schema", help="regenerate bot/flows/schema.json from the step kinds")
    p.add_argument("--check", action="store_true", help="only check; exit 1 if the file is stale")
    p.set_defaults(func=_cmd_flows_schema)
    p = flows.add_parser("test", help="run conversation tests (tests/conversations/*.yml) against the bot")
    p.add_argument("files", nargs="*", help="test files (default: all)")
    p.add_argument("--url", help="Rasa server URL (default: start one)")
    p.add_argument("--token", help="Rasa API token (default: var/run/api-token)")
    p.set_defaults(func=_cmd_flows_test)

    p = sub.add_parser("route", help="show how messages are classified and where they go")
    p.add_argument("message", nargs="?", help="a message to route")
    p.add_argument("--file", help="a file with one message per line")
    p.add_argument("--json", action="store_true", help="print JSON lines")
    p.set_defaults(func=_cmd_route)

    kb = sub.add_parser("kb", help="knowledge base: ingest articles, search them").add_subparsers(dest="kb_command", required=True)
    p = kb.add_parser("ingest", help="validate kb/ and store it (incremental; deletes removed articles)")
    p.add_argument("dir", nargs="?", help="articles folder (default: FRONTLINE_KB_DIR)")
    p.set_defaults(func=_cmd_kb_ingest)
    p = kb.add_parser("search", help="show what the bot would answer to a question, with scores")
    p.add_argument("question")
    p.add_argument("--top", type=int, default=3, help="how many articles to list (default 3)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--product", action="append", default=[], help="only articles about this product (repeatable)")
    p.add_argument("--tag", action="append", default=[], help="only articles with this tag (repeatable)")
    p.add_argument("--mode", choices=["hybrid", "lexical", "dense"], default="hybrid", help="retrieval mode (default hybrid)")
    p.set_defaults(func=_cmd_kb_search)

    from bot.insights.cli import add_arguments as insights_arguments

    p = sub.add_parser("insights", help="support insights: containment, escalations, drop-off, KB gaps, CSAT, trends")
    insights_arguments(p)
    p.set_defaults(func=_cmd_insights)
    p = sub.add_parser("insights-user", help="print a FRONTLINE_INSIGHTS_USERS entry (name:password hash) for the dashboard")
    p.add_argument("name", help="login name")
    p.add_argument("--stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=_cmd_insights_user)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the `frontline` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # `db` has its own parser (bot.db.migrate) with options argparse.REMAINDER can't pass on.
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command in PASSTHROUGH:
        # These subcommands have their own parsers; hand them everything after their name.
        args.rest = argv[argv.index(args.command) + 1:]
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    # Libraries (alembic, rasa, tensorflow) stay quiet unless asked; our own logs are INFO.
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("bot").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    func: Callable[[Settings, argparse.Namespace], int] = args.func
    from sqlalchemy.exc import DBAPIError

    try:
        return func(settings, args)
    except DBAPIError as exc:
        # A missing table or an unreachable server: say what to do, not a traceback.
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        print(
            f"error: database problem: {reason}\n"
            "Run `frontline db upgrade` if the schema is behind, or `frontline doctor` to check the connection.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
