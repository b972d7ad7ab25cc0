"""One learner, one store, on a Voila server that many people use at once.

Voila starts a kernel per page view, all as the same system user in the same
folder, so on its own it cannot tell learners apart, and it lets anyone who
knows a kernel's id open that kernel's widget channel. In shared mode:

* **Each browser is a learner.** On its first visit the server issues a
  random token in a cookie it signs (HttpOnly, SameSite=Lax, ``Secure`` when
  the page came over HTTPS). A cookie the server did not sign, such as a
  value a client chose, is replaced by a new one. The token is turned into a
  private folder for the learner's answers and drafts (named by a hash of it,
  so a file listing reveals nothing) and handed to the kernel by an injected
  first cell (hidden like every other source).
* **A kernel answers only its learner.** The server records which learner
  each kernel was started for; every kernel request (its REST resource, its
  widget channel, its shutdown) must carry that learner's signed cookie, or
  it gets 403.
* **Kernels are bounded.** A learner has at most ``MAX_PER_LEARNER`` kernels
  (opening one more ends their oldest); the server at most ``MAX_TOTAL``
  (then a new page gets "busy, try again"); both can be set in the
  environment (``PEER_COURSE_SHARED_KERNELS_PER_LEARNER``, ``..._TOTAL``).
  Kernels idle with no page connected are culled (``serve.CULL_IDLE_SECONDS``).
* **"Forget me on this computer"** (``/voila/peer-course/forget``, linked
  from the course home) clears the cookie; the answers stay on the server
  under the old token, which the learner can no longer reach, so the home
  page asks them to download their answers first.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import re
import secrets
import sys
from pathlib import Path

import nbformat
import tornado.web

COOKIE = "peer_course_learner"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
LEARNERS_DIR = ".learners"
FORGET_PATH = "/voila/peer-course/forget"
MAX_PER_LEARNER = 6
MAX_TOTAL = 60
PER_LEARNER_ENV = "PEER_COURSE_SHARED_KERNELS_PER_LEARNER"
TOTAL_ENV = "PEER_COURSE_SHARED_KERNELS_TOTAL"
COOKIE_DAYS = 365

# The learner a page request belongs to, from the prelaunch hook to the start
# of that page's kernel (both run in the same request's task).
_learner: contextvars.ContextVar[str | None] = contextvars.ContextVar("peer_course_learner", default=None)


def learner_dir(workspace: Path, token: str) -> Path:
    return workspace / LEARNERS_DIR / hashlib.sha256(token.encode("ascii")).hexdigest()[:32]


def setup_cell(folder: Path) -> nbformat.NotebookNode:
    answers = folder / "responses.json"
    data = folder / "user-data"
    source = (
        "import os as _os\n"
        f"_os.environ['PEER_COURSE_RESPONSES'] = {json.dumps(str(answers))}\n"
        f"_os.environ['PEER_COURSE_DATA_DIR'] = {json.dumps(str(data))}\n"
        "_os.environ['PEER_COURSE_SHARED'] = '1'\n"
        "del _os"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = "peer-course-learner"
    return cell


def learner_of(handler: tornado.web.RequestHandler) -> str | None:
    """The learner token in a request's signed cookie, or None (missing, forged, expired)."""
    raw = handler.get_signed_cookie(COOKIE, max_age_days=COOKIE_DAYS)
    token = raw.decode("ascii", "replace") if raw else None
    return token if token and TOKEN.match(token) else None


def issue_cookie(handler: tornado.web.RequestHandler) -> str:
    """A new learner token, set in a signed cookie on the response."""
    token = secrets.token_urlsafe(32)
    handler.set_signed_cookie(COOKIE, token, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax", path="/",
                              secure=handler.request.protocol == "https")
    return token


class Kernels:
    """Which learner each kernel was started for, and the limits on them."""

    def __init__(self, manager, *, per_learner: int = MAX_PER_LEARNER, total: int = MAX_TOTAL):
        self.manager = manager
        self.per_learner = per_learner
        self.total = total
        self.owner: dict[str, str] = {}  # kernel id -> learner token
        start = manager.start_kernel

        async def start_kernel(*args, **kwargs):
            learner = _learner.get()
            if learner is not None:
                await self.make_room(learner)
            kernel_id = await start(*args, **kwargs)
            if learner is not None:
                self.owner[kernel_id] = learner
            return kernel_id

        manager.start_kernel = start_kernel

    def alive(self) -> list[str]:
        live = set(self.manager.list_kernel_ids())
        for gone in set(self.owner) - live:  # shut down or culled
            del self.owner[gone]
        return [kernel_id for kernel_id in self.owner if kernel_id in live]

    async def make_room(self, learner: str) -> None:
        """End the learner's oldest kernels beyond their limit; refuse when the server is full."""
        mine = [kernel_id for kernel_id in self.alive() if self.owner[kernel_id] == learner]
        for kernel_id in mine[: max(0, len(mine) - self.per_learner + 1)]:
            await self.manager.shutdown_kernel(kernel_id)
            self.owner.pop(kernel_id, None)
        if len(self.alive()) >= self.total:
            raise tornado.web.HTTPError(503, "The course server is busy. Please try again in a minute.")


def make_prelaunch_hook(workspace: Path):
    """A Voila prelaunch hook giving each browser its own answers folder (and
    naming the learner the page's kernel is about to be started for)."""
    workspace = Path(workspace).resolve()

    def hook(req, notebook, cwd):
        token = learner_of(req) or issue_cookie(req)
        _learner.set(token)
        folder = learner_dir(workspace, token)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        notebook.cells.insert(0, setup_cell(folder))
        return notebook

    return hook


def owned(handler_class: type, kernels: Kernels) -> type:
    """``handler_class``, answering only requests from the learner who owns the kernel."""

    class Owned(handler_class):
        async def prepare(self, *args, **kwargs):
            kernel_id = self.path_kwargs.get("kernel_id") or (self.path_args[0] if self.path_args else None)
            learner = learner_of(self)
            if learner is None or kernels.owner.get(kernel_id) != learner:
                raise tornado.web.HTTPError(403)
            result = super().prepare(*args, **kwargs)
            if result is not None and hasattr(result, "__await__"):
                await result

    Owned.__name__ = Owned.__qualname__ = f"Owned{handler_class.__name__}"
    return Owned


class ForgetHandler(tornado.web.RequestHandler):
    """Clears this browser's learner cookie."""

    def get(self):
        self.clear_cookie(COOKIE, path="/")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Forgotten</title></head>"
                    "<body><main><h1>This computer has forgotten you</h1><p>The next person to use this browser "
                    "starts with an empty course. If you downloaded your answers, you can restore them on any "
                    "computer.</p><p><a href='render/home.ipynb'>Start the course</a></p></main></body></html>")


def main(argv: list[str] | None = None) -> None:
    """Run the course's Voila (:mod:`peer_course.serving.app`; same arguments as
    ``voila``) in shared mode (see the module docs)."""
    from jupyter_server.utils import url_path_join

    from peer_course.serving.app import ToCourseHome, course_voila_class, use_course_template

    argv = list(sys.argv[1:] if argv is None else argv)
    workspace = Path(next(a for a in argv if not a.startswith("-")))
    use_course_template()

    class ToLearnersHome(ToCourseHome):
        def answers_folder(self):
            token = learner_of(self)
            return learner_dir(workspace, token) if token else None

    class SharedVoila(course_voila_class()):
        home_handler = ToLearnersHome

        def init_handlers(self):
            handlers = super().init_handlers()
            kernels = Kernels(self.kernel_manager,
                              per_learner=int(os.environ.get(PER_LEARNER_ENV) or MAX_PER_LEARNER),
                              total=int(os.environ.get(TOTAL_ENV) or MAX_TOTAL))
            self.voila_configuration.prelaunch_hook = make_prelaunch_hook(workspace)
            self._peer_course_kernels = kernels
            guarded = []
            for rule in handlers:
                pattern, handler, *rest = rule
                if "kernel_id" in pattern or "/voila/api/shutdown/" in pattern:
                    handler = owned(handler, kernels)
                guarded.append((pattern, handler, *rest))
            guarded.append((url_path_join(self.server_url, FORGET_PATH), ForgetHandler))
            return guarded

    app = SharedVoila()
    app.initialize(argv)
    app.start()


if __name__ == "__main__":
    main()
