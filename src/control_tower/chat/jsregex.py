"""JavaScript regular expressions (non-Unicode mode, ``i`` flag) compiled for Python's ``re``.

The chat vocabulary was written as JS regex literals. Three things differ in Python and are
translated here so that a pattern matches exactly the strings it matched in the original:

* ``\\b``, ``\\w``, ``\\d`` and case folding are ASCII-only in JS (``re.ASCII``);
* ``\\s`` is the ECMAScript whitespace set (it includes U+FEFF and excludes U+001C-U+001F
  and U+0085, unlike Python's Unicode ``\\s``);
* ``.`` excludes the four ECMAScript line terminators, not only ``\\n``.
"""

from __future__ import annotations

import re

JS_WHITESPACE_CLASS_BODY = (
    r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_JS_DOT = r"[^\n\r\u2028\u2029]"
_FLAGS = re.ASCII | re.IGNORECASE

JS_WHITESPACE_RUN = re.compile(f"[{JS_WHITESPACE_CLASS_BODY}]+")


def translate(pattern: str) -> str:
    """Rewrite a JS pattern so Python's ``re`` gives the same matches."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped == "s":
                body = JS_WHITESPACE_CLASS_BODY
                out.append(body if in_class else f"[{body}]")
            else:
                out.append(char + escaped)
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
        elif char == ".":
            out.append(_JS_DOT)
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


def js_regex(pattern: str) -> re.Pattern[str]:
    """Compile a JS regex literal body that carried the ``i`` flag."""
    return re.compile(translate(pattern), _FLAGS)


def whole_word(text: str) -> re.Pattern[str]:
    """``new RegExp(`\\\\b${text}\\\\b`, 'i')`` for a literal ``text``."""
    return re.compile(rf"\b{re.escape(text)}\b", _FLAGS)
