"""Request values stored the way the original's SQLite driver stored them."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.sqlbind import Unbindable, bound_text, well_formed


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


class TestWellFormed:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("plain", "plain"),
            ("ไก่ทอด", "ไก่ทอด"),
            ("a\ud800b", "a\ufffdb"),
            ("\udc00\ud83d", "\ufffd\ufffd"),
            ("😀", "😀"),  # a pair decoded from JSON is one code point: untouched
        ],
    )
    def test_lone_surrogates_become_replacement_characters(self, value: str, expected: str) -> None:
        # What V8 writes when it encodes the string to UTF-8 for SQLite (Buffer.from does too).
        assert well_formed(value) == expected

    @given(st.text())
    def test_text_without_surrogates_is_unchanged(self, value: str) -> None:
        assert well_formed(value) == value
