"""Activities: the list, creating and editing one, and its page where staff move it on,
link and unlink issues (from a list or the map) and see who will be told."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdesk import timekeeping
from civicdesk.accounts.models import User
from civicdesk.activities.conflicts import ActivityConflict
from civicdesk.activities.models import Activity, ActivityStatus
from civicdesk.activities.services import (
    UNFINISHED,
    cancel_activity,
    create_activity,
    edit_activity,
    link_issues,
    unlink_issues,
    update_activity,
)
from civicdesk.backoffice.forms import (
    ActivityForm,
    ActivityProgressForm,
    BasedOnForm,
    CancelActivityForm,
)
from civicdesk.backoffice.nearby import metres
from civicdesk.backoffice.queries import link_candidates
from civicdesk.backoffice.services import MAX_SELECTION
from civicdesk.backoffice.views.common import (
    apply_errors,
    page_of,
    query_without,
    selected_ids,
    staff_view,
)
from civicdesk.issues.models import OPEN_STATUSES, Issue, Push
from civicdesk.issues.sla_state import with_sla_state
from civicdesk.units.access import Scope
from civicdesk.units.models import BusinessUnit, Programme

RADII = (250, 500, 1000, 2000, 5000)
CANDIDATES_SHOWN = 100
MAP_LINKED_LIMIT = 2000


def _unit_filter(scope: Scope, prefix: str) -> Q:
    if scope.everything:
        return Q()
    return Q(**{f"{prefix}__in": scope.unit_ids}) | Q(
        **{f"{prefix}__jurisdiction__in": scope.dispatch_jurisdiction_ids}
    )


def _programmes(scope: Scope) -> QuerySet[Programme]:
    return Programme.objects.filter(_unit_filter(scope, "unit")).select_related("unit")


def _unit_staff(unit: BusinessUnit) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__programme__unit=unit, is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )


def _activity_in_scope(request: HttpRequest, activity_id: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("programme__unit__jurisdiction", "created_by"),
        pk=activity_id,
    )
    if not request.scope.covers_unit(activity.programme.unit):
        raise PermissionDenied("This activity belongs to another unit.")
    return activity


@require_GET
@staff_view
def activity_list(request: HttpRequest) -> HttpResponse:
    activities = Activity.objects.filter(_unit_filter(request.scope, "programme__unit"))
    state = request.GET.get("state", "unfinished")
    if state == "unfinished":
        activities = activities.filter(status__in=UNFINISHED)
    elif state in ActivityStatus.values:
        activities = activities.filter(status=state)
    if q := request.GET.get("q", "").strip():
        activities = activities.filter(title__icontains=q)
    activities = (
        activities.select_related("programme__unit")
        .annotate(issue_count=Count("links"))
        .order_by("-updated_at", "-id")
    )
    return render(
        request,
        "backoffice/activities.html",
        {
            "page": page_of(request, activities),
            "state": state,
            "q": request.GET.get("q", ""),
            "states": ActivityStatus.choices,
            "query": query_without(request, "page"),
        },
    )


@staff_view
def activity_new(request: HttpRequest) -> HttpResponse:
    programmes = _programmes(request.scope)
    chosen = request.POST.get("programme") or request.GET.get("programme") or ""
    programme = programmes.filter(pk=chosen).first() if chosen.isdecimal() else None
    staff = (
        User.objects.filter(memberships__programme__in=programmes, is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )
    form = ActivityForm(
        request.POST or None,
        programmes=programmes,
        staff=staff,
        initial={"programme": programme},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = create_activity(
                data["programme"],
                request.user,
                title=data["title"],
                description=data["description"],
                public_summary=data["public_summary"],
                scheduled_start=data["scheduled_start"],
                scheduled_end=data["scheduled_end"],
                assignees=data["assignees"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Activity created."))
            return redirect("backoffice:activity", activity.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "backoffice/activity_form.html", {"form": form, "activity": None}, status=status
    )


def _details(activity: Activity) -> dict:
    return {
        "title": activity.title,
        "description": activity.description,
        "scheduled_start": activity.scheduled_start,
        "scheduled_end": activity.scheduled_end,
        "assignees": list(activity.assignees.all()),
    }


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(u.get_full_name() or u.get_username() for u in value) or "—"
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _conflict_form(form: BasedOnForm, conflict: ActivityConflict, current: dict) -> BasedOnForm:
    """The posted form, based on the current version now, with the fields changed meanwhile
    marked: what they hold now and who changed them."""
    rebased = form.rebased(current, conflict.activity.version)
    who = conflict.by.get_full_name() or conflict.by.get_username() if conflict.by else None
    for name in conflict.fields:
        message = _(
            "%(who)s changed this meanwhile; it is now “%(value)s”. Save again to replace it"
            " with yours."
        ) % {"who": who or _("Someone"), "value": _shown(current[name])}
        rebased.add_error(name if name in rebased.fields else None, message)
    return rebased


@staff_view
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _activity_in_scope(request, activity_id)
    form = ActivityForm(
        request.POST or None,
        initial=_details(activity) | {"version": activity.version},
        programmes=Programme.objects.none(),
        staff=_unit_staff(activity.programme.unit),
        editing=True,
    )
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        edits = form.edits()
        try:
            edit_activity(
                activity,
                request.user,
                version=edits.get("version"),
                base=edits.get("base"),
                **edits["changes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except ActivityConflict as conflict:
            form = _conflict_form(form, conflict, _details(conflict.activity))
            status = 409
        else:
            messages.success(request, _("Activity saved."))
            return redirect("backoffice:activity", activity.pk)
    return render(
        request,
        "backoffice/activity_form.html",
        {"form": form, "activity": activity},
        status=status,
    )


def _progress(activity: Activity) -> dict:
    return {
        "status": activity.status,
        "progress": activity.progress,
        "public_summary": activity.public_summary,
    }


def _counts(activity: Activity) -> dict:
    linked = Issue.objects.filter(activity_links__activity=activity)
    counts = linked.aggregate(
        issues=Count("id"),
        reporters=Count("reporter_id", distinct=True),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
    )
    counts["pushers"] = Push.objects.filter(issue__activity_links__activity=activity).aggregate(
        n=Count("citizen_id", distinct=True)
    )["n"]
    return counts


def _candidates(request: HttpRequest, activity: Activity) -> tuple[list[Issue], int, bool]:
    raw = request.GET.get("radius", "")
    radius = int(raw) if raw.isdecimal() and int(raw) in RADII else 1000
    same_types = request.GET.get("types") != "all"
    if activity.status not in UNFINISHED:
        return [], radius, same_types
    candidates = list(
        link_candidates(activity, radius, same_types).select_related("issue_type", "area")[
            :CANDIDATES_SHOWN
        ]
    )
    for issue in candidates:
        issue.distance = metres(issue.distance2)
    return candidates, radius, same_types


def _act(request: HttpRequest, activity: Activity, action: str, forms: dict) -> str | None:
    """Carry out a posted action; its success message, or None if a form is invalid."""
    user = request.user
    if action == "update":
        form = forms["progress"]
        if not form.is_valid():
            return None
        edits = form.edits()
        update_activity(
            activity,
            user,
            version=edits.get("version"),
            base=edits.get("base"),
            **edits["changes"],
        )
        return _("Activity updated; the linked issues follow and their followers are told.")
    if action == "cancel":
        form = forms["cancel"]
        if not form.is_valid():
            return None
        cancel_activity(activity, user, form.cleaned_data["reason"])
        return _("Activity cancelled; its issues are back with the unit.")
    ids = selected_ids(request)
    if len(ids) > MAX_SELECTION:
        raise ValidationError(_("Select at most %(max)s issues at once.") % {"max": MAX_SELECTION})
    if action == "link":
        added = link_issues(activity, ids, user)
        return _("Linked %(count)s issues.") % {"count": added}
    if action == "unlink":
        if not ids:
            raise ValidationError(_("Select the issues to unlink."))
        removed = unlink_issues(activity, ids, user)
        return _("Unlinked %(count)s issues.") % {"count": removed}
    raise ValidationError(_("Unknown action."))


@staff_view
def activity_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _activity_in_scope(request, activity_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    data = request.POST if action else None
    forms = {
        "progress": ActivityProgressForm(
            data if action == "update" else None,
            initial=_progress(activity) | {"version": activity.version},
        ),
        "cancel": CancelActivityForm(data if action == "cancel" else None),
    }
    status = 200
    if action:
        try:
            message = _act(request, activity, action, forms)
        except ValidationError as exc:
            form = forms.get("progress" if action == "update" else action)
            if form is not None:
                apply_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("backoffice:activity", activity.pk)
            status = 400
        except ActivityConflict as conflict:
            forms["progress"] = _conflict_form(
                forms["progress"], conflict, _progress(conflict.activity)
            )
            activity = _activity_in_scope(request, activity_id)
            status = 409
        else:
            if message:
                messages.success(request, message)
                return redirect("backoffice:activity", activity.pk)
            status = 400
    linked = (
        with_sla_state(Issue.objects.filter(activity_links__activity=activity), timekeeping.now())
        .select_related("issue_type", "area")
        .order_by("-submitted_at", "-id")
    )
    candidates, radius, same_types = _candidates(request, activity)
    context = {
        "activity": activity,
        "assignees": list(activity.assignees.all()),
        "counts": _counts(activity),
        "page": page_of(request, linked),
        "query": query_without(request, "page"),
        "candidates": candidates,
        "radius": radius,
        "radii": RADII,
        "same_types": same_types,
        # The activity's own history; its issues' events are on their pages.
        "events": list(
            activity.events.filter(issue__isnull=True)
            .select_related("actor")
            .order_by("-created_at", "-id")[:50]
        ),
        "forms": forms,
        "unfinished": activity.status in UNFINISHED,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "backoffice/activity.html", context, status=status)


@require_GET
@staff_view
def activity_map_data(request: HttpRequest, activity_id: int) -> JsonResponse:
    """Linked issues (at most MAP_LINKED_LIMIT) and candidates to link, as GeoJSON."""
    activity = _activity_in_scope(request, activity_id)
    linked = Issue.objects.filter(activity_links__activity=activity, lat__isnull=False)
    candidates, _radius, _types = _candidates(request, activity)

    def feature(pk, lat, lon, type_name, status, role):
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": pk, "type": type_name, "status": status, "role": role},
        }

    features = [
        feature(*row, "linked")
        for row in linked.values_list("id", "lat", "lon", "issue_type__name", "status")[
            :MAP_LINKED_LIMIT
        ]
    ]
    features += [
        feature(i.pk, i.lat, i.lon, i.issue_type.name, i.status, "candidate") for i in candidates
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
