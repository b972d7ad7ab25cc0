"""Reading level of lesson text: the Flesch-Kincaid grade (English) and the
Fernández-Huerta ease (Spanish).

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


# -- Spanish ------------------------------------------------------------------
# Fernández-Huerta (1959), in the corrected form used by Spanish plain-language
# work: 206.84 - 60 x syllables per word - 1.02 x words per sentence. Higher is
# easier; its bands are those below (70 or more: "bastante fácil" or easier).
FERNANDEZ_HUERTA_BANDS = ((90, "muy fácil"), (80, "fácil"), (70, "bastante fácil"), (60, "normal"),
                          (50, "bastante difícil"), (30, "difícil"), (float("-inf"), "muy difícil"))
_STRONG = set("aeoáéóíú")  # an accented i or u is a syllable of its own (hiatus: "día")
_VOWEL = re.compile(r"[aeiouáéíóúü]+")


def silabas(word: str) -> int:
    """Syllables in one Spanish word (at least 1): one per group of vowels, plus
    one for each further strong or accented vowel in the group ("le-er", "dí-a"),
    so diphthongs ("bue-no", "ciu-dad") count once. A final "y" is a vowel ("hoy")."""
    word = word.lower()
    word = re.sub(r"y$", "i", word)
    word = re.sub(r"(?<=[qg])u(?=[eiéí])", "", word)  # the silent u of que, qui, gue, gui
    count = 0
    for group in _VOWEL.findall(word):
        strong = sum(1 for ch in group if ch in _STRONG)
        count += max(1, strong)
    return max(1, count)


def fernandez_huerta(text: str) -> float:
    """Reading ease of Spanish ``text`` (0.0 for text with no words); headings and
    list items count as sentences of their own, as for the English formula."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    per_word = sum(silabas(w) for w in words) / len(words)
    return round(206.84 - 60 * per_word - 1.02 * (len(words) / sentences), 1)


def fernandez_huerta_band(score: float) -> str:
    """The band name Fernández-Huerta's scale gives a score ("bastante fácil"...)."""
    return next(name for floor, name in FERNANDEZ_HUERTA_BANDS if score >= floor)
