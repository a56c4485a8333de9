"""Pure rules of the inbox service: value binding and whose inbox is read."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.auth.deps import Viewer
from control_tower.core.errors import Forbidden
from control_tower.inbox.service import Unbindable, bound_text, inbox_owner, js_echo


def sqlite_stored_text(value: float) -> str:
    """What SQLite itself stores when a REAL is bound into a TEXT column."""
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
        connection.execute("INSERT INTO t VALUES (?)", (value,))
        stored: str = connection.execute("SELECT x FROM t").fetchone()[0]
    return stored


def near_half(value: float) -> bool:
    """Whether the exact value lies (almost) half-way between two 15-digit roundings.

    Older SQLite builds (like the one Python may link) round these with extended precision
    arithmetic and sometimes land on the other side; SQLite 3.43+ rounds the exact digits.
    """
    digits = "".join(map(str, abs(Decimal(value)).as_tuple().digits)).lstrip("0")
    if len(digits) <= 15:
        return False
    remainder = Decimal("0." + digits[15:])
    return abs(remainder - Decimal("0.5")) < Decimal("0.001")


def exact_half(value: float) -> bool:
    digits = "".join(map(str, abs(Decimal(value)).as_tuple().digits)).lstrip("0").rstrip("0")
    return len(digits) == 16 and digits.endswith("5")


def alt_g15(value: float) -> str:
    """``%!.15g``: ``%.15g`` that always keeps a decimal point; zero is ``0.0``."""
    if value == 0:
        return "0.0"
    mantissa, marker, exponent = f"{value:.15g}".partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + marker + exponent


class TestBoundText:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (123, "123.0"),
            (1.5, "1.5"),
            (0, "0.0"),
            (-0.0, "0.0"),
            (1e20, "1.0e+20"),
            (0.1 + 0.2, "0.3"),
            (2**53, "9.00719925474099e+15"),
            (10**400, "Inf"),
            ("text", "text"),
            (None, None),
        ],
    )
    def test_known_values(self, value: object, expected: str | None) -> None:
        assert bound_text(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (3831672082390755.0, "3.83167208239076e+15"),
            (1000000000000045.0, "1.00000000000005e+15"),
        ],
    )
    def test_exact_halves_round_up_like_current_sqlite(self, value: float, expected: str) -> None:
        # SQLite 3.43+ (the original's 3.49) rounds the exact value half-up.
        assert bound_text(value) == expected

    @given(st.floats(allow_nan=False, allow_infinity=False))
    def test_is_printf_15g_with_a_decimal_point(self, value: float) -> None:
        # CPython's %.15g is correctly rounded (half-even); SQLite rounds exact halves up.
        if not exact_half(value):
            assert bound_text(value) == alt_g15(value)

    @given(st.floats(min_value=-1e15, max_value=1e15) | st.integers(-(2**53), 2**53))
    def test_matches_this_sqlite_in_the_common_range(self, value: float) -> None:
        if not near_half(float(value)):
            assert bound_text(value) == sqlite_stored_text(float(value))

    @pytest.mark.parametrize("value", [True, False, {}, [], {"a": 1}])
    def test_booleans_objects_and_arrays_cannot_be_bound(self, value: object) -> None:
        with pytest.raises(Unbindable):
            bound_text(value)


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
