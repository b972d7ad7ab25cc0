"""The course's Voila server: Voila with the course's page chrome, and with
each page's kernel ended when the learner leaves the page.

``peer-course serve`` runs ``python -m peer_course.serving.app WORKSPACE``
(and :mod:`peer_course.serving.shared` builds on :class:`CourseVoila`).
Compared with plain ``voila``:

* **Closing a page ends its kernel.** When a page is left, Voila's page
  posts to ``/voila/api/shutdown/<kernel id>``, sending back the value of
  the ``_xsrf`` cookie. Voila's notebook pages never set that cookie, so
  the call was refused (403) and every page view left its kernel running
  until it was culled. Here every notebook page sets the cookie (the same
  token Jupyter's own pages set); XSRF checking stays on everywhere.
* **The course's template** (``peer-course``, bundled with this package
  under ``share/voila/templates`` and found relative to it, so it works
  from an installed wheel): ``<html lang>`` set to the learner's language,
  a ``<main>`` landmark, the lesson's title, the lesson text shown at once
  with a friendly "Getting your questions ready…" (in the learner's
  language: see :func:`speak_the_learners_language`) until the questions
  are live.
* **The server root** (``/``, ``/voila/tree``) opens the course home
  instead of a file listing of the learner's folder.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

import tornado.web

TEMPLATE = "peer-course"
# The Jupyter data folder holding ``voila/templates/peer-course``.
SHARE = Path(__file__).resolve().parent / "share"
HOME = "home.ipynb"
# Front-end extensions a learner's page loads: Voila's widget manager, the
# widget libraries (ipywidgets' and anywidget's). Anything else installed in
# the environment (nbgrader's, Notebook's...) is left out of learner pages.
PAGE_EXTENSIONS = [
    "@voila-dashboards/widgets-manager8",
    "@jupyter-widgets/jupyterlab-manager",
    "anywidget",
]


def use_course_template() -> None:
    """Make the ``peer-course`` template findable (Jupyter looks for templates
    in the folders of ``JUPYTER_PATH`` first)."""
    folders = [f for f in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if f]
    if str(SHARE) not in folders:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(SHARE), *folders])


def setting_the_xsrf_cookie(handler_class: type) -> type:
    """``handler_class``, also setting the ``_xsrf`` cookie the page's
    "I am leaving" call (which ends its kernel) sends back."""

    class PageHandler(handler_class):
        async def prepare(self, *args, **kwargs):
            result = super().prepare(*args, **kwargs)
            if inspect.isawaitable(result):
                await result
            self.xsrf_token  # noqa: B018 - reading it sets the cookie when the browser has none

    PageHandler.__name__ = PageHandler.__qualname__ = f"XsrfCookie{handler_class.__name__}"
    return PageHandler


class ToCourseHome(tornado.web.RequestHandler):
    """The server root and Voila's file listing open the course home, in the
    learner's language: the one they last chose (remembered in their answers,
    see :mod:`peer_widgets.pages.language`), else the course's default."""

    def initialize(self, server_url: str, workspace: str):
        self.server_url = server_url
        self.workspace = Path(workspace)

    def answers_folder(self) -> Path | None:
        """The folder of the learner's answers (the shared server's is per browser)."""
        return self.workspace

    def get(self, *args):
        from jupyter_server.utils import url_path_join
        from peer_widgets.i18n import current_language
        from peer_widgets.pages.language import page_name, remembered_language
        from peer_widgets.store import ResponseStore

        folder = self.answers_folder()
        chosen = None
        if folder is not None and (folder / "responses.json").is_file():
            chosen = remembered_language(ResponseStore(folder / "responses.json", read_only=True))
        home = page_name(HOME, chosen or current_language())
        if not (self.workspace / home).is_file():
            home = HOME
        self.set_header("Cache-Control", "no-store")
        self.redirect(url_path_join(self.server_url, "voila/render", home))

    head = get


def course_handlers(handlers: list, server_url: str, workspace: str = ".",
                    home: type = ToCourseHome) -> list:
    """Voila's ``handlers`` with notebook pages setting the XSRF cookie and the
    server root sent to the course home (by ``home``)."""
    from voila.handler import VoilaHandler
    from voila.treehandler import VoilaTreeHandler

    changed = []
    for rule in handlers:
        pattern, handler, *rest = rule
        if isinstance(handler, type) and issubclass(handler, VoilaTreeHandler):
            handler, rest = home, [{"server_url": server_url, "workspace": workspace}]
        elif isinstance(handler, type) and issubclass(handler, VoilaHandler):
            handler = setting_the_xsrf_cookie(handler)
        changed.append((pattern, handler, *rest))
    return changed


def speak_the_learners_language(config) -> None:
    """Give the page template its words, and ``<html lang>``, in the language the
    course's widgets use (``PEER_COURSE_LANG``, see :mod:`peer_widgets.i18n`).

    The words go to the template as ``resources.peer_course``; the language to
    nbconvert's own ``language_code`` setting (which takes ISO 639-1 codes, so
    ``pt_BR`` is written ``pt``).
    """
    from peer_widgets.i18n import language_tag, page_template_strings, speaking
    from peer_widgets.translations import LANGUAGES

    resources = config.VoilaConfiguration.resources
    resources = dict(resources) if isinstance(resources, dict) else {}
    resources["peer_course"] = page_template_strings()
    languages = {}
    for language in LANGUAGES:
        with speaking(language):
            languages[language] = page_template_strings()
    resources["peer_course_languages"] = languages
    config.VoilaConfiguration.resources = resources
    config.VoilaExporter.language_code = language_tag().split("-")[0]


def course_voila_class():
    """The :class:`voila.app.Voila` subclass serving the course (imported late:
    Voila is only needed by the server process)."""
    from voila.app import Voila

    class CourseVoila(Voila):
        def initialize(self, argv=None):
            super().initialize(argv)
            speak_the_learners_language(self.config)

        home_handler = ToCourseHome

        def init_handlers(self):
            return course_handlers(super().init_handlers(), self.server_url, self.root_dir, self.home_handler)

    return CourseVoila


def main(argv: list[str] | None = None) -> None:
    """Run the course's Voila (same arguments as ``voila``)."""
    use_course_template()
    app = course_voila_class()()
    app.initialize(list(sys.argv[1:] if argv is None else argv))
    app.start()


if __name__ == "__main__":
    main()
