"""`annotator suggest`, `annotator train` and `annotator evaluate`: suggestion sources,
the learned model and scores against gold data."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import cli_common as cli
from annotator.config import default_project_dir
from annotator.core.commands import ChangeSettings

if TYPE_CHECKING:
    from annotator.core.project import Project, ProjectSettings
    from annotator.nlp.sources import SuggestionSource
    from annotator.store.project_store import ProjectStore

COMMANDS = ("suggest", "train", "evaluate")
SOURCES_HELP = "builtin, learned, propagation or spacy:NAME_OR_PATH"


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser, object], None]) -> None:
    """Add the `suggest`, `train` and `evaluate` subcommands."""
    sug = sub.add_parser(
        "suggest", help="choose suggestion sources and pre-compute suggestions for every article",
        description="Pre-computes the suggestions of every article into the project's cache "
        "(resumable: a second run computes only what is missing). With --source, the sources "
        "become the project's (highest priority first) before computing.")
    common(sug, argparse.SUPPRESS)
    sug.add_argument("--source", nargs="+", metavar="SOURCE",
                     help=f"the project's sources, highest priority first: {SOURCES_HELP}")
    sug.add_argument("--label-map", metavar="MAP",
                     help="labels of the spaCy pipeline to ours: PERSON=PER,GPE=GPE,MISC=- "
                     "(- drops)")
    sug.add_argument("--batch-size", type=int, default=64, metavar="N")
    sug.add_argument("--processes", type=int, default=0, metavar="N",
                     help="worker processes (default 0: several when thousands of articles "
                     "are to be computed, else 1)")
    sug.add_argument("--json", action="store_true", help="print what was done as JSON")

    tra = sub.add_parser(
        "train", help="train the project's learned model (a CRF) on accepted spans",
        description="Trains a CRF on the accepted spans (rejected suggestions as negative "
        "evidence) with the rules' findings and the project's word classes as features, "
        "scores it and the current sources on held-out finished articles, trains it again on "
        "all of them, and saves it in models/learned (used for suggestions from then on) when "
        "it scored higher, else in models/candidate.")
    common(tra, argparse.SUPPRESS)
    tra.add_argument("--train-on", metavar="NAME", default=None,
                     help="whose annotations: an annotator, or 'all' (default: --annotator)")
    tra.add_argument("--iterations", type=int, default=None, metavar="N",
                     help="at most N iterations of the CRF's training (default: 60 with "
                     "L-BFGS on small data, 10 passive-aggressive passes beyond)")
    tra.add_argument("--seed", type=int, default=0, metavar="N")
    tra.add_argument("--held-out", type=float, default=0.2, metavar="RATIO",
                     help="share of finished articles held out for scoring (default 0.2)")
    tra.add_argument("--json", action="store_true", help="print the scores as JSON")

    eva = sub.add_parser(
        "evaluate", help="score a suggestion source against gold data (spaCy's Scorer)",
        description="Gold: our JSONL export or a CoNLL file (token TAB BIO/BIOES tag, blank line "
        "between sentences), tokenised as given. Only the gold's labels are scored.")
    common(eva, argparse.SUPPRESS)
    eva.add_argument("--gold", type=Path, required=True, metavar="FILE")
    eva.add_argument("--source", metavar="SOURCE", default=None,
                     help=f"{SOURCES_HELP} (default: the project's sources, else builtin)")
    eva.add_argument("--label-map", metavar="MAP", help="gold labels to ours: PERSON=PER,MISC=-")
    eva.add_argument("--pred-map", metavar="MAP",
                     help="predicted labels to the scored ones, e.g. GPE=LOC,FAC=LOC")
    eva.add_argument("--pipeline-map", metavar="MAP",
                     help="a spaCy pipeline's labels to ours (spacy: sources)")
    eva.add_argument("--labels", metavar="A,B", help="labels to score (default: the gold's)")
    eva.add_argument("--json", action="store_true",
                     help="print spaCy's keys (ents_p, ents_r, ents_f, ents_per_type) as JSON")


def run(args: argparse.Namespace) -> int:
    """Dispatch one of COMMANDS."""
    return {"suggest": cmd_suggest, "train": cmd_train, "evaluate": cmd_evaluate}[args.command](
        args)


def _map(text: str | None, option: str) -> dict[str, str | None] | None:
    from annotator.io.formats.remap import parse_label_map

    if text is None:
        return None
    try:
        return parse_label_map(text)
    except ValueError as exc:
        raise cli.UsageError(f"{option}: {exc}") from exc


def _root(args: argparse.Namespace) -> Path:
    return Path(args.project) if args.project else default_project_dir()


def _open_all_sets(root: Path, annotator: str) -> tuple[Project, ProjectStore]:
    from annotator.store.session import load_all_sets

    project, store = cli.open_for_command(root, annotator, create=False)
    load_all_sets(project, store)
    return project, store


def _labels(project: Project) -> list[str]:
    return list(project.scheme.names)


def cmd_suggest(args: argparse.Namespace) -> int:
    """Set the sources (with --source) and fill the suggestion cache."""
    from annotator.nlp import sources as src
    from annotator.nlp.cache import precompute, prune

    root = _root(args)
    label_map = _map(args.label_map, "--label-map")
    project, store = cli.open_for_command(root, cli.resolve_annotator(args.annotator), create=False)
    notes: list[str] = []  # problems: exit code 1
    live: list[str] = []
    runs = []
    try:
        if args.source:
            specs = [s for item in args.source for s in item.split(",") if s]
            try:
                for spec in specs:  # fail before anything is saved
                    src.source_from_spec(spec, root, kb=project.kb, label_map=label_map)
                chosen_settings = settings_for(specs, project.settings, label_map)
            except src.SourceError as exc:
                raise cli.UsageError(str(exc)) from exc
            ChangeSettings(chosen_settings).do(project)  # saved unless read-only
            if store.read_only:
                notes.append(f"sources not saved: {store.lock_message}")
        problems: list[str] = []
        chosen = src.sources_from_settings(project.settings, root, kb=project.kb,
                                           labels=_labels(project), problems=problems)
        notes += problems
        for source in chosen:
            if not source.cacheable:
                live.append(source.name)
                continue
            bar = cli.ProgressBar(f"Suggesting ({source.name})")
            try:
                runs.append(precompute(project, root, source, progress=bar,
                                       batch_size=max(1, args.batch_size),
                                       processes=max(0, args.processes)))
            except src.SourceError as exc:
                notes.append(str(exc))
            finally:
                bar.close()
        prune(root, [s.signature() for s in chosen if s.cacheable])
    finally:
        cli.close_for_command(store)
    order = ", ".join(s.name for s in chosen) or "none"
    if args.json:
        print(json.dumps({"sources": [s.name for s in chosen], "runs": [
            {"source": r.source, "computed": r.computed, "reused": r.reused, "spans": r.spans,
             "seconds": round(r.seconds, 3), "articles_per_second": round(r.per_second, 1),
             "processes": r.processes,
             "folder": str(r.folder)} for r in runs], "live": live, "notes": notes}, indent=2))
    else:
        print(f"Suggestion sources (highest priority first): {order}")
        for r in runs:
            speed = f", {r.per_second:.0f} articles/s" if r.computed else ""
            speed += f" in {r.processes} processes" if r.computed and r.processes > 1 else ""
            print(f"{r.source}: {r.computed} article(s) computed ({r.spans} span(s)), "
                  f"{r.reused} already cached{speed}; {r.seconds:.1f} s; cache {r.folder}")
        if live:
            print(f"Computed live by the window (not cached): {', '.join(live)}")
        for note in notes:
            print(f"{cli.PROG}: note: {note}", file=sys.stderr)
    return 1 if notes else 0


def cmd_train(args: argparse.Namespace) -> int:
    """Train the learned model and print its held-out scores against the current source."""
    from annotator.nlp import sources as src
    from annotator.nlp import wordvec
    from annotator.nlp.learned import TrainError, learned_dir, train

    root = _root(args)
    who = cli.resolve_annotator(args.annotator)
    if not 0.0 < args.held_out < 1.0:
        raise cli.UsageError("--held-out must be between 0 and 1")
    project, store = _open_all_sets(root, who)
    bar = cli.ProgressBar("Training")
    try:
        words = cli.ProgressBar("Learning the project's words")
        try:  # word classes of every text (cached under models/vectors until the texts change)
            clusters = wordvec.ensure_clusters(root, wordvec.project_texts(project),
                                               progress=words)
        finally:
            words.close()
        problems: list[str] = []
        kinds = [k for k in src.enabled_kinds(project.settings) if k != src.PROPAGATION]
        current = src.sources_from_settings(project.settings, root, labels=_labels(project),
                                            problems=problems, kinds=kinds)
        baseline = src.CombinedSource(current) if current else None
        try:
            result = train(project, learned_dir(root), annotator=args.train_on or who,
                           progress=bar, seed=args.seed,
                           **({"iterations": max(1, args.iterations)} if args.iterations else {}),
                           dev_ratio=args.held_out, current=baseline, clusters=clusters)
        except TrainError as exc:
            raise cli.UsageError(str(exc)) from exc
        finally:
            bar.close()
        if result.switched and not project.settings.suggest_model:
            ChangeSettings(project.settings.with_(suggest_model=True)).do(project)
            if store.read_only:
                result.notes.append(f"learned model not switched on: {store.lock_message}")
    finally:
        cli.close_for_command(store)
    if args.json:
        print(json.dumps({**result.scores, "current": result.current,
                          "combined": result.combined, "min_rank": result.min_rank,
                          "current_source":
                          baseline.name if baseline else None, "switched": result.switched,
                          "path": str(result.path), "iterations": result.steps, "n_train":
                          result.n_train, "n_dev": result.n_dev, "notes": result.notes},
                         indent=2))
        return 0
    print(f"Trained on {result.n_train} annotation set(s), {result.steps} iteration(s); "
          f"held out: {result.n_dev}")
    print(_prf("learned model", result.scores))
    if result.current is not None and baseline is not None:
        print(_prf(f"current ({baseline.name})", result.current))
    if result.combined is not None and baseline is not None:
        print(_prf(f"learned model + {baseline.name} in the gaps", result.combined))
        if result.min_rank:
            from annotator.nlp.ranks import gaps_note

            print(gaps_note(result.min_rank, "these articles"))
    if result.switched:
        print(f"Saved to {result.path}; suggestions now use the learned model")
    else:
        print(f"Saved to {result.path} (not used: it does not score higher than the current "
              "sources)")
    for note in [*problems, *result.notes]:
        print(f"{cli.PROG}: note: {note}", file=sys.stderr)
    return 0


def _prf(name: str, scores: dict[str, Any]) -> str:
    def num(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    return (f"{name}: P {num(scores.get('ents_p'))}  R {num(scores.get('ents_r'))}  "
            f"F {num(scores.get('ents_f'))}")


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score one source (or the project's sources) against the gold file."""
    from annotator.nlp import sources as src
    from annotator.nlp.evaluate import GoldError, evaluate_source, format_result, load_gold

    gold_map = _map(args.label_map, "--label-map")
    pred_map = _map(args.pred_map, "--pred-map")
    pipeline_map = _map(args.pipeline_map, "--pipeline-map")
    try:
        gold = load_gold(args.gold, gold_map)
    except GoldError as exc:
        raise cli.UsageError(str(exc)) from exc
    needs_project = args.project is not None or args.source in (src.LEARNED, src.PROPAGATION)
    store = None
    try:
        project = None
        if needs_project:
            project, store = cli.open_for_command(
                _root(args), cli.resolve_annotator(args.annotator), create=False)
        source = _eval_source(args, project, pipeline_map)
        labels = args.labels.split(",") if args.labels else None
        bar = cli.ProgressBar("Scoring")
        try:
            result = evaluate_source(source, gold, pred_map=pred_map, labels=labels,
                                     progress=bar)
        except src.SourceError as exc:
            raise cli.UsageError(str(exc)) from exc
        finally:
            bar.close()
    finally:
        if store is not None:
            cli.close_for_command(store)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_result(result))
    for issue in gold.issues[:cli.MAX_LISTED]:
        print(f"{cli.PROG}: note: {issue}", file=sys.stderr)
    return 1 if gold.issues else 0


def _eval_source(args: argparse.Namespace, project: Project | None,
                 pipeline_map: dict[str, str | None] | None) -> SuggestionSource:
    from annotator.nlp import sources as src

    root = _root(args)
    try:
        if args.source:
            return src.source_from_spec(args.source, root, kb=project.kb if project else None,
                                        label_map=pipeline_map)
        if project is None:
            return src.BuiltinSource()
        kinds = [k for k in src.enabled_kinds(project.settings) if k != src.PROPAGATION]
        chosen = src.sources_from_settings(project.settings, root, labels=_labels(project),
                                           kinds=kinds)
    except src.SourceError as exc:
        raise cli.UsageError(str(exc)) from exc
    if not chosen:
        raise cli.UsageError("the project has no suggestion source switched on; use --source")
    return chosen[0] if len(chosen) == 1 else src.CombinedSource(chosen)


def settings_for(specs: Sequence[str], settings: ProjectSettings,
                 label_map: dict[str, str | None] | None = None) -> ProjectSettings:
    """The settings with the project's sources switched to `specs` (highest priority first)."""
    from annotator.nlp import sources as src

    kinds: list[str] = []
    pipeline = ""
    for spec in specs:
        if spec.startswith(src.SPACY_PREFIX):
            if pipeline:
                raise src.SourceError("only one spaCy pipeline can be a project's source")
            pipeline = spec[len(src.SPACY_PREFIX):]
            kinds.append(src.PIPELINE)
        elif spec in src.DEFAULT_PRIORITY and spec != src.PIPELINE:
            kinds.append(spec)
        else:
            raise src.SourceError(f"unknown source {spec!r} ({src.EXPECTED})")
    labels = src.format_label_map(label_map or {}) if pipeline else settings.suggest_pipeline_labels
    return dataclasses.replace(
        settings, suggest_builtin=src.BUILTIN in kinds,
        suggest_propagation=src.PROPAGATION in kinds, suggest_model=src.LEARNED in kinds,
        suggest_pipeline=pipeline, suggest_pipeline_labels=labels,
        suggest_priority=tuple(dict.fromkeys([*kinds, *src.DEFAULT_PRIORITY])))
