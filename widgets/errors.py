"""The one base of every error the course reports to a person.

Every error a learner, author, trainer or host can fix derives from
:class:`PeerCourseError`, and its message is one line (or a few, one per
problem) that names the file, item or field and says what to do. The
``peer-course`` command prints such an error and exits with code 1; it never
shows a traceback for one.
"""

from __future__ import annotations


class PeerCourseError(Exception):
    """A problem someone can fix, with a message that says where and how.

    ``problems`` holds one message per problem when there are several (a
    roster with three bad rows); otherwise it is the one message.
    """

    def __init__(self, message: str, *, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems) if problems else [message]
