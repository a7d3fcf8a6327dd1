"""The open-data downloads and their data dictionary."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdesk.opendata.services import FIELDS, BadRequest, csv_lines, geojson_parts, select
from civicdesk.throttling import limits, responses


@require_GET
def dictionary(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/dictionary.html", {"fields": FIELDS})


def _download(request: HttpRequest, parts, content_type: str, extension: str) -> HttpResponse:
    keys = limits.client_keys(request)
    refused = limits.refusal(request, limits.DOWNLOAD, keys)
    if refused is not None:
        text = responses.detail(refused) + "\n"
        return responses.with_retry_after(
            HttpResponse(text, status=429, content_type="text/plain; charset=utf-8"), refused
        )
    try:
        rows = select(request.GET.dict())
    except BadRequest as exc:
        return HttpResponseBadRequest(
            _("Bad request: %(problem)s") % {"problem": exc} + "\n",
            content_type="text/plain; charset=utf-8",
        )
    limits.count(request, limits.DOWNLOAD, keys)
    response = StreamingHttpResponse(parts(rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="issues.{extension}"'
    return response


@require_GET
def issues_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, csv_lines, "text/csv; charset=utf-8", "csv")


@require_GET
def issues_geojson(request: HttpRequest) -> HttpResponse:
    return _download(request, geojson_parts, "application/geo+json", "geojson")
