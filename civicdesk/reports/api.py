"""JSON API operations of the reports app, registered on civicdesk.api.api:
GET /api/v1/reports/sla, the staff SLA report over the issues the caller acts for."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, QueryDict
from ninja import Field, Query, Schema

from civicdesk import timekeeping
from civicdesk.api import api, token_or_session
from civicdesk.reports.export import figures, json_record
from civicdesk.reports.forms import ReportForm
from civicdesk.reports.sla import sla_report
from civicdesk.units.access import scope_of, visible_issues


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class ReportParams(Schema):
    group_by: str = Field(
        "unit",
        description="One or two of unit, issue_type, area, programme, month; comma-separated",
    )
    from_: date | None = Field(None, alias="from", description="First day (default: a year ago)")
    to: date | None = Field(None, description="Last day, included (default: today)")


class Durations(Schema):
    measured: int
    median: float | None
    p90: float | None


class Figures(Schema):
    reported: int
    acknowledged: int
    resolved: int
    rejected: int
    duplicates: int
    response_judged: int
    responded_within_target: int
    responded_within_target_percent: float | None
    resolution_judged: int
    resolved_within_target: int
    resolved_within_target_percent: float | None
    response_working_seconds: Durations
    resolution_working_seconds: Durations
    open: int
    overdue: int
    pushes: int
    feedback: int
    mean_rating: float | None
    fixed_percent: float | None
    awaiting_measurement: int


class GroupKey(Schema):
    id: int | str | None
    name: str


class ReportRowOut(Figures):
    group: dict[str, GroupKey]


class SlaReportOut(Schema):
    from_: date = Field(..., alias="from")
    to: date
    group_by: list[str]
    rows: list[ReportRowOut]
    total: Figures | None


@api.get(
    "/reports/sla",
    auth=token_or_session,
    response={200: SlaReportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    tags=["reports"],
    by_alias=True,
)
def sla(request: HttpRequest, params: Query[ReportParams]) -> dict[str, Any]:
    """Per group of the issues reported in the period: counts, shares within target,
    median and 90th-percentile working times (seconds), open, overdue, pushes, feedback."""
    if not scope_of(request.user).is_staff_member:
        raise PermissionDenied("Reports are for the staff of a business unit.")
    data = QueryDict(mutable=True)
    data.update({"group_by": params.group_by})
    for name, value in (("from", params.from_), ("to", params.to)):
        if value:
            data[name] = value.isoformat()
    form = ReportForm(data)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    query = form.query()
    issues = visible_issues(request.user)
    now = timekeeping.now()
    rows = sla_report(issues, query.start, query.end, query.group_by, now=now)
    totals = sla_report(issues, query.start, query.end, (), now=now)
    return {
        "from": query.first_day,
        "to": query.last_day,
        "group_by": [d.value for d in query.group_by],
        "rows": [json_record(r, query.group_by) for r in rows],
        "total": figures(totals[0]) if totals else None,
    }
