"""``control-tower users create`` / ``set-password``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(database: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": str(database), "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "control_tower", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


class TestUsersCli:
    def test_create_then_login_password_works(self, reference_db: Path) -> None:
        created = run(
            reference_db,
            "create",
            "--email",
            "lead@example.com",
            "--name",
            "Lead",
            "--role",
            "supervisor",
            "--business-unit",
            "KFC Delivery",
            "--password-stdin",
            stdin="a-long-password\n",
        )
        assert created.returncode == 0, created.stderr
        assert "created user-" in created.stdout
        duplicate = run(
            reference_db,
            "create",
            "--email",
            "LEAD@example.com",
            "--name",
            "Lead",
            "--role",
            "supervisor",
            "--business-unit",
            "KFC Delivery",
            "--password-stdin",
            stdin="a-long-password\n",
        )
        assert duplicate.returncode == 1
        assert "already exists" in duplicate.stderr

    def test_policy_and_role_checks(self, reference_db: Path) -> None:
        short = run(
            reference_db,
            "create",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--role",
            "admin",
            "--password-stdin",
            stdin="short\n",
        )
        assert short.returncode == 1 and "at least 8 characters" in short.stderr
        no_unit = run(
            reference_db,
            "create",
            "--email",
            "b@example.com",
            "--name",
            "B",
            "--role",
            "bu_manager",
            "--password-stdin",
            stdin="a-long-password\n",
        )
        assert no_unit.returncode == 1 and "needs a business unit" in no_unit.stderr

    def test_set_password_for_existing_and_unknown(self, reference_db: Path) -> None:
        ok = run(
            reference_db,
            "set-password",
            "--email",
            "manager1@thaibev.com",
            "--password-stdin",
            stdin="another-password\n",
        )
        assert ok.returncode == 0 and "password set for user-manager-1" in ok.stdout
        missing = run(
            reference_db,
            "set-password",
            "--email",
            "nobody@example.com",
            "--password-stdin",
            stdin="another-password\n",
        )
        assert missing.returncode == 1 and "no user with email" in missing.stderr

    def test_password_must_come_from_stdin(self, reference_db: Path) -> None:
        result = run(reference_db, "set-password", "--email", "manager1@thaibev.com")
        assert result.returncode == 2
