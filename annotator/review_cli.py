"""`annotator agreement`: span P/R/F, Cohen's kappa, Krippendorff's alpha and conflict counts."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import cli_common as cli
from annotator.config import default_project_dir
from annotator.core.review_commands import GOLD

if TYPE_CHECKING:
    from annotator.core.agreement import PRF, AgreementReport
    from annotator.core.project import Project

ALL = "all"


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser, object], None]) -> None:
    """Add the `agreement` subcommand to the `annotator` subparsers."""
    agr = sub.add_parser(
        "agreement", help="agreement between annotators: P/R/F, kappa, alpha, conflicts",
        description="Span-level precision, recall and F1 of A against B (the first two "
        "annotators; B is the reference, exact match), Cohen's kappa of A and B on token "
        "labels, Krippendorff's alpha (nominal, on tokens) across all the annotators named, "
        "and counts of each conflict type. Only articles that at least two of them worked on "
        "count.")
    common(agr, argparse.SUPPRESS)
    agr.add_argument("--annotators", nargs="+", required=True, metavar="NAME",
                     help=f"two or more annotators, or '{ALL}' (every annotator but {GOLD})")
    agr.add_argument("--json", action="store_true", help="print the figures as JSON")


def choose(project: Project, names: list[str]) -> list[str]:
    """Resolve --annotators against the project's annotators; UsageError when unusable."""
    known = project.annotators()
    if names == [ALL]:
        names = [a for a in known if a != GOLD]
    elif ALL in names:
        raise cli.UsageError(f"--annotators: '{ALL}' cannot be combined with names")
    unknown = [n for n in names if n not in known]
    if unknown:
        has = ", ".join(known) or "no annotations yet"
        raise cli.UsageError(f"unknown annotator(s): {', '.join(unknown)} (the project has: {has})")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise cli.UsageError(f"--annotators: {', '.join(dupes)} named twice")
    if len(names) < 2:
        raise cli.UsageError(f"--annotators: need two or more annotators, got {len(names)}")
    return names


def cmd_agreement(args: argparse.Namespace) -> int:
    """Compute and print the agreement figures of the chosen annotators."""
    from annotator.core.agreement import project_agreement
    from annotator.core.link_agreement import link_agreement
    from annotator.nlp.tokens import tokenize
    from annotator.store.project_store import StoreError
    from annotator.store.session import load_all_sets

    root = Path(args.project) if args.project else default_project_dir()
    project, store = cli.open_for_command(root, cli.resolve_annotator(args.annotator), create=False)
    bar = cli.ProgressBar("Comparing")

    def tokens_for(article_id: str) -> list[tuple[int, int]]:
        text = project.text(article_id)
        return [(s, e) for s, e, _ in tokenize(text) if not text[s:e].isspace()]

    try:
        load_all_sets(project, store)
        names = choose(project, list(args.annotators))
        report = project_agreement(project, names, tokens_for, progress=bar)
        links = link_agreement(project, names[0], names[1])
    except StoreError as exc:
        raise cli.UsageError(str(exc)) from exc
    finally:
        bar.close()
        cli.close_for_command(store)  # nothing was written; a failure is only reported
    if args.json:
        print(json.dumps({**report.to_json(), "links": links}, indent=2, ensure_ascii=False))
    else:
        print(format_report(report, links))
    if not report.articles:
        print(f"{cli.PROG}: note: no article was worked on by two of these annotators",
              file=sys.stderr)
    return 0


def _num(x: float | None) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:.3f}"


def _row(name: str, prf: PRF, width: int, known: bool = True) -> str:
    p, r, f = (_num(x) for x in (prf.p, prf.r, prf.f)) if known else ("n/a",) * 3
    return f"{name:<{width}} {p:>6} {r:>6} {f:>6} {prf.n_a:>6} {prf.n_b:>6} {prf.matched:>7}"


def format_report(report: AgreementReport, links: dict[str, Any] | None = None) -> str:
    """The readable table printed without --json; `links` is link_agreement's section."""
    a, b = report.annotators[0], report.annotators[1]
    labels = sorted(report.spans.per_label)
    width = max([7, *(len(x) for x in labels)])
    lines = [
        f"Agreement of {a} (A) against {b} (B, the reference)",
        f"Articles compared: {len(report.articles)} (A and B both: {report.pairs_compared}); "
        f"tokens: {report.tokens}",
        "",
        f"{'label':<{width}} {'P':>6} {'R':>6} {'F':>6} {'A':>6} {'B':>6} {'matched':>7}",
        *(_row(label, report.spans.per_label[label], width) for label in labels),
        _row("overall", report.spans.overall, width, known=report.pairs_compared > 0),
        "",
        f"Cohen's kappa (token labels, A vs B): {_num(report.kappa)}",
        f"Krippendorff's alpha (nominal, token labels, {', '.join(report.annotators)}): "
        f"{_num(report.alpha)}",
        *(_link_lines(links) if links is not None else []),
        "Conflicts: " + ", ".join(f"{kind} {n}" for kind, n in
                                  report.to_json()["conflicts"].items()),
    ]
    return "\n".join(lines)


def _link_lines(links: dict[str, Any]) -> list[str]:
    """Entity-link agreement (MUC, B³, CEAF-e F1 and CoNLL) and who linked what alone."""
    linked = links["linked"]
    return [
        f"Entity links (A vs B, {links['mentions']} mentions with the same boundaries): "
        + ", ".join(f"{name} {_num(links[key]['f'])}" for key, name in
                    (("muc", "MUC"), ("b_cubed", "B³"), ("ceaf_e", "CEAF-e")))
        + f", CoNLL {_num(links['conll'])}",
        f"Linked by A only: {linked['only_a']}, by B only: {linked['only_b']}",
    ]
