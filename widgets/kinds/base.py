"""What every kind of item must say about its items.

A kind is the one place that knows the rules of its items, the way
ipywidgets' ``_Selection`` holds the value rule that ``RadioButtons`` and
``Dropdown`` share, and otter-grader's ``TestFile`` subclasses each know one
test format. Banks, widgets, grading, progress, validation, authoring and
reports all ask an item's kind (``peer_widgets.kinds.kind_of``) instead of
testing its type name, so the rules cannot drift apart.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

from peer_widgets.errors import PeerCourseError
from peer_widgets.i18n import gettext as _

if TYPE_CHECKING:  # the rules never need the loader at run time
    from peer_widgets.items import Item


class AnswerProblem(PeerCourseError, ValueError):
    """A saved answer an item cannot take, or one that earns nothing yet.

    ``str(problem)`` is a plain sentence for the learner's feedback; it never
    names a key or a keyed option.
    """


class MalformedAnswer(AnswerProblem):
    def __init__(self, detail: str = ""):
        super().__init__(_("the saved answer is not in a form this item accepts."))
        self.detail = detail


class OutOfRangeAnswer(AnswerProblem):
    def __init__(self, detail: str = ""):
        super().__init__(_("the saved answer is not one of this item's options."))
        self.detail = detail


class IncompleteAnswer(AnswerProblem):
    """A well-formed answer that does not yet earn credit (the message says why)."""




class ItemKind:
    """The rules of one kind of item.

    Subclasses set the class attributes and override what differs. Every
    method is pure: no widget, file or kernel is involved.
    """

    #: The kind's name, as written in a bank's ``type`` field.
    name: ClassVar[str]
    #: A knowledge check: graded against a key, with partial credit where it applies.
    keyed: ClassVar[bool] = False
    #: Graded by a trainer in Formgrader (the autograder only records completion).
    trainer_graded: ClassVar[bool] = False
    #: One best answer among options: the practice exam's format (with four options).
    single_best_answer: ClassVar[bool] = False
    #: Items of this kind carry the certification-framework tags (``california``, ``icrc``).
    tagged: ClassVar[bool] = True
    #: The grading helper in :mod:`peer_widgets.grading` that a hidden test calls.
    scorer: ClassVar[str | None] = None
    #: The bank fields that hold this kind's choosable entries (ids must be unique in each).
    entry_fields: ClassVar[tuple[str, ...]] = ()
    #: The widget class that shows items of this kind, by dotted name. Like an
    #: ipywidgets model naming its view (``_view_name``), the rules name their
    #: view and never import it, so the views can depend on the rules.
    view: ClassVar[str]

    # -- item rules (banks, drafts, validation) ---------------------------
    def item_problems(self, item: "Item", *, needs_key: bool, needs_feedback: bool) -> Iterator[tuple[str, str]]:
        """``(field, message)`` for every rule of this kind the item breaks.

        ``needs_key``: the item must carry its key (a formative item, or an
        assessment draft). ``needs_feedback``: every entry needs feedback
        (formative items).
        """
        if needs_key and self.keyed:
            if item.key is None:
                yield "key", ("formative items need a key so feedback can be given" if needs_feedback
                              else "an assessment draft needs the key of every keyed item")
                return
            problem = self.key_problem(item, item.key)
            if problem:
                yield problem
        if needs_feedback:
            yield from self.feedback_problems(item)

    def key_problem(self, item: "Item", key: Any) -> tuple[str, str] | None:
        """``(field, reason)`` if ``key`` is not a valid key for ``item``, else None."""
        return None

    def feedback_problems(self, item: "Item") -> Iterator[tuple[str, str]]:
        return iter(())

    # -- answers -----------------------------------------------------------
    def check_value(self, item: "Item", value: Any) -> Any:
        """The answer in its saved form, if this item can take it.

        ``None`` (no answer) is always accepted and returned as is.

        Raises
        ------
        MalformedAnswer
            If the value has the wrong shape for this kind.
        OutOfRangeAnswer
            If it names options, terms or levels the item does not have.
        """
        return None if value is None else self._check(item, value)

    def _check(self, item: "Item", value: Any) -> Any:
        raise NotImplementedError

    def score(self, item: "Item", value: Any, key: Any = None) -> float:
        """The share of credit (0 to 1) a checked answer earns against ``key``.

        Raises
        ------
        IncompleteAnswer
            If the answer earns nothing yet (a rating that needs a comment).
        """
        raise NotImplementedError

    def feedback(self, item: "Item", value: Any) -> tuple["bool | None", list[str]] | None:
        """For a formative item: the verdict and the explanations to show, or
        None when there is nothing to say yet (an unfinished matching)."""
        return None

    def answered(self, item: "Item", value: Any) -> bool:
        """The learner has given an answer this item can take."""
        try:
            return self.check_value(item, value) is not None
        except AnswerProblem:
            return False

    def complete(self, item: "Item", value: Any) -> bool:
        """The answer is all the item asks for (progress and completion credit)."""
        if not self.answered(item, value):
            return False
        try:
            self.score(item, self.check_value(item, value), item.key)
        except AnswerProblem:
            return False
        return True

    # -- what other parts need to know ------------------------------------
    def scale_id(self, item: "Item") -> str | None:
        """The rating scale of a rating item; None for other kinds."""
        return None

    def competency_level(self, item: "Item", value: Any) -> str | None:
        """The competency level a self-rating gives (``'proficient'``), else None."""
        return None

    def report_fields(self, item: "Item", value: Any) -> dict[str, str | None]:
        """What a cohort report keeps of an answer: ``rating``, ``comment``, ``text``."""
        return {"rating": None, "comment": None, "text": None}

    def answer_text(self, item: "Item", value: Any) -> str:
        """A checked answer in words, for the learner's feedback (plain text)."""
        return str(value)

    def trainer_view(self, item: "Item", value: Any) -> list[str]:
        """Lines a trainer reads while grading this item by hand."""
        return []

    def widget(self, item: "Item", store: Any = None, private: Any = None, **options: Any) -> Any:
        """The widget that shows ``item`` and saves its answers to ``store``
        (``private``: where a reflection keeps its private draft; ``options``
        go to the widget, such as its ``number`` and ``total`` on the page)."""
        module, _, name = self.view.rpartition(".")
        view = getattr(importlib.import_module(module), name)
        return view(item, store, private=private, kind=self, **options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
