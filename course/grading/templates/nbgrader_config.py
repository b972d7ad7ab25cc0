# nbgrader configuration for a peer-course trainer folder.
# Written by `peer-course init`; re-running init rewrites this file (the
# marker line below says so), so put local changes in nbgrader_config_local.py.
# peer-course: generated
import json
import os

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = os.environ.get("PEER_COURSE_ID", "peer-course")
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Settings stored by `peer-course init --db-url/--exchange` (peer-course.json).
_settings_file = os.path.join(c.CourseDirectory.root, "peer-course.json")
_settings = {}
if os.path.exists(_settings_file):
    with open(_settings_file, encoding="utf-8") as _handle:
        _settings = json.load(_handle)

# The gradebook: PEER_COURSE_DB_URL, else the stored URL, else SQLite in this
# folder (the same rule as peer_course.grading.gradebook.db_url).
c.CourseDirectory.db_url = (
    os.environ.get("PEER_COURSE_DB_URL") or _settings.get("db_url")
    or "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
)
# postgresql:// means psycopg2 (the `postgres` extra), as in peer_course.grading.gradebook.
for _prefix in ("postgresql://", "postgres://"):
    if c.CourseDirectory.db_url.startswith(_prefix):
        c.CourseDirectory.db_url = "postgresql+psycopg2://" + c.CourseDirectory.db_url[len(_prefix):]

# The exchange folder that `release` and `collect` use (learners' Jupyter
# servers must see the same folder).
c.Exchange.root = (os.environ.get("PEER_COURSE_EXCHANGE") or _settings.get("exchange")
                   or "/srv/nbgrader/exchange")

# Learners' answers are in responses.json beside each notebook. Autograde
# copies a submission's files and then overwrites them with same-named files
# from source/; the answers must never be replaced that way.
c.Autograde.exclude_overwriting = {name: ["responses.json"] for name in __ASSESSMENTS__}

# nbgrader puts hidden tests back when it autogrades, and its feedback shows
# them; ours hold the keys, so feedback strips them again before rendering.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]

# A cell that loops forever must not hold up the cohort: it is interrupted
# after this many seconds (`peer-course autograde --cell-timeout` overrides).
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120

local = os.path.join(c.CourseDirectory.root, "nbgrader_config_local.py")
if os.path.exists(local):
    load_subconfig(local)  # noqa: F821
