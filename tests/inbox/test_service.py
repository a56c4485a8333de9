"""Pure rules of the inbox service: JSON echo and whose inbox is read."""

from __future__ import annotations

import pytest

from control_tower.auth.deps import Viewer
from control_tower.core.errors import Forbidden
from control_tower.inbox.service import inbox_owner, js_echo


class TestJsEcho:
    def test_large_integers_lose_precision_like_javascript(self) -> None:
        assert js_echo(12345678901234567890) == 1.2345678901234567e19

    def test_small_values_are_unchanged(self) -> None:
        assert js_echo(5) == 5
        assert js_echo("x") == "x"


class TestInboxOwner:
    def test_admin_reads_any_inbox_and_defaults_to_the_original_user(self) -> None:
        admin = Viewer(id="user-admin-1", role="admin")
        assert inbox_owner(admin, None) == "user-admin-001"
        assert inbox_owner(admin, "user-manager-2") == "user-manager-2"

    def test_other_roles_read_their_own(self) -> None:
        supervisor = Viewer(id="user-supervisor-1", role="supervisor", business_unit="X")
        assert inbox_owner(supervisor, None) == "user-supervisor-1"
        assert inbox_owner(supervisor, "user-supervisor-1") == "user-supervisor-1"
        with pytest.raises(Forbidden):
            inbox_owner(supervisor, "user-admin-1")
