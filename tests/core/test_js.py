"""JavaScript number and parsing semantics, checked against Node.js where it is installed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.js import js_number, js_number_to_string, js_round, parse_int
from control_tower.core.jsonenc import dumps
from tests.support.node import NodeOracle, float_bits

any_float = st.floats(allow_nan=True, allow_infinity=True)


class TestJsonNumbers:
    @given(any_float)
    def test_float_encodes_like_json_stringify(self, node: NodeOracle, value: float) -> None:
        expected = node.ask(op="stringify", bits=str(float_bits(value)))
        assert dumps(value).decode() == expected

    @given(st.integers(min_value=-(2**53), max_value=2**53))
    def test_integral_floats_print_without_decimal_point(self, value: int) -> None:
        assert dumps(float(value)).decode() == str(value)

    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (3.42e-6, "0.00000342"),
            (1e-6, "0.000001"),
            (9.99e-6, "0.00000999"),
            (2e-7, "2e-7"),
            (1e16 + 2, "10000000000000002"),
            (-4.5e-6, "-0.0000045"),
        ],
    )
    def test_small_and_large_layouts(self, value: float, text: str) -> None:
        assert dumps(value).decode() == text

    def test_known_values(self) -> None:
        assert dumps({"a": 95.0, "b": 54.5, "c": float("nan"), "d": -0.0}) == (
            b'{"a":95,"b":54.5,"c":null,"d":0}'
        )
        assert dumps({"name": "สมชาย", "path": "a/b"}) == '{"name":"สมชาย","path":"a/b"}'.encode()

    @given(st.floats(allow_nan=False, allow_infinity=False))
    def test_number_to_string_round_trips(self, value: float) -> None:
        text = js_number_to_string(value)
        assert float(text) == value or (value == 0 and text == "0")
        if 1e-6 <= abs(value) < 1e21:
            assert "e" not in text

    @given(any_float)
    def test_number_to_string_matches_node(self, node: NodeOracle, value: float) -> None:
        expected = node.ask(op="stringify", bits=str(float_bits(value)))
        text = js_number_to_string(value)
        if math.isnan(value) or math.isinf(value):
            assert expected == "null"
        else:
            assert text == expected


class TestIsoTimestamps:
    @given(st.integers(min_value=-62135596800000, max_value=253402300799999))
    def test_iso_matches_to_iso_string(self, node: NodeOracle, ms: int) -> None:
        from control_tower.core.clock import iso_from_ms

        assert iso_from_ms(ms) == node.ask(op="iso", ms=ms)


class TestParseInt:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2.7", 2),
            ("3x", 3),
            (" 12", 12),
            ("1e3", 1),
            ("0x10", 0),
            ("abc", None),
            ("-1", -1),
            ("+5", 5),
            ("", None),
            ("\t\n7", 7),
            ("-", None),
        ],
    )
    def test_documented_examples(self, text: str, expected: int | None) -> None:
        assert parse_int(text) == expected

    @given(st.text(max_size=12))
    def test_matches_node(self, node: NodeOracle, text: str) -> None:
        expected = node.ask(op="parseInt", value=text)
        got = parse_int(text)
        if expected == "NaN":
            assert got is None
        else:
            assert got is not None and float(got) == float(expected)


class TestRound:
    @pytest.mark.parametrize(
        ("value", "expected"), [(2.5, 3), (-2.5, -2), (0.49999999999999994, 0)]
    )
    def test_half_rounds_up(self, value: float, expected: int) -> None:
        assert js_round(value) == expected

    @given(st.floats(min_value=-1e15, max_value=1e15))
    def test_matches_math_round(self, node: NodeOracle, value: float) -> None:
        assert str(js_round(value)) == node.ask(op="round", bits=str(float_bits(value))).replace(
            "-0", "0"
        )


class TestNumber:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (10**400, math.inf),  # JSON.parse reads a literal past doubles as Infinity
            (-(10**400), -math.inf),
            ("0x" + "f" * 300, math.inf),
            (45000, 45000.0),
            (" 31000 ", 31000.0),
            ("abc", None),
            (None, 0.0),
        ],
    )
    def test_number_of_json_values(self, value: object, expected: float | None) -> None:
        assert js_number(value) == expected

    @pytest.mark.parametrize("digits", [401, 5000])
    def test_parse_int_past_doubles_stays_past_doubles(self, digits: int) -> None:
        # Python refuses int() of more than 4300 digits; JavaScript reads Infinity.
        assert parse_int("9" * digits) == 10**400
        assert parse_int("-" + "9" * digits) == -(10**400)
