"""Intent classification: patterns, priorities, confidence, and the linear-time rewrites."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from control_tower.chat.intents import (
    RULES,
    SHOW_THEN_CASES,
    Intent,
    IntentRule,
    ShowThenCasesPattern,
    classify,
    compact_whitespace,
    normalize,
)
from control_tower.chat.jsregex import js_regex

CONFIDENCES = {0.3, 0.8, 0.85, 0.9, 0.95}


def reference_classify(message: str) -> tuple[Intent, float]:
    """The original algorithm verbatim: every regex on the uncompacted text."""
    text = normalize(message)
    raw_show_then_cases = js_regex(SHOW_THEN_CASES)
    for rule in RULES:
        patterns = [
            raw_show_then_cases if isinstance(p, ShowThenCasesPattern) else p for p in rule.patterns
        ]
        matching = [p for p in patterns if p.search(text)]
        if matching:
            value = 0.5 + rule.priority / 20
            if len(matching) > 1:
                value += 0.1
            return rule.intent, min(value, 0.95)
    return Intent.GENERAL_QUESTION, 0.3


def as_pair(message: str) -> tuple[Intent, float]:
    result = classify(message)
    return result.intent, result.confidence


TOKENS = [
    "show", "filter", "me", "only", "find", "search", "look", "for", "cases", "case",
    "issues", "issue", "data", "trend", "trends", "what", "what's", "is", "happening",
    "going", "on", "urgent", "critical", "high", "priority", "give", "the", "rundown",
    "today", "daily", "summary", "bu", "channel", "last", "past", "7", "days", "x", "!",
    '"', "'", "SHOW", "Cases", "escalated", "needs", "attention", "about", "to", "by",
    "just", "view", "set", "filter", "how", "things", "looking", "brief", "top", "topics",
]  # fmt: skip
SPACES = [" ", " ", " ", "  ", "   ", "\n", "\r", "\u2028", "\u2029", "\u00a0", "\t", "\ufeff",
          " \n ", "\n \n", "\x1c", "\x85", "  \u2028  "]  # fmt: skip
messages = st.lists(st.sampled_from(TOKENS + SPACES), max_size=14).map("".join)


class TestClassify:
    @pytest.mark.parametrize(
        ("message", "intent", "confidence"),
        [
            ("What's trending?", Intent.SHOW_TRENDS, 0.95),
            ("Show me the top issues", Intent.SHOW_TRENDS, 0.95),
            ("trend report for KFC", Intent.SHOW_TRENDS, 0.95),
            ("rising problems this week", Intent.SHOW_TRENDS, 0.95),
            ("Find cases about late delivery", Intent.FIND_CASES, 0.95),
            ("cases about refunds", Intent.FIND_CASES, 0.95),
            ("what issues do we have about delivery", Intent.FIND_CASES, 0.95),
            ("Show urgent cases", Intent.SHOW_URGENT, 0.95),
            ("show critical data", Intent.SHOW_URGENT, 0.95),
            ("what needs attention?", Intent.SHOW_URGENT, 0.9),
            ("escalated tickets", Intent.SHOW_URGENT, 0.9),
            ("needs immediate attention", Intent.SHOW_URGENT, 0.9),
            ("What's happening today?", Intent.WHAT_HAPPENING, 0.85),
            ("Give me the rundown", Intent.WHAT_HAPPENING, 0.85),
            ("how are things looking today for beer", Intent.WHAT_HAPPENING, 0.85),
            ("quick update", Intent.WHAT_HAPPENING, 0.85),
            ("filter by channel line", Intent.APPLY_FILTER, 0.8),
            ("show last 7 days", Intent.APPLY_FILTER, 0.8),
            ("only show risky cases", Intent.APPLY_FILTER, 0.9),
            ("Hello there", Intent.GENERAL_QUESTION, 0.3),
        ],
    )
    def test_examples(self, message: str, intent: Intent, confidence: float) -> None:
        assert as_pair(message) == (intent, confidence)

    def test_trends_outrank_urgent_words(self) -> None:
        assert classify("show trending urgent cases").intent is Intent.SHOW_TRENDS

    def test_any_find_word_is_a_case_search(self) -> None:
        assert classify("find urgent cases").intent is Intent.FIND_CASES
        assert classify("look here").intent is Intent.FIND_CASES
        assert classify("find x").confidence == 0.95

    def test_only_whole_trend_words_ask_for_trends(self) -> None:
        assert classify("TRENDS").intent is Intent.SHOW_TRENDS
        assert classify("trendy shoes").intent is Intent.GENERAL_QUESTION
        assert classify("searching").intent is Intent.GENERAL_QUESTION

    def test_urgent_words_outrank_the_summary(self) -> None:
        assert classify("urgent: what is happening").intent is Intent.SHOW_URGENT

    def test_help_text_suggestions_that_do_not_work(self) -> None:
        assert classify("Give me an update").intent is Intent.GENERAL_QUESTION
        assert classify("Show only phone channel").intent is Intent.GENERAL_QUESTION

    def test_two_matching_patterns_add_a_tenth(self) -> None:
        urgent = next(rule for rule in RULES if rule.intent is Intent.SHOW_URGENT)
        assert urgent.matches("show urgent cases") >= 2
        assert urgent.confidence("show urgent cases") == 0.95
        assert urgent.matches("escalated tickets") == 1
        assert urgent.confidence("escalated tickets") == 0.9

    def test_message_is_lowercased_and_trimmed(self) -> None:
        assert normalize("  What's HAPPENING\u00a0") == "what's happening"

    def test_rules_are_in_priority_order(self) -> None:
        priorities = [rule.priority for rule in RULES]
        assert priorities == sorted(priorities, reverse=True) == [10, 9, 8, 7, 6]
        assert all(isinstance(rule, IntentRule) for rule in RULES)

    @given(st.text())
    def test_any_text_classifies_with_a_documented_confidence(self, message: str) -> None:
        result = classify(message)
        assert result.confidence in CONFIDENCES
        assert (result.intent is Intent.GENERAL_QUESTION) == (result.confidence == 0.3)

    @settings(max_examples=400)
    @given(messages)
    def test_same_answer_as_the_original_algorithm(self, message: str) -> None:
        assert as_pair(message) == reference_classify(message)

    def test_long_adversarial_messages_take_linear_time(self) -> None:
        # Each of these took the backtracking patterns minutes; 2 s is generous.
        for message in (
            "find" + " " * 60_000 + "!",
            "show" + " " * 60_000 + "!\nx",
            "show " * 30_000,
            "only show " * 15_000,
        ):
            started = time.perf_counter()
            classify(message)
            assert time.perf_counter() - started < 2


class TestCompactWhitespace:
    def test_short_runs_are_kept(self) -> None:
        assert compact_whitespace("a b\n\nc") == "a b\n\nc"

    def test_long_run_keeps_its_ends_and_what_its_middle_held(self) -> None:
        assert compact_whitespace("a" + " " * 10 + "b") == "a   b"
        assert compact_whitespace("a \n\n\n b") == "a \n b"
        assert compact_whitespace("a\n  \u2028 \tb") == "a\n \n\tb"


class TestShowThenCasesPattern:
    pattern = ShowThenCasesPattern()
    regex = js_regex(SHOW_THEN_CASES)

    @pytest.mark.parametrize(
        "text",
        [
            "show beer cases",
            "show me only risky issues",
            "filter me\nonly x data",
            "show\n\nx cases",
            "show x\ny cases",
            "show x \ncases",
            "show cases",
            "show  cases",
            "show x casesy",
            "SHOW X CASES",
            "reshow x cases",
        ],
    )
    def test_agrees_with_the_regex(self, text: str) -> None:
        assert bool(self.pattern.search(text)) == bool(self.regex.search(text))

    @settings(max_examples=500)
    @given(messages)
    def test_agrees_with_the_regex_on_generated_text(self, text: str) -> None:
        assert bool(self.pattern.search(text)) == bool(self.regex.search(text))

    def test_regex_constant_is_the_original_pattern(self) -> None:
        assert re.search(r"\(\.\+\?\)", SHOW_THEN_CASES)
