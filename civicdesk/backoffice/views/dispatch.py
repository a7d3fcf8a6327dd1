"""The dispatch centre: queues of what could slip through (unrouted, unacknowledged,
near or past the deadline, outside providers silent, promises not kept), with routing
of a selection at once."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from civicdesk import timekeeping
from civicdesk.backoffice.queries import NEAR_DEADLINE, PROVIDER_WAIT, QUEUES, queue
from civicdesk.backoffice.services import MAX_SELECTION, for_each_issue
from civicdesk.backoffice.views.common import (
    page_of,
    posted_id,
    query_without,
    report_outcome,
    safe_next,
    selected_ids,
    staff_view,
)
from civicdesk.forwarding.models import Forwarding
from civicdesk.issues.models import Issue
from civicdesk.issues.services import reroute
from civicdesk.issues.sla_state import with_sla_state
from civicdesk.units.access import Scope
from civicdesk.units.models import BusinessUnit

QUEUE_TITLES = {
    "unrouted": gettext_lazy("Unrouted"),
    "unacknowledged": gettext_lazy("Not acknowledged in time"),
    "deadline": gettext_lazy("Past or near resolution deadline"),
    "provider": gettext_lazy("Outside provider silent"),
    "promises": gettext_lazy("Promises not kept"),
}


def _jurisdictions(request: HttpRequest) -> frozenset[int] | None:
    """The jurisdictions the user dispatches for (None: all of them, for superusers)."""
    scope: Scope = request.scope
    if scope.everything:
        return None
    if not scope.dispatch_jurisdiction_ids:
        raise PermissionDenied("The dispatch centre is for dispatchers.")
    return scope.dispatch_jurisdiction_ids


def _within(jurisdictions: frozenset[int] | None, field: str = "jurisdiction_id") -> Q:
    return Q() if jurisdictions is None else Q(**{f"{field}__in": jurisdictions})


@require_GET
@staff_view
def dispatch_centre(request: HttpRequest) -> HttpResponse:
    jurisdictions = _jurisdictions(request)
    scope_filter = _within(jurisdictions)
    now = timekeeping.now()
    current = request.GET.get("queue", "unrouted")
    if current not in QUEUES:
        current = "unrouted"
    counts = {name: queue(name, scope_filter, now).count() for name in QUEUES}
    issues = with_sla_state(queue(current, scope_filter, now), now).select_related(
        "issue_type", "area", "unit"
    )
    if current == "provider":
        issues = issues.prefetch_related(
            Prefetch(
                "forwardings",
                Forwarding.objects.order_by("-created_at"),
                to_attr="sent",
            )
        )
    return render(
        request,
        "backoffice/dispatch.html",
        {
            "queues": [(name, QUEUE_TITLES[name], counts[name]) for name in QUEUES],
            "current": current,
            "title": QUEUE_TITLES[current],
            "page": page_of(request, issues),
            "query": query_without(request, "page"),
            "units": list(
                BusinessUnit.objects.filter(_within(jurisdictions)).order_by("is_external", "name")
            ),
            "near_hours": int(NEAR_DEADLINE.total_seconds() // 3600),
            "provider_hours": int(PROVIDER_WAIT.total_seconds() // 3600),
            "here": request.get_full_path(),
        },
    )


@require_POST
@staff_view
def route_selection(request: HttpRequest) -> HttpResponse:
    """Route (or re-route) the selected issues to one unit or outside provider."""
    scope_filter = _within(_jurisdictions(request))
    back = safe_next(request, reverse("backoffice:dispatch"))
    ids = selected_ids(request)
    if not ids or len(ids) > MAX_SELECTION:
        messages.error(request, _("Select between 1 and %(max)s issues.") % {"max": MAX_SELECTION})
        return redirect(back)
    unit = get_object_or_404(BusinessUnit, pk=posted_id(request, "unit"))
    issues = list(
        Issue.objects.filter(scope_filter, pk__in=ids).select_related("issue_type", "unit")
    )
    if len(issues) != len(ids):
        raise PermissionDenied("Some of the selected issues are not in your jurisdictions.")
    reference = request.POST.get("provider_reference", "") if len(ids) == 1 else ""
    reason = request.POST.get("reason", "")
    outcome = for_each_issue(
        issues,
        lambda issue: reroute(
            issue, unit, request.user, reason=reason, provider_reference=reference
        ),
    )
    report_outcome(request, outcome, _("Routed %(count)s issues to %(unit)s."), unit=unit.name)
    return redirect(back)
