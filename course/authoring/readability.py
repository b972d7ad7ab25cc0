"""Reading level of lesson text: the Flesch-Kincaid grade.

Implemented here rather than through a package because the common ones now
fetch a pronouncing dictionary at run time, which a machine without network
cannot do. Syllables are estimated from vowel groups with the usual English
corrections; that is what the formula was designed around, and it is
deterministic, so reports do not drift.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['\u2019][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|\n\s*[-*]\s")
_MARKUP = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^>]+>|[#>*_|\[\]]")


def syllables(word: str) -> int:
    """Estimate the syllables in one English word (at least 1)."""
    word = word.lower().strip("'\u2019")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


def plain_text(markdown: str) -> str:
    """Markdown reduced to its prose (code, links' targets and markup removed)."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    return _MARKUP.sub(" ", text)


def flesch_kincaid_grade(text: str) -> float:
    """US school grade needed to read ``text`` (0.0 for text with no words).

    Headings and list items count as sentences of their own, which is how a
    reader meets them.
    """
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    total_syllables = sum(syllables(w) for w in words)
    grade = 0.39 * (len(words) / sentences) + 11.8 * (total_syllables / len(words)) - 15.59
    return round(grade, 1)
