# nbgrader settings every account on the course hub shares: learners, trainers
# and the grader account behind the Formgrader. The hub puts this folder on
# JUPYTER_CONFIG_PATH and sets the two variables (see ../jupyterhub_config.py).
import os

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = os.environ.get("PEER_COURSE_ID", "peer-course")
c.Exchange.root = os.environ.get("PEER_COURSE_EXCHANGE", "/srv/nbgrader/exchange")
# Each course has its own folder in the exchange and in a learner's home
# (~/<course id>/<assessment>/), beside the lesson pages in ~/peer-course/.
c.Exchange.path_includes_course = True

# A submission carries what the assessment needs and nothing the answer store
# keeps for itself: its lock file, or a temporary file a killed save left
# (the store removes those on its next save; grading never reads them).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            ".responses.json.lock", ".responses.json.*.tmp"]
