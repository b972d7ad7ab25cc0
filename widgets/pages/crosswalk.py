"""The crosswalk page: where the course teaches and assesses each competency of
SAMHSA's categories, California's core competencies and IC&RC's Peer Recovery
domains. The numbers come from the items' tags (:mod:`peer_widgets.coverage`),
so the page can never disagree with the course."""

from __future__ import annotations

import html

from peer_widgets.coverage import Row, all_frameworks, coverage
from peer_widgets.i18n import gettext as _
from peer_widgets.manifest import Manifest, load_manifest

e = html.escape


def render_crosswalk(manifest: Manifest, rows: list[Row]) -> str:
    parts = ["<main class='peer-crosswalk'><p><a href='home.ipynb'>\u2190 " + e(_("Course home")) + "</a></p>",
             "<h1>" + e(_("How this course maps to peer certification")) + "</h1>",
             "<p>" + e(_("Every question in this course is tagged with the competency it practises in three "
                         "frameworks. These tables show which modules teach each one and how many graded "
                         "questions check it.")) + "</p>",
             "<p><strong>" + e(_("This course is not a state peer certification.")) + "</strong> "
             + e(_("Each state and certification body sets its own training hours, exam and application. "
                   "Ask yours whether this course counts toward them.")) + "</p>"]
    toc = "".join(f"<li><a href='#framework-{e(f.field)}'>{e(f.name)}</a></li>" for f in all_frameworks())
    parts.append("<nav aria-label='" + e(_("Frameworks")) + f"'><ul>{toc}</ul></nav>")
    for framework in all_frameworks():
        mine = [row for row in rows if row.framework.field == framework.field]
        parts.append(f"<section><h2 id='framework-{e(framework.field)}'>{e(framework.name)}</h2>"
                     f"<p>{e(framework.about)}</p>")
        head = "".join(f"<th scope='col'>{e(text)}</th>" for text in (
            framework.short, _("Modules that teach it"), _("Graded questions"), _("Lesson checks")))
        body = []
        for row in mine:
            links = ", ".join(f"<a href='{e(m.notebook)}' title='{e(m.title)}'>"
                              f"{e(_('Module {number}').format(number=m.number))}</a>" for m in row.modules)
            body.append(f"<tr><th scope='row'>{e(row.entry.name)}</th><td>{links or e(_('none yet'))}</td>"
                        f"<td>{row.graded}</td><td>{row.lesson}</td></tr>")
        parts.append(f"<table class='peer-crosswalk-table'><caption>{e(framework.name)}</caption>"
                     f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></section>")
    parts.append("<p class='peer-note'>" + e(_("The framework lists are general knowledge of U.S. peer certification, "
                                               "not taken from the course's source documents; each certification "
                                               "body's own documents are the authority.")) + "</p></main>")
    return "".join(parts)


def show_crosswalk() -> None:
    """Display the crosswalk page."""
    from IPython.display import display
    from peer_widgets.pages.home import page_html
    from peer_widgets.pages.page import show_style

    show_style()
    manifest = load_manifest()
    display(page_html(render_crosswalk(manifest, coverage(manifest))))
