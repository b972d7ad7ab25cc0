"""Benchmark: parallel autograde versus nbgrader's own sequential autograde.

    python -m benchmarks.bench_autograde [--submissions 60] [--workers N]

Builds two identical trainer folders with the same synthetic cohort of
peer-role-check submissions (varied answers), grades one with
``peer-course autograde`` (parallel workers) and the other with a single
``nbgrader autograde peer-role-check`` over all students, asserts the scores
are identical, and times both. It also grades a trivial one-cell assignment
the same way, to give the per-submission cost of ours as a ratio to it.
Prints a Markdown table and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from peer_course.grading.parallel import bounded_workers
from peer_course.grading.steps import autograde, build, export, run_nbgrader
from peer_course.grading.trainer_dir import init_course_dir
from tests.support.cohort import submit

REPO = Path(__file__).resolve().parents[1]

NAME = "peer-role-check"


def cohort(course: Path, n: int) -> None:
    for k in range(1, n + 1):
        learner = f"p{k:02d}"
        submit(course, learner, NAME, day=20)


def scores(course: Path) -> dict:
    path = export(course_dir=course, to=course / "grades.csv", progress=lambda m: None)
    with path.open(newline="", encoding="utf-8-sig") as handle:  # the export starts with a BOM
        return {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(handle)}


def trivial_course(root: Path, n: int) -> Path:
    """A one-cell assignment (one autograded test cell), n submissions."""
    course = init_course_dir(root, assessments=[NAME])
    source = course / "source" / "trivial"
    source.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1.0  # full marks")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t1", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source / "trivial.ipynb")
    build(course_dir=course, assessments=["trivial"], progress=lambda m: None)
    for k in range(1, n + 1):
        shutil.copytree(course / "release" / "trivial", course / "submitted" / f"p{k:02d}" / "trivial")
    return course


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    n, workers = args.submissions, bounded_workers(args.workers)
    root = Path(tempfile.mkdtemp(prefix="bench-autograde-"))
    try:
        ours = init_course_dir(root / "parallel", assessments=[NAME])
        build(course_dir=ours, assessments=[NAME], progress=lambda m: None)
        cohort(ours, n)
        theirs = init_course_dir(root / "sequential", assessments=[NAME])
        build(course_dir=theirs, assessments=[NAME], progress=lambda m: None)
        cohort(theirs, n)

        start = time.perf_counter()
        outcomes = autograde(course_dir=ours, assessments=[NAME], workers=workers, progress=lambda m: None)
        parallel_s = time.perf_counter() - start
        assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok]

        start = time.perf_counter()
        process = run_nbgrader(theirs, "autograde", NAME, "--create")
        sequential_s = time.perf_counter() - start
        assert process.returncode == 0, process.stderr[-2000:]
        assert scores(ours) == scores(theirs), "parallel and sequential scores differ"

        trivial = trivial_course(root / "trivial", n)
        start = time.perf_counter()
        outcomes = autograde(course_dir=trivial, assessments=["trivial"], workers=workers, progress=lambda m: None)
        trivial_s = time.perf_counter() - start
        assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok][:1]
    finally:
        shutil.rmtree(root, ignore_errors=True)

    result = {
        "benchmark": "autograde", "submissions": n, "workers": workers, "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "parallel_seconds": round(parallel_s, 2), "nbgrader_sequential_seconds": round(sequential_s, 2),
        "speedup_vs_nbgrader_sequential": round(sequential_s / parallel_s, 2),
        "per_submission_seconds": round(parallel_s / n, 3),
        "trivial_per_submission_seconds": round(trivial_s / n, 3),
        "per_submission_ratio_to_trivial": round(parallel_s / trivial_s, 2),
        "identical_scores": True,
    }
    print("| measure | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value} |")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "autograde.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
