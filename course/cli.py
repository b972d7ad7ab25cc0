"""``peer-course``: one command for learners, trainers and hosts.

A thin layer: each subcommand parses its options and calls one library
function with keyword arguments; the library does the work (and is what the
tests call). Errors the user can fix are printed as one line on stderr with
exit code 1; nothing here prints a traceback for them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from peer_widgets.errors import PeerCourseError


def _progress(message: str) -> None:
    print(message, flush=True)


def cmd_serve(args: argparse.Namespace) -> int:
    from peer_course.serving.serve import default_workspace, serve

    return serve(workspace=Path(args.workspace) if args.workspace else default_workspace(),
                 port=args.port, open_browser=not args.no_browser, shared=args.shared, language=args.lang)


def cmd_validate(args: argparse.Namespace) -> int:
    from peer_course.authoring.validate import validate_course

    problems = validate_course()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print("The course is valid: manifest, item banks, lessons and assessments all check out.")
    return 0


def cmd_author(args: argparse.Namespace) -> int:
    from peer_course.authoring.author import author_assessment
    from peer_widgets.content import assessments_dir

    out = Path(args.out) if args.out else None
    if out is None:
        import yaml

        bank_id = (yaml.safe_load(Path(args.draft).read_text(encoding="utf-8")) or {}).get("id")
        if not bank_id:
            raise UserError(f"{args.draft}: field 'id': required to name the assessment")
        out = assessments_dir() / bank_id
    path = author_assessment(args.draft, out)
    print(f"Wrote {path} and {path.parent / 'items.yaml'} (keys are only in the notebook's hidden tests).")
    return _write_exam_keys()


def cmd_exam_keys(args: argparse.Namespace) -> int:
    return _write_exam_keys()


def _write_exam_keys() -> int:
    """Copy the graded questions' keys into the practice exam's hidden test (after any graded key changed)."""
    from peer_course.authoring.practice_exam import graded_keys, write_keys

    path = write_keys()
    if path is not None:
        print(f"Wrote the keys of {len(graded_keys())} graded questions into {path}'s hidden test "
              "(the practice exam's attempts to hand in are scored by them).")
    return 0


def cmd_messages(args: argparse.Namespace) -> int:
    from peer_course.authoring.messages import update

    missing = update()
    print("Updated widgets/locale/peer_widgets.pot and each language's catalogue.")
    for language, messages in missing.items():
        print(f"{language}: {len(messages)} message(s) to translate" + "".join(f"\n  {m!r}" for m in messages))
    return 1 if any(missing.values()) else 0


def cmd_student_versions(args: argparse.Namespace) -> int:
    from peer_course.serving.student_version import write_released
    from peer_widgets.manifest import load_manifest

    folder = write_released(load_manifest().assessments, progress=_progress)
    print(f"Student versions (no keys) are in {folder}. Learners' servers read them there; the sources in "
          "assessments/ can now be closed to learners (see the hosting guide).")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from peer_course.grading.trainer_dir import TrainerDir, init_course_dir

    folder = init_course_dir(args.folder, db_url=args.db_url, exchange=args.exchange, roster=args.roster)
    url = TrainerDir(folder).db_url
    shown = url.split("@")[-1] if "@" in url else url  # never print a password
    print(f"Gradebook: {shown}")
    if args.roster:
        print(f"Roster imported from {args.roster}.")
    print(f"Trainer folder ready: {folder}\nNext: cd {folder} && peer-course build")
    return 0


def _course_dir(args: argparse.Namespace) -> Path:
    from peer_course.grading.trainer_dir import find_course_dir

    return find_course_dir(args.course_dir)


def cmd_build(args: argparse.Namespace) -> int:
    from peer_course.grading.steps import build

    build(course_dir=_course_dir(args), assessments=args.assessment or None, force=args.force, progress=_progress)
    print("Student versions are in release/.")
    return 0


def cmd_autograde(args: argparse.Namespace) -> int:
    from peer_course.grading.steps import autograde

    outcomes = autograde(course_dir=_course_dir(args), assessments=args.assessment or None,
                         students=args.student or None, force=args.force, workers=args.workers,
                         time_limit=args.time_limit, cell_timeout=args.cell_timeout,
                         memory_limit=args.memory_limit, progress=_progress)
    return _autograde_summary(outcomes)


def _autograde_summary(outcomes) -> int:
    from peer_course.grading.steps import REGRADED

    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        print(f"{outcome.status}: {outcome.assessment} for {outcome.student}: {outcome.message}", file=sys.stderr)
    for outcome in outcomes:
        if outcome.ok and outcome.status in ("graded", REGRADED) and outcome.message:
            print(f"note: {outcome.assessment} for {outcome.student}: {outcome.message}", file=sys.stderr)
    skipped = sum(o.status == "skipped" for o in outcomes)
    regraded = sum(o.status == REGRADED for o in outcomes)
    graded = len(outcomes) - len(failed) - skipped - regraded
    again = f" ({regraded} graded again because they were out of date)" if regraded else ""
    print(f"Graded {graded + regraded} of {len(outcomes)} submission(s){again}; {skipped} already graded and up to "
          f"date; {len(failed)} need attention.")
    return 1 if failed else 0


def cmd_regrade(args: argparse.Namespace) -> int:
    from peer_course.grading.steps import regrade
    from peer_course.grading.trainer_dir import TrainerDir

    result = regrade(course_dir=_course_dir(args), assessment=args.assessment, workers=args.workers,
                     time_limit=args.time_limit, cell_timeout=args.cell_timeout, memory_limit=args.memory_limit,
                     progress=_progress)
    code = _autograde_summary(result.outcomes)
    moved = [c for c in result.changes if c.old != c.new]
    print(f"{args.assessment}: {len(moved)} of {len(result.changes)} learner(s) have a new score; "
          "manual grades were kept." + (" Feedback that changed is remade in feedback/." if result.feedback else ""))
    _print_release(result.released, TrainerDir(_course_dir(args)))
    return code


def cmd_status(args: argparse.Namespace) -> int:
    from peer_course.grading.status import cohort_status, summary_lines, write_missing_csv, write_status_csv

    people, rows = cohort_status(course_dir=_course_dir(args), assessments=args.assessment or None)
    for line in summary_lines(people, rows):
        print(line)
    if args.csv:
        print(f"Every learner and assessment: {write_status_csv(Path(args.csv), people, rows)}")
    if args.missing:
        path, count = write_missing_csv(Path(args.missing), people, rows)
        print(f"{count} learner(s) with something not handed in, with their emails: {path}")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from peer_course.grading.status import format_time, set_due_date

    clear = args.date.strip().lower() in ("none", "clear")
    when = set_due_date(course_dir=_course_dir(args), assessment=args.assessment, due=None if clear else args.date)
    if when is None:
        print(f"{args.assessment} has no due date now; no submission of it counts as late.")
    else:
        print(f"{args.assessment} is due {format_time(when)}. Submissions after that are marked late "
              "(in `peer-course status`, in the gradebook and in Formgrader).")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from peer_course.grading.steps import release
    from peer_course.grading.trainer_dir import TrainerDir

    course = TrainerDir(_course_dir(args))
    release(course_dir=course, assessments=args.assessment or None, force=args.force, progress=_progress)
    print(f"Released to the exchange {course.exchange}; learners fetch them with `nbgrader fetch_assignment`.")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from peer_course.grading.steps import collect

    outcomes = collect(course_dir=_course_dir(args), assessments=args.assessment or None, update=args.update,
                       progress=_progress)
    refused = [o for o in outcomes if not o.ok]
    for outcome in refused:
        print(f"refused: {outcome.assessment} from {outcome.student}: {outcome.message}; "
              "it stays in the exchange", file=sys.stderr)
    print("Submissions are in submitted/. `peer-course status` shows who has handed in what.")
    return 1 if refused else 0


def cmd_formgrader(args: argparse.Namespace) -> int:
    import subprocess

    from peer_course.grading.runner import nbgrader_env
    from peer_course.grading.steps import formgrader_command

    course = _course_dir(args)
    command = formgrader_command(course_dir=course, port=args.port, open_browser=not args.no_browser)
    print(f"Starting JupyterLab in {course}.\nOpen the address it prints (http://localhost:{args.port}/lab?token=...), "
          "then choose Nbgrader > Formgrader in the menu bar to grade reflections. Press Ctrl+C here to stop.")
    if args.print_only:
        print(" ".join(command))
        return 0
    return subprocess.call(command, cwd=course, env=nbgrader_env())


def cmd_report(args: argparse.Namespace) -> int:
    from peer_course.reports.write import cohort_report

    cohort_report(course_dir=_course_dir(args), out=Path(args.out), progress=_progress)
    return 0


def cmd_certificates(args: argparse.Namespace) -> int:
    from peer_course.reports.certificates import certificates

    certificates(course_dir=_course_dir(args), out=Path(args.out), organisation=args.organisation or "",
                 progress=_progress)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from peer_course.grading.steps import feedback
    from peer_course.grading.trainer_dir import TrainerDir

    course = TrainerDir(_course_dir(args))
    outcomes = feedback(course_dir=course, assessments=args.assessment or None, force=args.force,
                        progress=_progress)
    made = ", ".join(f"{o.assessment} {o.message}" for o in outcomes if o.student is None)
    print(f"Feedback is in feedback/ ({made})." if made else "Feedback is in feedback/; nothing was out of date.")
    _print_release(outcomes, course)
    return 0


def _print_release(outcomes, course) -> None:
    """Say how many learners' feedback went to the exchange and how many are held back."""
    from peer_course.grading.steps import HELD, RELEASED

    released = sum(o.status == RELEASED for o in outcomes)
    held = sum(o.status == HELD for o in outcomes)
    if released:
        print(f"Released {released} learner(s)' feedback to the exchange {course.exchange}; learners get it with "
              "`nbgrader fetch_feedback ASSESSMENT` (or Fetch Feedback in JupyterLab's Assignments tab).")
    if held:
        # not a failure: the pages are made; the lines above say why they cannot go and what to do
        print(f"{held} learner(s)' feedback is not released (see above); `peer-course status` lists them as "
              "'feedback ready'.")


def cmd_export(args: argparse.Namespace) -> int:
    from peer_course.grading.steps import export

    path = export(course_dir=_course_dir(args), to=Path(args.to), layout=args.layout, progress=_progress)
    print(f"Grades written to {path}")
    return 0


#: Modules only the trainer extra installs (pyproject.toml: [project.optional-dependencies] trainer).
TRAINER_MODULES = {"pandas", "numpy"}


class UserError(PeerCourseError):
    """A problem the user can fix; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peer-course", description="The peer support course: serve it, check it, grade it.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("serve", cmd_serve, "Start the course for a learner (Voila, on localhost) and print its address.")
    p.add_argument("--port", type=int, default=8866, help="port to listen on (default 8866)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument("--workspace", help="the learner's course folder (default: $PEER_COURSE_WORKSPACE or ~/peer-course)")
    p.add_argument("--shared", action="store_true",
                   help="one server for many learners: each browser keeps its own answers")
    from peer_widgets.translations import LANGUAGES

    p.add_argument("--lang", choices=sorted(LANGUAGES), default=None,
                   help="the course's language until a learner chooses one on a page (default: $PEER_COURSE_LANG "
                        "or en); " + ", ".join(f"{code} {name}" for code, name in LANGUAGES.items()))

    add("validate", cmd_validate, "Check the manifest, every item bank, lesson and assessment.")

    p = add("author", cmd_author, "Make an nbgrader assessment from a draft item bank that holds keys.")
    p.add_argument("draft", help="the draft (YAML, mode: graded, with keys); keep it out of the repository")
    p.add_argument("--out", help="output folder (default: assessments/<id>/)")

    add("exam-keys", cmd_exam_keys, "Copy the graded questions' keys into the practice exam's hidden test "
                                    "(after a graded assessment's keys change; `author` does this too).")

    add("messages", cmd_messages, "Update the interface's message template and every language's catalogue; "
                                  "list what is still to translate.")

    add("student-versions", cmd_student_versions,
        "Make the student version (no keys) of every assessment into the content's released/ folder.")

    p = add("init", cmd_init, "Create or refresh a trainer folder (an nbgrader course) for this course.")
    p.add_argument("folder", help="the trainer folder to create or refresh")
    p.add_argument("--roster", help="CSV file with columns id,first_name,last_name,email to import")
    p.add_argument("--db-url", help="gradebook database URL, e.g. postgresql://user:pass@host/db "
                                    "(stored in the folder; default SQLite gradebook.db; $PEER_COURSE_DB_URL wins)")
    p.add_argument("--exchange", help="nbgrader exchange folder for release/collect (default /srv/nbgrader/exchange)")

    for name, func, text in (
        ("build", cmd_build, "Build the student version of each assessment (nbgrader generate_assignment)."),
        ("release", cmd_release, "Release the student versions to the exchange (nbgrader release_assignment)."),
        ("collect", cmd_collect, "Collect submissions from the exchange into submitted/ (nbgrader collect)."),
        ("autograde", cmd_autograde, "Autograde every submission in submitted/ (nbgrader autograde, in parallel)."),
        ("formgrader", cmd_formgrader, "Start JupyterLab in the trainer folder for Formgrader (manual grading)."),
        ("feedback", cmd_feedback, "Make feedback that is new or out of date, release it to the exchange."),
        ("regrade", cmd_regrade, "Apply a corrected key to the whole cohort: build, autograde and feedback again."),
        ("status", cmd_status, "Show who has handed in what, what is late, graded or waiting."),
        ("due", cmd_due, "Set an assessment's due date (late submissions are flagged)."),
        ("export", cmd_export, "Export grades to a CSV file (long: nbgrader's columns; wide: for an LMS)."),
        ("report", cmd_report, "Write the cohort report (HTML with charts, plus CSV files)."),
        ("certificates", cmd_certificates, "Write a printable certificate of completion per learner."),
    ):
        p = add(name, func, text)
        p.add_argument("--course-dir", help="the trainer folder (default: $PEER_COURSE_DIR or the nearest one above)")
        if name in ("build", "release", "collect", "autograde", "feedback", "status"):
            p.add_argument("--assessment", action="append", help="only this assessment (repeatable)")
        if name in ("regrade", "due"):
            p.add_argument("assessment", help="the assessment, e.g. peer-role-check")
        if name == "due":
            p.add_argument("date", help="YYYY-MM-DD (the end of that day, UTC), 'YYYY-MM-DD HH:MM' (UTC, or with an "
                                        "offset such as -08:00), or none to clear it")
        if name == "status":
            p.add_argument("--csv", help="also write every learner and assessment to this CSV file")
            p.add_argument("--missing", help="also write who has not handed in, with emails, to this CSV file")
        if name in ("build", "release"):
            p.add_argument("--force", action="store_true", help="redo work already done")
        if name in ("autograde", "feedback"):
            p.add_argument("--force", action="store_true", help="redo it all, even what is up to date "
                                                                "(manual grades are kept)")
        if name == "collect":
            p.add_argument("--update", action="store_true",
                           help="take newer submissions; earlier ones are first copied to archive/")
        if name == "autograde":
            p.add_argument("--student", action="append", help="only this learner (repeatable)")
        if name in ("autograde", "regrade"):
            p.add_argument("--workers", type=int, default=None,
                           help="grading processes at once (default min(CPU count, 4); never more than the CPU count)")
            p.add_argument("--time-limit", type=float, default=900,
                           help="seconds one submission may take in all before it is stopped (default 900)")
            p.add_argument("--memory-limit", type=float, default=2048, metavar="MB",
                           help="memory each grading process and its kernels may use (default 2048 MB)")
            p.add_argument("--cell-timeout", type=float, default=None,
                           help="seconds one cell may run before it is interrupted (default 120, from the config)")
        if name == "formgrader":
            p.add_argument("--port", type=int, default=8888, help="port for JupyterLab (default 8888)")
            p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
            p.add_argument("--print-only", action="store_true", help="print the command instead of running it")
        if name == "export":
            p.add_argument("--to", default="grades.csv", help="CSV file to write (default grades.csv)")
            p.add_argument("--layout", choices=("long", "wide"), default="long",
                           help="long: one row per learner and assessment, nbgrader's columns (default); "
                                "wide: one row per learner, one column per released assessment, for an LMS")
        if name in ("report", "certificates"):
            p.add_argument("--out", default=name, help=f"folder to write to (default {name}/)")
        if name == "certificates":
            p.add_argument("--organisation", help="organisation name printed on each certificate")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Every problem someone can fix (a :class:`PeerCourseError`,
    or a file that cannot be read or written) is printed as one line per
    problem on stderr, and the exit code is 1; never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PeerCourseError as error:
        for problem in error.problems:
            print(f"peer-course {args.command}: {problem}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"peer-course {args.command}: {error}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as error:
        # Trainer tools (reports, certificates) need pandas, which a learner's
        # install leaves out to stay quick.
        if error.name not in TRAINER_MODULES:
            raise
        print(f"peer-course {args.command}: this command needs the trainer tools, which are not installed "
              f"({error.name} is missing). Install them with: pip install -e '.[trainer]' "
              "(from the course folder), then run the command again.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"peer-course {args.command}: stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
