"""The learner's pages: course home, and "My progress" with the certificate.

Drawn in the learner's kernel from the manifest and the learner's saved
answers. Light on purpose: no pandas, no plotting library.

A learner's course folder (see :mod:`peer_course.serving.serve`) looks like::

    home.ipynb  progress.ipynb  01-peer-role.ipynb ...  items/*.yaml  responses.json
    self-assessment/core-competencies-self-assessment.ipynb  items.yaml  responses.json
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from peer_widgets.bank import ItemBankError, load_bank
from peer_widgets.completion import PASS_PERCENT, CourseResult, ModuleResult, course_result, score_module
from peer_widgets.i18n import gettext as _
from peer_widgets.items import Item, ItemBank
from peer_widgets.kinds import competency_items, kind_of
from peer_widgets.manifest import Manifest, Module, load_manifest
from peer_widgets.scales import N_
from peer_widgets.pages.language import localize_hrefs
from peer_widgets.store import ResponseStore

NOT_STARTED, IN_PROGRESS, COMPLETED = "not started", "in progress", "completed"
STATUS_LABEL = {NOT_STARTED: N_("Not started"), IN_PROGRESS: N_("In progress"), COMPLETED: N_("Completed")}
SELF_ASSESSMENT_DIR = "self-assessment"
#: The practice exam's folder in the learner's course folder (its answers are kept there).
PRACTICE_EXAM_DIR = "practice-exam"
PROGRESS_PAGE = "progress.ipynb"
CROSSWALK_PAGE = "crosswalk.ipynb"


def status_of(*, started: bool, finished: bool) -> str:
    """Not started, in progress or completed: the one rule for every part of the course."""
    if not started:
        return NOT_STARTED
    return COMPLETED if finished else IN_PROGRESS


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    result: ModuleResult  #: its checks, scored by the course's pass rule

    @property
    def answered(self) -> int:
        return self.result.answered

    @property
    def total(self) -> int:
        return self.result.total

    @property
    def status(self) -> str:
        return status_of(started=self.answered > 0, finished=self.answered >= self.total)

    @property
    def link(self) -> str:
        """The lesson, at its first unanswered check when it has one (``01-peer-role.ipynb#item-pr-f05``)."""
        if self.answered and self.result.unanswered:
            return f"{self.module.notebook}#item-{self.result.unanswered[0]}"
        return self.module.notebook

    @property
    def review_link(self) -> str:
        """The lesson, at its first check not fully right (or its top)."""
        if self.result.to_review:
            return f"{self.module.notebook}#item-{self.result.to_review[0]}"
        return self.module.notebook


@dataclass(frozen=True)
class SelfAssessmentProgress:
    rated: int
    complete: int  # rated, with a comment where the scale needs one
    total: int

    @property
    def status(self) -> str:
        return status_of(started=self.rated > 0, finished=self.complete >= self.total)

    @property
    def score(self) -> int:
        """Completion score in percent, as the self-assessment is graded."""
        return round(100 * self.complete / self.total) if self.total else 0


def _bank(path: Path) -> ItemBank | None:
    try:
        return load_bank(path)
    except ItemBankError:
        return None


def module_title(module: Module) -> str:
    return f"{_('Module')} {module.number}. {module.title}"


def module_progress(manifest: Manifest, folder: Path, store: ResponseStore) -> list[ModuleProgress]:
    """Each module's knowledge checks: how many are answered, and how they meet the pass rule."""
    records = store.items()
    result = []
    for module in manifest.modules:
        bank = _bank(folder / module.bank)
        result.append(ModuleProgress(module, score_module(module_title(module), list(bank or ()), records)))
    return result


def course_progress(progress: list[ModuleProgress]) -> CourseResult:
    """The course's pass rule applied to the modules' progress."""
    return course_result(p.result for p in progress)


def self_assessment_progress(folder: Path) -> SelfAssessmentProgress | None:
    bank = _bank(folder / SELF_ASSESSMENT_DIR / "items.yaml")
    if bank is None:
        return None
    records = ResponseStore.for_folder(folder / SELF_ASSESSMENT_DIR).items()
    rated = complete = 0
    ratings = competency_items(bank)
    for item in ratings:
        value = (records.get(item.id) or {}).get("value")
        rated += kind_of(item).answered(item, value)
        complete += kind_of(item).complete(item, value)
    return SelfAssessmentProgress(rated, complete, len(ratings))


def practice_exam_notebook(manifest: Manifest) -> str | None:
    if manifest.practice_exam is None:
        return None
    return f"{PRACTICE_EXAM_DIR}/{manifest.practice_exam.assessment}.ipynb"


def self_assessment_notebook(manifest: Manifest) -> str | None:
    if manifest.self_assessment is None:
        return None
    return f"{SELF_ASSESSMENT_DIR}/{manifest.self_assessment.assessment}.ipynb"


def on_binder() -> bool:
    return bool(os.environ.get("BINDER_LAUNCH_HOST") or os.environ.get("BINDER_REQUEST"))


def shared_server() -> bool:
    return bool(os.environ.get("PEER_COURSE_SHARED"))


def _notices(notices: list[str]) -> list[str]:
    e = html.escape
    parts = [f"<p class='peer-notice' role='alert'>{e(n)}</p>" for n in notices]
    if on_binder():
        parts.append("<p class='peer-notice' role='note'>" + e(_(
            "This is a temporary demo session: nothing is kept after you close it. "
            "Download your answers before you leave if you want to keep them.")) + "</p>")
    elif shared_server():
        parts.append("<p class='peer-notice' role='note'>" + e(_(
            "Your answers are kept for this browser only, and no one else using this server can see them. "
            "To continue on another device, download your answers and restore them there.")) + "</p>")
        # Relative to /voila/render/home.ipynb: the shared server's /voila/peer-course/forget.
        parts.append("<p class='peer-forget'><a href='../peer-course/forget'>" + e(_("Forget me on this computer"))
                     + "</a> " + e(_("(on a shared computer, when you are done: download your answers first, "
                                     "because this browser will no longer reach them)")) + "</p>")
    return parts


def render_home(manifest: Manifest, progress: list[ModuleProgress], notices: list[str],
                self_progress: SelfAssessmentProgress | None = None) -> str:
    e = html.escape
    parts = [f"<main class='peer-home'><h1>{e(manifest.title)}</h1>"]
    parts += _notices(notices)
    parts.append("<p class='peer-privacy'>" + e(_(
        "Your reflections are private. What you write in a reflection stays in your own files "
        "unless you tick \u201cShare this reflection with my trainer\u201d under it. Your trainer can see "
        "that you completed a private reflection, but not what it says. You can skip any reflection.")) + "</p>")
    next_up = next((p for p in progress if p.status != COMPLETED), None)
    to_review = next((p for p in progress if not p.result.passed), None)
    self_page = self_assessment_notebook(manifest)
    if next_up is not None:
        verb = _("Continue where you left off") if next_up.status == IN_PROGRESS else _("Start")
        parts.append(f"<p class='peer-continue'><a href='{e(next_up.link)}'>"
                     f"{e(verb)}: {e(module_title(next_up.module))} \u2192</a></p>")
    elif to_review is not None:
        parts.append(f"<p class='peer-continue'><a href='{e(to_review.review_link)}'>"
                     f"{e(_('Review'))}: {e(module_title(to_review.module))} \u2192</a> "
                     + e(_("Every check is answered. To earn your certificate, each module needs at least "
                           "{percent} of its checks right. You can change any answer.").format(percent=f"{PASS_PERCENT}%"))
                     + "</p>")
    elif self_page and self_progress is not None and self_progress.status != COMPLETED:
        parts.append(f"<p class='peer-continue'><a href='{e(self_page)}'>"
                     f"{e(_('Next'))}: {e(manifest.self_assessment.title)} \u2192</a></p>")
    else:
        parts.append("<p class='peer-continue'>" + e(_("You have finished every module. Well done.")) + "</p>")
    parts.append("<ol class='peer-modules'>")
    for item in progress:
        module = item.module
        objectives = "".join(f"<li>{e(o)}</li>" for o in module.objectives)
        # A share of the whole module, so only once every check is answered.
        right = (f" \u00b7 {e(_('{percent} right').format(percent=f'{item.result.percent}%'))}"
                 if item.status == COMPLETED else "")
        if item.status == NOT_STARTED:
            action, href = _("Start this module"), module.notebook
        elif item.status == IN_PROGRESS:
            action, href = _("Continue where you left off"), item.link
        elif not item.result.passed:
            action, href = _("Review your answers"), item.review_link
        else:
            action, href = _("Look back at this module"), module.notebook
        parts.append(
            "<li class='peer-module'>"
            f"<h2><a href='{e(module.notebook)}'>{e(module_title(module))}</a></h2>"
            f"<p>{e(_('About {minutes} minutes').format(minutes=module.minutes))} \u00b7 "
            f"<span class='peer-progress'>{e(_(STATUS_LABEL[item.status]))} "
            f"({item.answered}/{item.total} {e(_('checks'))})</span>{right}</p>"
            f"<p class='peer-module-next'><a href='{e(href)}' "
            f"aria-label='{e(action)}: {e(module_title(module))}'>{e(action)} \u2192</a></p>"
            f"<ul>{objectives}</ul></li>"
        )
    parts.append("</ol>")
    if self_page and manifest.self_assessment is not None:
        sa = manifest.self_assessment
        status = ""
        if self_progress is not None:
            status = (f" \u00b7 <span class='peer-progress'>{e(_(STATUS_LABEL[self_progress.status]))} "
                      f"({self_progress.rated}/{self_progress.total} {e(_('rated'))}; "
                      f"{e(_('score'))} {self_progress.score}%)</span>")
        objectives = "".join(f"<li>{e(o)}</li>" for o in sa.objectives)
        parts.append(f"<section class='peer-module'><h2><a href='{e(self_page)}'>{e(sa.title)}</a></h2>"
                     f"<p>{e(_('About {minutes} minutes').format(minutes=sa.minutes))}{status}</p>"
                     f"<ul>{objectives}</ul></section>")
    if manifest.practice_exam is not None:
        px = manifest.practice_exam
        objectives = "".join(f"<li>{e(o)}</li>" for o in px.objectives)
        parts.append(f"<section class='peer-module'><h2><a href='{e(practice_exam_notebook(manifest))}'>"
                     f"{e(px.title)}</a></h2><p>{e(_('Optional. About {minutes} minutes').format(minutes=px.minutes))}"
                     f"</p><ul>{objectives}</ul></section>")
    parts.append(f"<p><a href='{PROGRESS_PAGE}'>{e(_('My progress and certificate'))} \u2192</a></p>")
    parts.append(f"<p><a href='{CROSSWALK_PAGE}'>{e(_('How this course maps to peer certification'))} \u2192</a></p>")
    parts.append("</main>")
    return "".join(parts)


def learner_stores(folder: Path):
    from peer_widgets.pages.transfer import course_stores

    return course_stores(folder, {"course": Path("."), SELF_ASSESSMENT_DIR: Path(SELF_ASSESSMENT_DIR),
                                  PRACTICE_EXAM_DIR: Path(PRACTICE_EXAM_DIR)})


def course_items(manifest: Manifest, folder: Path) -> dict[str, Item]:
    """Every item of the learner's course folder (lessons, self-assessment, practice exam), by id."""
    banks = [_bank(folder / module.bank) for module in manifest.modules]
    banks.append(_bank(folder / SELF_ASSESSMENT_DIR / "items.yaml"))
    banks.append(_bank(folder / PRACTICE_EXAM_DIR / "items.yaml"))
    return {item.id: item for bank in banks if bank is not None for item in bank}


def page_html(content: str):
    """A page's HTML as a widget, its links to course pages going to them in the page's language."""
    import ipywidgets as w

    return w.HTML(value=localize_hrefs(content), layout=w.Layout(width="100%"))


def show_home(folder: str | Path | None = None) -> None:
    """Display the course home for the learner whose answers are in ``folder``."""
    from IPython.display import display
    from peer_widgets.controls.live import LiveRegion
    from peer_widgets.pages.page import show_style
    from peer_widgets.pages.transfer import AnswersTransfer

    folder = Path.cwd() if folder is None else Path(folder)
    show_style()
    manifest = load_manifest()

    def render() -> str:
        store = ResponseStore.for_folder(folder)  # read afresh: a restore may have changed the answers
        return render_home(manifest, module_progress(manifest, folder, store), store.notices,
                           self_assessment_progress(folder))

    # An HTML widget, not an HTML output: JupyterLab's output renderer makes every
    # link open a new tab, and the course should move through pages in one tab.
    home = page_html(render())
    display(home)
    live = LiveRegion()
    display(live)
    stores, private = learner_stores(folder)
    display(AnswersTransfer(stores, private, course_items(manifest, folder), live=live,
                            on_restore=lambda: setattr(home, "value", localize_hrefs(render()))))


def local_day(when: datetime | None) -> date:
    """The learner's calendar day of a saved UTC time (today if there is none)."""
    return when.astimezone().date() if when is not None else date.today()


def render_certificate(manifest: Manifest, name: str, finished: date,
                       results: list[ModuleResult] | None = None) -> str:
    """The learner's certificate of completion (shown only once the pass rule is met)."""
    e = html.escape
    scores = {r.title: r.percent for r in results or ()}
    modules = "".join(
        f"<li>{e(module_title(m))}"
        + (f" ({e(_('{percent} of checks right').format(percent=f'{scores[module_title(m)]}%'))})"
           if module_title(m) in scores else "")
        + "</li>" for m in manifest.modules)
    who = e(name.strip()) if name.strip() else "&nbsp;" * 30
    return (
        "<section class='peer-certificate' aria-label='" + e(_("Certificate of completion")) + "'>"
        f"<h2>{e(_('Certificate of completion'))}</h2>"
        f"<p>{e(_('This certifies that'))}</p><p class='peer-certificate-name'><strong>{who}</strong></p>"
        f"<p>{e(_('has completed every module of'))} <em>{e(manifest.title)}</em>, "
        f"{e(_('with at least {percent} of the checks right in each module').format(percent=f'{PASS_PERCENT}%'))}:</p>"
        f"<ul style='text-align:left;display:inline-block'>{modules}</ul>"
        f"<p>{e(_('Completed on {day}').format(day=finished.isoformat()))}</p>"
        "<p class='peer-certificate-note'>" + e(_(
            "This is a certificate of completion of this training course. It is not a state peer support "
            "certification. In the United States, each state sets its own rules for peer certification.")) + "</p>"
        "</section>"
    )


def render_missing(progress: list[ModuleProgress]) -> str:
    """What a learner still needs for the certificate, module by module, said kindly."""
    e = html.escape
    rows = []
    for p in progress:
        result = p.result
        if result.passed:
            continue
        if not result.all_answered:
            left = result.total - result.answered
            text = _("{count} checks still to answer").format(count=left) if left != 1 else _("1 check still to answer")
            href, action = (p.link if p.answered else p.module.notebook), _("Go to the next check")
        else:
            text = _("{percent} right so far; {needed} is needed").format(percent=f"{result.percent}%",
                                                                           needed=f"{PASS_PERCENT}%")
            href, action = p.review_link, _("Look again at a check")
        rows.append(f"<li>{e(module_title(p.module))}: {e(text)}. "
                    f"<a href='{e(href)}' aria-label='{e(action)}: {e(module_title(p.module))}'>{e(action)}</a></li>")
    return (f"<section class='peer-progress-page peer-certificate-todo'><h2>{e(_('Certificate of completion'))}</h2><p>"
            + e(_("Your certificate appears here when every module is complete, with at least {percent} of each "
                  "module's checks right. You can go back and change any answer as often as you like: the "
                  "feedback under each check explains it. Still to do:").format(percent=f"{PASS_PERCENT}%"))
            + f"</p><ul>{''.join(rows)}</ul></section>")


def render_progress(manifest: Manifest, profile_html: str, plan_html: str, notices: list[str],
                    self_page: str | None) -> str:
    """The top of "My progress": competency profile and the development plan summary."""
    e = html.escape
    parts = ["<main class='peer-progress-page'><p><a href='home.ipynb'>\u2190 " + e(_("Course home")) + "</a></p>",
             f"<h1>{e(_('My progress'))}</h1>"]
    parts += _notices(notices)
    parts.append(f"<h2>{e(_('Competency profile'))}</h2><p>" + e(_(
        "For each of the 12 SAMHSA competency categories: the share of knowledge checks you got right in the "
        "lessons, and your average self-rating (Advanced counts 100%, Proficient 67%, Developing 33%).")) + "</p>")
    parts.append(profile_html)
    if plan_html:
        parts.append(plan_html)
    elif self_page:
        parts.append(f"<h2>{e(_('Your development plan'))}</h2><p>" + e(_(
            "Your development plan starts in the core competencies self-assessment. Once you rate yourself "
            "there, a summary of your strengths and areas to grow shows here.")) + " "
            f"<a href='{e(self_page)}'>{e(_('Go to the self-assessment'))}</a></p>")
    parts.append("</main>")
    return "".join(parts)


def show_progress(folder: str | Path | None = None) -> None:
    """Display "My progress": competency profile, development plan summary and certificate."""
    import ipywidgets as w
    from IPython.display import display
    from peer_widgets.pages.page import show_style
    from peer_widgets.pages.plan import render_plan, summarise
    from peer_widgets.pages.profile import build_profile, render_chart

    folder = Path.cwd() if folder is None else Path(folder)
    show_style()
    manifest = load_manifest()
    e = html.escape
    store = ResponseStore.for_folder(folder)
    knowledge = [item for m in manifest.modules if (bank := _bank(folder / m.bank)) for item in bank
                 if kind_of(item).keyed]
    self_bank = _bank(folder / SELF_ASSESSMENT_DIR / "items.yaml")
    rating_items = competency_items(self_bank) if self_bank else []
    self_records = ResponseStore.for_folder(folder / SELF_ASSESSMENT_DIR).items()
    profile = build_profile(knowledge, store.items(), rating_items, self_records)
    progress = module_progress(manifest, folder, store)
    ratings = {i.id: (i.category, kind_of(i).competency_level(i, (self_records.get(i.id) or {}).get("value")))
               for i in rating_items}
    rated = any(level for _cat, level in ratings.values())
    plan = render_plan(summarise(ratings), on_progress_page=True, self_page=self_assessment_notebook(manifest)) \
        if rated else ""
    display(page_html(render_progress(manifest, render_chart(profile), plan, store.notices,
                                      self_assessment_notebook(manifest) if self_bank else None)))
    result = course_progress(progress)
    if not result.passed:
        display(page_html(render_missing(progress)))
        return
    finished = local_day(result.met_at)
    results = list(result.modules)
    name = w.Text(value="", description=_("Your name for the certificate"), style={"description_width": "initial"},
                  layout=w.Layout(width="100%", max_width="30em"))
    certificate = w.HTML(value=render_certificate(manifest, "", finished, results))
    name.observe(lambda change: setattr(certificate, "value",
                                        render_certificate(manifest, change["new"], finished, results)),
                 names="value")
    box = w.VBox([w.HTML("<p>" + e(_("Well done: you have met every requirement of the course. Type your name as "
                                     "you want it printed (it is not saved). Then use your browser's Print command "
                                     "to print the certificate or save it as a PDF.")) + "</p>"),
                  name, certificate])
    box.add_class("peer-item")
    display(box)
