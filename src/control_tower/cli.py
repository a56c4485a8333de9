"""``control-tower``: serve, migrate, seed and administer the service."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from control_tower.core.config import ConfigError, Settings, load_settings
from control_tower.core.errors import AppError

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
    if args.workers > 1 and not settings.redis_url:
        # Each worker would keep its own cache and could serve another worker's stale
        # answer; without Redis to share invalidations, caching is switched off.
        os.environ["CACHE_TTL_S"] = "0"
        print(
            "control-tower: warning: several workers without REDIS_URL: caching is off, and "
            "events, rate limits and demo mode are per worker",
            file=sys.stderr,
        )
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
        # Open SSE/WebSocket streams would otherwise hold shutdown forever.
        timeout_graceful_shutdown=5,
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


def _read_password_stdin() -> str:
    if sys.stdin.isatty():
        print("password: ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().rstrip("\r\n")


def cmd_users_create(args: argparse.Namespace, settings: Settings) -> int:
    from control_tower.auth.service import create_user

    if not args.password_stdin:
        return _fail("pass the password on standard input with --password-stdin", 2)
    password = _read_password_stdin()

    async def run() -> dict[str, object]:
        created: dict[str, object] = await _with_session(
            settings,
            lambda session, clock: create_user(
                session,
                email=args.email,
                name=args.name,
                role=args.role,
                business_unit=args.business_unit,
                password=password,
                clock=clock,
            ),
        )
        return created

    try:
        user = asyncio.run(run())
    except AppError as exc:
        return _fail(exc.message)
    print(f"users: created {user['id']} ({user['email']}, {user['role']})")
    return 0


def cmd_users_set_password(args: argparse.Namespace, settings: Settings) -> int:
    from control_tower.auth.service import set_password

    if not args.password_stdin:
        return _fail("pass the password on standard input with --password-stdin", 2)
    password = _read_password_stdin()
    try:
        user_id = asyncio.run(
            _with_session(
                settings,
                lambda session, clock: set_password(
                    session, email=args.email, password=password, clock=clock
                ),
            )
        )
    except AppError as exc:
        return _fail(exc.message)
    print(f"users: password set for {user_id}; their sessions were ended")
    return 0


async def _with_session(settings: Settings, action: Any) -> Any:
    from control_tower.core.clock import Clock
    from control_tower.core.db import Database
    from control_tower.core.migrate import migrate

    migrate(settings.database_url)
    database = Database(settings)
    try:
        async with database.session() as session:
            return await action(session, Clock(settings.clock_start))
    finally:
        await database.dispose()


def cmd_db_copy(args: argparse.Namespace, settings: Settings) -> int:
    from control_tower.core.config import normalise_database_url
    from control_tower.core.dbcopy import CopyError, copy_database

    try:
        source = normalise_database_url(args.source)
        target = normalise_database_url(args.target)
    except ValueError as exc:
        return _fail(f"invalid database URL: {exc}", 2)
    try:
        reports = asyncio.run(copy_database(settings, source, target))
    except CopyError as exc:
        return _fail(f"db copy: {exc}")
    for report in reports:
        print(f"db copy: {report.name:<20} {report.rows:>9,} rows  checksum {report.checksum[:16]}")
    print(f"db copy: verified {sum(r.rows for r in reports):,} rows in {len(reports)} tables")
    return 0


def cmd_announce(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.redis_url:
        return _fail(
            "announce needs REDIS_URL (the workers' shared event stream); without Redis, "
            "use POST /api/admin/notices on the running service",
            2,
        )

    async def run() -> str:
        import redis.asyncio as aioredis

        from control_tower.core.clock import Clock
        from control_tower.core.events_redis import RedisEventBus
        from control_tower.system.service import announce

        client = aioredis.from_url(settings.redis_url or "")
        bus = RedisEventBus(
            Clock(settings.clock_start), client, stream=f"{settings.redis_namespace}:events"
        )
        try:
            event = await announce(bus, message=args.message, level=args.level, by="cli")
        finally:
            await client.aclose()
        return event.id

    try:
        event_id = asyncio.run(run())
    except Exception as exc:
        return _fail(f"announce failed: {exc}")
    print(f"announce: published system notice {event_id}")
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

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    copy = db_commands.add_parser("copy", help="copy every row to another database, verified")
    copy.add_argument("--from", dest="source", required=True, help="source database URL/path")
    copy.add_argument("--to", dest="target", required=True, help="target database URL/path")
    copy.set_defaults(handler=cmd_db_copy)

    notice = commands.add_parser("announce", help="send a system notice to every client")
    notice.add_argument("--message", required=True)
    notice.add_argument("--level", choices=["info", "warning", "maintenance"], default="info")
    notice.set_defaults(handler=cmd_announce)

    users = commands.add_parser("users", help="administer users who can log in")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    create = user_commands.add_parser("create", help="add a user with a password")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=["admin", "bu_manager", "supervisor"])
    create.add_argument("--business-unit", default=None)
    create.add_argument("--password-stdin", action="store_true", help="read the password")
    create.set_defaults(handler=cmd_users_create)
    set_pw = user_commands.add_parser("set-password", help="set a user's password")
    set_pw.add_argument("--email", required=True)
    set_pw.add_argument("--password-stdin", action="store_true", help="read the password")
    set_pw.set_defaults(handler=cmd_users_set_password)

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
