"""The trainer's notebook, not the learner's, is what autograde executes.

:class:`UseTrainerNotebook` is the first of nbgrader's sanitize
preprocessors in every trainer folder (the generated ``nbgrader_config.py``
puts it there), so it applies however autograde is started: by
``peer-course autograde`` (whose workers already grade a clean staging copy,
see :mod:`peer_course.grading.submission`) and by the Formgrader's
*Autograde* button or the ``nbgrader autograde`` command, which hand nbgrader
the submission itself. For each notebook it:

* replaces every cell of the submitted notebook by the cells of the trainer's
  own student version in ``release/`` (nbgrader's OverwriteCells then puts
  the hidden tests back, as usual), so no cell a learner wrote or changed
  is ever run;
* empties the graded folder of everything nbgrader copied from the
  submission except the released files, and writes the learner's answers
  file there again from the submission, checked as staging checks it (no
  link, size and nesting limits), so no submitted file is imported or read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from peer_course.grading.submission import copy_learner_files
from peer_widgets import answers

# nbgrader read the submission time before this runs; the secret names the
# learner's feedback when it is released (checked below, like the answers).
KEEP = {"timestamp.txt"}


def clean_graded_folder(graded: Path, release: Path, submitted: Path) -> list[str]:
    """Leave in ``graded`` only the released files (as released), the time
    stamp and a checked answers file; return notes for the trainer."""
    released = {path.name for path in release.iterdir() if path.is_file()}
    graded.mkdir(parents=True, exist_ok=True)  # nbgrader makes it only when it had files to copy
    for entry in list(graded.iterdir()):
        if entry.name in KEEP:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for name in sorted(released - {answers.FILE_NAME}):
        if not name.endswith(".ipynb"):  # the notebook is written by nbgrader after this step
            shutil.copy2(release / name, graded / name)
    return copy_learner_files(submitted, graded)


class UseTrainerNotebook(NbGraderPreprocessor):
    """Grade the trainer's own cells, never the learner's (see the module docs)."""

    def preprocess(self, nb, resources):
        coursedir = CourseDirectory(config=self.config)
        student = resources["nbgrader"]["student"]
        assessment = resources["nbgrader"]["assignment"]
        notebook = resources["nbgrader"]["notebook"]
        release = Path(coursedir.format_path(coursedir.release_directory, ".", assessment))
        graded = Path(coursedir.format_path(coursedir.autograded_directory, student, assessment))
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assessment))
        trainer = nbformat.read(release / f"{notebook}.ipynb", as_version=nbformat.NO_CONVERT)
        for note in clean_graded_folder(graded, release, submitted):
            self.log.warning("%s for %s: %s", assessment, student, note)
        nb.cells = trainer.cells
        nb.metadata = trainer.metadata
        return nb, resources
