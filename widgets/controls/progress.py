"""How many of a page's questions are answered, kept up to date as the
learner goes (shown at the top of each lesson and assessment page)."""

from __future__ import annotations

from typing import Any

from peer_widgets.bank import ItemBank
from peer_widgets.controls.view import PeerView
from peer_widgets.i18n import gettext as _
from peer_widgets.kinds import kind_of
from peer_widgets.store import ResponseStore
from traitlets import Int, Unicode


class PageProgress(PeerView):
    """"n of N questions answered" for one bank's items on a page."""

    view = Unicode("progress").tag(sync=True)
    answered = Int(0).tag(sync=True)
    total = Int(0).tag(sync=True)
    text = Unicode("").tag(sync=True)

    def __init__(self, bank: ItemBank, store: ResponseStore, **kwargs: Any):
        super().__init__(**kwargs)
        self.bank = bank
        self.store = store
        self.refresh()

    def refresh(self, change: Any = None) -> None:
        """Count again from the saved answers (the store is current after every save)."""
        items = [self.bank[item_id] for item_id in self.bank.ids]
        self.total = len(items)
        self.answered = sum(kind_of(item).answered(item, self.store.value(item.id)) for item in items)
        self.text = _("{answered} of {total} questions answered").format(answered=self.answered, total=self.total)
