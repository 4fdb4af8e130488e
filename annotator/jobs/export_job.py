"""Export as a worker job: the project is read from disk, as `annotator export` reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.jobs.child import JobContext


def export_job(ctx: JobContext, root: str, annotator: str, options: dict[str, Any]) -> Any:
    """Export the saved sets with `options` (see `export_project`); every annotator's and the
    gold sets are read, a damaged shard is skipped and named in the report's notes.

    The window flushes its saves first, so what is on disk is what it shows.
    """
    from annotator.io.export import export_project, load_every_set
    from annotator.store.cleanup import remove_stale_temps
    from annotator.store.session import reading_project

    out = Path(options["out"])
    for folder in (out.parent, out):  # what a killed export left (ended processes' temps)
        remove_stale_temps(folder, dead_only=True)
    with reading_project(Path(root), annotator, sets="none") as (project, store):
        warnings = load_every_set(project, store)
        store.verify_texts()  # articles whose text changed on disk are skipped
        report = export_project(project, progress=ctx.progress,
                                cancelled=lambda: ctx.cancelled, **options)
        report.notes[:0] = warnings
        return report
