# nbgrader settings for a learner's (or trainer's) own server on the course hub.
import os

c = get_config()  # noqa: F821 (provided by nbgrader)

# Submissions and feedback are filed under the hub's name for the learner. On
# one machine it is also their login name; in a container every learner runs
# as the image's user (jovyan, or a uid with no account name), so the hub's
# name is the one that tells learners apart.
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
