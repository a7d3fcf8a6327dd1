"""The repeat-faults report for staff: assets with several issues in a recent window, so
that a unit can replace rather than repair. Scoped like the SLA report: a unit's staff see
the assets of their own issues, dispatchers those of their jurisdictions, admins all."""

import csv
from datetime import timedelta
from io import StringIO

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from civicdesk import timekeeping
from civicdesk.assets.kinds import kind_label
from civicdesk.assets.services import REPEAT_FAULTS, REPEAT_WINDOW_DAYS, repeat_faults
from civicdesk.assets.views import asset_url
from civicdesk.reports.views import staff_only
from civicdesk.units.access import visible_issues

CSV_COLUMNS = [
    "jurisdiction",
    "asset",
    "kind",
    "area",
    "faults",
    "open",
    "last_fault",
    "lat",
    "lon",
    "url",
]


class RepeatFaultsForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Window in days"), min_value=1, max_value=3660, required=False
    )
    minimum = forms.IntegerField(
        label=gettext_lazy("At least this many issues"), min_value=2, max_value=1000, required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        data["days"] = data.get("days") or REPEAT_WINDOW_DAYS
        data["minimum"] = data.get("minimum") or REPEAT_FAULTS
        return data


def _rows(request: HttpRequest, form: RepeatFaultsForm) -> list[dict]:
    since = timekeeping.now() - timedelta(days=form.cleaned_data["days"])
    rows = repeat_faults(visible_issues(request.user), since, form.cleaned_data["minimum"])
    for row in rows:
        row["kind_label"] = kind_label(row["asset__kind"])
        row["url"] = asset_url(row["asset__jurisdiction__slug"], row["asset__reference"])
    return rows


@require_GET
def repeat_faults_page(request: HttpRequest) -> HttpResponse:
    if refusal := staff_only(request):
        return refusal
    form = RepeatFaultsForm(request.GET)
    context: dict = {"form": form}
    if form.is_valid():
        params = {k: form.cleaned_data[k] for k in ("days", "minimum")}
        context |= {
            "rows": _rows(request, form),
            "days": params["days"],
            "minimum": params["minimum"],
            "csv_url": f"{reverse('assets-staff:repeat-faults-csv')}?{urlencode(params)}",
        }
    status = 200 if form.is_valid() else 400
    return render(request, "assets/repeat_faults.html", context, status=status)


@require_GET
def repeat_faults_csv(request: HttpRequest) -> HttpResponse:
    if refusal := staff_only(request):
        return refusal
    form = RepeatFaultsForm(request.GET)
    if not form.is_valid():
        lines = [f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain")
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    site = request.build_absolute_uri("/").rstrip("/")
    for row in _rows(request, form):
        writer.writerow(
            [
                row["asset__jurisdiction__slug"],
                row["asset__reference"],
                row["asset__kind"],
                row["asset__area__name"] or "",
                row["faults"],
                row["open"],
                timezone.localtime(row["last_fault"]).isoformat(),
                row["asset__lat"],
                row["asset__lon"],
                site + row["url"],
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"repeat-faults-{form.cleaned_data['days']}-days.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
