"""`annotator link --auto`: link every unlinked accepted span of an annotator to an entity."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import cli_common as cli
from annotator.config import default_project_dir

if TYPE_CHECKING:
    from annotator.core.autolink import AutoLinkPlan
    from annotator.core.project import Project

SAVE_TIMEOUT = 600.0  # seconds to wait for the writer after linking thousands of articles
LISTED_SURFACES = 6
LISTED_DOUBTFUL = 10


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser, object], None]) -> None:
    """Add the `link` subcommand to the `annotator` subparsers."""
    link = sub.add_parser(
        "link", help="link entity mentions across articles (--auto)",
        description="With --auto, every accepted span of the annotator that has no entity yet "
        "is linked: to an existing entity of the knowledge base when the candidate matcher is "
        "confident, otherwise to new entities that group the mentions of one real-world entity "
        "across articles (names without titles, short forms such as \"Putin\", acronyms, "
        "clipped names such as \"Sulsel\", nicknames, spelling variants, labels, and the "
        "words around an ambiguous short name). The links "
        "have origin \"auto\"; in the window they can be accepted at once or undone in one step.")
    common(link, argparse.SUPPRESS)
    link.add_argument("--auto", action="store_true",
                      help="link automatically (the only mode of this command so far)")
    link.add_argument("--threshold", type=float, default=85.0, metavar="T",
                      help="matcher score (0-100) needed to link to an existing entity "
                      "(default 85)")
    link.add_argument("--dry-run", action="store_true",
                      help="print the entities and clusters it would make, and the least sure "
                      "links (to review first); change nothing")


def cmd_link(args: argparse.Namespace) -> int:
    """Plan auto-links, then print them (--dry-run) or apply and save them."""
    from annotator.core.autolink import autolink_command, plan_autolink
    from annotator.store.project_store import StoreError

    if not args.auto:
        raise cli.UsageError("link: say --auto (annotator link --auto --project DIR)")
    if not 0.0 <= args.threshold <= 100.0:
        raise cli.UsageError(f"--threshold: {args.threshold:g} is not between 0 and 100")
    root = Path(args.project) if args.project else default_project_dir()
    who = cli.resolve_annotator(args.annotator)
    project, store = cli.open_for_command(root, who, create=False)
    bar = cli.ProgressBar("Linking")
    saved = True
    try:
        if store.read_only and not args.dry_run:
            raise cli.UsageError(store.lock_message or f"{root} is open read-only")
        plan = plan_autolink(project, who, threshold=args.threshold, progress=bar)
        bar.close()
        if not args.dry_run and plan.links:
            autolink_command(project, plan).do(project)
            saved = store.flush(SAVE_TIMEOUT)
    except StoreError as exc:
        raise cli.UsageError(str(exc)) from exc
    finally:
        bar.close()
        saved = cli.close_for_command(store) and saved
    if args.dry_run:
        print(format_plan(project, plan))
    else:
        print(summary(plan, root))
    if not plan.links:
        print(f"{cli.PROG}: note: {who} has no accepted span without an entity", file=sys.stderr)
    return 0 if saved else 2


def summary(plan: AutoLinkPlan, root: Path) -> str:
    """One paragraph on what was linked."""
    articles = len({article_id for article_id, _, _ in plan.links})
    new = len(plan.links) - plan.to_existing
    doubtful = len(plan.doubtful())
    return (f"Auto-linked {len(plan.links)} mention(s) of {plan.annotator} in {articles} "
            f"article(s) of {root}: {plan.to_existing} to existing entities, {new} to "
            f"{len(plan.new_entities)} new entities (origin \"auto\")" + (
                f"; {doubtful} less sure (--dry-run lists them)." if doubtful else "."))


def format_plan(project: Project, plan: AutoLinkPlan) -> str:
    """What --dry-run prints: each entity with its mentions' surfaces, largest first, then the
    least sure links."""
    from annotator.core.autolink import DOUBTFUL

    new = {e.kb_id: e for e in plan.new_entities}
    clusters = plan.clusters()
    lines = [f"Would link {len(plan.links)} mention(s) of {plan.annotator}: "
             f"{plan.to_existing} to existing entities, {len(plan.links) - plan.to_existing} "
             f"to {len(new)} new entities."]
    for kb_id, mentions in sorted(clusters.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        entity = new.get(kb_id) or project.kb.get(kb_id)
        name, label = (entity.name, entity.label) if entity else (kb_id, "?")
        surfaces = Counter(project.text(aid)[s.start : s.end] for aid, s in mentions)
        shown = ", ".join(f"{text} ({n})" for text, n in surfaces.most_common(LISTED_SURFACES))
        more = f", ... {len(surfaces) - LISTED_SURFACES} more" if len(
            surfaces) > LISTED_SURFACES else ""
        articles = len({aid for aid, _ in mentions})
        lines.append(f"{'new' if kb_id in new else 'existing':<8} {kb_id}  {name!r} {label}: "
                     f"{len(mentions)} mention(s) in {articles} article(s): {shown}{more}")
    doubtful = plan.doubtful()
    if doubtful:
        lines.append(f"{len(doubtful)} link(s) less sure than {DOUBTFUL:.2f}, to review first "
                     f"(confidence, article, mention -> entity):")
        titles = {info.id: info.title for info in project.infos}
        for sure, (aid, span, kb_id) in doubtful[:LISTED_DOUBTFUL]:
            surface = project.text(aid)[span.start : span.end]
            lines.append(f"  {sure:.2f}  {titles.get(aid, aid)}: {surface!r} -> {kb_id}")
        if len(doubtful) > LISTED_DOUBTFUL:
            lines.append(f"  ... {len(doubtful) - LISTED_DOUBTFUL} more")
    return "\n".join(lines)
