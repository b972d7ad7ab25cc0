"""Completion marks for reflections that need no person to read them.

A reflection is a trainer-graded (nbgrader *task*) cell. Only a reflection
the learner chose to share has anything for a trainer to read; one kept
private or skipped earns its marks for completion, by the course's rule
(:class:`peer_widgets.kinds.ReflectionKind`). So, right after a submission is
autograded, :class:`MarkReflections` (one of the trainer folder's autograde
preprocessors, after nbgrader's ``SaveAutoGrades``; see
``templates/nbgrader_config.py``) gives those marks through nbgrader's
Gradebook:

* written and kept private, or skipped: full marks; started but not
  written: 0 (there is nothing to read either way);
* shared: left for the trainer, so the Formgrader still lists it;
* no answer or no readable answers file: left for the trainer too.

nbgrader's Formgrader lists a submission as needing grading while any of its
grades has ``needs_manual_grade`` set (``SubmittedNotebook.needs_manual_grade``
is "there is such a grade"); a task's grade starts with it set and no score.
A mark given here sets ``manual_score`` and clears the flag, and says so in
the grade's comment (:data:`AUTO_COMMENT`), which the learner sees in their
feedback. A mark a trainer gave is never changed: only a grade with no
manual score, or one holding exactly this module's own mark (its comment and
its score, both unchanged), is touched. Re-autograding sets the flag again on every grade with a
manual score (nbgrader's rule), so this runs after every autograde and clears
it again for its own marks; if the learner has since shared the reflection,
its own mark is taken back and the trainer is asked to grade it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import NbGraderPreprocessor

from peer_widgets import answers

# Stored in the gradebook as the grade's comment, and compared with it later to
# tell this module's marks from a trainer's: never translated.
AUTO_COMMENT = ("Marked automatically: full marks for completing this reflection (private and skipped "
                "reflections are not read by anyone).")
AUTO_COMMENT_UNWRITTEN = ("Marked automatically: this reflection was started but not written, so it "
                          "has no completion marks yet.")
AUTO_COMMENTS = (AUTO_COMMENT, AUTO_COMMENT_UNWRITTEN)


@dataclass(frozen=True)
class Mark:
    """What the completion rule gives one reflection: ``None`` means a person must grade it."""

    share: float | None
    comment: str | None = None


def completion_mark(value: Any) -> Mark:
    """The mark a saved reflection record earns without a person (see the module docs)."""
    if not isinstance(value, dict) or ("text" in value and not value.get("shared")):
        return Mark(None)  # malformed: a person looks
    if value.get("skipped"):
        return Mark(1.0, AUTO_COMMENT)
    if value.get("shared"):
        return Mark(None)
    if value.get("completed"):
        return Mark(1.0, AUTO_COMMENT)
    return Mark(0.0, AUTO_COMMENT_UNWRITTEN)


def reflection_ids(folder: Path) -> set[str]:
    """The ids of the trainer-graded items in the bank in ``folder`` (empty if it has none)."""
    from peer_widgets.bank import load_bank
    from peer_widgets.kinds import kind_of

    return {item.id for item in load_bank(folder / "items.yaml") if kind_of(item).trainer_graded}


def award_completion_marks(gradebook: Any, *, assessment: str, notebook: str, student: str,
                           folder: Path, task_ids: list[str]) -> dict[str, str]:
    """Give the completion marks of the reflections among ``task_ids`` (task
    cells' grade ids) in one graded notebook; return ``{grade id: what was done}``.

    ``folder`` is the graded folder (its checked ``responses.json`` and
    released ``items.yaml``). A grade with a trainer's manual score is never
    changed. Raises nothing for a missing or unreadable answers file (those
    reflections are left for the trainer).
    """
    try:
        records = answers.read(folder / answers.FILE_NAME)
    except (OSError, answers.AnswersFileError):
        records = {}
    reflections = reflection_ids(folder)
    done: dict[str, str] = {}
    for grade_id in task_ids:
        if grade_id not in reflections:
            continue
        grade = gradebook.find_grade(grade_id, notebook, assessment, student)
        comment = gradebook.find_comment(grade_id, notebook, assessment, student)
        full = round(float(grade.max_score or 0), 2)
        given = {AUTO_COMMENT: full, AUTO_COMMENT_UNWRITTEN: 0.0}.get(comment.manual_comment)
        # ours only while both the comment and the score are the ones given here: a
        # trainer who changed either in the Formgrader has made the mark their own
        ours = grade.manual_score is not None and given is not None and float(grade.manual_score) == given
        if grade.manual_score is not None and not ours:
            done[grade_id] = "kept the trainer's grade"
            continue
        record = records.get(grade_id)
        mark = completion_mark(record.get("value") if isinstance(record, dict) else None) \
            if record is not None else Mark(None)
        if mark.share is None:
            if ours:  # the learner shared it since: a person grades it now
                grade.manual_score = None
                comment.manual_comment = None
                grade.needs_manual_grade = True
            done[grade_id] = "left for the trainer"
            continue
        grade.manual_score = round(full * mark.share, 2)
        comment.manual_comment = mark.comment
        grade.needs_manual_grade = False
        done[grade_id] = "marked for completion"
    gradebook.db.commit()
    return done


class MarkReflections(NbGraderPreprocessor):
    """After SaveAutoGrades: completion marks for private and skipped reflections."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        meta = resources["nbgrader"]
        tasks = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
                 if cell.metadata.get("nbgrader", {}).get("task")]
        if not tasks:
            return nb, resources
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        with Gradebook(meta["db_url"]) as gb:
            done = award_completion_marks(gb, assessment=meta["assignment"], notebook=meta["notebook"],
                                          student=meta["student"], folder=folder, task_ids=tasks)
        for grade_id, what in sorted(done.items()):
            self.log.info("%s for %s: reflection %s: %s", meta["assignment"], meta["student"], grade_id, what)
        return nb, resources
