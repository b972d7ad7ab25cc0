"""The course home page, drawn in the learner's kernel.

Reads the manifest and the learner's ``responses.json`` and shows the
modules in order, with objectives, time, progress and links. Light on
purpose: no pandas, no plotting.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

from peer_widgets.bank import ItemBankError, load_bank
from peer_widgets.i18n import gettext as _
from peer_widgets.scales import N_
from peer_widgets.store import ResponseStore

from .manifest import Manifest, Module, load_manifest

KNOWLEDGE_TYPES = ("single_choice", "multiple_select", "matching")
NOT_STARTED, IN_PROGRESS, COMPLETED = "not started", "in progress", "completed"


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    answered: int
    total: int

    @property
    def status(self) -> str:
        if self.answered == 0:
            return NOT_STARTED
        return COMPLETED if self.answered >= self.total else IN_PROGRESS


def module_progress(manifest: Manifest, folder: Path, store: ResponseStore) -> list[ModuleProgress]:
    """How many of each module's knowledge checks the learner has answered."""
    answered = store.items()
    result = []
    for module in manifest.modules:
        try:
            bank = load_bank(folder / module.bank)
            ids = [item.id for item in bank if item.type in KNOWLEDGE_TYPES]
        except ItemBankError:
            ids = []
        done = sum(1 for item_id in ids if answered.get(item_id, {}).get("value") is not None)
        result.append(ModuleProgress(module, done, len(ids)))
    return result


def on_binder() -> bool:
    return bool(os.environ.get("BINDER_LAUNCH_HOST") or os.environ.get("BINDER_REQUEST"))


STATUS_LABEL = {NOT_STARTED: N_("Not started"), IN_PROGRESS: N_("In progress"), COMPLETED: N_("Completed")}


def render_home(manifest: Manifest, progress: list[ModuleProgress], notices: list[str]) -> str:
    e = html.escape
    parts = [f"<main class='peer-home'><h1>{e(manifest.title)}</h1>"]
    for notice in notices:
        parts.append(f"<p class='peer-notice' role='alert'>{e(notice)}</p>")
    if on_binder():
        parts.append("<p class='peer-notice' role='note'>" + e(_(
            "This is a temporary demo session: nothing is kept after you close it. "
            "Download your answers before you leave if you want to keep them.")) + "</p>")
    parts.append("<p class='peer-privacy'>" + e(_(
        "Your reflections are private. What you write in a reflection stays in your own files "
        "unless you tick \u201cShare this reflection with my trainer\u201d under it. Your trainer can see "
        "that you completed a private reflection, but not what it says. You can skip any reflection.")) + "</p>")
    next_up = next((p for p in progress if p.status != COMPLETED), None)
    if next_up is not None:
        verb = _("Continue") if next_up.status == IN_PROGRESS else _("Start")
        parts.append(f"<p class='peer-continue'><a href='{e(next_up.module.notebook)}'>"
                     f"{e(verb)}: {e(_('Module'))} {next_up.module.number}. {e(next_up.module.title)} \u2192</a></p>")
    else:
        parts.append("<p class='peer-continue'>" + e(_("You have finished every module. Well done.")) + "</p>")
    parts.append("<ol class='peer-modules'>")
    for item in progress:
        module = item.module
        status = STATUS_LABEL[item.status]
        objectives = "".join(f"<li>{e(o)}</li>" for o in module.objectives)
        parts.append(
            "<li class='peer-module'>"
            f"<h2><a href='{e(module.notebook)}'>{e(_('Module'))} {module.number}. {e(module.title)}</a></h2>"
            f"<p>{e(_('About {minutes} minutes').format(minutes=module.minutes))} \u00b7 "
            f"<span class='peer-progress'>{e(_(status))} ({item.answered}/{item.total} {e(_('checks'))})</span></p>"
            f"<ul>{objectives}</ul></li>"
        )
    parts.append("</ol></main>")
    return "".join(parts)


def show_home(folder: str | Path | None = None) -> None:
    """Display the course home for the learner whose answers are in ``folder``."""
    from IPython.display import HTML, display

    folder = Path.cwd() if folder is None else Path(folder)
    manifest = load_manifest()
    store = ResponseStore.for_folder(folder)
    display(HTML(render_home(manifest, module_progress(manifest, folder, store), store.notices)))
