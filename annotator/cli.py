"""The `annotator` command: the GUI by default, plus `import` and `export` subcommands.

Exit codes: 0 success, 1 finished but some input had issues, 2 usage or project errors.
Every error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli_common import (
    MAX_LISTED,
    PROG,
    ProgressBar,
    UsageError,
    close_for_command,
    error,
    open_for_command,
    print_damaged,
    resolve_annotator,
)
from annotator.config import default_project_dir

if TYPE_CHECKING:
    from annotator.io.export import ExportReport
    from annotator.store.project_store import ProjectStore

STATUSES = {"new": "new", "in-progress": "in progress", "done": "done", "reviewed": "reviewed"}
EXPORT_STATUSES = ["finished", "any", *STATUSES]


def _common(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--project", type=Path, metavar="DIR", default=default,
                        help="project folder (default: the default project)")
    parser.add_argument("--annotator", metavar="NAME", default=default,
                        help="annotator name (default: the remembered name, else the OS user)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; --project/--annotator work before or after the subcommand."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Annotate named entities in news articles. "
        "Without a command, opens the window.")
    _common(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    imp = sub.add_parser(
        "import", help="import .txt, JSONL (ours, Prodigy, doccano) or CoNLL files or folders",
        description="CoNLL/BIO files (.conll .iob .bio .tsv) import as accepted annotations of "
        "an annotator named after the file, unless --annotator is given; sentences are grouped "
        "into articles at -DOCSTART- lines, else every 20 sentences.")
    _common(imp, argparse.SUPPRESS)
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                     help=".txt, .jsonl, .json or CoNLL file, or a folder of such files")
    imp.add_argument("--label-map", metavar="MAP",
                     help="rename or drop imported labels: PERSON=PER,ORGANISATION=ORG,FNB=- "
                     "(- drops the label's spans)")

    exp = sub.add_parser(
        "export", help="export annotations (jsonl, spacy, doccano, conll, kb)",
        description="By default: one version per article (the reviewed gold version where there "
        "is one, else the annotator's: --annotator, else the remembered name), finished "
        "articles only (done or reviewed), and no article that still holds undecided "
        "suggestions. The summary counts what was left out and why.")
    _common(exp, argparse.SUPPRESS)
    exp.add_argument("--out", type=Path, metavar="PATH",
                     help="output file, or folder with --split (default: under exports/); "
                     "never inside the project folder except its exports/")
    exp.add_argument("--format", default="jsonl", metavar="FORMAT",
                     help="jsonl (default), spacy (DocBin), doccano, conll or kb")
    exp.add_argument("--status", choices=EXPORT_STATUSES, default="finished",
                     help="finished (default: done or reviewed), any, or one status")
    exp.add_argument("--no-gold", action="store_true",
                     help="take the annotator's versions even where a reviewed gold one exists")
    exp.add_argument("--allow-undecided", action="store_true",
                     help="also export articles with undecided suggestions (written as O, "
                     "i.e. not entities; the summary counts them)")
    exp.add_argument("--include-rejected", action="store_true",
                     help='add answer "reject" records for rejected suggestions (jsonl only)')
    exp.add_argument("--split", type=float, metavar="RATIO",
                     help="train fraction (e.g. 0.8): --out is a folder receiving train and dev "
                     "files (spacy: also config.cfg); all versions of an article stay together")
    exp.add_argument("--seed", type=int, default=0, metavar="N",
                     help="seed of the article shuffle for --split (default 0)")
    exp.epilog = "--annotator NAME|gold|all: all writes every version (jsonl and doccano only)."

    val = sub.add_parser(
        "validate", help="check an exported JSONL file (spans, tokens, hashes, duplicates)",
        description="Prints file:line: problem for each problem and a summary; exit 0 when "
        "clean, 1 when there are problems. Labels are checked against --project's scheme, "
        "else the default scheme.")
    val.add_argument("file", type=Path, metavar="FILE", help="a JSONL file (ours, Prodigy or "
                     "doccano records)")
    val.add_argument("--project", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                     help="take the label scheme from this project")
    from annotator.restore_cli import add_parser as add_restore_parser

    add_restore_parser(sub, _common)
    from annotator.review_cli import add_parser as add_agreement_parser

    add_agreement_parser(sub, _common)
    from annotator.link_cli import add_parser as add_link_parser

    add_link_parser(sub, _common)
    from annotator.nlp_cli import add_parsers as add_nlp_parsers

    add_nlp_parsers(sub, _common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from annotator.config import setup_logging

    setup_logging()  # the store's warnings go to the log file; errors are printed here
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.command == "import":
            return cmd_import(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "validate":
            return cmd_validate(args)
        if args.command == "restore":
            from annotator.restore_cli import cmd_restore

            return cmd_restore(args)
        if args.command == "agreement":
            from annotator.review_cli import cmd_agreement

            return cmd_agreement(args)
        if args.command == "link":
            from annotator.link_cli import cmd_link

            return cmd_link(args)
        if args.command in ("suggest", "train", "evaluate"):
            from annotator.nlp_cli import run as run_nlp

            return run_nlp(args)
        return cmd_gui(args)
    except UsageError as exc:
        error(str(exc))
        return 2
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except OSError as exc:
        error(f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}")
        return 2
    except Exception as exc:
        if os.environ.get("ANNOTATOR_DEBUG"):
            raise
        error(f"unexpected {type(exc).__name__}: {exc} (set ANNOTATOR_DEBUG=1 for details)")
        return 2


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the main window (after checking the system libraries Qt needs)."""
    from annotator.qt_libs import check

    problem = check()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        from annotator.ui.app import run_gui
    except ImportError as exc:
        raise UsageError(f"the window cannot start ({exc})") from exc
    return int(run_gui(args.project, args.annotator) or 0)


def _queue_for_window(root: Path, store: ProjectStore, paths: list[Path], who: str) -> int:
    """The window of `who` holds the project: hand it the files (it imports them itself)."""
    from annotator.io.inbox import queue_import

    try:
        folder = queue_import(root, paths, who)
    except OSError as exc:
        raise UsageError(f"cannot queue the import in {root}: {exc.strerror or exc}") from exc
    finally:
        store.close()
    print(f"The project is open in a window for {who}: the files are queued in {folder} and "
          "the window imports them within seconds (its summary says what was added).")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import sources into the project and print what happened."""
    from annotator.io import importer
    from annotator.io.formats.remap import adjust_records, parse_label_map
    from annotator.store.project_store import StoreError

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    try:
        label_map = parse_label_map(args.label_map) if args.label_map is not None else None
    except ValueError as exc:
        raise UsageError(f"--label-map: {exc}") from exc
    root = Path(args.project) if args.project else default_project_dir()
    who = resolve_annotator(args.annotator)
    project, store = open_for_command(root, who, create=True)
    bar = ProgressBar("Reading")
    saved = False
    if store.read_only and store.held_elsewhere and label_map is None:
        return _queue_for_window(root, store, list(args.paths), who)
    try:
        if store.read_only:
            raise UsageError(store.lock_message or f"{root} is open read-only")
        prepared = importer.prepare_import(store, list(args.paths), annotator=who, progress=bar)
        explicit = who if args.annotator else None  # CoNLL spans go to it, not the file name
        dropped = adjust_records(prepared.records, label_map=label_map, annotator=explicit)
        report = importer.finish_import(project, store, prepared)
    except StoreError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        bar.close()
        saved = close_for_command(store)
    print_damaged(project)
    print(f"Imported {report.added} article(s) with {report.spans} span(s) into {root}"
          + ("" if saved else " in memory; NOT all saved (see the error above)"))
    if report.duplicates:
        print(f"Already in the project, not added again: {len(report.duplicates)}")
        for title in report.duplicates[:MAX_LISTED]:
            print(f"  - {title}")
        if len(report.duplicates) > MAX_LISTED:
            print(f"  ... and {len(report.duplicates) - MAX_LISTED} more")
    if dropped:
        listed = ", ".join(f"{label} {n}" for label, n in sorted(dropped.items()))
        print(f"Dropped by --label-map: {listed}")
    if report.new_labels:
        print(f"New labels added to the scheme: {', '.join(report.new_labels)}")
    if report.entities:
        print(f"Built {report.entities} entit{'y' if report.entities == 1 else 'ies'} "
              "for imported links (knowledge base)")
    if report.issues:
        print(f"{len(report.issues)} issue(s):", file=sys.stderr)
        for issue in report.issues:
            print(f"  {issue}", file=sys.stderr)
    if not saved:
        return 2
    return 1 if report.issues else 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export the project in the chosen format and print a summary."""
    from annotator.io.export import (
        ExportError,
        check_options,
        default_out,
        export_project,
        load_every_set,
    )
    from annotator.store.project_store import StoreError
    from annotator.store.session import open_project, rebuild_entities

    root = Path(args.project) if args.project else default_project_dir()
    who = resolve_annotator(args.annotator)
    status = STATUSES.get(args.status, args.status)
    try:
        out = Path(args.out) if args.out else default_out(root.resolve().name, args.format,
                                                          args.split)
        check_options(out, format=args.format, include_rejected=args.include_rejected,
                      split=args.split, annotator=who, status=status, project_root=root)
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    if not root.is_dir():
        raise UsageError(f"no project at {root}")
    try:  # a reader: export never writes the project nor takes an annotator's lock
        project, store = open_project(root, who, create=False, read_only=True, load_sets=False)
    except StoreError as exc:
        raise UsageError(str(exc)) from exc
    from annotator.store.cleanup import remove_stale_temps, sweep_dead_temps

    remove_stale_temps(out if args.split else out.parent, dead_only=True)  # a killed export's
    sweep_dead_temps(root)  # and what killed processes left in the project
    bar = ProgressBar("Exporting")
    try:
        store.verify_texts()  # so articles whose text changed on disk are known (and skipped)
        print_damaged(project)
        warnings = [*project.load_warnings, *load_every_set(project, store)]
        warnings += rebuild_entities(project, store)  # a lost KB file: built from the spans
        report = export_project(project, out, format=args.format, annotator=who,
                                status=status, include_rejected=args.include_rejected,
                                allow_undecided=args.allow_undecided,
                                gold_first=not args.no_gold, split=args.split, seed=args.seed,
                                progress=bar)
    except (StoreError, ExportError) as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or out}: {exc.strerror or exc}") from exc
    finally:
        bar.close()
        store.close()
    for warning in warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    print_export_summary(report)
    return 0


def print_export_summary(report: ExportReport) -> None:
    """What was taken, records and files written, spans per label, what was skipped and why."""
    labels = ", ".join(f"{k} {v}" for k, v in report.spans_per_label.items()) or "none"
    if report.selection:
        print(f"Selected: {report.selection}")
    if report.parts:
        parts = ", ".join(f"{name} {n} in {path.name}" for (name, n), path
                          in zip(report.parts.items(), report.files, strict=False))
        print(f"Wrote {report.records} record(s) to {report.path} ({parts})")
        for path in report.files[len(report.parts):]:
            print(f"Also wrote {path}")
    else:
        print(f"Wrote {report.records} record(s) to {report.path}")
    if report.versions:
        print("Versions: " + ", ".join(f"{k} {v}" for k, v in report.versions.items()))
    print(f"Spans per label: {labels}")
    if report.skipped:
        counts = Counter(reason for _, reason in report.skipped)
        for reason, n in sorted(counts.items()):
            print(f"Skipped {n}: {reason}")
        print("(to export more: --status, --allow-undecided, --annotator all; see --help)")
    for note in report.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    if not report.records:
        print(f"{PROG}: note: nothing matched; {report.path} is empty", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    """Run the export validator on a JSONL file; 0 clean, 1 problems, 2 unreadable."""
    from annotator.core.labels import LabelScheme
    from annotator.io.validate import validate_file
    from annotator.store.project_store import ProjectStore, StoreError

    labels = LabelScheme.default().names
    project_dir = getattr(args, "project", None)
    if project_dir:
        try:
            with ProjectStore(Path(project_dir), "validate", create=False,
                              read_only=True) as store:
                listed = store.meta().get("labels")
            labels = LabelScheme.from_list(listed).names if listed else labels
        except StoreError as exc:
            raise UsageError(str(exc)) from exc
    try:
        problems = validate_file(args.file, labels=labels)
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    for problem in problems:
        print(problem.at(args.file))
    with Path(args.file).open("rb") as handle:
        count = sum(1 for line in handle if line.strip())
    if not problems:
        print(f"{args.file}: {count} record(s), no problems")
        return 0
    lines = len({p.line for p in problems})
    print(f"{args.file}: {len(problems)} problem(s) in {lines} line(s) of {count}")
    return 1



if __name__ == "__main__":
    sys.exit(main())
