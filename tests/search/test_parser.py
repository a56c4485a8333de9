"""The natural-language query parser: vocabularies, precedence and JavaScript semantics."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from control_tower.core.clock import iso_from_ms
from control_tower.search.parser import (
    BU_ALIASES,
    BUSINESS_UNITS,
    CATEGORY_ALIASES,
    CHANNEL_ALIASES,
    CHANNELS,
    JS_SPACE_CHARS,
    SEVERITIES,
    SEVERITY_INDICATORS,
    STOP_WORDS,
    ParsedQuery,
    extract_business_units,
    extract_categories,
    extract_channels,
    extract_flags,
    extract_keywords,
    extract_severities,
    extract_time_range,
    js_lower,
    normalize,
    parse_query,
    utf16_length,
)
from tests.search.conftest import NOW_MS
from tests.search.js_oracle import JsOracle


def time_range(text: str) -> tuple[str, str | None, str] | None:
    found = extract_time_range(normalize(text), now_ms=NOW_MS)
    if found is None:
        return None
    span = found.to_json()
    return span["label"], span["start"], span["end"]


NOW = iso_from_ms(NOW_MS)


class TestTimeRange:
    def test_last_n_days_starts_at_local_midnight(self) -> None:
        assert time_range("cases last 3 days") == (
            "Last 3 days",
            "2026-01-12T00:00:00.000Z",
            NOW,
        )

    def test_one_day_keeps_the_plural_label(self) -> None:
        assert time_range("past 1 day") == ("Last 1 days", "2026-01-14T00:00:00.000Z", NOW)

    def test_leading_zeros_are_read_as_parseint_reads_them(self) -> None:
        assert time_range("last 007days")[0] == "Last 7 days"  # type: ignore[index]

    def test_n_days_wins_over_every_other_rule(self) -> None:
        assert time_range("yesterday and the last 14 days")[0] == "Last 14 days"  # type: ignore[index]

    @pytest.mark.parametrize("text", ["today", "todays cases", "this morning", "this afternoon"])
    def test_today_matches_as_a_substring(self, text: str) -> None:
        assert time_range(text) == ("Today", "2026-01-15T00:00:00.000Z", NOW)

    def test_yesterday_ends_at_the_last_millisecond_of_the_day(self) -> None:
        assert time_range("yesterday") == (
            "Yesterday",
            "2026-01-14T00:00:00.000Z",
            "2026-01-14T23:59:59.999Z",
        )

    @pytest.mark.parametrize(
        ("text", "label", "start"),
        [
            ("this week", "Last 7 days", "2026-01-08T00:00:00.000Z"),
            ("pastweek", "Last 7 days", "2026-01-08T00:00:00.000Z"),
            ("this month", "Last 30 days", "2025-12-16T00:00:00.000Z"),
            ("last quarter", "Last 90 days", "2025-10-17T00:00:00.000Z"),
        ],
    )
    def test_named_spans(self, text: str, label: str, start: str) -> None:
        assert time_range(text) == (label, start, NOW)

    def test_today_is_checked_before_the_named_spans(self) -> None:
        assert time_range("today this week")[0] == "Today"  # type: ignore[index]

    def test_ecmascript_whitespace_separates_words(self) -> None:
        assert time_range("last\u00a0week")[0] == "Last 7 days"  # type: ignore[index]
        assert time_range("last\u3000\u20282 days")[0] == "Last 2 days"  # type: ignore[index]

    def test_unicode_digits_are_not_digits(self) -> None:
        assert time_range("last \u0663 days") is None

    def test_no_time_words_no_range(self) -> None:
        assert time_range("app crash") is None

    def test_a_range_beyond_any_date_has_no_start(self) -> None:
        found = extract_time_range("last 99999999999999999999 days", now_ms=NOW_MS)
        assert found is not None
        assert not found.is_valid
        assert found.label == "Last 100000000000000000000 days"
        assert found.to_json()["start"] is None

    def test_the_last_valid_day_is_still_a_date(self) -> None:
        found = extract_time_range("last 100000000 days", now_ms=NOW_MS)
        assert found is not None and found.is_valid
        assert found.to_json()["start"] == "-271765-05-05T00:00:00.000Z"

    def test_just_past_the_date_range_is_invalid(self) -> None:
        found = extract_time_range("last 100021000 days", now_ms=NOW_MS)
        assert found is not None and not found.is_valid


class TestBusinessUnits:
    def test_aliases_match_inside_words(self) -> None:
        assert extract_business_units("account access") == ("Credit Cards",)

    def test_longer_aliases_are_tried_first(self) -> None:
        assert extract_business_units("credit card fraud") == (
            "Credit Cards",
            "Fraud Prevention",
        )

    def test_canonical_names_count_too(self) -> None:
        assert extract_business_units("wealth management") == ("Wealth Management",)

    def test_each_unit_once_in_first_found_order(self) -> None:
        assert extract_business_units("online banking and mobile banking") == (
            "Mobile Banking",
            "Online Banking",
        )

    def test_thaibev_units_are_not_in_the_vocabulary(self) -> None:
        assert extract_business_units("kfc delivery oishi") == ()


class TestChannels:
    def test_whole_words_only(self) -> None:
        assert extract_channels("emails about phones") == ("email",)

    def test_declaration_order(self) -> None:
        assert extract_channels("web chat or a call by telephone") == ("phone", "web")

    def test_online_is_a_web_channel(self) -> None:
        assert extract_channels("online") == ("web",)

    def test_word_boundaries_are_ascii_only(self) -> None:
        # JavaScript's \b sees "é" as a non-word character.
        assert extract_channels("éemail") == ("email",)
        assert extract_channels("émail") == ("email",)  # "mail" after a non-word "é"
        assert extract_channels("email2") == ()


class TestCategories:
    def test_substring_aliases(self) -> None:
        assert extract_categories("shipping") == ("PIN Reset",)

    def test_longest_alias_first_and_no_duplicates(self) -> None:
        assert extract_categories("payment issues with refunds") == ("Payment Issues",)

    def test_several_categories(self) -> None:
        assert extract_categories("fraud report about my statement") == (
            "Fraud Report",
            "Statement Request",
        )


class TestSeverities:
    def test_indicators_add_their_severities_in_order(self) -> None:
        assert extract_severities("minor but urgent") == ("high", "critical", "low")

    def test_whole_words_only(self) -> None:
        assert extract_severities("highlights lowercase") == ()

    def test_severity_word_itself(self) -> None:
        assert extract_severities("high severity") == ("high",)


class TestFlags:
    @pytest.mark.parametrize("text", ["urgent", "asap", "immediately", "an emergency"])
    def test_urgent(self, text: str) -> None:
        assert extract_flags(text).urgent

    @pytest.mark.parametrize("text", ["risk", "risky", "at-risk", "at risk", "atrisk"])
    def test_risk(self, text: str) -> None:
        assert extract_flags(text).risk

    def test_risk_accepts_ecmascript_whitespace(self) -> None:
        assert extract_flags("at\u00a0risk").risk

    @pytest.mark.parametrize("text", ["review", "needs review", "pending-review"])
    def test_needs_review(self, text: str) -> None:
        assert extract_flags(text).needs_review

    def test_flags_need_whole_words(self) -> None:
        flags = extract_flags("reviewed risks urgently")
        assert (flags.urgent, flags.risk, flags.needs_review) == (False, False, False)


class TestKeywords:
    def test_vocabulary_and_stop_words_are_removed(self) -> None:
        assert extract_keywords("urgent kfc app crash last 7 days") == ("kfc", "app", "crash")

    def test_punctuation_is_kept(self) -> None:
        assert extract_keywords("chicken, cold!") == ("chicken,", "cold!")

    def test_a_substring_alias_is_not_a_whole_word(self) -> None:
        assert extract_keywords("needs review") == ("needs",)

    def test_short_and_numeric_tokens_are_dropped(self) -> None:
        assert extract_keywords("go 12abc 4567 ok xyz") == ("12abc", "xyz")

    def test_duplicates_keep_the_first(self) -> None:
        assert extract_keywords("cold cold chicken cold") == ("cold", "chicken")

    def test_length_counts_utf16_code_units(self) -> None:
        assert extract_keywords("😀a x😀") == ("x😀",)
        assert extract_keywords("😀b") == ("😀b",)

    def test_thai_words_are_keywords(self) -> None:
        assert extract_keywords("ไก่ทอด เย็น") == ("ไก่ทอด", "เย็น")


class TestParseQuery:
    def test_original_query_is_the_raw_text(self) -> None:
        parsed = parse_query("  Show me URGENT cases  ", now_ms=NOW_MS)
        assert parsed.original_query == "  Show me URGENT cases  "
        assert parsed.severities == ("high", "critical")

    def test_json_shape_and_key_order(self) -> None:
        body = parse_query("urgent kfc app crash last 7 days", now_ms=NOW_MS).to_json()
        assert body == {
            "keywords": ["kfc", "app", "crash"],
            "timeRange": {
                "label": "Last 7 days",
                "start": "2026-01-08T00:00:00.000Z",
                "end": NOW,
            },
            "businessUnits": [],
            "channels": [],
            "severities": ["high", "critical"],
            "categories": [],
            "flags": {"urgent": True, "risk": False, "needsReview": False},
            "originalQuery": "urgent kfc app crash last 7 days",
        }
        assert list(body) == list(ParsedQuery().to_json())

    def test_filter_count_ignores_flags_and_time(self) -> None:
        assert parse_query("urgent risk today", now_ms=NOW_MS).filter_count == 1
        assert parse_query("asap risk today", now_ms=NOW_MS).filter_count == 0


_VOCABULARY = (
    [alias for alias, _ in BU_ALIASES]
    + [alias for alias, _ in CHANNEL_ALIASES]
    + [alias for alias, _ in CATEGORY_ALIASES]
    + [word for word, _ in SEVERITY_INDICATORS]
    + list(STOP_WORDS)
    + ["today", "yesterday", "last 3 days", "this week", "at-risk", "asap", "needs review"]
    + ["kfc", "app", "crash", "cold", "chicken,", "ไก่", "ÉMAIL", "İstanbul", "Σ", "😀"]
)
_SPACES = st.sampled_from([" ", "  ", "\t", "\u00a0", "\n", "\u3000", "-", ""])
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.tuples(st.sampled_from(_VOCABULARY), _SPACES), max_size=8).map(
        lambda parts: "".join(word + space for word, space in parts)
    ),
)
_CATEGORY_NAMES = {category for _, category in CATEGORY_ALIASES}


class TestParserProperties:
    @given(query=queries)
    def test_any_string_parses(self, query: str) -> None:
        parsed = parse_query(query, now_ms=NOW_MS)
        assert parsed.original_query == query
        for keyword in parsed.keywords:
            assert utf16_length(keyword) > 2
            assert keyword == js_lower(keyword)
            assert not set(keyword) & set(JS_SPACE_CHARS)

    @given(query=queries)
    def test_filters_come_from_the_vocabularies_once_each(self, query: str) -> None:
        parsed = parse_query(query, now_ms=NOW_MS)
        assert set(parsed.business_units) <= set(BUSINESS_UNITS)
        assert set(parsed.channels) <= set(CHANNELS)
        assert set(parsed.severities) <= set(SEVERITIES)
        assert set(parsed.categories) <= _CATEGORY_NAMES
        for values in (
            parsed.business_units,
            parsed.channels,
            parsed.severities,
            parsed.categories,
            parsed.keywords,
        ):
            assert len(set(values)) == len(values)

    @given(query=queries)
    def test_parsing_depends_only_on_the_normalised_query(self, query: str) -> None:
        """``normalize`` is idempotent, and parse(q) equals parse(normalize(q)) except for
        ``originalQuery``: the raw text only survives as that field."""
        once = normalize(query)
        assert normalize(once) == once
        parsed = parse_query(query, now_ms=NOW_MS)
        assert replace(parse_query(once, now_ms=NOW_MS), original_query=query) == parsed

    @given(query=queries)
    def test_each_keyword_is_a_fixed_point(self, query: str) -> None:
        """A keyword is a token no removal touched, so extracting keywords from it alone
        gives it back. (Joined keywords need not survive: "credit x card" keeps "credit"
        and "card", which together form an alias.)"""
        for keyword in parse_query(query, now_ms=NOW_MS).keywords:
            assert extract_keywords(keyword) == (keyword,)


# Characters Python's Unicode database knows: Node's newer ICU also case-maps scripts
# added later (e.g. Garay, Unicode 16), which Python 3.11 cannot.
KNOWN_TEXT = st.text(st.characters(exclude_categories=("Cn",)), max_size=40)


class TestJavaScriptSemantics:
    def test_whitespace_is_ecmascript_whitespace(self, js: JsOracle) -> None:
        assert js.ask("spaces") == sorted(ord(char) for char in JS_SPACE_CHARS)

    @given(text=KNOWN_TEXT)
    def test_lowercasing_matches_to_lower_case(self, js: JsOracle, text: str) -> None:
        assert js_lower(text) == js.ask("lower", text=text)

    @given(text=KNOWN_TEXT)
    def test_normalize_matches_lowercase_then_trim(self, js: JsOracle, text: str) -> None:
        assert normalize(text) == js.ask("trim", text=js.ask("lower", text=text))

    @given(text=st.text(max_size=40))
    def test_length_counts_code_units(self, js: JsOracle, text: str) -> None:
        assert utf16_length(text) == js.ask("length", text=text)

    @pytest.mark.parametrize("word", ["email", "line", "web", "critical"])
    @pytest.mark.parametrize(
        "text", ["éemail", "email_x", "ñline", "web2", "(critical)", "lineé", "ℹweb"]
    )
    def test_word_boundaries_match_javascript(self, js: JsOracle, word: str, text: str) -> None:
        expected = js.ask("word", pattern=word, text=js_lower(text))
        lowered = js_lower(text)
        found = extract_severities(lowered) if word == "critical" else extract_channels(lowered)
        assert (word in found) == expected
