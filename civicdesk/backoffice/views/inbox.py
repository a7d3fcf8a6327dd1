"""A unit's (or a programme's) inbox: its issues by SLA risk, as a list or a map, with
actions on a selection of them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicdesk import timekeeping
from civicdesk.activities.models import Activity, ActivityIssue
from civicdesk.activities.services import UNFINISHED, create_activity, link_issues
from civicdesk.backoffice.forms import InboxFilterForm
from civicdesk.backoffice.nearby import centre_of, metres
from civicdesk.backoffice.queries import activities_for_linking, inbox, rows, unit_issues
from civicdesk.backoffice.services import MAX_SELECTION, for_each_issue
from civicdesk.backoffice.views.common import (
    page_of,
    posted_id,
    query_without,
    report_outcome,
    safe_next,
    selected_ids,
    staff_view,
    unit_in_scope,
)
from civicdesk.issues.services import acknowledge, add_note, request_info
from civicdesk.units.models import BusinessUnit, Programme

# The most issues a map shows at once (the riskiest); the page says so when there are more.
MAP_LIMIT = 2000
PAGE_SIZES = (25, 50, 100)


def _programme_in_scope(request: HttpRequest, programme_id: int) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("unit__jurisdiction"), pk=programme_id
    )
    if not request.scope.covers_unit(programme.unit):
        raise PermissionDenied("This programme is not yours.")
    return programme


def _filtered(request: HttpRequest, unit: BusinessUnit, programme: Programme | None):
    form = InboxFilterForm(request.GET or None, jurisdiction_id=unit.jurisdiction_id)
    issues = inbox(unit_issues(unit, programme), form.filters(), timekeeping.now())
    return form, issues


def _render_inbox(
    request: HttpRequest, unit: BusinessUnit, programme: Programme | None
) -> HttpResponse:
    form, issues = _filtered(request, unit, programme)
    size = request.GET.get("size", "")
    size = int(size) if size.isdecimal() and int(size) in PAGE_SIZES else 50
    page = page_of(request, issues.values_list("id", flat=True), size)
    page.object_list = rows(list(page.object_list), timekeeping.now())
    links: dict[int, list[Activity]] = {}
    for link in ActivityIssue.objects.filter(
        issue_id__in=[issue.pk for issue in page], activity__status__in=UNFINISHED
    ).select_related("activity"):
        links.setdefault(link.issue_id, []).append(link.activity)
    for issue in page:
        issue.open_activities = links.get(issue.pk, [])
    here = (
        reverse("backoffice:programme-inbox", args=[programme.pk])
        if programme
        else reverse("backoffice:unit-inbox", args=[unit.pk])
    )
    context = {
        "unit": unit,
        "programme": programme,
        "programmes": list(unit.programmes.all()),
        "form": form,
        "page": page,
        "query": query_without(request, "page"),
        "filters_query": query_without(request, "page", "view", "size"),
        "map_view": request.GET.get("view") == "map",
        "here": here,
        "map_limit": MAP_LIMIT,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "max_selection": MAX_SELECTION,
    }
    if request.headers.get("HX-Request") and request.GET.get("fragment") == "rows":
        return render(request, "backoffice/_inbox_rows.html", context)
    return render(request, "backoffice/inbox.html", context)


@require_GET
@staff_view
def unit_inbox(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _render_inbox(request, unit_in_scope(request, unit_id), None)


@require_GET
@staff_view
def programme_inbox(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_in_scope(request, programme_id)
    return _render_inbox(request, programme.unit, programme)


def _features(issues) -> list[dict]:
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": pk,
                "type": type_name,
                "status": status,
                "sla": sla or "",
                "pushes": pushes,
            },
        }
        for pk, lat, lon, type_name, status, sla, pushes in issues.filter(
            lat__isnull=False
        ).values_list("id", "lat", "lon", "issue_type__name", "status", "sla_state", "push_count")[
            :MAP_LIMIT
        ]
    ]


@require_GET
@staff_view
def inbox_map_data(request: HttpRequest, unit_id: int) -> JsonResponse:
    """The inbox's issues as GeoJSON points, the riskiest MAP_LIMIT of them."""
    unit = unit_in_scope(request, unit_id)
    programme_id = request.GET.get("programme", "")
    programme = None
    if programme_id.isdecimal():
        programme = _programme_in_scope(request, int(programme_id))
        if programme.unit_id != unit.pk:
            raise PermissionDenied("This programme is not of this unit.")
    _, issues = _filtered(request, unit, programme)
    features = _features(issues)
    total = len(features) if len(features) < MAP_LIMIT else issues.count()
    return JsonResponse({"type": "FeatureCollection", "features": features, "total": total})


@require_GET
@staff_view
def activity_search(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The unit's unfinished activities matching a title, nearest to the selection first
    (an htmx fragment of choices for the "link to an activity" dialog)."""
    unit = unit_in_scope(request, unit_id)
    ids = selected_ids(request)[:MAX_SELECTION]
    centre = centre_of(unit_issues(unit).filter(pk__in=ids)) if ids else None
    activities = list(activities_for_linking(unit, request.GET.get("q", ""), centre)[:15])
    for activity in activities:
        activity.distance = metres(getattr(activity, "distance2", None))
    return render(
        request,
        "backoffice/_activity_options.html",
        {
            "activities": activities,
            "near": centre is not None,
            "query": request.GET.get("q", "").strip(),
        },
    )


@require_POST
@staff_view
def bulk_action(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Act on the issues selected in the inbox. Each is checked to be the unit's."""
    unit = unit_in_scope(request, unit_id)
    back = safe_next(request, reverse("backoffice:unit-inbox", args=[unit.pk]))
    ids = selected_ids(request)
    if not ids:
        messages.error(request, _("Select at least one issue first."))
        return redirect(back)
    if len(ids) > MAX_SELECTION:
        messages.error(
            request, _("Select at most %(max)s issues at once.") % {"max": MAX_SELECTION}
        )
        return redirect(back)
    issues = list(
        unit_issues(unit).filter(pk__in=ids).select_related("issue_type", "reporter", "unit")
    )
    if len(issues) != len(ids):
        raise PermissionDenied("Some of the selected issues are not this unit's.")
    action, user = request.POST.get("action", ""), request.user
    text = request.POST.get("text", "")
    try:
        if action == "acknowledge":
            outcome = for_each_issue(issues, lambda issue: acknowledge(issue, user))
            report_outcome(request, outcome, _("Acknowledged %(count)s issues."))
        elif action == "note":
            if not text.strip():
                raise ValidationError(_("Write the note first."))
            outcome = for_each_issue(issues, lambda issue: add_note(issue, user, text))
            report_outcome(request, outcome, _("Added the internal note to %(count)s issues."))
        elif action == "request_info":
            if not text.strip():
                raise ValidationError(_("Write the question for the reporters."))
            outcome = for_each_issue(issues, lambda issue: request_info(issue, user, text))
            report_outcome(request, outcome, _("Asked the reporters of %(count)s issues."))
        elif action == "link":
            activity = get_object_or_404(
                Activity, pk=posted_id(request, "activity"), programme__unit=unit
            )
            added = link_issues(activity, ids, user)
            messages.success(
                request,
                _("Linked %(count)s issues to “%(title)s”.")
                % {"count": added, "title": activity.title},
            )
        elif action == "create_activity":
            programme = get_object_or_404(Programme, pk=posted_id(request, "programme"), unit=unit)
            activity = create_activity(
                programme,
                user,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                public_summary=request.POST.get("public_summary", ""),
                issues=ids,
            )
            messages.success(
                request,
                _("Created “%(title)s” with %(count)s issues.")
                % {"title": activity.title, "count": len(ids)},
            )
            return redirect("backoffice:activity", activity.pk)
        else:
            messages.error(request, _("Choose an action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)
