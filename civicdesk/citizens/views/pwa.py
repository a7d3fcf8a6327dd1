"""The installable app: its manifest, its service worker (served from / so that it
controls every page) and the one-page report form it keeps for use without signal."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from civicdesk.citizens.forms import ReportForm
from civicdesk.citizens.views.reporting import grouped_types
from civicdesk.issues.reference import jurisdictions

# Bump to make every installed app fetch its cached pages again.
CACHE_VERSION = "civicdesk-v2"  # v2: the report form shows a 429 page (outbox.js)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": "Civic Desk",
            "short_name": "Civic Desk",
            "description": _("Report service-delivery issues and follow them until fixed."),
            "start_url": "/report/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5cad",
            "icons": [
                {"src": static("citizens/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("citizens/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("citizens/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [
        "/report/offline/",
        static("civicdesk/site.css"),
        static("citizens/citizens.css"),
        static("citizens/outbox.js"),
        static("citizens/offline.js"),
        static("citizens/icon.svg"),
    ]
    return render(
        request,
        "citizens/sw.js",
        {"version": CACHE_VERSION, "shell": shell, "static_prefix": static("")},
        content_type="application/javascript",
    )


@require_GET
def offline_report(request: HttpRequest) -> HttpResponse:
    """Every category of every city with its questions, in one form that works from the
    phone's cache: what the service worker shows when a page cannot be loaded."""
    categories, shared = [], None
    for city in sorted(jurisdictions().values(), key=lambda j: j.name):
        for group, types in grouped_types(city):
            for issue_type in types:
                form = ReportForm(
                    issue_type=issue_type, signed_in=False, auto_id=f"id_{issue_type.pk}_%s"
                )
                shared = shared or form
                categories.append(
                    {"city": city, "group": group, "issue_type": issue_type, "form": form}
                )
    return render(
        request, "citizens/report/offline.html", {"categories": categories, "shared": shared}
    )
