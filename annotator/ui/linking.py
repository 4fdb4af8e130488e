"""Linking spans to entities: the L picker, entity edits and merges, propagation."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from annotator.core.autolink import (
    AutoLinkPlan,
    accept_auto_links,
    auto_links,
    autolink_command,
    plan_autolink,
)
from annotator.core.commands import (
    Command,
    alias_entities,
    keep_alias_finder,
)
from annotator.core.entities import Entity
from annotator.core.entity_commands import (
    ReplaceEntity,
    accept_entity_suggestions,
    link_mentions,
    link_span,
    merge_entities,
    unlink_span,
    unlinked_mentions,
)
from annotator.core.linking import CandidateMatcher
from annotator.core.model import Span
from annotator.core.propagation import AliasFinder
from annotator.ui.article_view import ArticleView
from annotator.ui.autolink_review import AutoLinkReview
from annotator.ui.context import WindowContext
from annotator.ui.entity_dialogs import EntityEditDialog, MergeDialog
from annotator.ui.link_picker import LinkPicker
from annotator.ui.propagation import PropagationRunner
from annotator.ui.tasks import BackgroundTask


class LinkingController(QObject):
    """Opens the picker, pushes entity commands, and re-propagates when the KB changes."""

    def __init__(self, context: WindowContext, view: ArticleView) -> None:
        super().__init__(context.parent)
        project = context.project
        self.parent_widget: QWidget = context.parent
        self.project, self.edits, self.view = project, context.edits, view
        self.article_id, self.on_message = context.current_article, context.say
        self.matcher = CandidateMatcher(project.kb)
        self.propagation = PropagationRunner(project, context.store.root, context.store.flush)
        self.picker: LinkPicker | None = None
        self.review: AutoLinkReview | None = None  # Link all's links, least sure first
        self.more_task: BackgroundTask | None = None
        self.more_box: QMessageBox | None = None  # "link the other mentions too?"
        self.finder_task: BackgroundTask | None = None
        self._finder_stale = False
        self._stopped = False
        self._seen_version = project.kb.version
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._propagate_changes)
        project.subscribe_kb(self._kb_changed)

    def push(self, command: Command) -> bool:
        return self.edits.push(command)

    def frequencies(self) -> Counter[str]:
        return Counter(span.kb_id for _, span in self.project.mentions() if span.kb_id)

    # -- linking spans ----------------------------------------------------
    def link_current(self) -> LinkPicker | None:
        """L: open the picker for the current span."""
        span, article_id = self.view.current_span, self.article_id()
        if span is None or article_id is None:
            self.on_message("Choose a span first (Tab or click), then press L to link it.")
            return None
        surface = self.view.text[span.start : span.end]
        picker = LinkPicker(
            self.parent_widget, self.project.kb, self.matcher, surface, span.label,
            self.frequencies(),
        )

        def chosen() -> None:
            if picker.chosen is None:
                return
            entity, is_new = picker.chosen
            command = link_span(self.project, article_id, span, entity, is_new=is_new)
            if self.push(command):
                self.view.set_current_span(span.with_(kb_id=entity.kb_id))
                self.offer_more(entity.kb_id)

        picker.accepted.connect(chosen)
        picker.finished.connect(self._refocus)
        picker.open()
        self.picker = picker
        return picker

    def offer_more(self, kb_id: str) -> BackgroundTask | None:
        """After a link: find accepted, unlinked mentions of the entity in every article (in
        the background) and offer to link them too, as one undo step."""
        entity = self.project.kb.get(kb_id)
        if entity is None or self.edits.target is not None:  # not while editing gold
            return None
        project = self.project
        task = BackgroundTask("Find unlinked mentions",
                              lambda _ctx: unlinked_mentions(project, entity))
        task.succeeded.connect(lambda found: self._ask_more(entity, found))
        task.start()
        self.more_task = task
        return task

    def _ask_more(self, entity: Entity, found: list[tuple[str, Span]]) -> None:
        found = [(a, s) for a, s in found if self._still_unlinked(a, s)]
        if not found:
            return
        articles = len({a for a, _ in found})
        box = QMessageBox(QMessageBox.Icon.Question, "Link the other mentions?",
                          f"{len(found)} accepted mention(s) of {entity.name} in {articles} "
                          "article(s) have no link yet. Link them to it too (one undo step)?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.parent_widget)
        box.setObjectName("linkMoreDialog")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.accepted.connect(lambda: self.push(link_mentions(found, entity)))
        box.finished.connect(self._refocus)
        box.open()
        self.more_box = box

    def _still_unlinked(self, article_id: str, span: Span) -> bool:
        aset = self.project.existing_set(article_id)
        current = next((s for s in aset.spans if s == span), None) if aset else None
        return current is not None and not current.kb_id

    def _refocus(self) -> None:
        """Give the keyboard back to the article once a dialog closes."""
        self.parent_widget.activateWindow()
        self.view.setFocus()

    def unlink_current(self) -> None:
        span, article_id = self.view.current_span, self.article_id()
        if span is None or article_id is None or not span.kb_id:
            self.on_message("The current span is not linked.")
            return
        if self.view.is_pending(span):
            self.on_message("Accept the suggestion first, or reject it.")
            return
        self.push(unlink_span(article_id, span))

    def accept_for_entity(self, kb_id: str | None = None) -> None:
        """Accept every pending suggestion of an entity (the current span's by default)."""
        span = self.view.current_span
        kb_id = kb_id or (span.kb_id if span else None)
        if not kb_id:
            self.on_message("Choose a linked span or an entity first.")
            return
        command = accept_entity_suggestions(self.project, kb_id)
        if not command.children:  # type: ignore[attr-defined]
            self.on_message("No pending suggestions for this entity.")
            return
        self.push(command)

    # -- auto-link -----------------------------------------------------------
    def link_all(self) -> BackgroundTask | None:
        """Project > Link all: plan in the background behind a progress dialog, then one step."""
        if self.project.read_only:
            self.on_message("This project is open read-only; edits are not possible.")
            return None
        dialog = QProgressDialog("Linking every unlinked mention…", "Cancel", 0, 0,
                                 self.parent_widget)
        dialog.setObjectName("linkAllProgress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)  # edits wait for the plan
        dialog.setMinimumDuration(0)
        project = self.project

        def body(ctx):  # noqa: ANN001, ANN202
            return plan_autolink(project, progress=ctx.progress, cancelled=lambda: ctx.cancelled)

        task = BackgroundTask("Link all", body)
        task.progressed.connect(lambda done, total: (dialog.setMaximum(total),
                                                     dialog.setValue(done)))
        dialog.canceled.connect(task.cancel)
        task.succeeded.connect(lambda plan: self._apply_plan(plan, dialog))
        task.cancelled.connect(dialog.close)
        task.failed.connect(lambda msg: (dialog.close(), self.on_message(msg)))
        self.autolink_task = task
        dialog.show()
        task.start()
        return task

    def _apply_plan(self, plan: AutoLinkPlan, dialog: QProgressDialog) -> None:
        dialog.close()
        self._refocus()
        if plan.cancelled:
            return
        if not plan.links:
            self.on_message("Every mention is already linked.")
            return
        if not self.push(autolink_command(self.project, plan)):
            return
        doubtful = len(plan.doubtful())
        self.on_message(
            f"Linked {len(plan.links)} mention(s), {len(plan.new_entities)} new entities, "
            f"{doubtful} doubtful (origin auto; the review lists them least sure first)"
        )
        self.review = AutoLinkReview(self.parent_widget, self.project, plan, self.push)
        self.review.finished.connect(self._refocus)
        self.review.open()

    def accept_auto(self) -> None:
        if not auto_links(self.project):
            self.on_message("No auto links to accept.")
            return
        self.push(accept_auto_links(self.project))

    # -- entities ----------------------------------------------------------
    def edit_entity(self, kb_id: str) -> EntityEditDialog:
        entity = self.project.kb[kb_id]
        dialog = EntityEditDialog(self.parent_widget, entity, self.project.scheme.names)

        def done() -> None:
            edited = dialog.edited()
            if edited != entity:
                command = ReplaceEntity(edited)
                command.text = f"Edit entity {edited.name}"
                self.push(command)

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def merge_entity(self, source_id: str) -> MergeDialog:
        dialog = MergeDialog(self.parent_widget, self.project.kb, self.project.kb[source_id])

        def done() -> None:
            target = dialog.target_id()
            if target and target != source_id:
                self.push(merge_entities(self.project, target, source_id))

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    # -- propagation --------------------------------------------------------
    def _kb_changed(self) -> None:
        self.project.drop_stale_links()
        self._timer.start()
        self._prime_finder()

    def _prime_finder(self) -> None:
        """Build the KB's alias finder in a thread, so the next edit's own propagation does
        not build it on the UI thread (about 130 ms with 300 entities)."""
        if self._stopped:
            return
        if self.finder_task is not None and self.finder_task.isRunning():
            self._finder_stale = True  # built again once the running one ends
            return
        self._finder_stale = False
        kb = self.project.kb
        version, entities = kb.version, alias_entities(kb)
        task = BackgroundTask("Alias finder", lambda _ctx: AliasFinder(entities))
        task.succeeded.connect(lambda finder: keep_alias_finder(kb, version, finder))
        task.finished.connect(lambda: self._finder_stale and self._prime_finder())
        self.finder_task = task
        task.start()

    def _propagate_changes(self) -> None:
        changed = self.project.kb.changes_since(self._seen_version)
        self._seen_version = self.project.kb.version
        if changed is None or changed:
            self.propagate(None)  # every entity: a removed one may free another's aliases

    def propagate(self, only: set[str] | None = None) -> None:
        """Suggest every alias occurrence of every entity again (`only`, the entities that
        changed, cannot narrow the pass: see `PropagationRunner.start`; empty: nothing)."""
        if (only is not None and not only) or not self.project.settings.suggest_propagation:
            return
        self.propagation.start(only)

    def apply_batch(self, batch: object) -> None:
        """Propagated suggestions of the pass's entities replace their earlier ones (except
        those of entities gone since, by an undo)."""
        kb, scope = self.project.kb, self.propagation.scope
        for article_id, spans in batch:  # type: ignore[attr-defined]
            if self.project.has_article(article_id):
                live = [s for s in spans if not s.kb_id or s.kb_id in kb]
                self.project.replace_propagated(article_id, scope, live)

    def sweep(self, scope: object, reported: object) -> None:
        """A pass ended: articles it found nothing in lose their earlier suggestions of it."""
        for aset in self.project.sets_of():
            if aset.article_id not in reported:  # type: ignore[operator]
                self.project.replace_propagated(aset.article_id, scope, [])  # type: ignore[arg-type]

    def stop(self) -> None:
        self._timer.stop()
        self.propagation.stop()
        task = getattr(self, "autolink_task", None)
        if task is not None:
            task.cancel()
            task.wait(10000)
        self._finder_stale = False  # no new build once the window closes
        self._stopped = True
        for helper in (self.finder_task, self.more_task):  # short threads: let them end
            if helper is not None:
                helper.wait(5000)
        self.project.unsubscribe_kb(self._kb_changed)
