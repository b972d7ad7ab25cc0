"""The moment a page's answers may be read.

A page reads the learner's answers when it is built. Where the server runs
a page ahead of time (Voila's preheated kernels), that must wait until the
learner's request arrives, or the page would show answers as they were when
the kernel was started. :func:`before_answers_load` is that wait; it returns
at once where pages are built on request.
"""

from __future__ import annotations

import os

# Voila sets this to "True" in the environment of a kernel it preheats.
PREHEAT_ENV = "VOILA_PREHEAT"
_arrived = False


def preheated() -> bool:
    """Whether this kernel was started by Voila ahead of any request."""
    return os.environ.get(PREHEAT_ENV, "False") == "True"


def before_answers_load() -> None:
    """Return once the learner's request has arrived (at once outside a preheated kernel)."""
    global _arrived
    if _arrived or not preheated():
        return
    from voila.utils import wait_for_request

    wait_for_request()
    _arrived = True
