"""Public asset pages: the nearest assets of a kind (JSON, for the report form's map and
apps) and an asset's page with its public issue history."""

import math

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdesk.assets.kinds import KIND_PATTERN, kind_label, number_label
from civicdesk.assets.models import Asset
from civicdesk.assets.services import NEAR_LIMIT, asset_history, nearest_assets
from civicdesk.citizens.views.labels import status_label
from civicdesk.issues.reference import jurisdictions


def _number(raw: str, low: float, high: float) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def asset_url(jurisdiction_slug: str, reference: str) -> str:
    return reverse("assets:asset", args=[jurisdiction_slug, reference])


@require_GET
def near_json(request: HttpRequest) -> JsonResponse:
    """`?kind=&lat=&lon=` (and optionally `jurisdiction=`): at most NEAR_LIMIT in-service
    assets of the kind, nearest first."""
    errors: dict[str, list[str]] = {}
    kind = request.GET.get("kind", "").strip()
    if not KIND_PATTERN.match(kind):
        errors["kind"] = [_("Give the kind of asset, e.g. street_light.")]
    lat = _number(request.GET.get("lat", ""), -90, 90)
    lon = _number(request.GET.get("lon", ""), -180, 180)
    if lat is None:
        errors["lat"] = [_("Give a latitude from -90 to 90.")]
    if lon is None:
        errors["lon"] = [_("Give a longitude from -180 to 180.")]
    slug = request.GET.get("jurisdiction", "").strip()
    jurisdiction = jurisdictions().get(slug) if slug else None
    if slug and jurisdiction is None:
        errors["jurisdiction"] = [_("No such city.")]
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    found = nearest_assets(kind, lat, lon, jurisdiction=jurisdiction, limit=NEAR_LIMIT)
    return JsonResponse(
        {
            "kind": kind,
            "label": kind_label(kind),
            "number_label": number_label(kind),
            "assets": [
                {
                    "reference": n.asset.reference,
                    "lat": n.asset.lat,
                    "lon": n.asset.lon,
                    "metres": n.metres,
                    "url": asset_url(n.asset.jurisdiction.slug, n.asset.reference),
                }
                for n in found
            ],
        }
    )


@require_GET
def asset_page(request: HttpRequest, city: str, reference: str) -> HttpResponse:
    jurisdiction = jurisdictions().get(city)
    if jurisdiction is None:
        raise Http404(_("No such city"))
    asset = get_object_or_404(
        Asset.objects.select_related("area"), jurisdiction=jurisdiction, reference=reference
    )
    page = asset_history(asset, request.GET.get("page"))
    for issue in page.object_list:
        issue["status_label"] = status_label(issue["status"])
    return render(
        request,
        "assets/asset.html",
        {
            "asset": asset,
            "city": jurisdiction,
            "kind": kind_label(asset.kind),
            "number_label": number_label(asset.kind),
            "attributes": sorted(asset.attributes.items()),
            "page": page,
            "tiles": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
