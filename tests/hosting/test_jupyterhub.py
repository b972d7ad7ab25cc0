"""A real course hub on loopback, started with the shipped
``hosting/jupyterhub/jupyterhub_config.py``: two learners and one trainer
(local system users made here, removed afterwards) go through one assessment.

The trainer builds and releases it through the Formgrader service; each
learner logs in, gets a server (from this venv, opening on the Voila course
home), fetches the assessment, answers it (``responses.json``, as the widgets
write it) and submits it through nbgrader's REST handlers in their own server;
the trainer collects and autogrades and gets exactly the scores computed here
from the hidden-test keys; each learner fetches their own feedback only; and
no learner can read another learner's files or the trainer's.

Needs root (useradd, and the hub starts each server as its user), Node and
npm (the proxy is installed from hosting/jupyterhub/package.json if missing).
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.support import oracle
from tests.support.accounts import open_to_others

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="creates system users and runs a hub as root"),
]

REPO = Path(__file__).resolve().parents[2]
HUB_DIR = REPO / "hosting" / "jupyterhub"
ENV = Path(sys.prefix)
COURSE_ID = "peer-course"
ASSESSMENT = "peer-role-check"
LEARNERS = ["peertest-ana", "peertest-ben"]
TRAINER = "peertest-tia"
GRADER = "peertest-grader"
GROUPS = {"learners": "peertest-learners", "trainers": "peertest-trainers"}
PASSWORDS = {name: f"pw-{name}-7Qz" for name in [*LEARNERS, TRAINER]}


# --- expected scores, from the keys in the source notebook's hidden tests -------

def answers(learner: str) -> tuple[dict, float]:
    """(responses.json content, expected autograde score), from the tests' oracle.
    The first learner gets everything right; the second only every other
    single-choice item."""
    bank = oracle.released_bank(ASSESSMENT)
    all_right = learner == LEARNERS[0]
    records, expected = {}, 0.0
    for index, item in enumerate(oracle.graded_items(ASSESSMENT)):
        right = all_right or (item.kind == "single_choice" and index % 2 == 0)
        value, score = oracle.answer(item, bank, oracle.RIGHT if right else oracle.WRONG,
                                     comment="Still practising.")
        records[item.item_id] = oracle.record(value)
        expected += score
    reflections = oracle.reflection_ids(bank)
    for item_id in reflections:
        records[item_id] = oracle.record(oracle.private_reflection(40))
    if reflections:  # a reflection kept private earns its completion marks when autograded
        expected += oracle.task_points(ASSESSMENT)
    return oracle.document(records), round(expected, 2)


# --- system users, the proxy, and the hub --------------------------------------

def run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), capture_output=True, text=True, check=check, timeout=120)


def processes_of(user: str) -> list[int]:
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
    return pids


def remove_accounts() -> None:
    """Remove the test accounts and groups (and end anything they still run)."""
    for user in [*LEARNERS, TRAINER, GRADER]:
        for signal in (15, 9):
            for pid in processes_of(user):
                try:
                    os.kill(pid, signal)
                except ProcessLookupError:
                    pass
            if processes_of(user):
                time.sleep(1)
        run("userdel", "--remove", user, check=False)
    for group in GROUPS.values():
        run("groupdel", group, check=False)


def make_accounts(homes: Path) -> None:
    remove_accounts()  # left over from an interrupted run
    for group in GROUPS.values():
        run("groupadd", group)
    # Learners get Debian's default home mode (755 here): the hub makes it private.
    for user in LEARNERS:
        run("useradd", "--create-home", "--base-dir", str(homes), "--groups", GROUPS["learners"], user)
    run("useradd", "--create-home", "--base-dir", str(homes), "-K", "HOME_MODE=0700",
        "--groups", GROUPS["trainers"], TRAINER)
    run("useradd", "--create-home", "--base-dir", str(homes), "-K", "HOME_MODE=0700", GRADER)
    subprocess.run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in PASSWORDS.items()),
                   text=True, check=True, timeout=60)


def ensure_proxy() -> None:
    if (HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        return
    if shutil.which("configurable-http-proxy"):
        return
    if shutil.which("npm") is None:  # a new machine: the test set-up installs Node and npm
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "npm"], check=True, capture_output=True, env=env)
    npm = shutil.which("npm")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HUB_DIR, check=True, timeout=600)


@dataclass
class Hub:
    url: str
    exchange: Path
    homes: Path
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, method: str, path: str, user: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.tokens[user]}"}
        return requests.request(method, self.url + path, headers=headers, timeout=300, **kwargs)

    def formgrader(self, method: str, path: str, user: str = TRAINER) -> requests.Response:
        return self.api(method, f"/services/{COURSE_ID}/formgrader/api/{path}", user)

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)


@pytest.fixture(scope="module")
def accounts():
    """The test accounts, in a folder every account can reach; removed afterwards."""
    ensure_proxy()
    base = Path(tempfile.mkdtemp(prefix="peer-hub-test-"))
    base.chmod(0o755)
    (base / "home").mkdir()
    restore = open_to_others([ENV / "bin", Path(os.path.realpath(ENV / "bin" / "python")).parent, REPO])
    # the hub closes the assessments' sources to learners; put this checkout back afterwards
    sources = REPO / "assessments"
    owners = {path: (path.stat().st_uid, path.stat().st_gid, stat.S_IMODE(path.stat().st_mode))
              for path in [sources, *sources.rglob("*")]}
    try:
        make_accounts(base / "home")
        yield base
    finally:
        remove_accounts()
        for folder, mode in restore.items():
            folder.chmod(mode)
        for path, (uid, gid, mode) in owners.items():
            os.chown(path, uid, gid)
            path.chmod(mode)
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def running_hub(base: Path, name: str, *, child_env, wait_http, stop_process, free_port, **settings: str):
    """The shipped configuration, started as root with its state under ``base/name``."""
    state, exchange = base / name / "state", base / name / "srv" / "nbgrader" / "exchange"
    ports = [free_port() for _ in range(4)]
    env = child_env(base, PATH=f"{ENV / 'bin'}{os.pathsep}{os.environ['PATH']}",
                    PEER_COURSE_ID=COURSE_ID,
                    PEER_HUB_LEARNERS_GROUP=GROUPS["learners"], PEER_HUB_TRAINERS_GROUP=GROUPS["trainers"],
                    PEER_HUB_GRADER=GRADER, PEER_COURSE_EXCHANGE=str(exchange),
                    PEER_HUB_STATE_DIR=str(state), PEER_HUB_IP="127.0.0.1", PEER_HUB_PORT=str(ports[0]),
                    PEER_HUB_API_PORT=str(ports[1]), PEER_HUB_PROXY_API_PORT=str(ports[2]),
                    PEER_HUB_FORMGRADER_PORT=str(ports[3]), **settings)
    log = base / name / "jupyterhub.log"
    log.parent.mkdir(exist_ok=True)
    process = None
    try:
        with log.open("w") as out:
            process = subprocess.Popen([str(ENV / "bin" / "jupyterhub"), "-f", str(HUB_DIR / "jupyterhub_config.py")],
                                       cwd=base / name, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{ports[0]}"
        wait_http(f"{url}/hub/api/", process=process, log=log, timeout=120, below=300)
        yield Hub(url=url, exchange=exchange, homes=base / "home", log=log)
    finally:
        if process is not None:
            stop_process(process, timeout=60)
        stop_proxy(state / "jupyterhub-proxy.pid")


@pytest.fixture(scope="module")
def hub(accounts, child_env, wait_http, stop_process, free_port):
    with running_hub(accounts, "hub", child_env=child_env, wait_http=wait_http, stop_process=stop_process,
                     free_port=free_port) as running:
        yield running


def stop_proxy(pid_file: Path) -> None:
    """The hub stops the proxy it started, except when it is stopped while
    still starting up: then end that proxy, by the pid the hub recorded."""
    try:
        pid = int(pid_file.read_text())
    except (FileNotFoundError, ValueError):
        return
    try:
        if "configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
            os.kill(pid, 15)
    except (FileNotFoundError, ProcessLookupError):
        pass


def log_tail(hub: Hub) -> str:
    return hub.log.read_text(errors="replace")[-6000:]


def get_token(hub: Hub, user: str) -> str:
    """Log in through the hub's API with the account's password; keep the token."""
    response = requests.post(f"{hub.url}/hub/api/users/{user}/tokens", timeout=60,
                             json={"auth": {"username": user, "password": PASSWORDS[user]}, "note": "test"})
    assert response.status_code in (200, 201), response.text + log_tail(hub)
    hub.tokens[user] = response.json()["token"]
    return hub.tokens[user]


def start_server(hub: Hub, user: str) -> None:
    response = hub.api("POST", f"/hub/api/users/{user}/server", user)
    assert response.status_code in (201, 202), response.text
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        model = hub.api("GET", f"/hub/api/users/{user}", user).json()
        server = model.get("servers", {}).get("")
        if server and server.get("ready"):
            return
        time.sleep(1)
    pytest.fail(f"{user}'s server did not start:\n{log_tail(hub)}")


def wait_for_formgrader(hub: Hub) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if hub.formgrader("GET", "status").status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    pytest.fail("the Formgrader service did not start:\n" + log_tail(hub))


def learner_action(hub: Hub, user: str, action: str) -> dict:
    """nbgrader's Assignments tab, in the learner's own server."""
    response = hub.api("POST", f"/user/{user}/assignments/{action}", user,
                       data={"course_id": COURSE_ID, "assignment_id": ASSESSMENT})
    assert response.status_code == 200, response.text[:2000]
    result = response.json()
    assert result["success"], result
    return result


def as_user(user: str, code: str) -> subprocess.CompletedProcess:
    """Run Python as ``user`` (with that user's groups, as a login would)."""
    return subprocess.run([shutil.which("runuser") or "/usr/sbin/runuser", "-u", user, "--", str(ENV / "bin" / "python"), "-c", code],
                          capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})


# --- the course cycle -----------------------------------------------------------

@pytest.fixture(scope="module")
def cycle(hub):
    """Run the whole cycle once; the tests below check its parts."""
    for user in [*LEARNERS, TRAINER]:
        get_token(hub, user)
    wait_for_formgrader(hub)
    steps = {}
    steps["assign"] = hub.formgrader("POST", f"assignment/{ASSESSMENT}/assign").json()
    steps["release"] = hub.formgrader("POST", f"assignment/{ASSESSMENT}/release").json()
    expected, fetched = {}, {}
    for learner in LEARNERS:
        start_server(hub, learner)
        listing = learner_action(hub, learner, "fetch")
        fetched[learner] = listing
        content, expected[learner] = answers(learner)
        folder = f"{COURSE_ID}/{ASSESSMENT}"
        put = hub.api("PUT", f"/user/{learner}/api/contents/{folder}/responses.json", learner,
                      json={"type": "file", "format": "text", "content": json.dumps(content)})
        assert put.status_code in (200, 201), (put.text, listing, steps)
        steps[f"submit {learner}"] = learner_action(hub, learner, "submit")
    steps["collect"] = hub.formgrader("POST", f"assignment/{ASSESSMENT}/collect").json()
    for learner in LEARNERS:
        steps[f"autograde {learner}"] = hub.formgrader("POST", f"submission/{ASSESSMENT}/{learner}/autograde").json()
    submissions = hub.formgrader("GET", f"submissions/{ASSESSMENT}").json()
    steps["feedback"] = hub.formgrader("POST", f"assignment/{ASSESSMENT}/generate_feedback").json()
    steps["release_feedback"] = hub.formgrader("POST", f"assignment/{ASSESSMENT}/release_feedback").json()
    for learner in LEARNERS:
        learner_action(hub, learner, "fetch_feedback")
    return steps, expected, fetched, {s["student"]: s for s in submissions}


def test_trainer_steps_succeed(cycle):
    steps, _, _, _ = cycle
    failed = {name: result for name, result in steps.items() if not result.get("success")}
    assert failed == {}


def test_learners_fetch_into_their_course_folder(hub, cycle):
    _, _, fetched, _ = cycle
    for learner in LEARNERS:
        [assessment] = [a for a in fetched[learner]["value"] if a["assignment_id"] == ASSESSMENT]
        assert assessment["status"] == "fetched"
        assert assessment["path"] == f"{COURSE_ID}/{ASSESSMENT}"
        notebook = hub.home(learner) / COURSE_ID / ASSESSMENT / f"{ASSESSMENT}.ipynb"
        assert notebook.is_file() and notebook.stat().st_uid == pwd.getpwnam(learner).pw_uid
        assert "BEGIN HIDDEN TESTS" not in notebook.read_text(encoding="utf-8")


def test_autograded_scores_are_exact(cycle):
    _, expected, _, submissions = cycle
    max_score = sum(item.points for item in oracle.graded_items(ASSESSMENT)) + oracle.task_points(ASSESSMENT)
    for learner in LEARNERS:
        assert submissions[learner]["autograded"], submissions[learner]
        assert submissions[learner]["score"] == pytest.approx(expected[learner]), learner
    assert expected[LEARNERS[0]] == pytest.approx(max_score)
    assert 0 < expected[LEARNERS[1]] < expected[LEARNERS[0]]


def feedback_files(hub: Hub, learner: str) -> list[Path]:
    return sorted((hub.home(learner) / COURSE_ID / ASSESSMENT / "feedback").rglob("*.html"))


def test_each_learner_gets_their_own_feedback_only(hub, cycle):
    _, expected, _, submissions = cycle
    for learner in LEARNERS:
        [html] = feedback_files(hub, learner)
        text = html.read_text(encoding="utf-8")
        score = submissions[learner]["score"]
        # the feedback page's own line (peer_course.grading.feedback), in the learner's language
        assert f"Your score: {score:g} of " in text, learner
        assert "BEGIN HIDDEN TESTS" not in text
    ana, ben = (feedback_files(hub, learner)[0].read_text(encoding="utf-8") for learner in LEARNERS)
    assert ana != ben


def test_learner_servers_run_the_course_from_this_environment(hub, cycle):
    learner = LEARNERS[0]
    home = hub.api("GET", f"/user/{learner}/voila/render/{COURSE_ID}/home.ipynb", learner)
    assert home.status_code == 200
    assert "Peer Support Onboarding Course" in home.text
    assert "show_home" not in home.text  # Voila strips sources on the hub too
    model = hub.api("GET", f"/hub/api/users/{learner}", learner).json()
    assert model["servers"][""]["url"] == f"/user/{learner}/"
    # the server's own processes run this venv's Python, as the learner
    pids = processes_of(learner)
    commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:2] for pid in pids]
    assert any(str(ENV / "bin" / "jupyterhub-singleuser").encode() in b" ".join(c) for c in commands), commands


def test_login_form_opens_the_course_home(hub, cycle):
    learner = LEARNERS[1]
    with requests.Session() as browser:
        browser.get(f"{hub.url}/hub/login", timeout=60)
        response = browser.post(f"{hub.url}/hub/login", timeout=300,
                                data={"username": learner, "password": PASSWORDS[learner],
                                      "_xsrf": browser.cookies.get("_xsrf", "")})
        assert response.status_code == 200, response.text[:1000]
        assert response.url.endswith(f"/user/{learner}/voila/render/{COURSE_ID}/home.ipynb"), response.url
        assert "Peer Support Onboarding Course" in response.text
    with requests.Session() as stranger:
        stranger.get(f"{hub.url}/hub/login", timeout=60)
        wrong = stranger.post(f"{hub.url}/hub/login", timeout=60,
                              data={"username": learner, "password": "wrong", "_xsrf": stranger.cookies.get("_xsrf", "")})
        assert wrong.status_code == 403
        assert "Invalid username or password" in wrong.text


def test_formgrader_is_for_trainers_only(hub, cycle):
    assert hub.formgrader("GET", "status", user=TRAINER).status_code == 200
    for learner in LEARNERS:
        response = hub.formgrader("GET", "status", user=learner)
        assert response.status_code == 403, (learner, response.status_code)
        # and a learner's own server has no Formgrader either, nor its JupyterLab menus
        assert hub.api("GET", f"/user/{learner}/formgrader", learner).status_code == 404
        lab = hub.api("GET", f"/user/{learner}/lab", learner)
        page_config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                           lab.text, re.S).group(1))
        disabled = page_config["disabledExtensions"]
        assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(disabled)
        assert "@jupyter/nbgrader:assignment-list" not in disabled


def test_outsiders_cannot_log_in(hub, cycle):
    response = requests.post(f"{hub.url}/hub/api/users/{GRADER}/tokens", timeout=60,
                             json={"auth": {"username": GRADER, "password": "anything"}})
    assert response.status_code == 403


def test_no_learner_can_read_another_learners_files(hub, cycle):
    ana, ben = LEARNERS
    grader_course = hub.home(GRADER) / COURSE_ID
    assert (grader_course / "gradebook.db").is_file()
    for reader, owner in ((ana, ben), (ben, ana)):
        home = hub.home(owner)
        assert stat.S_IMODE(home.stat().st_mode) == 0o700  # made private by the hub
        targets = [home, home / COURSE_ID / ASSESSMENT / "responses.json", grader_course / "gradebook.db",
                   grader_course / "submitted", hub.exchange / COURSE_ID / "inbound"]
        code = (
            "import os, sys\n"
            f"for path in {[str(t) for t in targets]!r}:\n"
            "    try:\n"
            "        os.listdir(path) if os.path.isdir(path) else open(path, 'rb').read()\n"
            "    except PermissionError:\n"
            "        continue\n"
            "    print('READABLE', path)\n"
        )
        result = as_user(reader, code)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "", f"{reader} can read: {result.stdout}"
    # a learner can read their own answers
    own = as_user(ana, f"print(open({str(hub.home(ana) / COURSE_ID / ASSESSMENT / 'responses.json')!r}).read()[:1])")
    assert own.stdout.strip() == "{"


def test_no_learner_can_read_a_key(hub, cycle):
    """As each learner: no file of the course installation they can read holds a
    hidden test or a key; their self-assessment page came from released/."""
    code = (
        "import json, os, sys\n"
        f"root = {str(REPO)!r}\n"
        "found = []\n"
        "for folder, dirs, files in os.walk(root):\n"
        "    dirs[:] = [d for d in dirs if d not in ('.git', '.venv', 'node_modules', 'tests')]\n"
        "    for name in files:\n"
        "        if not name.endswith(('.ipynb', '.yaml', '.json')):\n"
        "            continue\n"
        "        try:\n"
        "            text = open(os.path.join(folder, name), encoding='utf-8', errors='replace').read()\n"
        "        except PermissionError:\n"
        "            continue\n"
        "        if 'BEGIN HIDDEN TESTS' in text:\n"
        "            found.append(os.path.join(folder, name))\n"
        "print(json.dumps(found))\n"
    )
    for learner in LEARNERS:
        result = as_user(learner, code)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == [], f"{learner} can read hidden tests"
        survey = hub.home(learner) / COURSE_ID / "self-assessment" / "core-competencies-self-assessment.ipynb"
        assert survey.is_file() and "BEGIN HIDDEN TESTS" not in survey.read_text(encoding="utf-8")
    # the sources are still there for the grader, who builds and grades from them
    source = REPO / "assessments" / ASSESSMENT / f"{ASSESSMENT}.ipynb"
    assert as_user(GRADER, f"print(len(open({str(source)!r}).read()) > 0)").stdout.strip() == "True"


def test_the_formgrader_runs_under_a_memory_limit(hub, cycle):
    pids = processes_of(GRADER)
    limits = [next(line for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
                   if line.startswith("Max data size")) for pid in pids]
    assert limits and all(line.split()[3] == str(4096 * 1024 * 1024) for line in limits), limits


def test_the_exchange_cannot_be_taken_over_by_a_learner(hub, cycle):
    course = hub.exchange / COURSE_ID
    assert stat.S_IMODE(hub.exchange.stat().st_mode) == 0o1777  # sticky: only owners rename or remove
    assert course.stat().st_uid == pwd.getpwnam(GRADER).pw_uid
    code = (
        "import os\n"
        f"for old, new in (({str(course)!r}, {str(course) + '-moved'!r}), "
        f"({str(course / 'inbound')!r}, {str(course / 'inbound-moved')!r})):\n"
        "    try:\n"
        "        os.rename(old, new)\n"
        "    except PermissionError:\n"
        "        continue\n"
        "    print('RENAMED', old)\n"
    )
    for learner in LEARNERS:
        result = as_user(learner, code)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "", result.stdout


# --- the optional PostgreSQL gradebook ------------------------------------------

def postgres_tools() -> tuple[str, str, str]:
    """initdb, pg_ctl and psql; Debian's postgresql is installed when missing.

    Debian keeps initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, off PATH.
    """
    def find() -> list[Path]:
        return sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))

    if not find():
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, capture_output=True, env=env)
    bin_dir = find()[-1].parent
    return str(bin_dir / "initdb"), str(bin_dir / "pg_ctl"), shutil.which("psql") or str(bin_dir / "psql")


@contextlib.contextmanager
def postgres_server(base: Path, port: int):
    """A throwaway PostgreSQL cluster owned by the grader account; yields its URL."""
    data = base / "postgres"
    data.mkdir()
    shutil.chown(data, GRADER, GRADER)
    data.chmod(0o700)

    def as_grader(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run([shutil.which("runuser") or "/usr/sbin/runuser", "-u", GRADER, "--", *command],
                              capture_output=True, text=True, timeout=120, cwd=data)

    initdb, pg_ctl, psql = postgres_tools()
    done = as_grader(initdb, "-D", str(data / "cluster"), "--auth=trust", "-U", GRADER)
    assert done.returncode == 0, done.stderr
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    done = as_grader(pg_ctl, "-D", str(data / "cluster"), "-o", options, "-l", str(data / "log"), "-w", "start")
    assert done.returncode == 0, done.stderr + done.stdout
    try:
        done = as_grader(psql, "-h", "127.0.0.1", "-p", str(port), "-d", "postgres", "-c", "CREATE DATABASE gradebook")
        assert done.returncode == 0, done.stderr

        def query(sql: str) -> str:
            result = as_grader(psql, "-h", "127.0.0.1", "-p", str(port), "-d", "gradebook", "-At", "-c", sql)
            assert result.returncode == 0, result.stderr
            return result.stdout

        yield f"postgresql://{GRADER}@127.0.0.1:{port}/gradebook", query
    finally:
        as_grader(pg_ctl, "-D", str(data / "cluster"), "-m", "fast", "-w", "stop")


def test_postgres_gradebook_when_configured(accounts, child_env, wait_http, stop_process, free_port):
    """PEER_COURSE_DB_URL in the hub's environment puts the Formgrader's gradebook in PostgreSQL."""
    course_dir = Path(pwd.getpwnam(GRADER).pw_dir) / "peer-course-pg"
    with postgres_server(accounts, free_port()) as (url, query), \
            running_hub(accounts, "pg-hub", child_env=child_env, wait_http=wait_http, stop_process=stop_process,
                        free_port=free_port, PEER_COURSE_DB_URL=url, PEER_COURSE_DIR=str(course_dir)) as hub:
        get_token(hub, TRAINER)
        wait_for_formgrader(hub)
        result = hub.formgrader("POST", f"assignment/{ASSESSMENT}/assign").json()
        assert result["success"], result
        assert query("SELECT name FROM assignment").split() == [ASSESSMENT]
        assert (course_dir / "release" / ASSESSMENT / f"{ASSESSMENT}.ipynb").is_file()
        assert not (course_dir / "gradebook.db").exists()
