"""How long a learner waits from the README's first command to a usable course home.

Measured in the same run, against a baseline, because these machines are noisy
and the registries' speed moves from hour to hour:

* **baseline**: ``python3 -m venv V && V/bin/pip install -q voila ipywidgets``
  (a bare Voila with widgets, nothing of the course);
* **learner**: the first command of the README's "Quick start", exactly as
  written there, from a fresh copy of the repository (the files git knows, as
  a fresh clone has them), timed until ``/voila/render/home.ipynb`` answers
  200 with the rendered course home; then ``peer-course serve`` is stopped.
  Its time is split into the install (venv + pip) and the first serve
  (preparing the course folder, the self-assessment's student version, Voila's
  start and the home page's first render).

Each is run with a **cold** package cache (pip's cache pointed at a new empty
folder, as ``--no-cache-dir`` would) and a **warm** one (a cache folder filled
by an untimed run of both commands first). The targets (issue 11, finding 11):
the course home within 60 s with a warm cache, and within twice the baseline
with a cold one.

    python -m benchmarks.bench_install [--runs 1] [--modes cold,warm] [--with-uv]

``--with-uv`` adds a third command for comparison: the same learner install
done by uv (``pip install uv``, then ``uv pip install``) with pip's own index
settings handed to uv, since uv reads neither pip.conf nor ``PIP_*``.

Results: a Markdown table on stdout and JSON in benchmarks/results/install.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.net import free_port, stop, wait_until_gone

REPO = Path(__file__).resolve().parents[1]
BASELINE = "python3 -m venv .venv && .venv/bin/pip install -q voila ipywidgets"
SERVE = ".venv/bin/peer-course serve"
HOME_MARK = "peer-home"  # the course home's own markup, in the rendered page


def readme_learner_command() -> str:
    """The first line of the README's Quick start block (the learners' command)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    line = block.strip().splitlines()[0].strip()
    if not line.endswith(SERVE):
        raise SystemExit(f"the README's first Quick start command no longer ends with {SERVE!r}: {line}")
    return line


def install_part(command: str) -> str:
    """The learner command without its final ``peer-course serve``."""
    return command.removesuffix(SERVE).rstrip().removesuffix("&&").rstrip()


def fresh_clone(dest: Path) -> Path:
    """Copy the files git knows (tracked and new, not ignored), as a fresh clone has them."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    for name in listed:
        if (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)
    return dest


def base_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PEER_COURSE", "JUPYTER", "UV_"))}
    env.update(PIP_CACHE_DIR=str(cache / "pip"), UV_CACHE_DIR=str(cache / "uv"))
    env.pop("PIP_NO_CACHE_DIR", None)
    return env


def run_install(command: str, cwd: Path, env: dict[str, str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("a") as out:
        out.write(f"$ {command}\n")
        out.flush()
        done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {command}\n" + log.read_text(errors="replace")[-4000:])
    return time.perf_counter() - start


def serve_until_home(cwd: Path, env: dict[str, str], log: Path, timeout: float = 600) -> float:
    """Start ``peer-course serve`` as the README does; seconds until the home page renders."""
    port = free_port()
    home = cwd / "learner-home"
    env = dict(env, HOME=str(home), PEER_COURSE_DATA_DIR=str(home / "data"))
    url = f"http://127.0.0.1:{port}/voila/render/home.ipynb"
    start = time.perf_counter()
    with log.open("a") as out:
        process = subprocess.Popen([str(cwd / SERVE.split()[0]), "serve", "--no-browser", f"--port={port}",
                                    "--workspace", str(cwd / "course")], cwd=cwd, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"peer-course serve exited ({process.returncode}):\n"
                                 + log.read_text(errors="replace")[-4000:])
            if time.perf_counter() - start > timeout:
                raise SystemExit(f"no course home within {timeout:g} s:\n" + log.read_text(errors="replace")[-4000:])
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    page = response.read().decode(errors="replace")
                if response.status == 200:
                    elapsed = time.perf_counter() - start
                    if HOME_MARK not in page:
                        raise SystemExit(f"{url} answered 200 without the course home in it")
                    return elapsed
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
    finally:
        stop(process)
        wait_until_gone("voila", f"--port={port}")


def pip_index_args() -> list[str]:
    """pip's own index settings on this machine (config files and PIP_* variables), as uv options."""
    listed = subprocess.run(["python3", "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    settings: dict[str, str] = {}
    for line in listed.splitlines():
        key, _, value = line.partition("=")
        settings[key.split(".", 1)[-1]] = value.strip().strip("'\"")
    for key in ("index-url", "extra-index-url", "find-links", "constraint"):
        value = os.environ.get("PIP_" + key.upper().replace("-", "_"))
        if value:
            settings[key] = value
    # pip looks at every index for the best version; uv only does when told to
    args = ["--index-strategy", "unsafe-best-match"]
    if "index-url" in settings:
        args += ["--default-index", settings["index-url"]]
    for url in settings.get("extra-index-url", "").split():
        args += ["--index", url]
    for place in settings.get("find-links", "").split():
        args += ["--find-links", place]
    for path in settings.get("constraint", "").split():
        args += ["--constraint", path]
    return args


def uv_learner_command() -> str:
    args = " ".join(shlex.quote(a) for a in pip_index_args())
    return ("python3 -m venv .venv && .venv/bin/pip install -q uv && "
            f".venv/bin/uv pip install -q --python .venv/bin/python --compile-bytecode {args} -e . && {SERVE}")


def measure(kind: str, command: str, cache: Path, work: Path) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=work))
    log = folder.parent / f"{folder.name}.log"
    env = base_env(cache)
    if kind == "baseline":
        return {"total_s": run_install(command, folder, env, log)}
    clone = fresh_clone(folder)
    install = run_install(install_part(command), clone, env, log)
    first_serve = serve_until_home(clone, env, log)
    shutil.rmtree(folder, ignore_errors=True)
    return {"install_s": install, "serve_s": first_serve, "total_s": install + first_serve}


def cache_size_mib(cache: Path) -> float:
    if not cache.exists():
        return 0.0
    return sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--modes", default="cold,warm", help="comma-separated: cold, warm")
    parser.add_argument("--with-uv", action="store_true", help="also time the learner install done by uv")
    args = parser.parse_args()
    commands = {"baseline": BASELINE, "learner": readme_learner_command()}
    if args.with_uv:
        commands["learner-uv"] = uv_learner_command()
    print("learner command (README):", commands["learner"], flush=True)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-install-") as tmp:
        work = Path(tmp)
        warm_cache = work / "warm-cache"
        modes = [m.strip() for m in args.modes.split(",") if m.strip()]
        if "warm" in modes:
            for kind, command in commands.items():  # fills the warm cache; not timed
                print(f"warming the cache: {kind}", flush=True)
                measure(kind, command, warm_cache, work)
            # pip keeps only what the registry lets it cache (no caching headers: nothing)
            results["warm_cache_mib"] = {tool: round(cache_size_mib(warm_cache / tool), 1) for tool in ("pip", "uv")}
        for mode in modes:
            samples: dict[str, list[dict[str, float]]] = {kind: [] for kind in commands}
            for run in range(args.runs):
                for kind, command in commands.items():  # interleaved, so drift hits all alike
                    cache = warm_cache if mode == "warm" else Path(tempfile.mkdtemp(prefix="cold-cache-", dir=work))
                    sample = measure(kind, command, cache, work)
                    samples[kind].append(sample)
                    print(f"{mode} run {run + 1}: {kind} " + ", ".join(f"{k} {v:.1f}" for k, v in sample.items()),
                          flush=True)
                    if mode == "cold":
                        shutil.rmtree(cache, ignore_errors=True)
            results[mode] = {kind: {key: round(statistics.median(s[key] for s in values), 1) for key in values[0]}
                             for kind, values in samples.items()}
    print()
    print(f"| cache | command | install | first serve to home | total (median of {args.runs}) | ratio to baseline |")
    print("|---|---|---|---|---|---|")
    for mode in ("cold", "warm"):
        if mode not in results:
            continue
        base = results[mode]["baseline"]["total_s"]
        for kind, row in results[mode].items():
            row["ratio"] = round(row["total_s"] / base, 2)
            print(f"| {mode} | {kind} | {row.get('install_s', row['total_s'])} s | "
                  f"{str(row['serve_s']) + ' s' if 'serve_s' in row else '-'} | {row['total_s']} s | {row['ratio']}\u00d7 |")
    # other work on the machine slows every command; the ratios suffer less than the seconds
    results["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    print(f"\nload average at the end: {results['load_average_1min_at_end']} (on {os.cpu_count()} cores)")
    if "warm_cache_mib" in results:
        print("warm cache after the priming run: "
              + ", ".join(f"{tool} {mib} MiB" for tool, mib in results["warm_cache_mib"].items()))
    checks = []
    if "warm" in results:
        checks.append(("warm: learner home within 60 s", results["warm"]["learner"]["total_s"] <= 60))
    if "cold" in results:
        checks.append(("cold: learner home within 2x the baseline", results["cold"]["learner"]["ratio"] <= 2))
    for name, ok in checks:
        print(f"{'met' if ok else 'NOT met'}: {name}")
    results["commands"] = commands
    results["runs"] = args.runs
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "install.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
