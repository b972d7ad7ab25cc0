"""The base of the course's own widgets: one anywidget module, many views.

Every course widget uses the same ES module (``static/peer.js``); its
``view`` trait says which part of it draws the widget, the way an ipywidgets
model names its view. A question is one model instead of the ten to sixteen
stock widget models it used to take (a box, HTML parts, controls, and a
layout and style model for each), so a page's widgets reach the browser in
one short reply even on a busy server. All views share one layout model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
from traitlets import Unicode

STATIC = Path(__file__).with_name("static")


@lru_cache(maxsize=1)
def shared_layout() -> w.Layout:
    """One layout model for every course widget in this kernel (none of them styles its box)."""
    return w.Layout()


# What each widget's own model carries: a few lines that wait for the course
# module (sent once per page by CourseModule) and let it draw the widget.
# anywidget sends a widget's module with its state; sending the whole module
# with each of a page's 20 to 65 questions made the kernel's reply to the
# browser (which the browser waits for only 4 seconds) hundreds of kilobytes.
STUB = """
const module = (window.__peerCourseModule ??= (() => {
  let resolve;
  const ready = new Promise((done) => { resolve = done; });
  ready.resolve = resolve;
  return ready;
})());
export default { async render(context) { return (await module).render(context); } };
"""


class PeerView(anywidget.AnyWidget):
    """A widget drawn by the course's own ES module."""

    _esm = STUB
    view = Unicode(help="Which view of peer.js draws this widget.").tag(sync=True)

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("layout", shared_layout())
        super().__init__(**kwargs)


class CourseModule(anywidget.AnyWidget):
    """Carries ``static/peer.js`` to the page once; shows nothing. Displayed
    before any course widget on a page (see :func:`peer_widgets.pages.page.show_style`)."""

    _esm = STATIC / "peer.js"

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("layout", shared_layout())
        super().__init__(**kwargs)
