"""Project > Train model: the learned CRF trained on the project in the background, and its
scores."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from annotator.core.commands import ChangeSettings
from annotator.jobs.train_job import train_job
from annotator.nlp.ranks import gaps_note, rules_min_rank
from annotator.ui.tasks import BackgroundTask, ProcessTask

if TYPE_CHECKING:
    from annotator.core.project import ProjectSettings
    from annotator.ui.context import WindowContext


def describe_suggester(settings: ProjectSettings, scores: dict[str, Any] | None) -> tuple[str, str]:
    """(status bar text, tooltip): which sources suggest and the learned model's latest
    held-out F1 (of what the window shows with it, else of the model alone)."""
    parts = []
    if settings.suggest_builtin:
        parts.append("rules")
    if settings.suggest_pipeline.strip():
        parts.append("pipeline")
    model_on = settings.suggest_model and scores is not None
    tip = ""
    if model_on:
        assert scores is not None
        combined = scores.get("combined")
        f = (combined.get("ents_f") if isinstance(combined, dict) else None)
        f = f if f is not None else scores.get("ents_f")
        refreshed = len(scores.get("refreshed_on") or [])
        parts.append(f"learned model (held-out F {f or 0:.3f})" if f is not None
                     else "learned model")
        sets = (scores.get("n_train") or 0) + (scores.get("n_dev") or 0)
        tip = (f"Learned model (a CRF) trained on {sets} annotation sets; held-out "
               f"check on {scores.get('n_dev', '?')} of them before it learned from them too"
               + (f"; updated since on {refreshed} finished article(s)" if refreshed else "")
               + (" ; uses the project's word classes" if scores.get("clusters") else ""))
    text = "Suggesting: " + (" + ".join(parts) if parts else "nothing")
    return text, tip


def describe_scores(scores: dict[str, Any] | None) -> str:
    """spaCy's ents_p / ents_r / ents_f (and per type) as plain lines."""
    if not scores:
        return "No learned model yet: Project › Train model."
    lines = [
        f"P {scores.get('ents_p') or 0:.3f}  R {scores.get('ents_r') or 0:.3f}  "
        f"F {scores.get('ents_f') or 0:.3f}"
    ]
    for label, prf in sorted((scores.get("ents_per_type") or {}).items()):
        lines.append(f"  {label}: P {prf.get('p', 0):.3f}  R {prf.get('r', 0):.3f}  "
                     f"F {prf.get('f', 0):.3f}")
    combined = scores.get("combined")
    if isinstance(combined, dict) and combined.get("ents_f") is not None:
        lines.append(f"With the other sources in its gaps (what you see): "
                     f"F {combined['ents_f']:.3f}")
        rank = rules_min_rank(scores)
        if rank:
            lines.append(gaps_note(rank, "your finished articles"))
    current = scores.get("current")
    if isinstance(current, dict) and current.get("ents_f") is not None:
        lines.append(f"The other sources alone, same held-out articles: F {current['ents_f']:.3f}")
    return "\n".join(lines)


class TrainingController(QObject):
    """Trains in a background task with progress and cancel; switches when it scores better."""

    options: dict[str, Any] = {}  # learned.train's keyword arguments (tests shorten it)

    def __init__(self, context: WindowContext) -> None:
        super().__init__(context.parent)
        self.context = context
        self.task: BackgroundTask | None = None
        self.last_result: Any = None

    def train(self) -> BackgroundTask | None:
        context, project = self.context, self.context.project
        if self.task is not None and self.task.isRunning():
            context.say("Training is already running.")
            return None
        if not any(aset.spans for aset in project.sets_of()):
            context.say("Nothing to learn from yet: accept or add spans first.")
            return None
        store = context.store
        args = (str(store.root), project.annotator, project.settings.to_dict(),
                list(project.scheme.names), dict(self.options))
        task = ProcessTask("Training", train_job, args, before=store.flush)
        context.status.task_started("Training…", task.cancel)
        task.progressed.connect(context.status.task_progress)
        task.item_ready.connect(self._item)
        task.succeeded.connect(self._done)
        task.cancelled.connect(lambda: context.status.task_finished("Training cancelled"))
        task.failed.connect(context.status.task_finished)
        self.task = task
        task.start()
        return task

    def _item(self, item: Any) -> None:
        from annotator.jobs.train_job import PHASE

        if isinstance(item, tuple) and len(item) == 2 and item[0] == PHASE:
            self.context.status.task_phase(str(item[1]))

    def show_model(self) -> None:
        """The status bar's "Suggesting: …" with the latest held-out F1 (scores.json)."""
        from annotator.jobs.pool import KEEP_IDLE, POOL
        from annotator.nlp import learned

        context = self.context
        scores = learned.read_scores(learned.learned_dir(context.store.root))
        context.status.show_model(*describe_suggester(context.project.settings, scores))
        # learning in the loop: the update after Ctrl+D and the next article's tokens run at
        # once; a second warm worker (about 200 MB) spares the update a cold start of spaCy
        # and the rules (seconds), while the learned model suggests
        on = scores is not None and context.project.settings.suggest_model
        POOL.keep_idle = 2 if on else KEEP_IDLE

    def _done(self, result: Any) -> None:
        context, project = self.context, self.context.project
        self.last_result = result
        if result.cancelled:
            context.status.task_finished("Training cancelled")
            return
        verdict = "now suggests" if result.switched else "kept aside (current sources score higher)"
        context.status.task_finished(f"Model trained: F {result.f or 0:.3f}, {verdict}")
        if result.switched and not project.settings.suggest_model:
            ChangeSettings(project.settings.with_(suggest_model=True)).do(project)
        if result.switched:
            context.start_suggestions()

    def show_scores(self) -> QMessageBox:
        from annotator.nlp import learned

        root = self.context.store.root
        scores = learned.read_scores(learned.learned_dir(root))
        aside = learned.read_scores(learned.candidate_dir(root))
        text = describe_scores(scores)
        if aside:
            text += ("\n\nSet aside (its held-out score was lower):\n" + describe_scores(aside))
        box = QMessageBox(QMessageBox.Icon.Information, "Learned model", text,
                          parent=self.context.parent)
        box.setObjectName("modelScores")
        box.setTextFormat(Qt.TextFormat.PlainText)
        if scores:
            box.setDetailedText(json.dumps(scores, indent=2, sort_keys=True))
        box.addButton(QMessageBox.StandardButton.Close)
        if aside and not self.context.project.read_only:
            use = box.addButton("Use the set-aside model", QMessageBox.ButtonRole.AcceptRole)
            use.setObjectName("useSetAsideModel")
            use.clicked.connect(self.use_set_aside)
        box.open()
        return box

    def use_set_aside(self) -> None:
        """The model training kept aside suggests from now on (the analyst's call)."""
        from annotator.nlp import learned

        context = self.context
        try:
            learned.promote_candidate(context.store.root)
        except (learned.TrainError, OSError) as exc:
            context.say(str(exc))
            return
        if not context.project.settings.suggest_model:
            context.edits.push(ChangeSettings(context.project.settings.with_(suggest_model=True)),
                               of_article=False)
        context.say("The set-aside model now suggests.")
        context.start_suggestions()

    def after_done(self) -> None:
        """Retrain in the background when `retrain_after` new articles are finished."""
        from annotator.nlp import learned

        context = self.context
        if learned.auto_retrain_due(context.project, context.store.root, context.project.settings):
            self.train()
        else:
            self.refresh(context.current_article())

    def refresh(self, article_id: str | None) -> BackgroundTask | None:
        """Learning in the loop: a few updates of the learned model (when it is on) on the
        article just finished, in a worker; the suggestions are recomputed when it is done."""
        from annotator.jobs.refresh_job import refresh_job

        context = self.context
        busy = self.task is not None and self.task.isRunning()
        if busy or not article_id or not context.project.settings.suggest_model:
            return None
        task = ProcessTask("Updating the model", refresh_job,
                           (str(context.store.root), context.project.annotator, [article_id]),
                           before=context.store.flush)
        task.succeeded.connect(lambda path: context.start_suggestions() if path else None)
        self.task = task
        task.start()
        return task

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait(10000)
