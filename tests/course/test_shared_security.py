"""One Voila server shared by many learners: a kernel answers only the learner
it was started for, the learner cookie is the server's own, kernels are
capped and idle ones culled, and a learner can make the computer forget them.

Each test runs the real shared server (``peer-course serve --shared``'s
Voila) and talks to it over HTTP and WebSocket as a browser would.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time

import pytest
import requests
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from peer_course.serving.serve import prepare_workspace
from peer_course.serving.shared import COOKIE, learner_dir
from tests.support.voila import VoilaServer

pytestmark = pytest.mark.slow
KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


def shared_server(tmp_path_factory, name: str, **kwargs):
    root = tmp_path_factory.mktemp(name)
    workspace = prepare_workspace(root / "course", self_assessment=False)
    server = VoilaServer(workspace, shared=True, data_dir=root / "user-data", **kwargs)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from shared_server(tmp_path_factory, "shared-security", env={"PEER_COURSE_SHARED_KERNELS_PER_LEARNER": "2"})


@pytest.fixture(scope="module")
def culling_server(tmp_path_factory):
    yield from shared_server(tmp_path_factory, "shared-culling",
                             args=["--MappingKernelManager.cull_idle_timeout=4",
                                   "--MappingKernelManager.cull_interval=1"])


def open_home(server: VoilaServer, session: requests.Session) -> str:
    """Render the course home for this browser; return its kernel's id."""
    page = session.get(server.url("home.ipynb"), timeout=180)
    assert page.status_code == 200
    return KERNEL_ID.search(page.text).group(1)


def channels(server: VoilaServer, kernel_id: str, cookie: str | None) -> int:
    """Open the kernel's widget channel; 101 if it opened, else the refusal's status."""
    async def connect() -> int:
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?session_id=test"
        headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
        try:
            socket = await websocket_connect(HTTPRequest(url, headers=headers, connect_timeout=30))
        except HTTPClientError as error:
            return error.code
        socket.close()
        return 101

    # A thread of its own: Playwright's sync API may be running an event loop in
    # this one (the browser tests share the session), and asyncio.run refuses that.
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(connect())))
    thread.start()
    thread.join(90)
    assert result, "the widget channel did not answer"
    return result[0]


def test_a_kernel_answers_only_its_learner(server):
    ana, ben = requests.Session(), requests.Session()
    kernel = open_home(server, ana)
    open_home(server, ben)
    ana_cookie, ben_cookie = ana.cookies[COOKIE], ben.cookies[COOKIE]
    resource = f"{server.base}/api/kernels/{kernel}"
    assert requests.get(resource, timeout=30).status_code == 403  # no cookie
    assert requests.get(resource, cookies={COOKIE: ben_cookie}, timeout=30).status_code == 403  # another learner
    assert requests.get(resource, cookies={COOKIE: ana_cookie}, timeout=30).status_code == 200
    assert channels(server, kernel, None) == 403
    assert channels(server, kernel, ben_cookie) == 403
    assert channels(server, kernel, ana_cookie) == 101


def test_a_cookie_the_server_did_not_sign_is_replaced(server):
    chosen = "A" * 43  # a well-formed token a client made up (or copied from someone's screen)
    session = requests.Session()
    session.cookies.set(COOKIE, chosen)
    open_home(server, session)
    issued = [cookie.value for cookie in session.cookies if cookie.name == COOKIE and cookie.value != chosen]
    assert len(issued) == 1 and chosen not in issued[0]
    assert not learner_dir(server.workspace, chosen).exists()


def test_a_learner_has_at_most_two_kernels_here(server):
    session = requests.Session()
    kernels = [open_home(server, session) for _ in range(4)]
    cookie = {COOKIE: session.cookies[COOKIE]}
    alive = [requests.get(f"{server.base}/api/kernels/{k}", cookies=cookie, timeout=30).status_code == 200
             for k in kernels]
    assert alive == [False, False, True, True]  # opening more ended the oldest


def test_idle_kernels_with_no_page_are_culled(culling_server):
    session = requests.Session()
    kernel = open_home(culling_server, session)  # rendered, then nobody connects to it
    cookie = {COOKIE: session.cookies[COOKIE]}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if requests.get(f"{culling_server.base}/api/kernels/{kernel}", cookies=cookie, timeout=30).status_code != 200:
            break
        time.sleep(1)
    else:
        pytest.fail("an idle kernel with no page was never culled")


def test_forget_me_clears_the_cookie(server):
    session = requests.Session()
    open_home(server, session)  # the home's link to this (tests/course/test_home.py) is drawn in its kernel
    assert COOKIE in session.cookies
    forget = session.get(f"{server.base}/voila/peer-course/forget", timeout=30)
    assert forget.status_code == 200 and "forgotten" in forget.text
    assert COOKIE not in session.cookies  # the server told the browser to drop it


def test_the_learner_cookie_is_secure_behind_https():
    from unittest import mock

    import tornado.httputil
    import tornado.web

    from peer_course.serving.shared import issue_cookie

    app = tornado.web.Application(cookie_secret="test-secret")
    for protocol, secure in (("https", True), ("http", False)):
        request = tornado.httputil.HTTPServerRequest(
            start_line=tornado.httputil.RequestStartLine("GET", "/", "HTTP/1.1"), connection=mock.Mock(),
            headers=tornado.httputil.HTTPHeaders({"Host": "course.example.org"}))
        request.protocol = protocol
        handler = tornado.web.RequestHandler(app, request)
        issue_cookie(handler)
        header = handler._new_cookie[COOKIE].OutputString()
        assert ("Secure" in header) is secure and "HttpOnly" in header and "SameSite=Lax" in header
