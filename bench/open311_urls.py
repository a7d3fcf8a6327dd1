"""URLs of the Open311 load benchmark: the product's plus two bare Django views on the
same server, the framework-and-database ceilings to compare with.

- /bare/requests.json: the same 50 rows GET requests.json returns for one service code
  and status=open (same filter, order and window), the same columns (with the service's
  code and name and the unit's name joined in), read with values_list() and serialised
  by hand: no jurisdiction lookup, no parameter checks, no notes, photos or service
  notice, no time zone conversion.
- /bare/insert.json: inserts one issue row per POST and answers its id.
"""

import json
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from civicdesk import timekeeping
from civicdesk.catalogue.models import IssueType
from civicdesk.issues.models import OPEN_STATUSES, Issue


def bare_requests(request: HttpRequest) -> HttpResponse:
    type_id = IssueType.objects.values_list("id", flat=True).get(
        jurisdiction__slug="jhb", code=request.GET["service_code"]
    )
    since = timekeeping.now() - timedelta(days=90)
    rows = (
        Issue.objects.filter(
            issue_type_id=type_id, status__in=OPEN_STATUSES, submitted_at__gte=since
        )
        .order_by("-submitted_at", "-id")
        .values_list(
            "id",
            "status",
            "description",
            "address",
            "address_id",
            "lat",
            "lon",
            "media_url",
            "submitted_at",
            "updated_at",
            "resolution_due",
            "issue_type__code",
            "issue_type__name",
            "unit__name",
        )[:50]
    )
    body = json.dumps(
        [
            {
                "service_request_id": str(row[0]),
                "status": row[1],
                "description": row[2],
                "address": row[3],
                "address_id": row[4],
                "lat": row[5],
                "long": row[6],
                "media_url": row[7],
                "requested_datetime": row[8].isoformat(),
                "updated_datetime": row[9].isoformat(),
                "expected_datetime": row[10].isoformat() if row[10] else None,
                "service_code": row[11],
                "service_name": row[12],
                "agency_responsible": row[13] or "",
            }
            for row in rows
        ]
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@csrf_exempt
def bare_insert(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        issue = Issue.objects.create(
            jurisdiction_id=int(request.POST["jurisdiction"]),
            issue_type_id=int(request.POST["issue_type"]),
            lat=float(request.POST["lat"]),
            lon=float(request.POST["long"]),
            description=request.POST.get("description", ""),
            source="api",
        )
    body = json.dumps([{"service_request_id": str(issue.pk)}])
    return HttpResponse(body, content_type="application/json; charset=utf-8")


urlpatterns = [
    path("bare/requests.json", bare_requests),
    path("bare/insert.json", bare_insert),
    path("", include("civicdesk.urls")),
]
