"""Relevance scores, keyword masks, highlighting and suggested filters."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.search.parser import parse_query
from control_tower.search.scoring import (
    filter_matches,
    highlight,
    keyword_mask,
    score_case,
    severity_rank,
    suggested_filters,
)
from tests.search.conftest import NOW_MS
from tests.search.js_oracle import JsOracle

SUMMARY, CATEGORY, SUBCATEGORY = 1, 2, 4


def mask(*bits_per_keyword: int) -> int:
    value = 0
    for index, bits in enumerate(bits_per_keyword):
        value |= bits << (3 * index)
    return value


class TestScoreCase:
    def test_no_filters_no_keywords_scores_fifty(self) -> None:
        scored = score_case(filter_count=0, filter_hits=(), keyword_count=0, mask=0)
        assert (scored.score, scored.matched_fields) == (50, ())

    def test_filters_only_score_a_hundred(self) -> None:
        scored = score_case(
            filter_count=2, filter_hits=("channel", "severity"), keyword_count=0, mask=0
        )
        assert (scored.score, scored.matched_fields) == (100, ("channel", "severity"))

    def test_a_missed_filter_without_keywords_scores_zero(self) -> None:
        assert score_case(filter_count=1, filter_hits=(), keyword_count=0, mask=0).score == 0

    def test_half_the_filters_scale_to_fifty(self) -> None:
        scored = score_case(filter_count=2, filter_hits=("channel",), keyword_count=0, mask=0)
        assert scored.score == 50

    def test_keywords_alone_top_out_at_sixty(self) -> None:
        full = mask(SUMMARY | CATEGORY | SUBCATEGORY)
        assert score_case(filter_count=0, filter_hits=(), keyword_count=1, mask=full).score == 60

    def test_keyword_weights(self) -> None:
        def score(bits: int) -> int:
            return score_case(filter_count=0, filter_hits=(), keyword_count=1, mask=bits).score

        assert score(SUMMARY) == 36
        assert score(CATEGORY) == 15
        assert score(SUBCATEGORY) == 9
        assert score(SUMMARY | CATEGORY) == 51

    def test_the_keyword_mean(self) -> None:
        # "app crash": summary+category for app, summary for crash -> (0.85 + 0.6) / 2 * 60
        scored = score_case(
            filter_count=0,
            filter_hits=(),
            keyword_count=2,
            mask=mask(SUMMARY | CATEGORY, SUMMARY),
        )
        assert scored.score == 44  # 43.5 rounds half up

    def test_filters_and_keywords_add_up(self) -> None:
        scored = score_case(
            filter_count=1,
            filter_hits=("severity",),
            keyword_count=3,
            mask=mask(SUMMARY, 0, SUMMARY | CATEGORY),
        )
        assert scored.score == 69  # 40 + (0.6 + 0 + 0.85) / 3 * 60 = 69.0
        assert scored.matched_fields == ("severity", "summary", "category")

    def test_a_keyword_miss_with_a_filter_keeps_the_filter_part(self) -> None:
        scored = score_case(filter_count=1, filter_hits=("channel",), keyword_count=1, mask=0)
        assert (scored.score, scored.matched_fields) == (40, ("channel",))

    def test_matched_fields_in_first_hit_order_without_repeats(self) -> None:
        scored = score_case(
            filter_count=1,
            filter_hits=("category",),
            keyword_count=2,
            mask=mask(SUBCATEGORY, CATEGORY | SUMMARY),
        )
        assert scored.matched_fields == ("category", "subcategory", "summary")

    def test_rounding_is_half_up(self) -> None:
        # one of two keywords in the subcategory only: 0.15 / 2 * 60 = 4.5 -> 5
        scored = score_case(
            filter_count=0, filter_hits=(), keyword_count=2, mask=mask(SUBCATEGORY, 0)
        )
        assert scored.score == 5


class TestFilterMatches:
    def test_only_non_empty_lists_count_in_order(self) -> None:
        parsed = parse_query("critical emails", now_ms=NOW_MS)
        assert filter_matches(
            parsed, business_unit="X", channel="email", severity="critical", category="Y"
        ) == ("channel", "severity")
        assert filter_matches(
            parsed, business_unit="X", channel="phone", severity="critical", category="Y"
        ) == ("severity",)


class TestKeywordMask:
    def test_lowercase_substring_tests_per_field(self) -> None:
        found = keyword_mask(("app", "crash"), "KFC App crashed", "App & Technical", None)
        assert found == mask(SUMMARY | CATEGORY, SUMMARY)

    def test_missing_subcategory_is_empty_text(self) -> None:
        assert keyword_mask(("none",), "x", "y", None) == 0

    def test_unicode_lowercasing(self) -> None:
        assert keyword_mask(("istanbul",), "İSTANBUL", "x", "y") == 0  # "i̇stanbul"
        assert keyword_mask(("i̇stanbul",), "İSTANBUL", "x", "y") == SUMMARY
        assert keyword_mask(("kfc",), "\u212aFC", "x", "y") == SUMMARY  # Kelvin sign


class TestHighlight:
    def test_every_occurrence_keeps_its_case(self) -> None:
        assert highlight("KFC app: App crashed", ["app"]) == "KFC **app**: **App** crashed"

    def test_keywords_apply_one_after_another(self) -> None:
        assert highlight("KFC app crashed", ["kfc", "app", "crash"]) == (
            "**KFC** **app** **crash**ed"
        )

    def test_regex_characters_are_literal(self) -> None:
        assert highlight("cost (a+b)* today", ["(a+b)*"]) == "cost **(a+b)*** today"

    def test_a_later_keyword_can_match_inserted_stars(self) -> None:
        assert highlight("abc", ["abc", "**a"]) == "****a**bc**"

    def test_no_keywords_no_change(self) -> None:
        assert highlight("Plain", []) == "Plain"

    def test_case_folding_is_javascripts(self) -> None:
        assert highlight("STRASSE straße", ["ß"]) == "STRASSE stra**ß**e"
        assert highlight("\u212a k K", ["k"]) == "\u212a **k** **K**"

    @given(
        text=st.text(
            alphabet=st.sampled_from("aAbBßẞİıiIkK\u212aσΣς😀*()+ \u00e9\u00c9"), max_size=24
        ),
        keywords=st.lists(
            st.text(alphabet=st.sampled_from("abißσςk*(é😀"), min_size=1, max_size=3),
            max_size=3,
        ),
    )
    def test_matches_javascript_replace(self, js: JsOracle, text: str, keywords: list[str]) -> None:
        assert highlight(text, keywords) == js.ask("highlight", text=text, keywords=keywords)


class TestSuggestedFilters:
    def test_order_time_then_units_channels_flags_then_severities_categories(self) -> None:
        parsed = parse_query(
            "urgent credit card emails about refunds at risk needs review this week",
            now_ms=NOW_MS,
        )
        filters = suggested_filters(parsed)
        assert [(f["type"], f["value"]) for f in filters] == [
            (
                "timeRange",
                '{"start":"2026-01-08T00:00:00.000Z","end":"2026-01-15T10:05:00.000Z"}',
            ),
            ("businessUnit", "Credit Cards"),
            ("channel", "email"),
            ("flag", "urgent"),
            ("flag", "risk"),
            ("flag", "needsReview"),
            ("severity", "high"),
            ("severity", "critical"),
            ("category", "Payment Issues"),
        ]
        assert [f["confidence"] for f in filters] == [0.95] + [0.9] * 5 + [0.85] * 3

    def test_labels_and_key_order(self) -> None:
        filters = suggested_filters(parse_query("yesterday phone", now_ms=NOW_MS))
        assert filters[0] == {
            "type": "timeRange",
            "value": json.dumps(
                {"start": "2026-01-14T00:00:00.000Z", "end": "2026-01-14T23:59:59.999Z"},
                separators=(",", ":"),
            ),
            "label": "Date: Yesterday",
            "confidence": 0.95,
        }
        assert filters[1] == {
            "type": "channel",
            "value": "phone",
            "label": "Channel: phone",
            "confidence": 0.9,
        }

    def test_nothing_to_suggest(self) -> None:
        assert suggested_filters(parse_query("cold chicken", now_ms=NOW_MS)) == []


class TestSeverityRank:
    @pytest.mark.parametrize(
        ("severity", "rank"),
        [("critical", 4), ("high", 3), ("medium", 2), ("low", 1), ("bogus", 0)],
    )
    def test_ranks(self, severity: str, rank: int) -> None:
        assert severity_rank(severity) == rank
