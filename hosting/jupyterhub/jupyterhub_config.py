# JupyterHub configuration for a peer-course hub on one machine.
#
#   sudo /opt/peer-course/.venv/bin/jupyterhub -f /opt/peer-course/hosting/jupyterhub/jupyterhub_config.py
#
# What it sets up (README.md beside this file is the step-by-step guide):
#
# * Local system accounts log in with their own password (PAM). Members of the
#   learners' Unix group and of the trainers' Unix group may log in; nobody else.
# * Every user's server runs from the same Python environment as the hub, the
#   one the course is installed in, and opens on the Voila course home. Voila
#   and nbgrader's learner extensions (Assignments) are on; the Formgrader is not.
# * nbgrader's exchange is one folder for the machine (/srv/nbgrader/exchange),
#   with a subfolder per course (Exchange.path_includes_course).
# * The Formgrader runs once for the course, as a hub service under a separate
#   grader account, on the trainer folder that `peer-course init` makes (nbgrader's
#   "one class, multiple graders" set-up). Only trainers can open it, at
#   /services/<course id>/formgrader.
# * The gradebook is SQLite in the trainer folder, or PostgreSQL when
#   PEER_COURSE_DB_URL is set in the hub's environment.
#
# Everything that differs between machines is an environment variable, read
# once when the hub starts (defaults in brackets):
#
#   PEER_COURSE_ID            course id, service name and exchange subfolder [peer-course]
#   PEER_HUB_LEARNERS_GROUP   Unix group of learners [peer-learners]
#   PEER_HUB_TRAINERS_GROUP   Unix group of trainers [peer-trainers]
#   PEER_HUB_GRADER           Unix account the Formgrader runs as [grader-<course id>]
#   PEER_HUB_ADMINS           comma-separated hub admins (may stop others' servers) [none]
#   PEER_COURSE_DIR           the trainer folder [<grader's home>/<course id>]
#   PEER_COURSE_DB_URL        gradebook database URL, e.g. postgresql://... [SQLite in the trainer folder]
#   PEER_COURSE_EXCHANGE      nbgrader's exchange root [/srv/nbgrader/exchange]
#   PEER_COURSE_LANG          the course's language until a learner chooses one on a page: en or es [en]
#   PEER_HUB_STATE_DIR        hub database, cookie secret, proxy pid [/srv/jupyterhub]
#   PEER_HUB_DB_URL           the hub's own database [SQLite in PEER_HUB_STATE_DIR]
#   PEER_HUB_IP, PEER_HUB_PORT        where people connect ["" (all addresses), 8000]
#   PEER_HUB_API_PORT, PEER_HUB_PROXY_API_PORT, PEER_HUB_FORMGRADER_PORT
#                                     loopback ports used inside the machine [8081, 8001, 9999]
#   PEER_HUB_ENV              the Python environment for every server [the hub's own]
#   PEER_HUB_GRADER_MEMORY_MB data memory for the Formgrader and the kernels it grades with [4096]
#
# The hub runs as root (it starts each user's server as that user). Put TLS in
# front of it (a reverse proxy, or c.JupyterHub.ssl_cert / ssl_key) before real
# learners log in.

import grp
import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub)

HERE = Path(__file__).resolve().parent
JUPYTER_CONFIG = HERE / "jupyter-config"


def setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


def group_members(name: str) -> list[str]:
    """Accounts in a Unix group, as supplementary members or by primary group."""
    try:
        group = grp.getgrnam(name)
    except KeyError:
        raise SystemExit(f"jupyterhub_config.py: the Unix group {name!r} does not exist; "
                         f"create it with `groupadd {name}` (see hosting/jupyterhub/README.md)") from None
    primary = [user.pw_name for user in pwd.getpwall() if user.pw_gid == group.gr_gid]
    return sorted(set(group.gr_mem) | set(primary))


COURSE_ID = setting("PEER_COURSE_ID", "peer-course")
LEARNERS_GROUP = setting("PEER_HUB_LEARNERS_GROUP", "peer-learners")
TRAINERS_GROUP = setting("PEER_HUB_TRAINERS_GROUP", "peer-trainers")
GRADER = setting("PEER_HUB_GRADER", f"grader-{COURSE_ID}")
EXCHANGE = Path(setting("PEER_COURSE_EXCHANGE", "/srv/nbgrader/exchange"))
STATE_DIR = Path(setting("PEER_HUB_STATE_DIR", "/srv/jupyterhub"))
ENV = Path(setting("PEER_HUB_ENV", sys.prefix))
BIN = ENV / "bin"
PATH = os.pathsep.join([str(BIN), "/usr/local/bin", "/usr/bin", "/bin"])

try:
    GRADER_HOME = Path(pwd.getpwnam(GRADER).pw_dir)
except KeyError:
    raise SystemExit(f"jupyterhub_config.py: the grader account {GRADER!r} does not exist; create it with "
                     f"`useradd --create-home {GRADER}` (see hosting/jupyterhub/README.md)") from None
COURSE_DIR = Path(setting("PEER_COURSE_DIR", str(GRADER_HOME / COURSE_ID)))

# --- where the hub listens and keeps its state ---------------------------------
STATE_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
c.JupyterHub.bind_url = f"http://{setting('PEER_HUB_IP', '')}:{setting('PEER_HUB_PORT', '8000')}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("PEER_HUB_API_PORT", "8081"))
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.JupyterHub.db_url = setting("PEER_HUB_DB_URL", f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('PEER_HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.pid_file = str(STATE_DIR / "jupyterhub-proxy.pid")
# The Node proxy from `npm ci` in this folder (package.json pins it), else the
# one on PATH (`npm install -g configurable-http-proxy`).
_local_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(_local_proxy) if _local_proxy.exists() else "configurable-http-proxy"]

# --- who may log in ------------------------------------------------------------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {LEARNERS_GROUP, TRAINERS_GROUP}
# Unix groups decide, at every login: someone removed from both groups can no
# longer log in, even though the hub remembers them.
c.Authenticator.allow_existing_users = False
c.PAMAuthenticator.open_sessions = False
c.Authenticator.admin_users = {name.strip() for name in setting("PEER_HUB_ADMINS", "").split(",") if name.strip()}

# Hub groups named as nbgrader expects (formgrade-<course>, nbgrader-<course>).
# They are read from the Unix groups when the hub starts: restart the hub after
# adding a trainer (learners need no restart; their login is checked live).
TRAINERS = group_members(TRAINERS_GROUP)
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE_ID}": {"users": sorted(set(TRAINERS) | {GRADER})},
    f"nbgrader-{COURSE_ID}": {"users": [u for u in group_members(LEARNERS_GROUP) if u not in TRAINERS]},
}
c.JupyterHub.load_roles = [{
    "name": f"formgrade-{COURSE_ID}",
    "description": "Trainers of the course: open its Formgrader",
    "groups": [f"formgrade-{COURSE_ID}"],
    "scopes": [f"access:services!service={COURSE_ID}", f"read:services!service={COURSE_ID}", "list:services"],
}]

# --- every user's server ---------------------------------------------------------
# nbgrader's exchange: one root for the machine, writable by everyone (nbgrader
# hides each submission under a random name and makes the inbox unlistable).
# The sticky bit (1777) keeps anyone but its owner from renaming or removing
# what is in it, and the course's own folder is made here, owned by the grader,
# before any learner could make one of the same name and read what lands in it.
EXCHANGE.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
EXCHANGE.mkdir(exist_ok=True)
EXCHANGE.chmod(0o1777)
_grader = pwd.getpwnam(GRADER)
_course_exchange = EXCHANGE / COURSE_ID
if _course_exchange.is_symlink():
    raise SystemExit(f"jupyterhub_config.py: {_course_exchange} is a symbolic link; remove it and start the hub again")
_course_exchange.mkdir(exist_ok=True)
if _course_exchange.stat().st_uid != _grader.pw_uid:
    os.chown(_course_exchange, _grader.pw_uid, _grader.pw_gid)
_course_exchange.chmod(0o755)

# --- keys stay on the trainers' side ------------------------------------------------
# Every learner's server runs from this installation and could read any file of
# it. The student version of every assessment goes to released/ (learners'
# servers read those), and the sources, whose hidden tests hold the keys, are
# closed to all but root and the grader (peer_course.serving.keys).
from peer_course.serving.keys import close_sources  # noqa: E402

close_sources(group_id=_grader.pw_gid)

_shared_env = {
    "PATH": PATH,
    "JUPYTER_PLATFORM_DIRS": "1",
    "PEER_COURSE_ID": COURSE_ID,
    "PEER_COURSE_EXCHANGE": str(EXCHANGE),
    # Each learner's own choice (the switch on every page) wins over this default.
    "PEER_COURSE_LANG": setting("PEER_COURSE_LANG", "en"),
}
if os.environ.get("PEER_COURSE_ROOT"):  # course content somewhere else than the installed package
    _shared_env["PEER_COURSE_ROOT"] = os.environ["PEER_COURSE_ROOT"]

c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.environment = {
    **_shared_env,
    # learner/: Voila settings, the course folder, nbgrader's learner tools only
    "JUPYTER_CONFIG_PATH": os.pathsep.join([str(JUPYTER_CONFIG / "learner"), str(JUPYTER_CONFIG / "common")]),
}
# The course home in the course's language (a learner who chose the other one
# on a page is brought to it there: peer_widgets.pages.language).
c.Spawner.default_url = "/voila/render/peer-course/home.ipynb"
if _shared_env["PEER_COURSE_LANG"] != "en":
    c.Spawner.default_url = f"/voila/render/peer-course/home.{_shared_env['PEER_COURSE_LANG']}.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def private_home(spawner):
    """A learner's answers and reflections are in their home: keep it theirs alone."""
    home = Path(pwd.getpwnam(spawner.user.name).pw_dir)
    if home.is_dir() and home.stat().st_mode & 0o077:
        spawner.log.info("making %s private (mode 700)", home)
        home.chmod(0o700)


c.Spawner.pre_spawn_hook = private_home

# --- the Formgrader, for trainers only -----------------------------------------
# `peer-course init` makes or refreshes the trainer folder (assessment sources
# from the installed course; nothing graded is touched), then the grader's
# Jupyter server starts there with the Formgrader on.
c.JupyterHub.services = [{
    "name": COURSE_ID,
    "display": True,
    "oauth_no_confirm": True,
    "url": f"http://127.0.0.1:{setting('PEER_HUB_FORMGRADER_PORT', '9999')}",
    "user": GRADER,
    "cwd": str(COURSE_DIR.parent),
    # The Formgrader's own autograde runs kernels in this server: they share its
    # data-memory limit (PEER_HUB_GRADER_MEMORY_MB), as peer-course autograde's workers do.
    "command": ["/bin/sh", "-c", f"ulimit -d {int(setting('PEER_HUB_GRADER_MEMORY_MB', '4096')) * 1024} && "
                'peer-course init "$PEER_COURSE_DIR" && cd "$PEER_COURSE_DIR" && exec jupyterhub-singleuser'],
    "environment": {
        **_shared_env,
        "PEER_COURSE_DIR": str(COURSE_DIR),
        "JUPYTER_CONFIG_PATH": os.pathsep.join([str(JUPYTER_CONFIG / "formgrader"), str(JUPYTER_CONFIG / "common")]),
        **({"PEER_COURSE_DB_URL": os.environ["PEER_COURSE_DB_URL"]} if os.environ.get("PEER_COURSE_DB_URL") else {}),
    },
}]
