"""Real parallel requests for concurrency tests: several threads, each with its own HTTP
connection to a real server (pytest-django's live_server), released together by a
barrier so that their requests reach the server at the same moment."""

import threading
from collections.abc import Callable, Iterator, Sequence
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from civicdesk.accounts.models import User

TIMEOUT = 60  # seconds; SQLite queues writers for up to its own 20 s timeout


@pytest.fixture
def short_connections() -> Iterator[None]:
    """The server's request threads close their database connections when they answer,
    so that none outlives the test (PostgreSQL cannot drop a database still in use)."""
    saved = connections.settings["default"]["CONN_MAX_AGE"]
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
    connections.settings["default"]["CONN_MAX_AGE"] = saved


def at_once(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run each call in its own thread, all released together; their results in order.
    An exception in a call is raised here, after every thread has finished."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=TIMEOUT)
            results[index] = call()
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    if errors:
        raise errors[0]
    return results


def browser(live_server, user: User | None = None) -> httpx.Client:
    """An HTTP client of the live server, signed in as `user` (a real session cookie)."""
    client = httpx.Client(base_url=live_server.url, timeout=TIMEOUT, follow_redirects=False)
    if user is not None:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        client.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key)
    return client


class _FormReader(HTMLParser):
    """The fields of the forms on a page, as a browser would post them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append([])
        elif not self.forms or "name" not in a:
            if tag == "option" and self._select and "selected" in a:
                self.forms[-1].append((self._select, a.get("value", "")))
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.forms[-1].append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.forms[-1][-1]
            self.forms[-1][-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, containing: str) -> dict[str, list[str]]:
    """The fields of the page's form that has a field named `containing`."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if any(name == containing for name, _ in form):
            fields: dict[str, list[str]] = {}
            for name, value in form:
                fields.setdefault(name, []).append(value)
            return fields
    raise AssertionError(f"no form with a field {containing!r}")
