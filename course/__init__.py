"""Trainer and hosting tooling for the peer support course.

Importing this package is light (no nbgrader, no pandas): the course home
page imports :mod:`peer_course.manifest` and :mod:`peer_course.home` in the
learner's kernel. Trainer steps import nbgrader only when they run.
"""

__version__ = "0.1.0"
