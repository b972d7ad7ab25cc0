"""Benchmark: the trainer's set-up steps for the whole course, as ratios to
making one student version with nbgrader.

    python -m benchmarks.bench_steps [--runs 3]

For each run, in fresh temporary folders: ``nbgrader generate_assignment`` of
one assessment (``peer-role-check``) in its own process, as nbgrader's own
command line does it (the baseline); then ``peer-course init``, ``build`` and
``release`` of every assessment of the course, each one ``peer-course``
command as a trainer types it. The median of each is reported as a ratio to
the baseline's median. Prints a Markdown table and writes JSON to
benchmarks/results/steps.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peer_course.grading.steps import nbgrader_env
from peer_course.grading.trainer_dir import init_course_dir
from peer_widgets.manifest import load_manifest

REPO = Path(__file__).resolve().parents[1]
ONE = "peer-role-check"


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def one_run(root: Path) -> dict[str, float]:
    bin_dir = str(Path(sys.executable).parent)
    env = nbgrader_env()
    # baseline: one student version, nbgrader's own way (a new process)
    base = init_course_dir(root / "baseline", assessments=[ONE])
    baseline = timed([sys.executable, "-m", "nbgrader", "generate_assignment", ONE, "--create", "--force"],
                     base, env)
    peer = [str(Path(bin_dir) / "peer-course")]
    course = root / "course"
    times = {"baseline": baseline}
    times["init"] = timed([*peer, "init", str(course)], root, env)
    times["build"] = timed([*peer, "build"], course, env)
    times["release"] = timed([*peer, "release"], course, env)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        root = Path(tempfile.mkdtemp(prefix="bench-steps-"))
        try:
            runs.append(one_run(root))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    median = {step: statistics.median(r[step] for r in runs) for step in runs[0]}
    assessments = len(load_manifest().assessments)
    rows = [{"step": step, "seconds": round(seconds, 2), "ratio": round(seconds / median["baseline"], 2)}
            for step, seconds in median.items()]
    print(f"| step ({assessments} assessments) | seconds (median of {args.runs}) | ratio to one generate_assignment |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row['step']} | {row['seconds']} | {row['ratio']}x |")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "steps.json").write_text(json.dumps({"runs": args.runs, "assessments": assessments,
                                                "python": platform.python_version(), "rows": rows,
                                                "all_runs": runs}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
