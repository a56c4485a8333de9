"""Term extraction: normalisation, stop words, unigrams then bigrams."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from control_tower.trending.terms import (
    STOP_WORDS,
    case_terms,
    extract_terms,
    is_significant,
    normalize_term,
)

# Words from the seed's vocabulary, stop words, punctuation, Thai and odd whitespace.
WORDS = st.sampled_from(
    [
        "Discount", "code", "THAIBEV20", "not", "applied", "-", "Villa", "Market", "the",
        "customer", "app", "crash", "7-Eleven", "2025-01-10", "500", "ไก่", "ทอด", "KFC's",
        "delivery!", "late", "a", "is", "order", "lost", "e-mail", "café", "\u00a0", "K",
    ]
)  # fmt: skip
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\n", " - ", ", ", "\u3000"])
SUMMARIES = st.lists(st.tuples(WORDS, SEPARATORS), max_size=12).map(
    lambda parts: "".join(word + separator for word, separator in parts)
)


class TestNormalizeTerm:
    def test_lowercases_and_strips_punctuation(self) -> None:
        assert normalize_term("Discount Code!") == "discount code"

    def test_keeps_hyphens_digits_and_underscores(self) -> None:
        assert normalize_term("7-Eleven snake_case 2025-01-10") == "7-eleven snake_case 2025-01-10"

    def test_deletes_thai_text_entirely(self) -> None:
        assert normalize_term("ไก่ทอด") == ""

    def test_collapses_javascript_whitespace(self) -> None:
        assert normalize_term("  a\u00a0\u3000b\t\nc  ") == "a b c"

    def test_non_ascii_letters_vanish_but_their_ascii_lowercase_stays(self) -> None:
        # The Kelvin sign lower-cases to an ASCII "k" before the filter runs, as in JS.
        assert normalize_term("\u212aFC café") == "kfc caf"

    @given(st.text())
    def test_is_idempotent(self, text: str) -> None:
        once = normalize_term(text)
        assert normalize_term(once) == once

    @given(st.text())
    def test_output_has_only_word_characters_hyphens_and_single_spaces(self, text: str) -> None:
        normalized = normalize_term(text)
        assert all(c.isascii() and (c.isalnum() or c in "_- ") for c in normalized)
        assert "  " not in normalized
        assert normalized == normalized.strip(" ")
        assert normalized == normalized.lower()


class TestExtractTerms:
    def test_unigrams_then_bigrams(self) -> None:
        assert extract_terms("Discount code THAIBEV20 not applied - Villa Market") == [
            "discount",
            "code",
            "thaibev20",
            "applied",
            "villa",
            "market",
            "discount code",
            "code thaibev20",
            "villa market",
        ]

    def test_bigram_needs_two_adjacent_significant_words(self) -> None:
        # "not" is a stop word and "-" is too short: neither bridges a bigram.
        assert "thaibev20 applied" not in extract_terms("THAIBEV20 not applied")
        assert "applied villa" not in extract_terms("applied - Villa")

    def test_call_center_words_are_stop_words(self) -> None:
        assert extract_terms("Customer called support about the issue") == []

    def test_numbers_and_hyphenated_tokens_are_significant(self) -> None:
        assert extract_terms("500 7-eleven 2025-01-10") == [
            "500",
            "7-eleven",
            "2025-01-10",
            "500 7-eleven",
            "7-eleven 2025-01-10",
        ]

    def test_case_terms_are_distinct_in_first_occurrence_order(self) -> None:
        assert case_terms("late late delivery late delivery") == (
            "late",
            "delivery",
            "late late",
            "late delivery",
            "delivery late",
        )

    @given(SUMMARIES)
    def test_stop_words_and_short_words_are_never_emitted(self, summary: str) -> None:
        for term in extract_terms(summary):
            for word in term.split(" "):
                assert word not in STOP_WORDS
                assert len(word) >= 3

    @given(SUMMARIES)
    def test_bigrams_are_adjacent_pairs_of_significant_words(self, summary: str) -> None:
        words = normalize_term(summary).split(" ")
        pairs = {f"{a} {b}" for a, b in pairwise(words)}
        for term in extract_terms(summary):
            if " " in term:
                first, second = term.split(" ")
                assert term in pairs
                assert is_significant(first) and is_significant(second)

    @given(SUMMARIES)
    def test_terms_are_normalised_and_unigrams_come_first(self, summary: str) -> None:
        terms = extract_terms(summary)
        assert all(normalize_term(term) == term for term in terms)
        kinds = [" " in term for term in terms]
        assert kinds == sorted(kinds)
