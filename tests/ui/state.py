"""What a project holds, in memory and on disk, as plain comparable values (for UI tests)."""

from __future__ import annotations

from typing import Any

from annotator.core.annotations import AnnotationSet
from annotator.core.model import Span
from annotator.core.project import Project
from annotator.store.session import reading_project
from annotator.ui.main_window import MainWindow

SpanRow = tuple[int, int, str, str, str | None, str]


def span_row(span: Span) -> SpanRow:
    """start, end, label, origin, kb_id, source."""
    return (span.start, span.end, span.label, str(span.origin), span.kb_id, span.source)


def set_state(aset: AnnotationSet) -> dict[str, Any]:
    """Accepted spans, pending suggestions, rejections and status of one set."""
    return {
        "spans": sorted(span_row(s) for s in aset.spans),
        "suggestions": sorted(span_row(s) for s in aset.suggestions),
        "rejected": sorted(aset.rejected),
        "status": str(aset.status),
    }


def memory_state(project: Project) -> dict[str, Any]:
    """Every non-empty set of the project's annotator, and the knowledge base."""
    sets = {}
    for aset in project.sets_of():
        state = set_state(aset)
        if state["spans"] or state["suggestions"] or state["rejected"] or aset.touched:
            sets[aset.article_id] = state
    kb = sorted((e.kb_id, e.name, e.label, tuple(e.aliases)) for e in project.kb)
    return {"sets": sets, "kb": kb}


def disk_state(window: MainWindow) -> dict[str, Any]:
    """The saved sets, knowledge base, articles (deleted ones left out) and settings, read
    by a lock-free reader after flushing saves."""
    window.flush_saves()
    with reading_project(window.store.root, window.project.annotator) as (project, _store):
        return {
            "sets": {s.article_id: set_state(s) for s in project.sets_of()},
            "kb": sorted((e.kb_id, e.name, e.label, tuple(e.aliases)) for e in project.kb),
            "articles": list(project.article_ids),
            "settings": project.settings,
        }


def assert_disk_matches_memory(window: MainWindow) -> None:
    """Every saved set equals its set in memory, and every touched set is saved."""
    disk = disk_state(window)
    project = window.project
    for article_id, saved in disk["sets"].items():
        aset = project.existing_set(article_id)
        assert aset is not None, f"{article_id} is on disk but not in memory"
        assert saved == set_state(aset), f"{article_id}: disk differs from memory"
    touched = {s.article_id for s in project.sets_of() if s.touched}
    assert touched <= set(disk["sets"]), f"not saved: {touched - set(disk['sets'])}"
    assert disk["kb"] == memory_state(project)["kb"]
    assert disk["articles"] == list(project.article_ids), \
        f"the saved articles differ: {disk['articles']} != {project.article_ids}"
    assert disk["settings"] == project.settings, "the saved settings differ"


def settle(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    """Wait until suggestion, propagation and link-all work of the window has finished."""
    linking = window.linking

    def idle() -> bool:
        task = getattr(linking, "autolink_task", None)
        return not (
            window.suggestions.running
            or linking.propagation.running
            or linking._timer.isActive()  # noqa: SLF001 (a propagation is about to start)
            or (task is not None and task.isRunning())
        )

    qtbot.waitUntil(idle, timeout=60000)
    qtbot.wait(20)  # results queued by a task that just ended
    qtbot.waitUntil(idle, timeout=60000)


def state_diff(got: dict[str, Any], want: dict[str, Any]) -> str:
    """A short description of how two states differ ("" when equal)."""
    lines = []
    if got["kb"] != want["kb"]:
        lines.append(f"kb: got {got['kb']} want {want['kb']}")
    for article_id in sorted(set(got["sets"]) | set(want["sets"])):
        a, b = got["sets"].get(article_id), want["sets"].get(article_id)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"{article_id}: got {a} want {b}")
            continue
        for field in a:
            if a[field] != b[field]:
                if isinstance(a[field], list):
                    extra = sorted(set(map(tuple, a[field])) - set(map(tuple, b[field])))
                    missing = sorted(set(map(tuple, b[field])) - set(map(tuple, a[field])))
                    lines.append(f"{article_id} {field}: extra {extra} missing {missing}")
                else:
                    lines.append(f"{article_id} {field}: got {a[field]} want {b[field]}")
    return "\n".join(lines)
