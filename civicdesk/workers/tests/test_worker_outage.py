"""A database outage does not end the worker: db_worker's loop ends with the error, the
command drops the dead connection and polls again (the real restart is proven by
bench/load_faults.py --restart-at, docs/benchmarks.md)."""

import pytest
from django.db import OperationalError

from civicdesk.workers.management.commands import worker


def test_the_database_queue_is_polled_again_after_the_database_went_away(monkeypatch):
    calls, closed = [], []

    def db_worker(name, **options):
        calls.append(name)
        if len(calls) < 3:
            raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker.connections, "close_all", lambda: closed.append(True))
    monkeypatch.setattr(worker, "DATABASE_RETRY_SECONDS", 0)
    worker.Command().run_database_queue(interval=1, worker_id="w")
    assert calls == ["db_worker"] * 3
    assert len(closed) == 2


def test_other_errors_still_end_the_worker(monkeypatch):
    def db_worker(name, **options):
        raise ValueError("a bug")

    monkeypatch.setattr(worker, "call_command", db_worker)
    with pytest.raises(ValueError, match="a bug"):
        worker.Command().run_database_queue(interval=1, worker_id="w")
