"""The page's one live region, for messages a screen reader should hear.

Question widgets announce "Saved." and their feedback through the same
region (``#peer-live`` on the page's ``<body>``); pages with other messages,
such as the download and restore panel, say them with :meth:`LiveRegion.say`.
"""

from __future__ import annotations

from peer_widgets.controls.view import PeerView
from traitlets import Int, Unicode


class LiveRegion(PeerView):
    """Announces short messages politely; shows nothing itself."""

    view = Unicode("live").tag(sync=True)
    message = Unicode("", help="The last message announced.").tag(sync=True)
    serial = Int(0, help="Counts announcements, so a repeated message is read again.").tag(sync=True)

    def say(self, text: str) -> None:
        self.message = text
        self.serial += 1
