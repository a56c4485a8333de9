"""``python -m bench [run] ...`` measures; ``python -m bench report`` writes the tables."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bench import datasets, report, run


def _csv(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _ints(text: str) -> list[int]:
    return [int(item) for item in _csv(text)]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = root.add_subparsers(dest="command")
    measure = commands.add_parser("run", help="measure (the default)")
    measure.add_argument("--datasets", type=_csv, default=["reference", "200k", "1m"])
    measure.add_argument("--backends", type=_csv, default=["sqlite"])
    measure.add_argument("--workers", type=_ints, default=[1])
    measure.add_argument("--duration", type=float, default=3.0, help="seconds of load per route")
    measure.add_argument(
        "--max-duration",
        type=float,
        default=20.0,
        help="a slow route runs up to this long, to collect at least a few samples",
    )
    measure.add_argument("--connections", type=int, default=None, help="default: one per worker")
    measure.add_argument("--warmup", type=int, default=2, help="requests before the load")
    measure.add_argument(
        "--routes", type=_csv, default=None, help="route names to measure (substring match)"
    )
    measure.add_argument(
        "--variants",
        type=_csv,
        default=["current=."],
        help="code under test as label=gitref (. = this tree), e.g. before=main,after=.",
    )
    measure.add_argument("--label", default="run", help="name of this run in the report")
    measure.add_argument(
        "--cache-ttl", type=float, default=0.0, help="CACHE_TTL_S of the server (0 = off)"
    )
    measure.add_argument("--files", action="store_true", help="also measure uploads and export")
    measure.add_argument("--files-only", action="store_true")
    measure.add_argument("--upload-rows", type=_ints, default=[100_000, 1_000_000])
    measure.add_argument("--export-rows", type=_ints, default=[1_000_000])
    measure.add_argument("--port", type=int, default=8765)
    build = commands.add_parser("datasets", help="build the cached datasets")
    build.add_argument("names", nargs="*", default=list(datasets.DATASETS))
    build.add_argument("--rebuild", action="store_true")
    prof = commands.add_parser("profile", help="profile one route in process (pyinstrument)")
    prof.add_argument("path", help="for example /api/pulse/sparklines")
    prof.add_argument("--dataset", default="200k")
    prof.add_argument("--database", default=None, help="a SQLite file instead of the dataset")
    prof.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    prof.add_argument(
        "--cache-ttl", type=float, default=0.0, help="CACHE_TTL_S (0 = off; > 0 times cache hits)"
    )
    prof.add_argument("--requests", type=int, default=20)
    prof.add_argument("--quiet", action="store_true", help="timings only, not profiled")
    prof.add_argument("--html", default=None, help="also write an HTML report here")
    render = commands.add_parser("report", help="render docs/performance.md from results")
    render.add_argument("results", nargs="*", help="result files (default: the latest ones)")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0].startswith("-"):
        arguments.insert(0, "run")
    args = parser().parse_args(arguments)
    if args.command == "datasets":
        for name in args.names:
            print(datasets.build(datasets.dataset(name), rebuild=args.rebuild))
        return 0
    if args.command == "profile":
        from bench.profile import profile

        profile(args)
        return 0
    if args.command == "report":
        report.write(args.results)
        return 0
    run.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
