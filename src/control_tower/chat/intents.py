"""Intent classification: ordered regex rules, first matching intent wins.

Each intent has a priority and a list of patterns tested on the lowercased, trimmed
message. Confidence is ``min(0.5 + priority / 20 (+ 0.1 when two or more of the winning
intent's patterns match), 0.95)``; a message no rule matches is a ``general_question``
with confidence 0.3. The patterns are the original's, quirks included: any "find X" is a
case search, and any word "trend", "trends" or "trending" asks for trends.

The original's backtracking patterns take quadratic time on some long inputs (a trigger
word followed by a long run of spaces; many "show" words and no "cases"). Two exact
rewrites keep every answer while making classification linear: whitespace runs are
shortened to a form no pattern can tell apart (``compact_whitespace``), and the one
pattern with a lazy gap between two repeated words is evaluated by a direct scan
(``ShowThenCasesPattern``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from control_tower.chat.jsregex import JS_WHITESPACE_CLASS_BODY, JS_WHITESPACE_RUN, js_regex
from control_tower.core.js import js_trim


class Intent(StrEnum):
    SHOW_TRENDS = "show_trends"
    FIND_CASES = "find_cases"
    SHOW_URGENT = "show_urgent"
    WHAT_HAPPENING = "what_happening"
    APPLY_FILTER = "apply_filter"
    GENERAL_QUESTION = "general_question"


GENERAL_CONFIDENCE = 0.3
MAX_CONFIDENCE = 0.95


class Pattern(Protocol):
    def search(self, string: str, /) -> object: ...


_LINE_TERMINATORS = "\n\r\u2028\u2029"
_LINE_TERMINATOR = re.compile(f"[{_LINE_TERMINATORS}]")
_LONG_WHITESPACE_RUN = re.compile(f"[{JS_WHITESPACE_CLASS_BODY}]{{3,}}")


def _compact_run(match: re.Match[str]) -> str:
    run = match.group(0)
    inner = run[1:-1]
    middle = ""
    if inner.strip(_LINE_TERMINATORS):
        middle += " "
    if _LINE_TERMINATOR.search(inner):
        middle += "\n"
    return run[0] + middle + run[-1]


def compact_whitespace(text: str) -> str:
    """Shorten every whitespace run of 3+ characters without changing any pattern's verdict.

    No pattern counts whitespace beyond "one" versus "several" (literal spaces sit between
    letters, ``\\s+``/``\\s*`` take any amount), and ``.`` only cares whether a line
    terminator is in the way. So a run keeps its first and last characters, and its middle
    becomes one space if it held other whitespace and one newline if it held a line
    terminator: every way a pattern could split the run is still possible, and no new one.
    """
    return _LONG_WHITESPACE_RUN.sub(_compact_run, text)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SHOW_OR_FILTER = re.compile(f"\\b(?:show|filter)(?=[{JS_WHITESPACE_CLASS_BODY}])", re.ASCII)
_CASES_WORD = re.compile(r"(?:cases?|issues?|data)\b", re.ASCII)


class ShowThenCasesPattern:
    """The last ``apply_filter`` pattern (``SHOW_THEN_CASES``), evaluated by a scan.

    The regex tries every "show" and lets its lazy gap run to the end of the line, which
    is quadratic. The verdict only needs, for each place ``q`` where the gap could start,
    a whitespace run followed by "case(s)", "issue(s)" or "data" that begins after ``q``
    and before the next line terminator (the gap cannot cross one).
    """

    def search(self, string: str, /) -> bool:
        text = string.translate(_ASCII_LOWER)
        starts = [match.end() for match in _SHOW_OR_FILTER.finditer(text)]
        if not starts:
            return False
        runs: list[tuple[int, int]] = []
        for run in JS_WHITESPACE_RUN.finditer(text):
            if _CASES_WORD.match(text, run.end()):
                runs.append(run.span())
        if not runs:
            return False
        run_ends = [end for _, end in runs]
        terminators = [match.start() for match in _LINE_TERMINATOR.finditer(text)]

        def gap_can_start_at(q: int) -> bool:
            index = bisect.bisect_left(terminators, q)
            line_end = terminators[index] if index < len(terminators) else len(text)
            # The first keyword run that still has a position r >= q + 1.
            found = bisect.bisect_right(run_ends, q + 1)
            if found == len(runs):
                return False
            return max(runs[found][0], q + 1) <= line_end

        return any(
            gap_can_start_at(q)
            for start in starts
            for low, high in _gap_start_ranges(text, start)
            for q in range(low, high + 1)
        )


def _run_end(text: str, position: int) -> int | None:
    """End of the whitespace run starting at ``position`` (``None`` if there is none)."""
    match = JS_WHITESPACE_RUN.match(text, position)
    return None if match is None else match.end()


def _gap_start_ranges(text: str, word_end: int) -> list[tuple[int, int]]:
    """Where the lazy gap can begin after ``show\\s+(?:me\\s+)?(?:only\\s+)?``."""
    first_end = _run_end(text, word_end)
    if first_end is None:
        return []
    ranges = [(word_end + 1, first_end)]
    after_prefix = [first_end]
    if text.startswith("me", first_end):
        me_end = _run_end(text, first_end + 2)
        if me_end is not None:
            ranges.append((first_end + 3, me_end))
            after_prefix.append(me_end)
    for position in after_prefix:
        if text.startswith("only", position):
            only_end = _run_end(text, position + 4)
            if only_end is not None:
                ranges.append((position + 5, only_end))
    return ranges


@dataclass(frozen=True, slots=True)
class IntentRule:
    intent: Intent
    priority: int
    patterns: tuple[Pattern, ...]

    def matches(self, text: str) -> int:
        """How many of this rule's patterns match ``text``."""
        return sum(1 for pattern in self.patterns if pattern.search(text))

    def confidence(self, text: str) -> float:
        value = 0.5 + self.priority / 20
        if self.matches(text) > 1:
            value += 0.1
        return min(value, MAX_CONFIDENCE)


def _rule(intent: Intent, priority: int, *patterns: str | Pattern) -> IntentRule:
    return IntentRule(
        intent, priority, tuple(js_regex(p) if isinstance(p, str) else p for p in patterns)
    )


SHOW_THEN_CASES = r"\b(show|filter)\s+(?:me\s+)?(?:only\s+)?(.+?)\s+(?:cases?|issues?|data)\b"


RULES: tuple[IntentRule, ...] = (
    _rule(
        Intent.SHOW_TRENDS,
        10,
        r"\b(what(?:'s|s| is)? trending)\b",
        r"\b(show(?:ing)?|see|view|display)?\s*(the\s+)?trend(?:s|ing)?\b",
        r"\b(top|popular|hot)\s+(topic|issue|problem)s?\b",
        r"\b(rising|growing|increasing)\s+(topic|issue|problem)s?\b",
        r"\btrend(?:s|ing)?\s+(report|analysis|data|overview)\b",
    ),
    _rule(
        Intent.FIND_CASES,
        9,
        r"\b(find|search|look(?:ing)?\s+for|get|show(?:ing)?)\s+(?:me\s+)?(?:all\s+)?cases?\s+"
        r"(?:about|related\s+to|with|for|on|regarding|involving)\b",
        r"\b(search|find|look)\s+(?:for\s+)?['\"\"]?(.+?)['\"\"]?\b",
        r"\b(any|all)\s+cases?\s+(?:about|related\s+to|with|for|regarding)\b",
        r"\b(cases?|issues?|tickets?)\s+(?:about|related\s+to|with|for|regarding)\s+(.+)",
        r"\bwhat\s+(?:cases?|issues?|tickets?)\s+(?:do\s+we\s+have|are\s+there)\s+"
        r"(?:about|for|regarding|related\s+to)\b",
    ),
    _rule(
        Intent.SHOW_URGENT,
        8,
        r"\b(show|see|view|display|get|list)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?"
        r"(urgent|critical|high\s+(?:priority|severity))\s*(cases?|issues?|tickets?|alerts?|items?)?\b",
        r"\b(urgent|critical|high\s+(?:priority|severity))\s*(cases?|issues?|tickets?|alerts?)?\b",
        r"\b(escalation|escalated)\s*(cases?|issues?|tickets?|needed)?\b",
        r"\b(what|any|which)\s+(?:needs?|requires?)\s+(escalation|attention|review)\b",
        r"\b(needs?|requires?)\s+(escalation|immediate\s+attention|urgent\s+review)\b",
        r"\bwhat(?:'s| is)?\s+(?:most\s+)?(urgent|critical|important)\b",
    ),
    _rule(
        Intent.WHAT_HAPPENING,
        7,
        r"\bwhat(?:'s| is)?\s+happening\b",
        r"\bwhat(?:'s| is)?\s+going\s+on\b",
        r"\b(give\s+me\s+(?:a\s+)?|show\s+(?:me\s+)?(?:a\s+)?|provide\s+(?:a\s+)?)?"
        r"(?:today(?:'s)?|daily|current)\s+(summary|overview|report|status|update)\b",
        r"\b(summary|overview|status|update)\s+(?:for\s+)?today\b",
        r"\bhow(?:'s| is)?\s+(?:everything|things|it)\s+(?:going|looking)\b",
        r"\b(what|how)\s+(?:are|is)\s+(?:we|things)\s+(?:doing|looking)\s+today\b",
        r"\bgive\s+me\s+(?:the\s+)?(?:run\s*down|rundown|update|overview)\b",
        r"\b(brief|quick)\s+(me|update)\b",
    ),
    _rule(
        Intent.APPLY_FILTER,
        6,
        r"\b(filter|show(?:ing)?|display|view)\s+(?:to|by|only|for)?\s*(?:bu|business\s*unit)\s+(.+)",
        r"\b(filter|show(?:ing)?|display|view)\s+(?:to|by|only|for)?\s*(?:channel)\s+(.+)",
        r"\b(filter|show(?:ing)?|display|view)\s+(?:to|by|only|for)?\s*(?:last|past)\s+(\d+)\s*"
        r"(day|week|month)s?\b",
        r"\b(set|apply|add|change)\s+(?:a\s+)?filter\b",
        r"\b(only|just)\s+(?:show|display|view)\s+(.+)",
        ShowThenCasesPattern(),  # SHOW_THEN_CASES
    ),
)


@dataclass(frozen=True, slots=True)
class Classification:
    intent: Intent
    confidence: float


def normalize(message: str) -> str:
    """``message.toLowerCase().trim()``."""
    return js_trim(message.lower())


def classify(message: str) -> Classification:
    """Classify a raw chat message."""
    text = compact_whitespace(normalize(message))
    for rule in RULES:
        if any(pattern.search(text) for pattern in rule.patterns):
            return Classification(rule.intent, rule.confidence(text))
    return Classification(Intent.GENERAL_QUESTION, GENERAL_CONFIDENCE)
