"""The moment a page's answers may be read.

A page reads the learner's answers when it is built. Where the server runs
a page ahead of time (Voila's preheated kernels), that must wait until the
learner's request arrives, or the page would show answers as they were when
the kernel was started. :func:`before_answers_load` is that wait; it returns
at once where pages are built on request.
"""

from __future__ import annotations


def before_answers_load() -> None:
    """Return once the learner's request has arrived (at once outside a preheated kernel)."""
    return None
