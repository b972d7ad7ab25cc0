# nbgrader configuration for a peer-course trainer folder.
# Written by `peer-course init`; re-running init rewrites this file (the
# marker line below says so), so put local changes in nbgrader_config_local.py.
# peer-course: generated
import os

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = os.environ.get("PEER_COURSE_ID", "peer-course")
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# The gradebook: SQLite in this folder unless a database URL is given.
c.CourseDirectory.db_url = os.environ.get(
    "PEER_COURSE_DB_URL", "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
)

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

# A submission that loops forever must not hold up the cohort.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120

local = os.path.join(c.CourseDirectory.root, "nbgrader_config_local.py")
if os.path.exists(local):
    load_subconfig(local)  # noqa: F821
