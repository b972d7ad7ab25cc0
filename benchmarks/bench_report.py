"""Benchmark: the cohort report on 10,000 synthetic learners.

    python -m benchmarks.bench_report [--learners 10000]

Generates the report's input tables (every assessment of the course, every
item, random but reproducible answers and ratings, a supervisor for one peer
in ten), then times: the baseline (reading those tables back from CSV, as
the smallest amount of work any report must do), building the report, and
writing it (CSV + HTML). Prints a Markdown table and writes JSON to
benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from peer_widgets.manifest import load_manifest
from peer_widgets.content import assessments_dir
from peer_course.reports.cohort import build_report
from peer_course.reports.write import write_report
from peer_course.reports.data import CohortData, knowledge_items, load_items

REPO = Path(__file__).resolve().parents[1]
LEVELS = np.array(["advanced", "proficient", "developing", "not-enough-information"], dtype=object)


def synthetic(n: int, seed: int = 5) -> CohortData:
    rng = np.random.default_rng(seed)
    names = load_manifest().assessments
    items = _items(names)
    students = np.array([f"l{k:05d}" for k in range(n)], dtype=object)
    supervisors = np.array([f"supervisor--{s}" for s in students[::10]], dtype=object)
    ability = rng.uniform(0.2, 0.95, n)
    # One learner in five works in Spanish; supervisors fill in their forms in English.
    language = np.where(rng.uniform(size=n) < 0.2, "es", "en").astype(object)
    supervised = np.concatenate([language, np.full(len(supervisors), "en", dtype=object)])
    knowledge = knowledge_items(items)
    rows = []
    for item in knowledge.itertuples(index=False):
        score = (rng.uniform(size=n) < ability).astype(float) * item.points
        rows.append(pd.DataFrame({"student": students, "assessment": item.assessment, "item": item.item,
                                  "score": score, "max_score": item.points}))
    scores = pd.concat(rows, ignore_index=True)
    responses = []
    for item in items.itertuples(index=False):
        raters, spoken = ((np.concatenate([students, supervisors]), supervised) if item.assessment == names[-1]
                          else (students, language))
        rating = LEVELS[rng.integers(0, 4, len(raters))] if isinstance(item.scale, str) else None
        variant = np.char.add("v", (rng.integers(0, item.versions, len(raters)) + 1).astype(str)).astype(object)
        responses.append(pd.DataFrame({"student": raters, "assessment": item.assessment, "item": item.item,
                                       "variant": variant, "language": spoken,
                                       "rating": rating, "comment": None, "text": None}))
    responses = pd.concat(responses, ignore_index=True)
    submissions = pd.DataFrame([(s, a, pd.Timestamp("2026-11-20"), 0.0, 0.0, lang) for a in names
                                for s, lang in zip(students, language)],
                               columns=["student", "assessment", "timestamp", "score", "max_score", "language"])
    learners = pd.DataFrame({"student": students, "first_name": "Learner", "last_name": students, "email": ""})
    return CohortData(learners, items, scores, submissions, responses)


def _items(names: list[str]) -> pd.DataFrame:
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            (Path(tmp) / "source" / name).mkdir(parents=True)
            shutil.copy(assessments_dir() / name / "items.yaml", Path(tmp) / "source" / name / "items.yaml")
        return load_items(Path(tmp), names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    args = parser.parse_args()
    data = synthetic(args.learners)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for field in ("learners", "items", "scores", "submissions", "responses"):
            getattr(data, field).to_csv(folder / f"{field}.csv", index=False)
        start = time.perf_counter()
        for field in ("learners", "items", "scores", "submissions", "responses"):
            pd.read_csv(folder / f"{field}.csv", low_memory=False)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        tables = build_report(data)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        page = write_report(tables, folder / "report")
        write_s = time.perf_counter() - start
        html_mb = page.stat().st_size / 1e6
    result = {"benchmark": "report", "learners": args.learners, "score_rows": len(data.scores),
              "response_rows": len(data.responses), "python": platform.python_version(),
              "pandas": pd.__version__, "baseline_read_csv_seconds": round(baseline, 2),
              "build_seconds": round(build_s, 2), "write_seconds": round(write_s, 2),
              "total_ratio_to_baseline": round((build_s + write_s) / baseline, 2), "html_megabytes": round(html_mb, 2)}
    print("| measure | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value} |")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
