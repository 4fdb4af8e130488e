"""Which annotation sets an export takes, and why every other article is left out.

Annotator modes:
- a name (the default is the current annotator): one version per article, the gold version
  when the article has a *reviewed* gold version, else that annotator's (`gold_first=False`:
  always that annotator's);
- `GOLD` ("gold"): the gold versions only;
- `ALL` ("all"): every annotator's version and the gold one, each its own record (JSONL and
  doccano only: a training file for spaCy or CoNLL never holds an article twice).

Status filter, applied to the version taken: `FINISHED` (default: done or reviewed), `ANY`, or
one status. A taken version that still holds undecided (pending) suggestions is left out
unless `allow_undecided` (then they are written as "O", i.e. not entities, and a note counts
them). Untouched sets (only machine suggestions, no decision) are never exported. Articles
come in project order and an article's sets in annotator-name order.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from annotator.core.annotations import AnnotationSet
from annotator.core.model import ArticleInfo, ArticleStatus
from annotator.core.project import Project
from annotator.core.review_commands import GOLD

ALL = "all"
FINISHED = "finished"
ANY = "any"
DONE_STATES = (ArticleStatus.DONE, ArticleStatus.REVIEWED)


@dataclass
class Chosen:
    """One article to export and its chosen annotation sets (at least one)."""

    info: ArticleInfo
    sets: list[AnnotationSet]


@dataclass
class Selection:
    """The articles to export, in project order, what was left out and why, and what the
    selection was (`description`, for the summary)."""

    chosen: list[Chosen] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    description: str = ""
    undecided: int = 0  # pending suggestions in the chosen sets (allow_undecided only)
    others_left: int = 0  # other versions of chosen articles that were not taken


def normalise_status(status: ArticleStatus | str | None) -> str:
    """FINISHED, ANY or a status value; ValueError for anything else."""
    if status is None:
        return FINISHED
    value = str(status).strip().lower().replace("-", " ")
    if value in (FINISHED, ANY) or value in {str(s) for s in ArticleStatus}:
        return value
    raise ValueError(f"unknown status '{status}' (choose finished, any, new, in-progress, "
                     "done or reviewed; ignored articles are never exported)")


def describe(annotator: str, status: str, gold_first: bool, allow_undecided: bool) -> str:
    """One line saying which versions and statuses an export takes."""
    if annotator == ALL:
        who = "every annotator's version and gold"
    elif annotator == GOLD:
        who = "gold versions"
    elif gold_first:
        who = f"gold version where reviewed, else {annotator}"
    else:
        who = f"{annotator}'s versions"
    which = {FINISHED: "finished articles (done or reviewed)", ANY: "any status"}.get(
        status, f"status {status}")
    pending = ("undecided suggestions written as O" if allow_undecided
               else "articles with undecided suggestions left out")
    return f"{who}; {which}; {pending}"


def select_sets(
    project: Project,
    *,
    annotator: str | None = None,
    status: ArticleStatus | str | None = FINISHED,
    articles: Collection[str] | None = None,
    gold_first: bool = True,
    allow_undecided: bool = False,
) -> Selection:
    """The sets to export (see the module docstring); `annotator` None is the current one.

    `articles` limits the export to those article ids (a selection in the window); articles
    outside it are not reported as skipped. Only sets already loaded into `project` count
    (see `store.session.load_all_sets`).
    """
    who = annotator or project.annotator
    wanted_status = normalise_status(status)
    wanted = set(articles) if articles is not None else None
    names = project.annotators()
    selection = Selection(description=describe(who, wanted_status, gold_first, allow_undecided))
    for info in project.infos:
        if wanted is not None and info.id not in wanted:
            continue
        if info.id in project.damaged_articles:  # its spans would be shifted
            selection.skipped.append((info.title, "text damaged: "
                                      + project.damaged_articles[info.id]))
            continue
        touched = {}
        for name in names:
            aset = project.existing_set(info.id, name)
            if aset is not None and aset.touched:
                touched[name] = aset
        candidates, missing = _candidates(touched, who, gold_first)
        if not candidates:
            selection.skipped.append((info.title, missing))
            continue
        chosen = []
        for aset in candidates:
            reason = _reason(aset, wanted_status, allow_undecided)
            if reason is None:
                chosen.append(aset)
            else:
                selection.skipped.append((info.title, reason))
        if chosen:
            selection.chosen.append(Chosen(info, chosen))
            selection.undecided += sum(len(s.suggestions) for s in chosen)
            selection.others_left += len(touched) - len(chosen) if who != ALL else 0
    return selection


def _candidates(touched: dict[str, AnnotationSet], who: str,
                gold_first: bool) -> tuple[list[AnnotationSet], str]:
    """The versions to consider, or none and why."""
    if not touched:
        return [], "no annotations"
    if who == ALL:
        return [touched[name] for name in sorted(touched)], ""
    gold = touched.get(GOLD)
    if who == GOLD:
        return ([gold], "") if gold else ([], "no gold version")
    if gold_first and gold is not None and gold.status == ArticleStatus.REVIEWED:
        return [gold], ""
    own = touched.get(who)
    return ([own], "") if own else ([], "annotated only by other annotators")


def _reason(aset: AnnotationSet, status: str, allow_undecided: bool) -> str | None:
    """Why this version is left out; None when it is exported."""
    if aset.status == ArticleStatus.IGNORED:
        return "ignored by the annotator"
    if status == FINISHED and aset.status not in DONE_STATES:
        return f"not finished ({aset.status})"
    if status not in (FINISHED, ANY) and str(aset.status) != status:
        return f"status is {aset.status}, not {status}"
    if aset.suggestions and not allow_undecided:
        state = "finished" if aset.status in DONE_STATES else str(aset.status)
        return f"{state} with undecided suggestions"
    return None
