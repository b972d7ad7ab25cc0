"""Questions in a real browser, as learners use them: by keyboard and screen
reader, on a phone, typing and leaving, and coming back to the same place."""

from __future__ import annotations

import json
import time

import pytest

from peer_widgets import load_bank

from .conftest import open_page

pytestmark = pytest.mark.slow
MODULE = "02-recovery-principles.ipynb"
REFLECTION_MODULE = "05-sharing-lived-experience.ipynb"


def saved(server) -> dict:
    path = server.workspace / "responses.json"
    return json.loads(path.read_text(encoding="utf-8"))["items"] if path.exists() else {}


def wait_until(condition, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def bank(server, name):
    return load_bank(server.workspace / "items" / name)


def test_each_question_is_a_named_group_under_a_heading(browser, course_server):
    items = bank(course_server, "recovery-principles.yaml")
    first = next(item for item in items if item.type == "single_choice")
    context = browser.new_context()
    page = open_page(context, course_server, MODULE)
    group = page.get_by_role("group", name=first.prompt, exact=True)
    # a screen reader hears the question with every option, not "Advanced, radio button"
    assert group.get_by_role("radio").count() == len(first.options)
    number = list(items.ids).index(first.id) + 1
    heading = page.get_by_role("heading", name=f"Question {number} of {len(items.ids)}", exact=True)
    assert heading.count() == 1
    section = page.locator(f"#item-{first.id}")
    assert section.get_attribute("aria-labelledby") == heading.get_attribute("id")
    assert page.locator("[aria-live]").count() == 1  # one live region for the whole page
    context.close()


def test_arrow_keys_browse_options_without_revealing_feedback(browser, course_server):
    items = bank(course_server, "recovery-principles.yaml")
    item = [i for i in items if i.type == "single_choice"][2]
    context = browser.new_context()
    page = open_page(context, course_server, MODULE)
    group = page.get_by_role("group", name=item.prompt, exact=True)
    section = page.locator(f"#item-{item.id}")
    radios = group.get_by_role("radio")
    radios.first.focus()
    page.keyboard.press("Space")
    for _ in range(len(item.options) - 1):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(150)
    last = radios.last.get_attribute("value")  # options are shown in this learner's own order
    assert wait_until(lambda: saved(course_server).get(item.id, {}).get("value") == last)
    for option in item.options:  # no option's feedback (and no verdict) is shown before a check
        assert not section.get_by_text(option.feedback, exact=True).is_visible()
    assert section.locator(".peer-verdict").count() == 0
    assert saved(course_server)[item.id]["attempts"] == 0  # browsing is not an attempt
    section.get_by_role("button", name="Check my answer").click()
    section.locator(".peer-verdict").wait_for(timeout=30_000)
    assert section.get_by_text(item.option(last).feedback, exact=True).is_visible()
    assert wait_until(lambda: saved(course_server)[item.id]["attempts"] == 1)
    # the feedback is read out through the page's one live region
    verdict = section.locator(".peer-verdict").inner_text()
    assert wait_until(lambda: verdict in page.locator("#peer-live").inner_text())
    context.close()


def test_multiple_select_feedback_waits_for_a_check_even_after_a_reload(browser, course_server):
    items = bank(course_server, "recovery-principles.yaml")
    item = next(i for i in items if i.type == "multiple_select")
    context = browser.new_context()
    page = open_page(context, course_server, MODULE)
    section = page.locator(f"#item-{item.id}")
    section.get_by_role("checkbox").first.check()
    assert wait_until(lambda: item.id in saved(course_server))
    page.reload()
    page.locator(f"#item-{item.id}").wait_for(timeout=120_000)
    section = page.locator(f"#item-{item.id}")
    assert section.get_by_role("checkbox").first.is_checked()
    assert section.locator(".peer-verdict").count() == 0
    section.get_by_role("button", name="Check my answer").click()
    section.locator(".peer-verdict").wait_for(timeout=30_000)
    page.reload()  # a checked answer keeps its feedback
    page.locator(f"#item-{item.id} .peer-verdict").wait_for(timeout=120_000)
    context.close()


def test_reflection_is_saved_while_typing_and_leaving_early_asks_first(browser, course_server):
    text = "Walking to the meeting every week gave my days a shape again."
    context = browser.new_context()
    page = open_page(context, course_server, REFLECTION_MODULE)
    box = page.locator(".peer-item-reflection").first
    area = box.get_by_role("textbox")
    area.click()
    page.keyboard.type(text[:20])
    box.get_by_text("Saved privately.").wait_for(timeout=30_000)  # no need to leave the box
    # typed and the page reloaded at once, before the pause that saves: the page asks first
    page.keyboard.type(text[20:])
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.reload(wait_until="load")
    assert dialogs == ["beforeunload"]
    # the last words were sent as the page went away, and are there after the reload
    area = page.locator(".peer-item-reflection").first.get_by_role("textbox")
    area.wait_for(timeout=120_000)
    assert wait_until(lambda: area.input_value() == text, timeout=10), area.input_value()
    # with everything saved, leaving is not interrupted
    page.goto(course_server.url("home.ipynb"), wait_until="load")
    assert dialogs == ["beforeunload"]
    context.close()


def test_a_link_to_a_question_lands_on_it_and_a_reload_keeps_the_place(browser, course_server):
    items = bank(course_server, "recovery-principles.yaml")
    target = list(items.ids)[9]
    context = browser.new_context()
    page = context.new_page()
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto(course_server.url(MODULE) + f"#item-{target}")
    section = page.locator(f"#item-{target}")
    section.wait_for(timeout=120_000)

    def in_view(locator):
        box = locator.bounding_box()
        return box is not None and 0 <= box["y"] < 800

    assert wait_until(lambda: in_view(section), timeout=15)
    assert section.evaluate("s => s.contains(document.activeElement)")
    # scroll elsewhere, reload: the same question is back in view
    later = page.locator(f"#item-{list(items.ids)[15]}")
    later.scroll_into_view_if_needed()
    page.wait_for_timeout(600)
    page.goto(course_server.url(MODULE))
    later = page.locator(f"#item-{list(items.ids)[15]}")
    later.wait_for(timeout=120_000)
    assert wait_until(lambda: in_view(later), timeout=15)
    context.close()


def test_a_lesson_prints_whole(browser, course_server):
    """The certificate's print rule used to apply to every page, so a lesson
    printed blank. A lesson prints its text and questions; buttons do not."""
    context = browser.new_context()
    page = open_page(context, course_server, MODULE)
    page.emulate_media(media="print")
    heading = page.get_by_role("heading", name="Module 2", exact=False).first
    assert heading.is_visible()
    assert heading.evaluate("e => getComputedStyle(e).visibility") == "visible"
    first = page.locator(".peer-item").first
    assert first.evaluate("e => getComputedStyle(e).visibility") == "visible" and first.is_visible()
    assert not page.get_by_role("button", name="Check my answer").first.is_visible()
    pdf = page.pdf(format="Letter")
    assert len(pdf) > 50_000  # pages of text, not one blank page
    context.close()


def test_lesson_text_is_16px_in_lines_of_about_80_characters(browser, course_server):
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    page = open_page(context, course_server, MODULE, width=1600)
    measured = page.evaluate("""() => {
      const pen = document.createElement('canvas').getContext('2d');
      let widest = 0, smallest = 100;
      for (const p of document.querySelectorAll('.jp-RenderedMarkdown p, .peer-item legend, .peer-option span')) {
        const style = getComputedStyle(p);
        pen.font = `${style.fontSize} ${style.fontFamily}`;
        const text = p.textContent.trim();
        if (text.length < 40) continue;
        const perCharacter = pen.measureText(text).width / text.length;
        widest = Math.max(widest, p.getBoundingClientRect().width / perCharacter);
        smallest = Math.min(smallest, parseFloat(style.fontSize));
      }
      return [widest, smallest];
    }""")
    assert measured[0] <= 85, f"lines hold about {measured[0]:.0f} characters"
    assert measured[1] >= 16
    context.close()


# A kernel that answers the browser's first request late: the browser's
# widget manager asks the page's kernel for every widget's state and stops
# waiting after 4 seconds (ipywidgets' fixed CONTROL_COMM_TIMEOUT,
# ipywidgets#3633), then asks for each widget one by one. On a busy server the
# first answer can take longer than that; the page must still show every
# question on its first load, and not reload itself.
SLOW_ANSWER_S = 6
SLOW_ANSWER = f"""\
import time as _time
from ipywidgets import Widget as _Widget

_answer_states = _Widget._handle_control_comm_msg.__func__


def _slow_answer(cls, msg):
    _time.sleep({SLOW_ANSWER_S})
    return _answer_states(cls, msg)


_Widget._handle_control_comm_msg = classmethod(_slow_answer)
"""


def test_every_question_renders_on_the_first_load_when_the_kernel_answers_late(browser, course_server):
    module = "01-peer-role.ipynb"
    questions = len(bank(course_server, "peer-role.yaml").ids)
    notebook = json.loads((course_server.workspace / module).read_text(encoding="utf-8"))
    notebook["cells"].insert(0, {"cell_type": "code", "execution_count": None, "id": "slow-answer",
                                 "metadata": {}, "outputs": [], "source": SLOW_ANSWER})
    (course_server.workspace / "slow-kernel.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    loads: list[str] = []
    page.on("load", lambda _page: loads.append(page.url))
    page.goto(course_server.url("slow-kernel.ipynb"), wait_until="load", timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('.peer-item').length >= {questions} "
                           "|| document.body.innerText.includes('Error displaying widget')", timeout=90_000)
    page.wait_for_load_state("networkidle", timeout=60_000)
    assert "Error displaying widget" not in page.locator("body").inner_text()
    assert page.locator(".peer-item").count() == questions
    assert loads == [page.url], "the page reloaded itself instead of waiting for its kernel"
    page.locator(".peer-item input[type=radio]").first.check()  # and the questions work
    page.locator(".peer-status", has_text="Saved").first.wait_for(timeout=30_000)
    context.close()


# ipywidgets' get_model looks for a widget every 100 ms for 2 s and gives up
# without a last look: a widget registered during the last 100 ms is "not
# found" (seen about 1 load in 50 on an overloaded server, when the kernel's
# widgets arrived just as the questions' 2 s ran out). Here the widget is
# registered exactly then, by the page's own manager.
LATE_WIDGET = """async () => {
  const manager = window.jupyterapp.widgetManager;
  const id = 'peer-course-late-widget';
  const start = Date.now();
  const setTimeoutBefore = window.setTimeout;
  window.setTimeout = function (callback, delay) {
    // get_model's last wait: the one after which it stops looking
    if (delay === 100 && Date.now() - start + 100 >= 2000 && !manager._models[id]) {
      manager._models[id] = Promise.resolve('found');
    }
    return setTimeoutBefore.apply(this, arguments);
  };
  try {
    return await manager.get_model(id);
  } catch (error) {
    return 'error: ' + error.message;
  } finally {
    window.setTimeout = setTimeoutBefore;
  }
}"""


def test_a_widget_that_arrives_as_the_manager_stops_looking_is_still_found(browser, course_server):
    context = browser.new_context()
    page = open_page(context, course_server, MODULE)
    assert page.evaluate(LATE_WIDGET) == "found"
    context.close()
