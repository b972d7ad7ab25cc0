"""The two rating scales used by the course's sources.

The competency scale and its comment rule come from the sample peer
performance evaluation, the agreement scale from "How recovery-oriented is
your workplace?" (both in ../shared/seeds/003_43dee9560f397310.txt). Labels
are marked for translation here and translated when shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from peer_widgets.i18n import gettext as _


def N_(message: str) -> str:
    """Mark a string for translation without translating it yet."""
    return message


@dataclass(frozen=True)
class Scale:
    id: str
    levels: tuple[tuple[str, str], ...]  # (stored id, English label)
    comment_required: frozenset[str] = frozenset()

    def level_ids(self) -> list[str]:
        return [level for level, _label in self.levels]

    def label(self, level: str) -> str:
        for level_id, text in self.levels:
            if level_id == level:
                return _(text)
        raise KeyError(level)

    def labels(self) -> list[tuple[str, str]]:
        """(translated label, stored id) pairs, in scale order."""
        return [(_(text), level) for level, text in self.levels]


# (stored id, label) pairs, most to least, as the source documents list them.
COMPETENCY = Scale(
    id="competency",
    levels=(("advanced", N_("Advanced")), ("proficient", N_("Proficient")), ("developing", N_("Developing")),
            ("not-enough-information", N_("Not Enough Information")), ("not-applicable", N_("Not Applicable"))),
    # The evaluation form requires a comment for these two levels.
    comment_required=frozenset({"developing", "not-enough-information"}),
)

AGREEMENT = Scale(
    id="agreement",
    levels=(("strongly-agree", N_("Strongly Agree")), ("agree", N_("Agree")), ("neutral", N_("Neutral / Not Sure")),
            ("disagree", N_("Disagree")), ("strongly-disagree", N_("Strongly Disagree"))),
)

SCALES = {scale.id: scale for scale in (COMPETENCY, AGREEMENT)}
