"""Shared parts of the fuzz tests (the JSON API with schemathesis, Open311 with Hypothesis):
Django's real WSGI application serving the test's database transaction, Hypothesis
settings fit for CI, and a record of the cases run and the failures found.

Each fuzz test runs many Hypothesis searches (one per operation or call) inside one pytest
test, so that it can count the cases actually executed and report every failing operation,
not only the first."""

import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

# No shrinking: the database changes from case to case, so a shrunk example would not
# replay faithfully; the first failing case, with its request, is the report.
PHASES = (Phase.explicit, Phase.generate)


def fuzz_settings(max_examples: int) -> settings:
    """Reproducible (derandomized, no example database), without deadlines: a CI machine
    shared by many jobs is slow at times, and slowness is not what these tests look for."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=PHASES,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@contextmanager
def wsgi_app_on_test_database() -> Iterator[WSGIHandler]:
    """Django's WSGI handler, with the whole middleware stack, sharing the test's database
    connection: like Django's test client, it keeps the per-request connection clean-up
    from closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass
class FuzzRecord:
    """Cases executed per target, and failures (target → message), with the traceback of
    every exception the views raised (a 500's cause)."""

    cases: Counter = field(default_factory=Counter)
    statuses: dict[str, Counter] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)

    def answered(self, target: str, status: int) -> None:
        self.cases[target] += 1
        self.statuses.setdefault(target, Counter())[status] += 1

    @property
    def total(self) -> int:
        return sum(self.cases.values())

    def run(self, target: str, search: Callable[[], None]) -> None:
        """Run one Hypothesis search; a failure is recorded, and the next search goes on."""
        try:
            search()
        except (Exception, BaseExceptionGroup) as error:  # every failure is reported at the end
            self.failures[target] = f"{type(error).__name__}: {error}"

    @contextmanager
    def catching_view_exceptions(self) -> Iterator[None]:
        def on_exception(sender, request=None, **kwargs) -> None:
            self.exceptions.append(f"{request and request.path}\n{traceback.format_exc()}")

        got_request_exception.connect(on_exception)
        try:
            yield
        finally:
            got_request_exception.disconnect(on_exception)

    def summary(self) -> str:
        lines = [f"{self.total} cases"]
        for target, statuses in sorted(self.statuses.items()):
            lines.append(f"{target}: {dict(sorted(statuses.items()))}")
        return "\n".join(lines)

    def report(self) -> str:
        lines = [f"{self.total} cases; failures in {len(self.failures)} targets"]
        for target, message in self.failures.items():
            lines.append(f"--- {target}\n{message[:4000]}")
        for exception in self.exceptions[:5]:
            lines.append(f"--- exception in a view\n{exception}")
        return "\n".join(lines)
