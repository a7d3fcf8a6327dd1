"""Failed sign-ins, throttled per address and per account asked for.

Only failures count: Django's `user_login_failed` signal (sent by every authenticate()
that fails: citizens' password sign-in, staff sign-in, the admin's login) adds one to the
address's and the account's counters; a successful sign-in adds nothing, so a user who
signs in often is never locked out. `sign_in_throttle` wraps a sign-in view: a POST is
answered with a 429 page, before any password is tried, while either counter is full."""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from civicdesk.throttling import limits
from civicdesk.throttling.responses import too_many_page


def account_key(identifier: str) -> str:
    """The account a sign-in names (a username or e-mail, compared without case)."""
    identifier = identifier.strip().lower()
    return f"sign-in:{identifier}" if identifier else ""


def sign_in_keys(request: HttpRequest, identifier: str) -> dict[str, str]:
    return limits.client_keys(request, account=account_key(identifier))


def _posted_identifier(request: HttpRequest) -> str:
    return request.POST.get("username") or request.POST.get("email") or ""


def sign_in_throttle(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a sign-in POST while its address or account has too many recent failures."""

    @functools.wraps(view)
    def throttled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            keys = sign_in_keys(request, _posted_identifier(request))
            refused = limits.refusal(request, limits.SIGN_IN, keys)
            if refused is not None:
                return too_many_page(request, refused)
        return view(request, *args, **kwargs)

    return throttled


def count_failed_sign_in(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:
        return  # authenticate() without a request: a command or a test, no client to count
    identifier = str(credentials.get("username") or credentials.get("email") or "")
    limits.count(request, limits.SIGN_IN, sign_in_keys(request, identifier))


def count_failed_link(request: HttpRequest) -> None:
    """A sign-in link that did not work counts as a failed sign-in of the address."""
    limits.count(request, limits.SIGN_IN, limits.client_keys(request))
