"""How fast a learner's module page opens, and how much memory its kernel uses.

Both are measured as ratios to a baseline served by the same Voila in the
same run (a notebook with one checkbox), because these machines are noisy:
absolute seconds move from run to run, the ratio much less.

    python -m benchmarks.bench_voila_page [--runs 5]

Time: from navigation until the page's last widget is on screen and its
controls can be used, in Debian's Chromium driven by Playwright.
Memory: resident set size of the page's kernel once the page has loaded.
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

from peer_course.serving.serve import prepare_workspace
from tests.support.voila import CHROMIUM_ARGS, VoilaServer, ensure_chromium

REPO = Path(__file__).resolve().parents[1]

PAGES = {
    "one-widget baseline": ("baseline.ipynb", ".widget-checkbox input"),
    "module 2 (Recovery principles)": ("02-recovery-principles.ipynb", ".peer-item-multiple-select input"),
    "course home": ("home.ipynb", ".peer-transfer button"),
}


def write_baseline(workspace: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets as w\nw.Checkbox(description='Ready')")]
    nbformat.write(nb, workspace / "baseline.ipynb")


def kernel_rss_kib(voila_pid: int) -> int:
    """RSS of the newest ipykernel process started by this Voila."""
    best = (0.0, 0)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (proc / "status").read_text()
        except OSError:
            continue
        if "ipykernel_launcher" not in cmdline:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["PPid"].strip()) != voila_pid:
            continue
        started = proc.stat().st_mtime
        if started >= best[0]:
            best = (started, int(fields["VmRSS"].split()[0]))
    return best[1]


def measure(browser, server: VoilaServer, page_name: str, ready: str) -> tuple[float, int]:
    context = browser.new_context()
    page = context.new_page()
    start = time.perf_counter()
    page.goto(server.url(page_name), wait_until="commit")
    page.locator(ready).last.wait_for(state="visible", timeout=120_000)
    elapsed = time.perf_counter() - start
    time.sleep(0.5)
    rss = kernel_rss_kib(server.process.pid)
    context.close()
    time.sleep(0.5)  # let Voila shut the kernel down before the next run
    return elapsed, rss


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = prepare_workspace(Path(tmp) / "course", self_assessment=False)
        write_baseline(workspace)
        server = VoilaServer(workspace, shared=False, data_dir=Path(tmp) / "data")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS)
                samples: dict[str, list[tuple[float, int]]] = {name: [] for name in PAGES}
                measure(browser, server, "baseline.ipynb", PAGES["one-widget baseline"][1])  # warm-up
                for _ in range(args.runs):
                    for name, (page_name, ready) in PAGES.items():  # interleaved, so drift hits all alike
                        samples[name].append(measure(browser, server, page_name, ready))
                browser.close()
        finally:
            server.stop()
    base_t = statistics.median(t for t, _ in samples["one-widget baseline"])
    base_m = statistics.median(m for _, m in samples["one-widget baseline"])
    rows = []
    for name, values in samples.items():
        t = statistics.median(v[0] for v in values)
        m = statistics.median(v[1] for v in values)
        rows.append({"page": name, "open_s": round(t, 2), "open_ratio": round(t / base_t, 2),
                     "kernel_rss_mib": round(m / 1024, 1), "rss_ratio": round(m / base_m, 2)})
    print(f"| page | time to interactive (median of {args.runs}) | ratio to baseline | kernel RSS | ratio to baseline |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['page']} | {r['open_s']} s | {r['open_ratio']}\u00d7 | {r['kernel_rss_mib']} MiB | {r['rss_ratio']}\u00d7 |")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "voila_page.json").write_text(json.dumps({"runs": args.runs, "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
