"""How fast a learner's module page opens, and how much memory its kernel uses.

Everything is measured as a ratio to a baseline served by the same Voila in
the same run (a notebook with a heading and one checkbox), because these
machines are noisy: absolute seconds move from run to run, the ratio much
less.

    python -m benchmarks.bench_voila_page [--runs 5] [--preheat]

Text visible: from navigation until the page's first heading is on screen.
Interactive: until the page says its questions are ready (its "Getting your
questions ready…" note is gone) and its last control is on screen.
Both are read from the page's own clock (``performance.now()``), in Debian's
Chromium driven by Playwright. Memory: resident set size of the page's
kernel once the page is interactive. Each page is closed as a learner closes
a tab, so its kernel ends before the next one opens. ``--preheat`` serves
as ``peer-course serve`` does in single-user mode: the lessons kept ready in
Voila's preheated kernels (one idle kernel each), and the baseline too, so it
is served no worse than a lesson; each page is measured once its pool is full
again, as when a learner opens a page that was not opened in the last few
seconds. The course home is not preheated (it reads answers as it is built).
Results: a Markdown table on stdout and JSON in benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from peer_course.serving.serve import preheat_arguments, preheated_pages, prepare_workspace
from tests.support.voila import CHROMIUM_ARGS, VoilaServer, ensure_chromium

REPO = Path(__file__).resolve().parents[1]

BASELINE = "one-widget baseline"
PAGES = {
    BASELINE: "baseline.ipynb",
    "module 2 (Recovery principles)": "02-recovery-principles.ipynb",
    "course home": "home.ipynb",
}
CONTROLS = "#rendered_cells input, #rendered_cells button, #rendered_cells select, #rendered_cells textarea"
# Runs in the page from its first moment: notes when the first heading is on
# screen, and when the loading note is gone with the last control on screen.
CLOCK = """
(() => {
  const shown = (el) => el && el.offsetParent !== null && el.getBoundingClientRect().height > 0;
  const tick = () => {
    if (window.__textAt === undefined && shown(document.querySelector('h1'))) {
      window.__textAt = performance.now();
    }
    if (window.__textAt !== undefined && document.readyState !== 'loading' && !document.getElementById('loading')) {
      const controls = document.querySelectorAll('%s');
      if (controls.length && shown(controls[controls.length - 1])) {
        window.__readyAt = performance.now();
        return;
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
""" % CONTROLS


def write_baseline(workspace: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Baseline"),
                nbformat.v4.new_code_cell("import ipywidgets as w\nw.Checkbox(description='Ready')")]
    nbformat.write(nb, workspace / "baseline.ipynb")


def kernel_rss_kib(server: VoilaServer, kernel_id: str) -> int:
    """RSS of the page's own kernel (its command line names its connection file,
    ``kernel-<id>.json``; with preheated pools the newest kernel may be another page's)."""
    for pid in server.kernel_pids():
        proc = Path("/proc") / str(pid)
        try:
            if kernel_id.encode() not in (proc / "cmdline").read_bytes():
                continue
            fields = dict(line.split(":", 1) for line in (proc / "status").read_text().splitlines() if ":" in line)
        except OSError:
            continue
        return int(fields["VmRSS"].split()[0])
    return 0


def cpu_ticks(pid: int) -> int:
    fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wait_for_pools(server: VoilaServer, kernels: int, timeout: float = 180) -> None:
    """Wait until the server runs ``kernels`` kernels (its full pools) and they are idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = server.kernel_pids()
        if len(pids) >= kernels:
            try:
                before = [cpu_ticks(pid) for pid in pids]
                time.sleep(0.5)
                if [cpu_ticks(pid) for pid in pids] == before:
                    return
            except OSError:
                pass
        else:
            time.sleep(0.25)
    raise SystemExit(f"the server's kernel pools did not fill in {timeout} s")


def measure(browser, server: VoilaServer, page_name: str) -> tuple[float, float, int]:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(CLOCK)
    page.goto(server.url(page_name), wait_until="commit")
    page.wait_for_function("window.__readyAt !== undefined", timeout=120_000, polling=100)
    text_ms, ready_ms, kernel_id = page.evaluate(
        "[window.__textAt, window.__readyAt, JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId]")
    rss = kernel_rss_kib(server, kernel_id)
    floor = len(server.kernel_pids()) - 1
    page.close(run_before_unload=True)  # as a learner closes the tab: the kernel ends
    context.close()
    deadline = time.monotonic() + 10
    while len(server.kernel_pids()) > floor and time.monotonic() < deadline:
        time.sleep(0.1)
    return text_ms / 1000, ready_ms / 1000, rss


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--preheat", action="store_true", help="serve with Voila's preheated kernels")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = prepare_workspace(Path(tmp) / "course", self_assessment=False)
        write_baseline(workspace)
        pools = preheated_pages(workspace) + [PAGES[BASELINE]] if args.preheat else []
        extra = preheat_arguments(pools) if args.preheat else []
        server = VoilaServer(workspace, shared=False, data_dir=Path(tmp) / "data", args=extra)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
                samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name in PAGES}
                for page_name in PAGES.values():  # warm-up (and, preheated, fill each page's pool)
                    measure(browser, server, page_name)
                for _ in range(args.runs):
                    for name, page_name in PAGES.items():  # interleaved, so drift hits all alike
                        if args.preheat:
                            wait_for_pools(server, len(pools))
                        samples[name].append(measure(browser, server, page_name))
                browser.close()
        finally:
            server.stop()
    base = [statistics.median(v[i] for v in samples[BASELINE]) for i in range(3)]
    rows = []
    for name, values in samples.items():
        text, ready, rss = (statistics.median(v[i] for v in values) for i in range(3))
        rows.append({"page": name, "text_visible_s": round(text, 2), "text_ratio": round(text / base[0], 2),
                     "interactive_s": round(ready, 2), "interactive_ratio": round(ready / base[1], 2),
                     "kernel_rss_mib": round(rss / 1024, 1), "rss_ratio": round(rss / base[2], 2)})
    mode = "preheated kernels (as peer-course serve)" if args.preheat else "kernels started on request"
    print(f"Voila page timings, {mode}, median of {args.runs} runs (ratios to the one-widget baseline)\n")
    print("| page | text visible | ratio | interactive | ratio | kernel RSS | ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['page']} | {r['text_visible_s']} s | {r['text_ratio']}\u00d7 | {r['interactive_s']} s "
              f"| {r['interactive_ratio']}\u00d7 | {r['kernel_rss_mib']} MiB | {r['rss_ratio']}\u00d7 |")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    name = "voila_page_preheat.json" if args.preheat else "voila_page.json"
    (out / name).write_text(json.dumps({"runs": args.runs, "preheat": args.preheat, "rows": rows}, indent=1),
                            encoding="utf-8")


if __name__ == "__main__":
    main()
