"""Counting what a client does and refusing it beyond the configured rates.

Each action (reporting, pushing, failed sign-ins, sign-in links, open-data downloads) has
a rate per scope: the client's IP address, its account (a user, or the e-mail or phone a
signed-out citizen gives) and its API key (an Open311 application key or an /api/v1 bearer
token). Rates are settings.RATE_LIMITS entries "<action>_per_<scope>", django-ratelimit
rates such as "10/h" or "5/15m"; empty turns one off. Counters live in the shared cache
(settings.CACHES), so every web process sees the same counts; their keys are hashed (no
address is stored).

A view asks `check` before acting and calls `count` once the action is done: what counts
is decided by the caller (a report made, a failed sign-in), never the refused request."""

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import get_usage

SCOPES = ("ip", "account", "key")
REPORT, PUSH, SIGN_IN, SIGN_IN_LINK = "report", "push", "sign_in", "sign_in_link"
DOWNLOAD = "download"


@dataclass(frozen=True)
class Refusal:
    action: str
    retry_after: int  # seconds until every counter that refused has reset

    @property
    def retry_at(self) -> datetime:
        return timezone.now() + timedelta(seconds=self.retry_after)


class RateLimited(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.action)
        self.refusal = refusal


def _usages(request: HttpRequest, action: str, keys: Mapping[str, str], increment: bool):
    for scope, value in keys.items():
        if scope not in SCOPES:
            raise ValueError(f"unknown rate-limit scope {scope!r}")
        rate = settings.RATE_LIMITS.get(f"{action}_per_{scope}")
        if not rate or not value:
            continue
        usage = get_usage(
            request,
            group=f"civicdesk.{action}.{scope}",
            key=lambda group, request, value=value: value,
            rate=rate,
            increment=increment,
        )
        if usage is not None:
            yield usage


def client_keys(request: HttpRequest, account: str = "", key: str = "") -> dict[str, str]:
    """The counters a request is measured by: its address, and the account and API key
    when known ("" leaves a scope out)."""
    return {"ip": client_ip(request), "account": account, "key": key}


def user_account(user) -> str:
    return f"user:{user.pk}" if user is not None and user.is_authenticated else ""


def contact_account(email: str, phone: str) -> str:
    """A signed-out citizen's account: the e-mail, else the phone number they give."""
    email = email.strip().lower()
    phone = "".join(ch for ch in phone if ch in "0123456789+")
    return f"contact:{email or phone}" if email or phone else ""


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a proxy, settings.RATE_LIMIT_IP_HEADER names the META
    entry the proxy sets (e.g. HTTP_X_REAL_IP). Of a list (X-Forwarded-For) the last entry
    is taken: the one our proxy added; the ones before it are whatever the client sent."""
    header = settings.RATE_LIMIT_IP_HEADER
    address = request.META.get(header, "") if header else ""
    address = address.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    # One IPv6 host usually holds a whole /64: counting its addresses apart counts nothing.
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def refusal(request: HttpRequest, action: str, keys: Mapping[str, str]) -> Refusal | None:
    """A Refusal if any counter of `keys` already reached its limit, else None."""
    full = [u for u in _usages(request, action, keys, increment=False) if u["count"] >= u["limit"]]
    if not full:
        return None
    return Refusal(action, max(1, math.ceil(max(u["time_left"] for u in full))))


def check(request: HttpRequest, action: str, keys: Mapping[str, str]) -> None:
    """Raise RateLimited if any counter of `keys` reached its limit."""
    found = refusal(request, action, keys)
    if found is not None:
        raise RateLimited(found)


def count(request: HttpRequest, action: str, keys: Mapping[str, str]) -> None:
    """Add one to every counter of `keys` (reading a usage with increment counts it)."""
    list(_usages(request, action, keys, increment=True))
