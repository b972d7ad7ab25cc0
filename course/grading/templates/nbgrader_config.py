# nbgrader configuration for a peer-course trainer folder.
# Written by `peer-course init`; re-running init rewrites this file (the
# marker line below says so), so put local changes in nbgrader_config_local.py.
# peer-course: generated
import os

# The folder's gradebook, exchange and course id follow one rule, kept in
# peer_course (peer_course.grading.settings): asking it here means nbgrader,
# Formgrader, the grading workers and peer-course's own reports always open
# the same gradebook and exchange. nbgrader must therefore run in a Python
# where peer-course is installed, as the trainer's tools and the hub's are.
try:
    from peer_course.grading.trainer_dir import TrainerDir
except ImportError as error:
    raise ImportError(f"{__file__} needs the peer-course package in the Python that runs nbgrader "
                      f"({error})") from error

c = get_config()  # noqa: F821 (provided by nbgrader)

_trainer = TrainerDir(os.path.dirname(os.path.abspath(__file__)))
c.CourseDirectory.root = str(_trainer.root)
c.CourseDirectory.course_id = _trainer.course_id
c.CourseDirectory.db_url = _trainer.db_url
# The exchange folder that `release`, `collect` and `feedback` use (learners'
# Jupyter servers, or learners' own nbgrader, must see the same folder).
c.Exchange.root = str(_trainer.exchange)

# Learners' answers are in responses.json beside each notebook. Autograde
# copies a submission's files and then overwrites them with same-named files
# from source/; the answers must never be replaced that way.
c.Autograde.exclude_overwriting = {name: ["responses.json"] for name in __ASSESSMENTS__}

# Autograde runs the trainer's own notebook, never the learner's cells or files,
# however it is started (peer-course autograde, the Formgrader's button, the
# nbgrader command): see peer_course.grading.sanitize.
c.Autograde.sanitize_preprocessors = [
    "peer_course.grading.sanitize.UseTrainerNotebook",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# After the automatic scores are saved, private and skipped reflections get
# their completion marks, so the Formgrader lists only shared reflections as
# needing a person (a trainer's own mark is never changed): see
# peer_course.grading.reflections. The rest is nbgrader's own list.
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "peer_course.grading.reflections.MarkReflections",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback is one table per learner: each question, their answer in words,
# the score and why the right answer is right; no code and no trainer notes
# (see peer_course.grading.feedback). nbgrader puts hidden tests back when it
# autogrades; ours hold the keys, so ClearHiddenTests stays as a second guard.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "peer_course.grading.feedback.LearnerFeedback",
    "nbgrader.preprocessors.ClearHiddenTests",
]

# The page around the table: a feedback page in the learner's language
# (templates/feedback, found before nbgrader's own "feedback" page, whose
# words are English only; nbgrader's API always asks for a template named
# "feedback").
import peer_course.grading as _grading  # noqa: E402

c.HTMLExporter.template_name = "feedback"
c.HTMLExporter.extra_template_basedirs = [os.path.join(os.path.dirname(_grading.__file__), "templates")]

# A cell that loops forever must not hold up the cohort: it is interrupted
# after this many seconds (`peer-course autograde --cell-timeout` overrides).
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120

local = os.path.join(c.CourseDirectory.root, "nbgrader_config_local.py")
if os.path.exists(local):
    load_subconfig(local)  # noqa: F821
