"""The moment a page's answers may be read.

A page reads the learner's answers when it is built. Where the server runs
a page ahead of time (Voila's preheated kernels), the answers must be read
again when the learner's request arrives, or the page would show them as they
were when the kernel was started. A lesson (:class:`peer_widgets.Page`) is
built completely ahead of time and asks :func:`when_request_arrives` to show
the answers saved at that moment, so the page is ready the instant it is
asked for; :func:`before_answers_load` instead blocks until the request, for
a page that must read answers as it is built.

The wait is Voila's ``voila.utils.wait_for_request`` (the same websocket, the
same environment variables), without importing Voila: its server packages
doubled a waiting kernel's memory (about 100 MB instead of 50 MB for each
lesson kept ready).
"""

from __future__ import annotations

import json
import os
import threading
import warnings

# Voila sets this to "True" in the environment of a kernel it preheats.
PREHEAT_ENV = "VOILA_PREHEAT"
_arrived = False


def preheated() -> bool:
    """Whether this kernel was started by Voila ahead of any request."""
    return os.environ.get(PREHEAT_ENV, "False") == "True"


def before_answers_load() -> None:
    """Return once the learner's request has arrived (at once outside a preheated kernel)."""
    global _arrived
    if _arrived or not preheated():
        return
    wait_for_request()
    _arrived = True


_callbacks: list = []
_waiting = threading.Lock()


def when_request_arrives(callback) -> bool:
    """Call ``callback`` once the learner's request has arrived, from a thread
    that waits for it, so a preheated page can be built completely before the
    request and show the answers saved at the moment it is opened. Returns
    False, and calls nothing, where the request is already here (a page built
    on request reads current answers as it is built)."""
    global _arrived
    if _arrived or not preheated():
        return False
    with _waiting:
        _callbacks.append(callback)
        if len(_callbacks) == 1:
            threading.Thread(target=_wait_then_call, name="peer-course-request", daemon=True).start()
    return True


def arrived() -> bool:
    return _arrived or not preheated()


def _wait_then_call() -> None:
    global _arrived
    wait_for_request()
    with _waiting:
        _arrived = True
        callbacks = list(_callbacks)
        _callbacks.clear()
    for callback in callbacks:
        callback()


def query_url() -> str:
    """The server's websocket that hands this kernel its request (as Voila builds it)."""
    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    address = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{address}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"


def wait_for_request() -> None:
    """Block until the server sends this kernel its request, and put the request's
    details (``QUERY_STRING``, ``SCRIPT_NAME``...) in the environment, as Voila's
    ``wait_for_request`` does. If the server cannot be reached, Voila's rule holds:
    a warning, and the page goes on."""
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    try:
        with connect(query_url(), open_timeout=5) as socket:
            message = socket.recv()
    except (OSError, TimeoutError, WebSocketException) as error:
        warnings.warn(f"Could not wait for the page's request at {query_url()}: {error}", stacklevel=2)
        return
    for key, value in json.loads(message).items():
        os.environ[key] = value
