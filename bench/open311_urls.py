"""URLs of the Open311 load benchmark: the product's plus two bare Django views on the
same server, the framework-and-database ceilings to compare with.

- /bare/requests.json: the same 50 rows GET requests.json returns for one service code
  and status=open (same filter, order and window), read with values() and serialised by
  hand: no jurisdiction lookup, no notes or photos, no service notice.
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
        .values_list("id", "status", "description", "lat", "lon", "submitted_at", "updated_at")[:50]
    )
    body = json.dumps(
        [
            {
                "service_request_id": str(pk),
                "status": status,
                "description": description,
                "lat": lat,
                "long": lon,
                "requested_datetime": submitted.isoformat(),
                "updated_datetime": updated.isoformat(),
            }
            for pk, status, description, lat, lon, submitted, updated in rows
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
