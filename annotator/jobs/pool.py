"""Warm worker processes that run jobs for the window (the parent side; no Qt here).

A worker is a spawned process running `child.serve`; it keeps its imports (spaCy, the built
tokenizer) between jobs, so only the first job pays for them. `WorkerPool.run` takes an idle
worker (or starts one), sends the job, relays its messages and returns its result. A cancelled
job that has not stopped within the grace time is left to finish on its own (the worker is
parked and reused once it has); a worker that dies is replaced.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from typing import Any

from annotator.jobs.child import JobCancelled, serve

POLL_SECONDS = 0.05
KEEP_IDLE = 1  # a warm worker kept for the next job (each holds ~200 MB with spaCy)
KEEP_PARKED = 2  # workers still finishing a cancelled job


class WorkerFailed(RuntimeError):
    """The job raised (the message is the job's) or the worker process died; `details` is
    the job's traceback (for the log file, never the screen)."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


class WorkerGone(WorkerFailed):
    """The worker had ended before the job was handed over (the pool tries another)."""


class Worker:
    """One warm child process and the parent's end of its pipe."""

    def __init__(self, warmup: Callable[[], None] | None = None) -> None:
        mp = multiprocessing.get_context("spawn")  # never fork a process that has Qt threads
        self.conn, child_end = mp.Pipe(duplex=True)
        self.cancel = mp.Event()
        self.process = mp.Process(target=serve, args=(child_end, self.cancel, warmup),
                                  name="annotator-worker", daemon=True)
        self.process.start()
        child_end.close()
        self.clean = True  # False while a job's messages may still be on the pipe

    @property
    def alive(self) -> bool:
        return self.process.is_alive() and not self.conn.closed

    def stop(self, timeout: float = 1.0) -> None:
        """Close the pipe (the worker exits); terminate it if it does not."""
        self.conn.close()
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout)

    def drain(self) -> bool:
        """Read what a cancelled job still sent, without waiting; True once it has ended."""
        try:
            while not self.clean and self.conn.poll(0):
                self.clean = self.conn.recv()[0] not in ("progress", "item")
        except (EOFError, OSError):
            return False
        return self.clean

    def run(
        self, target: Callable[..., Any], args: tuple[Any, ...], *,
        progress: Callable[[int, int], None] | None = None,
        item: Callable[[Any], None] | None = None,
        cancelled: Callable[[], bool] | None = None, grace: float = 5.0,
    ) -> Any:
        """Run `target(ctx, *args)` in the worker; JobCancelled, WorkerFailed or the result."""
        self.cancel.clear()
        try:
            self.conn.send((target, args))
        except (BrokenPipeError, OSError) as exc:  # it died while idle: nothing was started
            raise WorkerGone(str(exc)) from exc
        self.clean = False
        cancel_at: float | None = None
        while True:
            if cancel_at is None and cancelled is not None and cancelled():
                self.cancel.set()
                cancel_at = time.monotonic()
            if cancel_at is not None and time.monotonic() - cancel_at > grace:
                raise JobCancelled  # the job goes on; the pool parks the worker
            try:
                if not self.conn.poll(POLL_SECONDS):
                    continue
                message = self.conn.recv()
            except (EOFError, OSError):
                self.process.join(1.0)
                if cancel_at is not None:
                    raise JobCancelled from None
                raise WorkerFailed("the worker process stopped unexpectedly (exit code "
                                   f"{self.process.exitcode})") from None
            kind = message[0]
            self.clean = kind not in ("progress", "item")
            if kind == "progress":
                if progress is not None:
                    progress(message[1], message[2])
            elif kind == "item":
                if item is not None and cancel_at is None:
                    item(message[1])
            elif kind == "done":
                return message[1]
            elif kind == "cancelled":
                raise JobCancelled
            else:
                raise WorkerFailed(message[1], message[2] if len(message) > 2 else "")


class WorkerPool:
    """Hands out warm workers, one job each at a time; thread-safe."""

    def __init__(self, keep_idle: int = KEEP_IDLE,
                 warmup: Callable[[], None] | None = None) -> None:
        self.keep_idle = keep_idle
        self.warmup = warmup
        self._idle: list[Worker] = []
        self._parked: list[Worker] = []
        self._lock = threading.Lock()
        self.started = 0  # workers started so far (a figure for tests and benches)

    def acquire(self) -> Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
            for worker in list(self._parked):
                if worker.drain() and worker.alive:
                    self._parked.remove(worker)
                    return worker
            self.started += 1
        return Worker(self.warmup)

    def release(self, worker: Worker) -> None:
        """Keep a worker for the next job; park it while a cancelled job is still running."""
        retired: list[Worker] = []
        with self._lock:
            if worker.alive and worker.clean and len(self._idle) < self.keep_idle:
                self._idle.append(worker)
                return
            if worker.alive and not worker.clean:
                self._parked.append(worker)
                while len(self._parked) > KEEP_PARKED:
                    retired.append(self._parked.pop(0))
            else:
                retired.append(worker)
        for old in retired:
            old.stop()

    def warm(self) -> None:
        """Start a worker now if none is idle (call it off the UI thread)."""
        with self._lock:
            if self._idle:
                return
            self.started += 1
        self.release(Worker(self.warmup))

    def shutdown(self) -> None:
        with self._lock:
            workers, self._idle, self._parked = self._idle + self._parked, [], []
        for worker in workers:
            worker.stop()

    def run(self, target: Callable[..., Any], args: tuple[Any, ...], **kw: Any) -> Any:
        """Run one job on a worker of the pool (see `Worker.run`); a worker found dead at the
        hand-over is replaced once."""
        for attempt in (1, 2):
            worker = self.acquire()
            try:
                return worker.run(target, args, **kw)
            except WorkerGone:
                if attempt == 2:
                    raise
            finally:
                self.release(worker)  # stopped instead when it died or is mid-job
        raise AssertionError("unreachable")


def _warm_spacy() -> None:
    from annotator.nlp.tokens import tokenize

    tokenize("Siap.")  # imports spaCy and builds the shared Indonesian tokenizer


POOL = WorkerPool(warmup=_warm_spacy)
