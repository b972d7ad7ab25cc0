"""The practice exam page (see :mod:`peer_widgets.exam` for how questions are
drawn and scored).

The page is one box whose content follows the attempt saved in the answers
file: a start panel (where the questions come from, optional timer), then
the attempt's questions with a "Score my practice exam" button, then the
scores per domain with a study plan and "Start a new attempt". An attempt to
hand in (drawn from the graded assessments) ends with "I have finished"
instead: the page never scores it, since it holds no keys; the trainer's
grading does, and the learner's feedback shows the score per domain. Every
answer is saved the moment it is given, so a reload, a closed tab or another
device brings the attempt back as it was.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from typing import Any

import anywidget
import ipywidgets as w
from traitlets import Bool, Dict, Float

from peer_widgets import exam
from peer_widgets.controls.base import learner_key
from peer_widgets.i18n import current_language
from peer_widgets.i18n import gettext as _
from peer_widgets.kinds import kind_of
from peer_widgets.manifest import Manifest, load_manifest
from peer_widgets.pages.language import page_name
from peer_widgets.store import ResponseStore, StoreError, now

e = html.escape
#: Lessons are one folder up from the exam's own folder on the learner's server.
LESSONS = "../"

TIMER_ESM = """
function render({ model, el }) {
  const line = document.createElement('p');
  line.className = 'peer-timer';
  line.setAttribute('role', 'timer');
  el.appendChild(line);
  const says = document.createElement('p');
  says.className = 'peer-visually-hidden';
  says.setAttribute('aria-live', 'polite');
  el.appendChild(says);
  const warned = new Set();
  const two = (n) => String(n).padStart(2, '0');
  function tick() {
    const strings = model.get('strings');
    const left = model.get('deadline_ms') - Date.now();
    if (left <= 0) {
      line.textContent = strings.up;
      says.textContent = strings.up;
      if (!model.get('expired')) { model.set('expired', true); model.save_changes(); }
      clearInterval(timer);
      return;
    }
    const s = Math.floor(left / 1000);
    line.textContent = strings.left.replace('{time}', `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`);
    for (const minutes of [10, 1]) {  // a screen reader hears the time only when it matters
      if (s <= minutes * 60 && !warned.has(minutes)) {
        warned.add(minutes);
        says.textContent = strings.warn.replace('{minutes}', String(minutes));
      }
    }
  }
  const timer = setInterval(tick, 1000);
  tick();
  return () => clearInterval(timer);
}
export default { render };
"""


class ExamTimer(anywidget.AnyWidget):
    """Counts down to the end of a timed attempt in the learner's browser and
    says when time is up (``expired``); the kernel then scores the attempt."""

    _esm = TIMER_ESM
    deadline_ms = Float(0).tag(sync=True)
    expired = Bool(False).tag(sync=True)
    strings = Dict().tag(sync=True)


def render_result(result: exam.Result, attempt: int) -> str:
    parts = [f"<section class='peer-exam-result'><h2>{e(_('Your scores, attempt {n}').format(n=attempt))}</h2>",
             "<p><strong>" + e(_("{right} of {total} right ({percent}%).").format(
                 right=result.right, total=result.total, percent=round(100 * result.share))) + "</strong></p>"]
    if result.late:
        parts.append("<p>" + e(_("{n} answers were saved after your time ran out and are not counted.").format(
            n=result.late)) + "</p>")
    head = "".join(f"<th scope='col'>{e(t)}</th>" for t in (_("IC&RC domain"), _("Right"), _("Score")))
    rows = "".join(f"<tr><th scope='row'>{e(d.name)}</th><td>{d.right} / {d.total}</td>"
                   f"<td>{round(100 * d.share)}%</td></tr>" for d in result.domains)
    parts.append(f"<table><caption>{e(_('Scores by domain'))}</caption><thead><tr>{head}</tr></thead>"
                 f"<tbody>{rows}</tbody></table>")
    parts.append(f"<h3>{e(_('Your study plan'))}</h3>")
    plan = []
    for domain in sorted(result.domains, key=lambda d: d.share):
        if not domain.review:
            plan.append(f"<li>{e(_('{domain}: all right. Well done.').format(domain=domain.name))}</li>")
            continue
        modules = ", ".join(
            f"<a href='{e(LESSONS + page_name(module.notebook, current_language()))}'>{e(_('Module {number}: {title}').format(number=module.number, title=module.title))}</a>"
            f" ({e(_('{n} missed').format(n=missed))})" for module, missed in domain.review[:3])
        plan.append(f"<li>{e(_('{domain} ({percent}%): look again at').format(domain=domain.name, percent=round(100 * domain.share)))} "
                    f"{modules}.</li>")
    parts.append("<ol>" + "".join(plan) + "</ol>")
    parts.append("<p>" + e(_("Each lesson's checks explain every option. This practice exam is not a state "
                             "certification exam, and its score is not a prediction of one.")) + "</p></section>")
    return "".join(parts)


class AttemptAnswers:
    """What the exam's questions save into: the attempt's record, not records of
    their own (the store interface the question widgets use: get, save, check)."""

    read_only = False

    def __init__(self, store: ResponseStore, item_id: str):
        self.store, self.item_id = store, item_id

    def attempt(self) -> dict:
        return dict(self.store.value(self.item_id) or {})

    def get(self, question_id: str) -> dict | None:
        attempt, check = self.attempt(), exam.lesson_id(question_id)
        if check not in (attempt.get("answers") or {}):
            return None
        return {"value": attempt["answers"][check], "answered_at": attempt["times"].get(check, ""), "attempts": 0}

    def save(self, question_id: str, value: Any, *, variant: str | None = None) -> dict:
        attempt, check = self.attempt(), exam.lesson_id(question_id)
        answers, times = dict(attempt.get("answers") or {}), dict(attempt.get("times") or {})
        if value is None:
            answers.pop(check, None)
        else:
            answers[check], times[check] = value, now()
        attempt.update(answers=answers, times=times)
        self.store.save(self.item_id, attempt)
        return {"value": value, "answered_at": times.get(check, ""), "attempts": 0}

    check = save


class PracticeExam:
    """The practice exam item on its page: what it shows follows the saved attempt."""

    def __init__(self, item, store: ResponseStore | None, manifest: Manifest | None = None):
        self.item = item
        self.store = store if store is not None else ResponseStore.for_folder()
        self.answers = AttemptAnswers(self.store, item.id)
        self.manifest = manifest or load_manifest()
        self.box = w.VBox(layout=w.Layout(width="100%"))
        self.status = w.HTML()
        self.widgets: list[Any] = []
        self.timer: ExamTimer | None = None
        self.render()

    @property
    def record(self) -> dict:
        return self.answers.attempt()

    def _save_record(self, record: dict) -> bool:
        try:
            self.store.save(self.item.id, record)
        except StoreError as error:
            self.status.value = f"<p class='peer-error' role='alert'>{e(str(error))}</p>"
            return False
        return True

    def start(self, minutes: int | None = None, source: str = exam.LESSONS) -> None:
        """Begin a new attempt: a fresh draw, saved before the first question shows."""
        if self._save_record(exam.new_attempt(self.manifest, learner_key(), self.record, minutes, now(), source)):
            self.render()

    def result(self) -> exam.Result:
        """The scores of a practice attempt (from the lessons: its keys are the lessons' own)."""
        return exam.score_attempt(exam.attempt_questions(self.manifest, self.record), self.record)

    def to_hand_in(self, record: dict | None = None) -> bool:
        return exam.attempt_source(self.record if record is None else record) == exam.GRADED

    def finish(self) -> exam.Result | None:
        """End the current attempt: a practice attempt is scored and its score kept
        in the history; an attempt to hand in is only closed (None: no score here)."""
        self.store.reload()
        record = self.record
        result = None if self.to_hand_in(record) else self.result()
        if record and not record.get("finished"):
            entry = {"attempt": record["attempt"], "source": exam.attempt_source(record)}
            if result is not None:
                entry.update(right=result.right, total=result.total)
            record.update(finished=True, finished_at=now(), history=[*record.get("history", []), entry])
            self._save_record(record)
        self.render()
        return result

    # -- what the page shows -------------------------------------------------
    def render(self) -> None:
        record = self.record
        ends = exam.deadline(record) if record.get("items") else None
        if record.get("items") and not record.get("finished") and ends is not None \
                and ends <= datetime.now(timezone.utc):
            self.finish()  # the time ran out while the page was closed
            return
        if not record.get("items") or record.get("finished"):
            self.box.children = self._start_panel(record)
        else:
            self.box.children = self._attempt_panel(record, ends)

    def _start_panel(self, record: dict) -> tuple:
        parts: list[Any] = []
        if record.get("finished") and self.to_hand_in(record):
            parts.append(w.HTML(
                f"<section class='peer-exam-result'><h2>{e(_('Attempt {n} is ready to hand in').format(n=record['attempt']))}</h2><p>"
                + e(_("Your answers are saved. Hand in this exam the way your trainer has shown you. Your "
                      "trainer's grading scores it, and your feedback shows your score in each IC&RC domain "
                      "with the modules to look at again. Starting a new attempt replaces this one in what "
                      "you hand in.")) + "</p></section>"))
        elif record.get("finished"):
            parts.append(w.HTML(render_result(self.result(), record["attempt"])))
        history = record.get("history", [])
        if len(history) > 1:
            items = "".join("<li>" + e(_("Attempt {n}: {right} of {total}").format(
                n=h["attempt"], right=h["right"], total=h["total"]) if "right" in h else
                _("Attempt {n}: for your trainer to score").format(n=h["attempt"])) + "</li>" for h in history)
            parts.append(w.HTML(f"<h2>{e(_('Your attempts'))}</h2><ul>{items}</ul>"))
        size = min(exam.EXAM_SIZE, len(exam.pool(self.manifest)))
        label = _("Start a new attempt") if record.get("items") else _("Start the practice exam")
        parts.append(w.HTML(f"<h2>{e(label)}</h2><p>" + e(_(
            "You will get {n} questions, each with one best answer out of four. A new attempt draws a new "
            "set. You can time yourself; each certification body sets its own time limit.").format(n=size))
            + "</p>"))
        controls: list[Any] = []
        source = None
        if exam.graded_pool(self.manifest):
            parts.append(w.HTML("<p>" + e(_(
                "Practice here: questions from the lessons' checks, scored as soon as you finish. To hand in: "
                "questions from the graded checks, scored by your trainer after you hand the exam in.")) + "</p>"))
            source = w.Dropdown(options=[(_("Practice here (scored right away)"), exam.LESSONS),
                                         (_("To hand in (scored by your trainer)"), exam.GRADED)],
                                value=exam.LESSONS, description=_("Questions"), style={"description_width": "initial"})
            controls.append(source)
        choices = [(_("No timer"), 0)] + [(_("{n} minutes").format(n=m), m) for m in exam.TIME_LIMITS if m]
        timer = w.Dropdown(options=choices, value=0, description=_("Timer"), style={"description_width": "initial"})
        begin = w.Button(description=label, button_style="primary")
        begin.on_click(lambda _button: self.start(timer.value or None, source.value if source else exam.LESSONS))
        return (*parts, *controls, timer, begin, self.status)

    def _attempt_panel(self, record: dict, ends: datetime | None) -> tuple:
        attempt = record["attempt"]
        questions = exam.attempt_questions(self.manifest, record)
        hand_in = self.to_hand_in(record)
        intro = (_("Your answers are saved as you go. Choose \"I have finished\" when you are done, then hand "
                   "the exam in.") if hand_in else
                 _("Your answers are saved as you go. Choose \"Score my practice exam\" when you are done."))
        parts: list[Any] = [w.HTML(f"<h2>{e(_('Attempt {n}').format(n=attempt))}</h2><p>" + e(intro) + "</p>")]
        self.timer = None
        if ends is not None:
            self.timer = ExamTimer(deadline_ms=ends.timestamp() * 1000, strings={
                "left": _("Time left: {time}"),
                "up": _("Time is up. Your answers are saved for you to hand in.") if hand_in
                else _("Time is up. Your exam has been scored."),
                "warn": _("{minutes} minutes left.")})
            self.timer.observe(lambda change: change["new"] and self.finish(), "expired")
            parts.append(self.timer)
        self.widgets = []
        for number, question in enumerate(questions, 1):
            item = exam.as_exam_question(question, attempt)
            self.widgets.append(kind_of(item).widget(item, self.answers, number=number, total=len(questions)))
        score = w.Button(description=_("I have finished") if hand_in else _("Score my practice exam"),
                         button_style="primary")
        score.on_click(lambda _button: self.finish())
        return (*parts, *self.widgets, score, self.status)


def exam_view(item, store: ResponseStore | None = None, *, private: Any = None, kind: Any = None,
              **options: Any) -> w.VBox:
    """The practice exam item's widget (its kind names this view): the whole exam."""
    return PracticeExam(item, store).box
