"""Significant terms of a case summary: the vocabulary trends are counted over.

A summary is normalised (lower case, ASCII word characters, whitespace and ``-`` kept,
whitespace collapsed), split on spaces, and yields its significant words (three characters
or more, not a stop word) followed by the two-word phrases whose words are both
significant. JavaScript's ``\\w`` is ASCII-only, so Thai text disappears entirely.
"""

from __future__ import annotations

import re
from functools import lru_cache

_STOP_WORDS_TEXT = """
    a an the and or but in on at to for of with by from as is was are were been be have
    has had do does did will would could should may might must shall can need dare ought
    used this that these those am your yours yourself he she it we they them their his her
    its our me him my i you who whom which what where when why how all each every both few
    more most other some such no nor not only own same so than too very just also now here
    there then once if because until while about against between into through during before
    after above below up down out off over under again further being having doing any dont
    doesnt didnt wont wouldnt couldnt shouldnt cant cannot aint isnt wasnt arent werent
    hasnt havent hadnt lets thats whos whats heres theres wheres whens whys hows get got
    getting go going gone went customer call called calling phone email sent send service
    support help request requested agent rep representative case ticket issue problem
    reported contacted contact inquiry question asked ask says said told tell please thank
    thanks regarding re per via etc ie eg hello hi dear sincerely regards best team
    department company received receive
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

MIN_TERM_LENGTH = 3

# ECMAScript WhiteSpace and LineTerminator: what ``\s`` matches in a JavaScript RegExp.
_JS_SPACE = "\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NOT_KEPT = re.compile(f"[^A-Za-z0-9_{_JS_SPACE}-]")
SPACE_RUN = re.compile(f"[{_JS_SPACE}]+")


def normalize_term(text: str) -> str:
    """Lower-case ``text``, drop everything but ASCII word characters, spaces and ``-``."""
    kept = _NOT_KEPT.sub("", text.lower())
    return SPACE_RUN.sub(" ", kept).strip(" ")


def is_significant(word: str) -> bool:
    """Whether a normalised word counts as a term (long enough, not a stop word)."""
    return len(word) >= MIN_TERM_LENGTH and word not in STOP_WORDS


def extract_terms(text: str) -> list[str]:
    """Significant words of ``text``, then its two-word phrases of significant words."""
    words = normalize_term(text).split(" ")
    significant = [is_significant(word) for word in words]
    unigrams = [word for word, keep in zip(words, significant, strict=True) if keep]
    bigrams = [
        f"{words[i]} {words[i + 1]}"
        for i in range(len(words) - 1)
        if significant[i] and significant[i + 1]
    ]
    return unigrams + bigrams


@lru_cache(maxsize=65_536)
def case_terms(summary: str) -> tuple[str, ...]:
    """The distinct terms of one summary, in first-occurrence order (cached per text)."""
    return tuple(dict.fromkeys(extract_terms(summary)))
