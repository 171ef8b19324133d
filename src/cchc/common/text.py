"""Vietnamese text helpers: accent folding for search and name matching.

"Sở Nội vụ" and "so noi vu" fold to the same key, so search ignores diacritics and case.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ -> d), collapse white space."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.replace("\xa0", " ")).strip().lower()


def fold_words(text: str) -> str:
    """Like :func:`fold` but punctuation becomes space: a key for comparing names."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", fold(text))).strip()


def normalize_spaces(text: str) -> str:
    """NFC, non-breaking spaces to spaces, runs of white space collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).replace("\xa0", " ")).strip()
