"""``control-tower``: serve, migrate, seed and administer the service."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from control_tower.core.config import ConfigError, Settings, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _fail(message: str, code: int = 1) -> int:
    print(f"control-tower: {message}", file=sys.stderr)
    return code


def _parse_instant(text: str) -> datetime:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO instant such as 2026-01-15T10:00:00Z"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    if args.workers > 1 and args.reload:
        return _fail("--reload and --workers cannot be combined", 2)
    uvicorn.run(
        "control_tower.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
        date_header=True,
    )
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from control_tower.core.migrate import MigrationError, migrate

    try:
        outcome = migrate(settings.database_url)
    except MigrationError as exc:
        return _fail(str(exc))
    print(f"migrate: {outcome}")
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from control_tower.core.clock import Clock
    from control_tower.seed.service import SeedError, seed_database

    anchor = args.anchor or Clock(settings.clock_start).now()
    try:
        report = asyncio.run(
            seed_database(
                settings,
                anchor=anchor,
                extra_cases=args.cases,
                if_empty=args.if_empty,
                progress=not args.quiet,
            )
        )
    except SeedError as exc:
        return _fail(str(exc))
    print(f"seed: {report}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="control-tower", description="Call Center Intelligence Control Tower API"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_positive_int, default=8000)
    serve.add_argument("--workers", type=_positive_int, default=1)
    serve.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser(
        "migrate", help="apply migrations (adopts an existing Next.js database)"
    )
    migrate.set_defaults(handler=cmd_migrate)

    seed = commands.add_parser("seed", help="load the original demo data")
    seed.add_argument(
        "--anchor",
        type=_parse_instant,
        help="instant the demo data is relative to (default: the service clock)",
    )
    seed.add_argument(
        "--cases",
        type=_non_negative_int,
        default=0,
        help="add N more deterministic random cases (benchmarks)",
    )
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing if the database already has data"
    )
    seed.add_argument("--quiet", action="store_true", help="no progress bar")
    seed.set_defaults(handler=cmd_seed)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc), 2)
    if settings.clock_start is not None:
        os.environ.setdefault("CLOCK_START", settings.clock_start.isoformat())
    handler: Handler = args.handler
    return handler(args, settings)
