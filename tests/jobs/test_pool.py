"""Warm worker processes: results, progress, failures, cancel, crashes and reuse."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from annotator.jobs.child import JobCancelled
from annotator.jobs.pool import Worker, WorkerFailed, WorkerGone, WorkerPool
from tests.jobs import sample_jobs


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(keep_idle=1)
    yield pool
    pool.shutdown()


def test_result_progress_and_items_arrive_in_order(pool: WorkerPool) -> None:
    progress, items = [], []
    result = pool.run(sample_jobs.count, (5,), progress=lambda d, t: progress.append((d, t)),
                      item=items.append)
    assert result["total"] == 5
    assert progress == [(i, 5) for i in range(1, 6)]
    assert items == [0, 1, 4, 9, 16]


def test_the_worker_stays_warm_between_jobs(pool: WorkerPool) -> None:
    first = pool.run(sample_jobs.count, (1,))["pid"]
    started = pool.started
    second = pool.run(sample_jobs.count, (1,))["pid"]
    assert second == first and pool.started == started


def test_a_failing_job_reports_its_message_and_the_worker_is_reused(pool: WorkerPool) -> None:
    pid = pool.run(sample_jobs.count, (1,))["pid"]
    with pytest.raises(WorkerFailed, match="no such label"):
        pool.run(sample_jobs.fail, ("no such label",))
    assert pool.run(sample_jobs.count, (1,))["pid"] == pid


def test_cancel_stops_the_job_and_keeps_the_worker(pool: WorkerPool, tmp_path: Path) -> None:
    pid = pool.run(sample_jobs.count, (1,))["pid"]
    started = tmp_path / "started"
    with pytest.raises(JobCancelled):
        pool.run(sample_jobs.until_cancelled, (str(started),), cancelled=started.exists)
    assert pool.run(sample_jobs.count, (1,))["pid"] == pid


def test_a_job_ignoring_cancel_is_left_behind_after_the_grace_time(
    pool: WorkerPool, tmp_path: Path
) -> None:
    pid = pool.run(sample_jobs.count, (1,))["pid"]
    started = tmp_path / "started"
    t0 = time.monotonic()
    with pytest.raises(JobCancelled):
        pool.run(sample_jobs.stubborn, (str(started),), cancelled=started.exists, grace=0.3)
    assert time.monotonic() - t0 < 10  # the caller does not wait for the job
    assert pool.run(sample_jobs.count, (1,))["pid"] != pid  # the busy worker is not used


def test_a_parked_worker_is_reused_once_its_cancelled_job_ends(tmp_path: Path) -> None:
    pool = WorkerPool(keep_idle=1)
    try:
        pid = pool.run(sample_jobs.count, (1,))["pid"]
        with pytest.raises(JobCancelled):
            pool.run(sample_jobs.sleep_then_return, (0.5,), cancelled=lambda: True, grace=0.05)
        time.sleep(1.0)
        assert pool.run(sample_jobs.count, (1,))["pid"] == pid
        assert pool.started == 1
    finally:
        pool.shutdown()


def test_a_dying_worker_is_reported_and_replaced(pool: WorkerPool) -> None:
    with pytest.raises(WorkerFailed, match="exit code 3"):
        pool.run(sample_jobs.die, ())
    assert pool.run(sample_jobs.count, (2,))["total"] == 2


def test_a_result_that_cannot_be_sent_is_a_failure(pool: WorkerPool) -> None:
    with pytest.raises(WorkerFailed, match="could not be sent back"):
        pool.run(sample_jobs.unpicklable, ())
    assert pool.run(sample_jobs.count, (1,))["total"] == 1


def test_a_worker_that_died_while_idle_is_replaced_without_failing_the_job(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = WorkerPool(keep_idle=1)
    try:
        first = pool.run(sample_jobs.count, (1,))["pid"]
        [idle] = pool._idle  # noqa: SLF001
        idle.process.kill()
        idle.process.join(5)
        # it dies between the pool's check and the hand-over: the check still says alive once
        checks = iter([True])
        monkeypatch.setattr(Worker, "alive", property(lambda w: next(checks, False)
                                                      if w is idle else w.process.is_alive()))
        with pytest.raises(WorkerGone):
            idle.run(sample_jobs.count, (1,))
        checks = iter([True])
        result = pool.run(sample_jobs.count, (2,))
        assert result["total"] == 2 and result["pid"] != first
    finally:
        pool.shutdown()
