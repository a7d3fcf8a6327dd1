"""Report pages: the staff SLA report (with its CSV export) and the public transparency
page. Staff see the issues of their units (dispatchers of their jurisdictions, superusers
all); the public page shows aggregates per unit and nothing about any one person."""

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdesk import timekeeping
from civicdesk.issues.models import Issue
from civicdesk.reports.chart import compliance_chart
from civicdesk.reports.export import csv_text
from civicdesk.reports.forms import ReportForm, ReportQuery, default_period
from civicdesk.reports.sla import Dimension, sla_report
from civicdesk.twofactor import gate
from civicdesk.units.access import scope_of, visible_issues

TRANSPARENCY_CACHE_SECONDS = 600


def staff_only(request: HttpRequest) -> HttpResponse | None:
    """The sign-in page for the anonymous; refused for users in no unit; the second factor
    when due (civicdesk.twofactor); else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("backoffice:sign-in"))
    if not scope_of(request.user).is_staff_member:
        raise PermissionDenied(_("Reports are for the staff of a business unit."))
    return gate.refusal(request)


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    if refusal := staff_only(request):
        return refusal
    form = ReportForm(request.GET)
    context: dict = {"form": form}
    if form.is_valid():
        query = form.query()
        issues = visible_issues(request.user)
        now = timekeeping.now()

        def run(group_by):
            return sla_report(issues, query.start, query.end, group_by, now=now)

        rows = run(query.group_by)
        [total] = run(()) or [None]
        months = rows if query.group_by == (Dimension.MONTH,) else run([Dimension.MONTH])
        context |= {
            "query": query,
            "dimensions": query.group_by,
            "rows": rows,
            "total": total,
            "chart": compliance_chart(months),
            "csv_url": f"{reverse('reports:sla-csv')}?{urlencode(query.as_params())}",
        }
    return render(request, "reports/report.html", context, status=200 if form.is_valid() else 400)


@require_GET
def report_csv(request: HttpRequest) -> HttpResponse:
    if refusal := staff_only(request):
        return refusal
    form = ReportForm(request.GET)
    if not form.is_valid():
        lines = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain")
    query = form.query()
    issues = visible_issues(request.user)
    now = timekeeping.now()
    rows = sla_report(issues, query.start, query.end, query.group_by, now=now)
    [total] = sla_report(issues, query.start, query.end, (), now=now) or [None]
    response = HttpResponse(
        csv_text(rows, total, query.group_by), content_type="text/csv; charset=utf-8"
    )
    name = f"sla-{query.first_day}-{query.last_day}-{'-'.join(query.group_by)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def transparency_figures() -> dict:
    """The public figures for the last twelve months, per unit and per month (cached: the
    page is public and the figures move slowly)."""
    first, last = default_period()
    key = f"reports:transparency:{first}:{last}"
    figures = cache.get(key)
    if figures is None:
        period = ReportQuery(first, last, ())
        start, end = period.start, period.end
        issues = Issue.objects.all()
        now = timekeeping.now()
        figures = {
            "first": first,
            "last": last,
            "units": sla_report(issues, start, end, [Dimension.UNIT], now=now),
            "months": sla_report(issues, start, end, [Dimension.MONTH], now=now),
            "computed_at": now,
        }
        cache.set(key, figures, TRANSPARENCY_CACHE_SECONDS)
    return figures


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    figures = transparency_figures()
    return render(
        request,
        "reports/transparency.html",
        figures | {"chart": compliance_chart(figures["months"])},
    )
