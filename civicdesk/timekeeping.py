"""The current time as services see it.

Services ask `now()` instead of the system clock so that history can be replayed at the
time it happened (demo data, imports of historic records) through the same use cases:
`with as_of(instant): report_issue(...)`. Outside such a block it is the system clock."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_as_of: ContextVar[datetime | None] = ContextVar("as_of", default=None)


def now() -> datetime:
    return _as_of.get() or timezone.now()


@contextmanager
def as_of(instant: datetime) -> Iterator[None]:
    if timezone.is_naive(instant):
        raise ValueError("as_of needs an aware datetime")
    token = _as_of.set(instant)
    try:
        yield
    finally:
        _as_of.reset(token)
