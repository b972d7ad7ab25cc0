# The grader account's Jupyter server: the course's Formgrader, run by the hub
# as a service in the trainer folder (PEER_COURSE_DIR). Trainers reach it at
# /services/<course id>/formgrader. jupyter_server_config.d/ beside this file
# turns on the Formgrader and turns off the learner tools.
import os

c = get_config()  # noqa: F821 (provided by Jupyter Server)

c.ServerApp.root_dir = os.environ["PEER_COURSE_DIR"]
c.ServerApp.default_url = "/formgrader"
