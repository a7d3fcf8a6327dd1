"""What every back-office page shares: signed-in staff only, the user's scope read once
per request, paging, and service errors shown next to the form fields they concern."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from civicdesk.backoffice.services import BulkOutcome
from civicdesk.issues.models import Issue
from civicdesk.twofactor import gate
from civicdesk.units.access import Scope, scope_of
from civicdesk.units.models import BusinessUnit

PAGE_SIZE = 50


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in first; then 403 for anyone who is neither a unit's staff nor a dispatcher;
    then the second factor when due (civicdesk.twofactor). The view finds the user's scope
    on `request.scope`."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:sign-in"))
        request.scope = scope_of(request.user)
        if not request.scope.is_staff_member:
            raise PermissionDenied("Only staff of a unit or the dispatch centre work here.")
        if refusal := gate.refusal(request):
            return refusal
        return view(request, *args, **kwargs)

    return wrapped


def scope(request: HttpRequest) -> Scope:
    return request.scope


def unit_in_scope(request: HttpRequest, unit_id: int) -> BusinessUnit:
    unit = get_object_or_404(BusinessUnit.objects.select_related("jurisdiction"), pk=unit_id)
    if not scope(request).covers_unit(unit):
        raise PermissionDenied("This unit is not yours.")
    return unit


def issue_in_scope(request: HttpRequest, issue_id: int, queryset=None) -> Issue:
    issue = get_object_or_404(queryset if queryset is not None else Issue.objects, pk=issue_id)
    if not scope(request).covers_issue(issue):
        raise PermissionDenied("This issue belongs to another unit.")
    return issue


def page_of(request: HttpRequest, items, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string less `names` (for page links that keep the filters)."""
    kept = [(k, v) for k, v in request.GET.lists() if k not in names]
    return urlencode([(k, item) for k, values in kept for item in values])


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors on the form: on the field they name if the form has it,
    else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# Ids are bigints: longer numbers are no ids (and would overflow the database's column).
MAX_ID_DIGITS = 18


def as_id(raw: str | None) -> int:
    """A posted id as a number, 0 (no row) when it is not one."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdecimal() and len(raw) <= MAX_ID_DIGITS else 0


def posted_id(request: HttpRequest, name: str) -> int:
    return as_id(request.POST.get(name))


def selected_ids(request: HttpRequest) -> list[int]:
    ids = []
    for raw in request.POST.getlist("ids") or request.GET.getlist("ids"):
        ids += [n for n in map(as_id, raw.split(",")) if n]
    return sorted(set(ids))


def report_outcome(request: HttpRequest, outcome: BulkOutcome, done: str, **values: str) -> None:
    """Tell the user what a bulk action did: `done` % count, and why issues were skipped."""
    if outcome.done:
        messages.success(request, done % ({"count": outcome.done} | values))
    if outcome.skipped:
        shown = list(outcome.skipped.items())[:5]
        reasons = "; ".join(f"#{pk}: {why}" for pk, why in shown)
        if len(outcome.skipped) > len(shown):
            reasons += " …"
        messages.warning(
            request,
            ngettext(
                "%(count)s issue was left as it was: %(reasons)s",
                "%(count)s issues were left as they were: %(reasons)s",
                len(outcome.skipped),
            )
            % {"count": len(outcome.skipped), "reasons": reasons},
        )
