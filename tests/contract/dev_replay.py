"""Developer tool: replay recorded requests against a fresh in-process server and print diffs.

PYTHONPATH=src .venv/bin/python -m tests.contract.dev_replay --group alerts --group cases
PYTHONPATH=src .venv/bin/python -m tests.contract.dev_replay --sequence mutA
PYTHONPATH=src .venv/bin/python -m tests.contract.dev_replay --id R-cases-007 -v
CT_TEST_DATABASE=postgresql PYTHONPATH=src .venv/bin/python -m tests.contract.dev_replay ...
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["TZ"] = "UTC"
time.tzset()

from tests.contract.test_golden_replay import fresh_server  # noqa: E402
from tests.support.paths import GOLDEN, GOLDEN_COMPARE  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--group", action="append", default=[])
    parser.add_argument("--id", action="append", default=[])
    parser.add_argument("--sequence")
    parser.add_argument("--max-diffs", default="40")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fresh_server(Path(tmp)) as server:
        command = [
            sys.executable,
            str(GOLDEN_COMPARE),
            str(GOLDEN),
            server.url,
            "--errors",
            "superset",
            "--max-diffs",
            args.max_diffs,
        ]
        if args.sequence:
            command += ["--mode", "mutations", "--sequence", args.sequence]
        else:
            command += ["--mode", "reads"]
        for group in args.group:
            command += ["--group", group]
        for record_id in args.id:
            command += ["--id", record_id]
        if args.verbose:
            command.append("-v")
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
