"""The page's one live region, for messages a screen reader should hear.

Item widgets announce "Saved" and their feedback through the same region
(``#peer-live`` on the page's ``<body>``); pages with other messages, such as
the download and restore panel, say them with :meth:`LiveRegion.say`.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
from traitlets import Int, Unicode

STATIC = Path(__file__).with_name("static")


class LiveRegion(anywidget.AnyWidget):
    """Announce short messages politely; shows nothing itself."""

    _esm = STATIC / "live.js"
    message = Unicode("", help="The last message announced.").tag(sync=True)
    serial = Int(0, help="Counts announcements, so a repeated message is read again.").tag(sync=True)

    def say(self, text: str) -> None:
        self.message = text
        self.serial += 1
