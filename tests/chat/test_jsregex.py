"""JavaScript regex semantics on Python's ``re``."""

from __future__ import annotations

from control_tower.chat.jsregex import js_regex, translate, whole_word


class TestTranslate:
    def test_whitespace_escape_becomes_the_ecmascript_set(self) -> None:
        pattern = js_regex(r"a\sb")
        assert pattern.search("a\ufeffb")  # BOM is whitespace in JS
        assert pattern.search("a\u2028b")
        assert not pattern.search("a\x1cb")  # Python's \s would match this
        assert not pattern.search("a\x85b")

    def test_whitespace_escape_inside_a_class(self) -> None:
        pattern = js_regex(r"at[\s-]?risk")
        assert pattern.search("at-risk")
        assert pattern.search("at\u00a0risk")
        assert not pattern.search("at\x1frisk")

    def test_dot_stops_at_every_line_terminator(self) -> None:
        pattern = js_regex(r"a.b")
        assert pattern.search("a b")
        for terminator in "\n\r\u2028\u2029":
            assert not pattern.search(f"a{terminator}b")

    def test_dot_inside_a_class_stays_literal(self) -> None:
        assert translate("[.]") == "[.]"

    def test_escaped_dot_stays_literal(self) -> None:
        assert not js_regex(r"a\.b").search("axb")

    def test_word_boundary_is_ascii_only(self) -> None:
        assert js_regex(r"\bkfc\b").search("ékfcé")  # é is not a word character in JS

    def test_case_folding_is_ascii_only(self) -> None:
        assert js_regex("show").search("SHOW")
        assert not js_regex("s").search("\u017f")  # long s folds to S only in Unicode mode
        assert not js_regex("k").search("\u212a")  # Kelvin sign


class TestWholeWord:
    def test_matches_whole_words_only(self) -> None:
        assert whole_word("line").search("by line today")
        assert not whole_word("line").search("online")

    def test_escapes_the_text(self) -> None:
        assert whole_word("colonel's club").search("the colonel's club points")
        assert not whole_word("a.b").search("axb")
