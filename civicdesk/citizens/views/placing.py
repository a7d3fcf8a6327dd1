"""Address search on the place step: the Find button (a plain form submit, so it works
without JavaScript) and the small JSON endpoint the page's script asks instead."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdesk.citizens.forms import PlaceForm
from civicdesk.issues.reference import jurisdictions
from civicdesk.places.geocoding import TEXT_MAX, search
from civicdesk.places.models import Jurisdiction

FIND = "find"  # the name of the place form's Find button


def find_places(jurisdiction: Jurisdiction, code: str, form: PlaceForm) -> list[dict]:
    """The places matching the address of a form bound with `searching=True`, each with
    the link to the details step there; a missing text or no match is an error on the
    address field."""
    if not form.is_valid():
        return []
    text = form.cleaned_data["address"].strip()
    matches = search(jurisdiction, text)
    if not matches:
        form.add_error(
            "address",
            _(
                "Nothing matched “%(text)s”. Try another spelling or a nearby street, "
                "tap the map, or type the latitude and longitude."
            )
            % {"text": text},
        )
    details = reverse("citizens:report-details", args=[jurisdiction.slug, code])
    return [
        m.as_dict()
        | {
            "url": details
            + "?"
            + urlencode({"lat": f"{m.lat:.6f}", "lon": f"{m.lon:.6f}", "address": m.label})
        }
        for m in matches
    ]


@require_GET
def geocode(request: HttpRequest, city: str) -> JsonResponse:
    """GET /report/<city>/geocode.json?q=…: {"matches": [{label, lat, lon, source}]}."""
    jurisdiction = jurisdictions().get(city)
    if jurisdiction is None:
        raise Http404("No such city")
    text = request.GET.get("q", "")[:TEXT_MAX]
    return JsonResponse({"matches": [m.as_dict() for m in search(jurisdiction, text)]})
