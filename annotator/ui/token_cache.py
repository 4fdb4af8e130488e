"""Token offsets per article for snapping: spaCy's, computed in a worker process."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.project import Project
from annotator.core.tokens import TokenIndex, guessed_tokens
from annotator.jobs.token_job import tokens_job
from annotator.ui.tasks import ProcessTask


class TokenCache(QObject):
    """spaCy tokens of recent articles; a regex guess stands in until they arrive.

    The suggestion pass delivers the first article's tokens; `request` asks a worker for
    another's (debounced, one job at a time, the latest wish first), so spaCy never runs in
    the window.
    """

    DEBOUNCE_MS = 30  # quick N N N presses ask only for the article they stop at

    LIMIT = 256  # articles; a 10k project would otherwise keep every token in memory
    arrived = Signal(str)

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self._cache: OrderedDict[str, TokenIndex] = OrderedDict()
        self._task: ProcessTask | None = None
        self._wanted: str | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.DEBOUNCE_MS)
        self._debounce.timeout.connect(self._next)

    def put(self, article_id: str, tokens: list[tuple[int, int, bool]]) -> None:
        self._cache[article_id] = TokenIndex([(s, e) for s, e, _ in tokens])
        self._cache.move_to_end(article_id)
        while len(self._cache) > self.LIMIT:
            self._cache.popitem(last=False)

    def has(self, article_id: str) -> bool:
        """True when spaCy's tokens of the article are here (not the regex guess)."""
        return article_id in self._cache

    def get(self, article_id: str) -> TokenIndex:
        index = self._cache.get(article_id)
        if index is not None:
            self._cache.move_to_end(article_id)
            return index
        self.request(article_id)
        return TokenIndex(guessed_tokens(self.project.text(article_id)))

    def request(self, article_id: str) -> None:
        """Have spaCy's tokens computed in the background unless they are here already."""
        if article_id in self._cache or not self.project.has_article(article_id):
            return
        self._wanted = article_id
        if self._task is None:
            self._debounce.start()

    def provided(self, article_id: str) -> None:
        """Another task (the suggestion pass) brings this article's tokens: do not ask."""
        if self._wanted == article_id:
            self._wanted = None

    def _start(self, article_id: str) -> None:
        self._wanted = None
        texts = [(article_id, self.project.text(article_id))]
        task = ProcessTask("Tokens", tokens_job, (texts,), grace=0.2)
        task.succeeded.connect(self._done)
        task.finished.connect(self._next)
        self._task = task
        task.start()

    def _done(self, result: object) -> None:
        for article_id, tokens in result:  # type: ignore[attr-defined]
            self.put(article_id, tokens)
            self.arrived.emit(article_id)

    def _next(self) -> None:
        task = self.sender()
        if isinstance(task, ProcessTask) and task is self._task:
            task.wait(1000)  # its run() has returned; let the thread end before dropping
            self._task = None
        if self._task is not None:
            return
        wanted = self._wanted
        if wanted is not None and wanted not in self._cache:
            self._start(wanted)

    def stop(self) -> None:
        self._wanted = None
        self._debounce.stop()
        if self._task is not None:
            self._task.cancel()
            self._task.wait(5000)
            self._task = None
