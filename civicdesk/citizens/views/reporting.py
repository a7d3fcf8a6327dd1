"""Reporting an issue in steps: category, place, details (with nearby open issues to
push instead), then a confirmation with the promised deadlines. Each step is a plain
page and form, so it works without JavaScript; scripts only add the map, the device's
location and the offline queue."""

from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from civicdesk.assets.services import nearest_assets
from civicdesk.catalogue.models import IssueType
from civicdesk.citizens.forms import PlaceForm, ReportForm, new_key
from civicdesk.citizens.models import ReportKey
from civicdesk.citizens.services.account import ensure_citizen
from civicdesk.citizens.services.reporting import nearby_open_issues, report_from_web
from civicdesk.citizens.views import placing
from civicdesk.citizens.views.identity import contact_known, remember
from civicdesk.issues.models import Issue
from civicdesk.issues.reference import jurisdictions, reference
from civicdesk.issues.services import Contact
from civicdesk.places.models import Jurisdiction
from civicdesk.throttling import limits
from civicdesk.throttling.responses import detail, too_many_page, with_retry_after


def _jurisdiction(slug: str) -> Jurisdiction:
    found = jurisdictions().get(slug)
    if found is None:
        raise Http404("No such city")
    return found


def _issue_type(jurisdiction: Jurisdiction, code: str) -> IssueType:
    found = reference(jurisdiction).issue_types.get(code)
    if found is None:
        raise Http404("No such category")
    return found


def _matches(issue_type: IssueType, words: list[str]) -> bool:
    text = " ".join(
        [issue_type.name, issue_type.group, issue_type.keywords, issue_type.description]
    ).lower()
    return all(word in text for word in words)


def grouped_types(jurisdiction: Jurisdiction, query: str = "") -> list[tuple[str, list]]:
    """The jurisdiction's active issue types by group, filtered by every word of `query`."""
    words = query.lower().split()
    groups: dict[str, list[IssueType]] = defaultdict(list)
    for issue_type in reference(jurisdiction).issue_types.values():
        if _matches(issue_type, words):
            groups[issue_type.group or _("Other")].append(issue_type)
    return [(g, sorted(types, key=lambda t: t.name)) for g, types in sorted(groups.items())]


def _map_settings(jurisdiction: Jurisdiction) -> dict:
    bounds = reference(jurisdiction).bounds
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        # south, west, north, east
        "bounds": ",".join(str(b) for b in (bounds[0], bounds[2], bounds[1], bounds[3]))
        if bounds
        else "",
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    cities = sorted(jurisdictions().values(), key=lambda j: j.name)
    groups = grouped_types(cities[0]) if len(cities) == 1 else []
    return render(request, "citizens/home.html", {"cities": cities, "groups": groups})


@require_GET
def choose_category(request: HttpRequest) -> HttpResponse:
    cities = sorted(jurisdictions().values(), key=lambda j: j.name)
    chosen = request.GET.get("city") or (cities[0].slug if len(cities) == 1 else "")
    city = jurisdictions().get(chosen)
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "cities": cities,
        "city": city,
        "query": query,
        "groups": grouped_types(city, query) if city else [],
    }
    if request.headers.get("HX-Request") and city:
        return render(request, "citizens/report/_categories.html", context)
    return render(request, "citizens/report/category.html", context)


@require_GET
def choose_place(request: HttpRequest, city: str, code: str) -> HttpResponse:
    jurisdiction = _jurisdiction(city)
    issue_type = _issue_type(jurisdiction, code)
    searching = placing.FIND in request.GET
    form = PlaceForm(request.GET or None, searching=searching)
    if request.GET and not searching and form.is_valid():
        query = request.GET.urlencode()
        return redirect(f"{reverse('citizens:report-details', args=[city, code])}?{query}")
    return render(
        request,
        "citizens/report/place.html",
        {
            "city": jurisdiction,
            "issue_type": issue_type,
            "form": form,
            "map": _map_settings(jurisdiction),
            "matches": placing.find_places(jurisdiction, code, form) if searching else None,
        },
    )


def _reporter(request: HttpRequest, form: ReportForm):
    if request.user.is_authenticated:
        return ensure_citizen(request.user)
    data = form.cleaned_data
    if not (data.get("email") or data.get("phone")):
        return None
    return Contact(name=data.get("name", ""), email=data.get("email", ""), phone=data["phone"])


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _report_keys(request: HttpRequest, form: ReportForm) -> dict[str, str]:
    if request.user.is_authenticated:
        account = limits.user_account(request.user)
    else:
        data = form.cleaned_data
        account = limits.contact_account(data.get("email", ""), data.get("phone", ""))
    return limits.client_keys(request, account=account)


def _too_many(request: HttpRequest, refusal: limits.Refusal) -> HttpResponse:
    if _wants_json(request):  # the offline queue keeps the report and tries again later
        return with_retry_after(JsonResponse({"detail": detail(refusal)}, status=429), refusal)
    return too_many_page(request, refusal)


@require_http_methods(["GET", "POST"])
def report_details(request: HttpRequest, city: str, code: str) -> HttpResponse:
    jurisdiction = _jurisdiction(city)
    issue_type = _issue_type(jurisdiction, code)
    signed_in = request.user.is_authenticated
    place = PlaceForm(request.POST if request.method == "POST" else request.GET)
    point = place.point if place.is_valid() else None
    assets = []
    if issue_type.asset_kind and point:
        assets = nearest_assets(issue_type.asset_kind, *point, jurisdiction=jurisdiction)
    if request.method == "POST":
        form = ReportForm(
            request.POST, request.FILES, issue_type=issue_type, signed_in=signed_in, assets=assets
        )
        if form.is_valid():
            data = form.cleaned_data
            keys = _report_keys(request, form)
            refused = limits.refusal(request, limits.REPORT, keys)
            # A retry of a report already made (the offline queue) still gets its answer.
            if refused and not ReportKey.objects.filter(key=data["key"]).exists():
                return _too_many(request, refused)
            reporter = _reporter(request, form)
            # An address someone already uses proves nothing: the browser is not theirs.
            known = isinstance(reporter, Contact) and contact_known(reporter.email, reporter.phone)
            try:
                issue, created = report_from_web(
                    jurisdiction=jurisdiction,
                    issue_type_code=issue_type.code,
                    key=data["key"],
                    lat=data.get("lat"),
                    lon=data.get("lon"),
                    address=data.get("address", ""),
                    description=data.get("description", ""),
                    answers=form.answers(),
                    reporter=reporter,
                    photos=data.get("photos") or [],
                    asset=data.get("asset"),
                    share_photo_location=data.get("share_photo_location", False),
                )
            except ValidationError as exc:
                form.apply_service_errors(exc)
            else:
                if created:
                    limits.count(request, limits.REPORT, keys)
                if not known:
                    remember(request, issue.reporter)
                url = reverse("citizens:report-sent", args=[issue.pk])
                if _wants_json(request):
                    return JsonResponse({"issue": issue.pk, "url": url})
                return redirect(url)
        if _wants_json(request):
            return JsonResponse({"errors": form.errors}, status=400)
        status = 400
    else:
        form = ReportForm(
            initial={
                "lat": request.GET.get("lat"),
                "lon": request.GET.get("lon"),
                "address": request.GET.get("address", ""),
                "key": new_key(),
            },
            issue_type=issue_type,
            signed_in=signed_in,
            assets=assets,
        )
        status = 200
    nearby = nearby_open_issues(issue_type, *point) if point else []
    return render(
        request,
        "citizens/report/details.html",
        {
            "city": jurisdiction,
            "issue_type": issue_type,
            "form": form,
            "nearby": nearby,
            "map": _map_settings(jurisdiction),
        },
        status=status,
    )


@require_GET
def report_sent(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = get_object_or_404(
        Issue.objects.select_related("issue_type", "unit", "service_level"), pk=issue_id
    )
    return render(request, "citizens/report/sent.html", {"issue": issue})
