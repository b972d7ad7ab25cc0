# A learner's (or trainer's) own Jupyter server on the course hub.
# The hub puts this folder on JUPYTER_CONFIG_PATH; jupyter_server_config.d/ and
# labconfig/ beside this file turn off nbgrader's trainer tools (the Formgrader
# runs once, as a hub service, for trainers only).
import logging

from peer_widgets.errors import PeerCourseError
from peer_course.serving.serve import (CULL_IDLE_SECONDS, CULL_INTERVAL_SECONDS, FILE_ALLOWLIST, default_workspace,
                                       prepare_workspace)

c = get_config()  # noqa: F821 (provided by Jupyter Server)

# The same Voila settings as `peer-course serve`: no code on the page, no stray
# file (such as responses.json) served.
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False
c.VoilaConfiguration.file_allowlist = FILE_ALLOWLIST
# A kernel left idle with no page open is ended (answers are saved as they are
# given), so a learner's server does not fill with the kernels of old pages.
c.MappingKernelManager.cull_idle_timeout = CULL_IDLE_SECONDS
c.MappingKernelManager.cull_interval = CULL_INTERVAL_SECONDS
c.MappingKernelManager.cull_connected = False

# The lesson pages in ~/peer-course are refreshed from the installed course at
# every start (the hub opens ~/peer-course/home.ipynb in Voila); the learner's
# answers there are never touched. A failure is logged, not fatal: the learner
# can still reach their files and assessments.
try:
    prepare_workspace(default_workspace())
except (OSError, PeerCourseError) as error:
    logging.getLogger("peer_course").error("could not prepare the course folder: %s", error)
