"""One background thread that writes shards atomically, coalescing bursts (group commit)."""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.store.atomic import dumps, write_bytes_atomic

log = logging.getLogger(__name__)

ErrorHook = Callable[[str], None]
SavedHook = Callable[[int], None]
RecoveredHook = Callable[[], None]
Progress = Callable[[int, int], None]
POLL = 0.1  # seconds between progress reports while closing
PARALLEL_FROM = 16  # a batch this large is written by IO_THREADS threads
IO_THREADS = 8

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the folder is on a read-only disk",
    errno.EACCES: "the folder is not writable (permission denied)",
    errno.EPERM: "the folder is not writable (operation not permitted)",
    errno.ENOENT: "the folder no longer exists",
}


class _Skipped(Exception):
    """Not attempted: an earlier file of the batch failed in a writer without retries."""


@dataclass
class _Job:
    """Latest bytes for one path; `first_seq` is the oldest submit they make durable."""

    first_seq: int
    seq: int
    payload: bytes
    arrived: float
    burst: bool  # submitted within `window` of the submit before it


def describe_failure(path: Path, exc: BaseException, others: int = 0, retry: bool = True
                     ) -> str:
    """A message for the user that names the file and the reason."""
    reason = _REASONS.get(getattr(exc, "errno", None) or -1) if isinstance(exc, OSError) else None
    if reason is None:
        reason = (
            (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
        )
    more = f" (and {others} more file{'s' if others > 1 else ''})" if others else ""
    if not retry:
        return f"Could not save {path}{more}: {reason}."
    return (
        f"Could not save {path}{more}: {reason}. Your edits are kept in memory and saving is "
        "retried every few seconds; free space or fix the folder and they will be written."
    )


class ShardWriter:
    """Writes (path, data) jobs on a daemon thread; the caller never waits on disk.

    `retry=True` (the window) keeps failed files and retries them with `backoff`;
    `retry=False` (a command) stops at the first failure, so flush and close return at once.
    """

    def __init__(
        self,
        *,
        window: float = 0.025,
        sync: bool = True,
        root: Path | None = None,
        on_error: ErrorHook | None = None,
        on_recovered: RecoveredHook | None = None,
        on_saved: SavedHook | None = None,
        backoff: Sequence[float] = (0.5, 1.0, 2.0, 4.0),
        name: str = "annotator-shard-writer",
        retry: bool = True,
    ) -> None:
        self.window = window
        self.sync = sync
        self.root = Path(root) if root is not None else None
        self.on_error = on_error
        self.on_recovered = on_recovered
        self.on_saved = on_saved
        self.backoff = tuple(backoff) or (0.5,)
        self.retry = retry
        self._gave_up = False
        self.writes = 0
        self.write_times: deque[float] = deque(maxlen=10_000)
        self._cond = threading.Condition()
        self._pending: dict[Path, _Job] = {}
        self._inflight: dict[Path, _Job] = {}
        self._seq = 0
        self._saved = 0
        self._stopping = False
        self._retry_now = False
        self._closed = False
        self._error: str | None = None
        self._last_submit = float("-inf")
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # -- caller side -------------------------------------------------------
    def submit(self, path: Path, data: Any, indent: bool = False) -> int:
        """Queue `data` (serialised now, on the caller's thread) for `path`; return its seq."""
        payload = dumps(data, indent)
        with self._cond:
            if self._closed:
                raise RuntimeError("ShardWriter is closed")
            self._seq += 1
            now = time.monotonic()
            burst, self._last_submit = now - self._last_submit < self.window, now
            job = self._pending.get(path)
            if job is None:
                self._pending[path] = _Job(self._seq, self._seq, payload, now, burst)
            else:  # coalesce: the newest data wins, the oldest unwritten seq is remembered
                job.seq, job.payload, job.burst = self._seq, payload, job.burst or burst
            self._cond.notify_all()
            return self._seq

    @property
    def submitted_seq(self) -> int:
        """Highest sequence number handed out."""
        with self._cond:
            return self._seq

    @property
    def saved_seq(self) -> int:
        """Highest seq durably on disk; every lower seq is on disk too."""
        with self._cond:
            return self._saved

    @property
    def pending(self) -> int:
        """Files waiting to be written (queued or being written)."""
        with self._cond:
            return len(self._pending) + len(self._inflight)

    @property
    def last_error(self) -> str | None:
        """The current fault message, None while saving works."""
        return self._error

    def retry_now(self) -> None:
        """Cut the current back-off short: try the failed writes again at once."""
        with self._cond:
            self._retry_now = True
            self._cond.notify_all()

    def unsaved(self) -> list[Path]:
        """The files whose latest data is not on disk yet (queued or being written), sorted."""
        with self._cond:
            return sorted({*self._pending, *self._inflight})

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until everything submitted so far is on disk; False on timeout (or at once
        when a writer without retries failed)."""
        with self._cond:
            target = self._seq
            self._cond.wait_for(lambda: self._saved >= target or self._gave_up, timeout)
            return self._saved >= target

    def drain(self, stall: float = 5.0, progress: Progress | None = None) -> bool:
        """Wait until everything submitted is on disk, however long that takes while files
        are being written; False after `stall` seconds without progress or a given-up write.
        `progress(done, total)` counts files."""
        with self._cond:
            target = self._seq
            total = len(self._pending) + len(self._inflight)
            first = self.writes
        last, since = first, time.monotonic()
        while True:
            with self._cond:
                done = self._cond.wait_for(
                    lambda: self._saved >= target or self._gave_up, POLL)
                written = self.writes
            if done:
                break
            if progress is not None:
                progress(min(total, written - first), total)
            if written != last:  # files are being written: keep waiting
                last, since = written, time.monotonic()
            elif time.monotonic() - since >= stall:
                break
        ok = self.saved_seq >= target
        if progress is not None and total and ok:
            progress(total, total)
        return ok

    def close(self, timeout: float = 5.0, progress: Progress | None = None) -> bool:
        """Write what is queued (see `drain`: `timeout` is the longest wait without progress),
        then stop the thread; False if some data could not be saved."""
        with self._cond:
            if self._closed:
                return not self._pending and not self._inflight
            self._closed = True
        ok = self.drain(timeout, progress)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout=max(timeout, 1.0))
        if not ok:
            left = self.unsaved()
            log.error("closing with %d file(s) unsaved (%s): %s", len(left),
                      left[0] if left else "-", self._error or "writing was too slow")
        return ok

    # -- writer thread -----------------------------------------------------
    def _run(self) -> None:
        attempt = 0
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            failures = self._write_batch(batch)
            saved_before, saved_now = self._settle(failures)
            if saved_now > saved_before:
                self._call(self.on_saved, saved_now)
            if failures:
                path, _, exc = failures[0]
                message = describe_failure(path, exc, len(failures) - 1, self.retry)
                if message != self._error:
                    self._error = message
                    self._call(self.on_error, message)
                if not self.retry:  # a command: report now, keep the data for the caller
                    with self._cond:
                        self._gave_up = True
                        self._cond.notify_all()
                        self._cond.wait_for(lambda: self._stopping)
                    return
                delay = self.backoff[min(attempt, len(self.backoff) - 1)]
                attempt += 1
                with self._cond:
                    self._cond.wait_for(lambda: self._stopping or self._retry_now, delay)
                    self._retry_now = False
            else:
                attempt = 0
                if self._error is not None:
                    self._error = None
                    self._call(self.on_recovered)

    def _next_batch(self) -> dict[Path, _Job] | None:
        with self._cond:
            self._cond.wait_for(lambda: self._pending or self._stopping)
            if self._stopping:
                return None
            # A lone edit is written at once; a burst of submits is gathered for `window`.
            if any(job.burst for job in self._pending.values()):
                deadline = min(job.arrived for job in self._pending.values()) + self.window
                self._cond.wait_for(
                    lambda: self._stopping or time.monotonic() >= deadline,
                    max(0.0, deadline - time.monotonic()),
                )
                if self._stopping:
                    return None
            batch, self._pending = self._pending, {}
            self._inflight = batch
            return batch

    def _write_batch(self, batch: dict[Path, _Job]) -> list[tuple[Path, _Job, BaseException]]:
        if len(batch) >= PARALLEL_FROM:
            return self._write_parallel(batch)
        failures: list[tuple[Path, _Job, BaseException]] = []
        for path, job in batch.items():
            if failures and not self.retry:  # a command stops at the first failure
                failures.append((path, job, failures[0][2]))
                continue
            started = time.perf_counter()
            try:
                self._write(path, job.payload)
            except Exception as exc:  # noqa: BLE001 - any fault keeps the job for a retry
                failures.append((path, job, exc))
            else:
                self.writes += 1
                self.write_times.append(time.perf_counter() - started)
        return failures

    def _write_parallel(self, batch: dict[Path, _Job]) -> list[tuple[Path, _Job, BaseException]]:
        """A bulk batch (an import): IO_THREADS files at a time, so their fsyncs overlap
        (the filesystem commits concurrent fsyncs together; ~8x faster on ext4)."""
        failures: list[tuple[Path, _Job, BaseException]] = []
        abort = threading.Event()

        def one(path: Path, job: _Job) -> BaseException | None:
            if abort.is_set():
                return _Skipped()
            started = time.perf_counter()
            try:
                self._write(path, job.payload)
            except Exception as exc:  # noqa: BLE001 - any fault keeps the job for a retry
                if not self.retry:
                    abort.set()
                return exc
            with self._cond:
                self.writes += 1
                self.write_times.append(time.perf_counter() - started)
            return None

        with ThreadPoolExecutor(IO_THREADS, thread_name_prefix="annotator-io") as pool:
            results = list(pool.map(lambda item: one(*item), batch.items()))
        for (path, job), exc in zip(batch.items(), results, strict=True):
            if exc is not None:
                failures.append((path, job, exc))
        real = next((f for f in failures if not isinstance(f[2], _Skipped)), None)
        if real is not None:  # the first real failure leads (it names the file and reason)
            failures.remove(real)
            failures = [real, *((p, j, real[2]) for p, j, _ in failures)]
        return failures

    def _write(self, path: Path, payload: bytes) -> None:
        try:
            write_bytes_atomic(path, payload, sync=self.sync, create_dirs=False)
        except FileNotFoundError:
            # Recreate a missing sub-folder only inside a project folder that still exists.
            if self.root is None or not self.root.is_dir() or self.root not in path.parents:
                raise
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, payload, sync=self.sync, create_dirs=False)

    def _settle(self, failures: list[tuple[Path, _Job, BaseException]]) -> tuple[int, int]:
        with self._cond:
            for path, job, _ in failures:
                newer = self._pending.get(path)
                if newer is None:
                    self._pending[path] = job
                else:  # the newer data also carries the older, unwritten changes
                    newer.first_seq = min(newer.first_seq, job.first_seq)
            self._inflight = {}
            before = self._saved
            if self._pending:
                self._saved = max(before, min(j.first_seq for j in self._pending.values()) - 1)
            else:
                self._saved = self._seq
            self._cond.notify_all()
            return before, self._saved

    @staticmethod
    def _call(hook: Callable[..., None] | None, *args: Any) -> None:
        if hook is None:
            return
        try:
            hook(*args)
        except Exception:  # a broken hook must not stop saving
            log.exception("store callback %r failed", hook)
