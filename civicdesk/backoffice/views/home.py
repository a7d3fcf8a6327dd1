"""The staff start page: the user's units and programmes with what waits in each."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from civicdesk import timekeeping
from civicdesk.backoffice.views.common import staff_view
from civicdesk.issues.models import OPEN_STATUSES, Issue
from civicdesk.units.models import BusinessUnit


@require_GET
@staff_view
def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    units = BusinessUnit.objects.select_related("jurisdiction").prefetch_related("programmes")
    if not scope.everything:
        units = units.filter(
            Q(pk__in=scope.unit_ids) | Q(jurisdiction_id__in=scope.dispatch_jurisdiction_ids)
        )
    units = list(units.order_by("is_external", "name"))
    now = timekeeping.now()
    overdue = Q(resolution_due__lt=now, resolved_at__isnull=True, paused_at__isnull=True) | Q(
        response_due__lt=now, responded_at__isnull=True, paused_at__isnull=True
    )
    figures = {
        row["unit_id"]: row
        for row in Issue.objects.filter(unit_id__in=[u.pk for u in units], status__in=OPEN_STATUSES)
        .values("unit_id")
        .annotate(
            open=Count("id"),
            new=Count("id", filter=Q(status="submitted")),
            overdue=Count("id", filter=overdue),
        )
    }
    for unit in units:
        unit.figures = figures.get(unit.pk, {"open": 0, "new": 0, "overdue": 0})
        unit.yours = scope.everything or unit.pk in scope.unit_ids
        unit.managed = scope.manages_unit(unit)
    return render(
        request,
        "backoffice/home.html",
        {"units": units, "dispatcher": scope.everything or bool(scope.dispatch_jurisdiction_ids)},
    )
