"""Public pages: the list and map of issues with their filters, the map's data, and area
pages ("crowd pushing"). Anyone may read them; they show no personal data."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from shapely.geometry import mapping, shape

from civicdesk.citizens.public_filters import (
    FilterForm,
    natural_key,
    read_filters,
    type_choices,
    type_names,
)
from civicdesk.citizens.public_queries import (
    Box,
    area_summary,
    issue_page,
    map_data,
    whole_map,
)
from civicdesk.citizens.views.labels import SLA, STATUS
from civicdesk.issues.models import Issue
from civicdesk.places.models import Area

# Shapes on area pages are simplified to about 20 m: plenty for a map, and light on 3G.
OUTLINE_TOLERANCE_DEGREES = 0.0002
# The city-wide map is the same for everyone: browsers and caches may keep it briefly.
MAP_DATA_MAX_AGE = 30


def _labelled(issues: list[Issue]) -> list[Issue]:
    for issue in issues:
        issue.status_label = STATUS.get(issue.status, issue.status)
        issue.sla_label = SLA.get(issue.sla_state, "") if issue.sla_state else ""
    return issues


def _query(request: HttpRequest, **changes: str) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return query.urlencode()


def _valid_filters(form: FilterForm) -> dict[str, str]:
    """The form's filters without those in error, for the map's data requests."""
    return {
        name: value
        for name, value in form.data.items()
        if name in form.fields and name != "sort" and value and name not in form.errors
    }


def _map_config(
    filters: dict[str, Any], types: dict[int, str], box: Box | None, **extra: Any
) -> dict[str, Any]:
    return {
        "dataUrl": reverse("citizens:map-data"),
        "filters": filters,
        "bounds": [[box.south, box.west], [box.north, box.east]] if box else None,
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "types": types,
        "statuses": {code: str(label) for code, label in STATUS.items()},
        "text": {
            "pushes": _("pushes"),
            "issues": _("issues"),
            "showing": _("Showing %(count)s issues."),
            "grouped": _(
                "Showing %(count)s issues in groups: zoom in or choose a group to see each."
            ),
            "failed": _("The issues could not be loaded. The list below still works."),
            "noTiles": _("The map background could not load; issues are still shown."),
        },
        **extra,
    }


@require_GET
def issue_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    filters = read_filters(form)
    page = issue_page(filters, request.GET.get("after", ""))
    return render(
        request,
        "citizens/public/list.html",
        {
            "form": form,
            "issues": _labelled(page.issues),
            "next_query": _query(request, after=page.next_cursor) if page.next_cursor else "",
            "first_query": _query(request, after="") if request.GET.get("after") else None,
            "map_query": _query(request, after="", sort=""),
        },
    )


@require_GET
def issue_map(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    filters = read_filters(form)
    page = issue_page(filters, size=10)
    return render(
        request,
        "citizens/public/map.html",
        {
            "form": form,
            "issues": _labelled(page.issues),
            "map_config": _map_config(
                _valid_filters(form), type_names(form.fields["type"].choices), whole_map()
            ),
            "list_query": _query(request),
        },
    )


def _bad_request(errors: dict[str, list[str]]) -> JsonResponse:
    detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    return JsonResponse({"detail": detail, "errors": errors}, status=400)


def _read_box(raw: str) -> Box:
    """`south,west,north,east` (Leaflet's toBBoxString is west,south,east,north: not this)."""
    parts = [float(p) for p in raw.split(",")]
    if len(parts) != 4 or not all(abs(p) <= 180 for p in parts):
        raise ValueError
    box = Box(*parts)
    if not (-90 <= box.south < box.north <= 90 and -180 <= box.west < box.east <= 180):
        raise ValueError
    return box


@require_GET
def map_data_json(request: HttpRequest) -> JsonResponse:
    """The issues of a map view: ?bbox=south,west,north,east&zoom=N and the list's filters.
    Points when the view holds at most a few thousand issues, else grid cells."""
    form = FilterForm(request.GET, choices=False)
    errors = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
    box = Box(-90, -180, 90, 180)
    if request.GET.get("bbox"):
        try:
            box = _read_box(request.GET["bbox"])
        except ValueError:
            errors["bbox"] = [_("south,west,north,east in degrees, south below north")]
    raw_zoom = request.GET.get("zoom", "12")
    zoom = int(raw_zoom) if raw_zoom.isdecimal() and int(raw_zoom) <= 22 else None
    if zoom is None:
        errors["zoom"] = [_("a whole number from 0 to 22")]
    if errors:
        return _bad_request(errors)
    response = JsonResponse(map_data(read_filters(form), box, zoom))
    response["Cache-Control"] = f"public, max-age={MAP_DATA_MAX_AGE}"
    return response


@require_GET
def area_index(request: HttpRequest) -> HttpResponse:
    areas = Area.objects.select_related("jurisdiction").defer("geometry")
    ordered = sorted(areas, key=lambda a: (a.jurisdiction.name, a.kind, natural_key(a.name)))
    return render(request, "citizens/public/areas.html", {"areas": ordered})


@require_GET
def area_page(request: HttpRequest, area_id: int) -> HttpResponse:
    area = get_object_or_404(Area.objects.select_related("jurisdiction"), pk=area_id)
    summary = area_summary(area)
    outline = mapping(shape(area.geometry).simplify(OUTLINE_TOLERANCE_DEGREES))
    box = Box(area.min_lat, area.min_lon, area.max_lat, area.max_lon)
    types = type_names(type_choices())
    config = _map_config({"area": area.pk, "status": "open"}, types, box, outline=outline)
    return render(
        request,
        "citizens/public/area.html",
        {
            "area": area,
            "counts": summary["counts"],
            "most_pushed": _labelled(summary["most_pushed"]),
            "map_config": config,
        },
    )
