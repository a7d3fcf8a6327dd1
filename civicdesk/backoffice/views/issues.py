"""One issue as staff see it (everything, internal notes included) with every action on
it, and the side-by-side view to merge it into another."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel
from civicdesk.activities.models import Activity
from civicdesk.activities.services import link_issues
from civicdesk.alerts.services import alert_channel_for
from civicdesk.backoffice.contacts import Interface, reveal_issue_contacts
from civicdesk.backoffice.forms import (
    EscalateForm,
    FollowUpForm,
    NoteForm,
    RejectForm,
    RequestInfoForm,
    RouteForm,
)
from civicdesk.backoffice.nearby import distance_between, metres
from civicdesk.backoffice.queries import nearby_candidates
from civicdesk.backoffice.services import escalate_now, log_follow_up
from civicdesk.backoffice.views.common import apply_errors, issue_in_scope, posted_id, staff_view
from civicdesk.issues.clock import sla_readings
from civicdesk.issues.models import OPEN_STATUSES, Issue, Status
from civicdesk.issues.services import (
    acknowledge,
    add_note,
    merge_duplicate,
    reject,
    request_info,
    reroute,
)
from civicdesk.slawatch.models import Escalation

ISSUE_DETAIL = Issue.objects.select_related(
    "issue_type", "area", "unit", "reporter", "duplicate_of", "service_level__calendar"
)
EVENTS_SHOWN = 200


def _forms(issue: Issue, data=None, action: str = "") -> dict[str, forms.Form]:
    """The page's forms; only the one that was posted is bound."""
    makers = {
        "note": lambda d: NoteForm(d, prefix="note"),
        "request_info": lambda d: RequestInfoForm(d, prefix="info"),
        "reject": lambda d: RejectForm(d, prefix="reject"),
        "route": lambda d: RouteForm(d, prefix="route", jurisdiction_id=issue.jurisdiction_id),
        "follow_up": lambda d: FollowUpForm(d, prefix="follow"),
        "escalate": lambda d: EscalateForm(d, prefix="escalate"),
    }
    return {name: make(data if name == action else None) for name, make in makers.items()}


def _act(request: HttpRequest, issue: Issue, action: str, form: forms.Form | None) -> str:
    """Carry out one action; its success message. Raises ValidationError."""
    user, data = request.user, form.cleaned_data if form else {}
    if action == "acknowledge":
        acknowledge(issue, user)
        return _("Acknowledged.")
    if action == "note":
        add_note(issue, user, data["note"])
        return _("Internal note added.")
    if action == "request_info":
        request_info(issue, user, data["question"])
        return _("The reporter was asked; the SLA clock is paused until they answer.")
    if action == "reject":
        reject(issue, user, data["reason"])
        return _("Rejected; the citizen sees the reason.")
    if action == "route":
        reroute(
            issue,
            data["unit"],
            user,
            reason=data["reason"],
            provider_reference=data["provider_reference"],
        )
        return _("Routed to %(unit)s.") % {"unit": data["unit"]}
    if action == "follow_up":
        log_follow_up(
            issue,
            user,
            contacted=data["contacted"],
            contacted_at=data["contacted_at"],
            promised=data["promised"],
            promised_for=data["promised_for"],
        )
        return _("Follow-up logged.")
    if action == "escalate":
        told = escalate_now(issue, user, data["note"])
        return _("Escalated: %(count)s told.") % {"count": told}
    if action == "link":
        activity = Activity.objects.filter(
            pk=posted_id(request, "activity"), programme__unit_id=issue.unit_id
        ).first()
        if activity is None:
            raise ValidationError(_("Choose one of the unit's activities."))
        link_issues(activity, [issue], user)
        return _("Linked to “%(title)s”.") % {"title": activity.title}
    raise ValidationError(_("Unknown action."))


@staff_view
def issue_page(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = issue_in_scope(request, issue_id, ISSUE_DETAIL)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    page_forms = _forms(issue, request.POST if action else None, action)
    status = 200
    if action:
        form = page_forms.get(action)
        if form is None or form.is_valid():
            try:
                message = _act(request, issue, action, form)
            except ValidationError as exc:
                if form is None:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("backoffice:issue", issue.pk)
                apply_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("backoffice:issue", issue.pk)
        status = 400
    return render(
        request, "backoffice/issue.html", _context(issue, page_forms, action), status=status
    )


def _context(issue: Issue, page_forms: dict, action: str) -> dict:
    now = timekeeping.now()
    candidates = list(nearby_candidates(issue)[:5])
    for candidate in candidates:
        candidate.distance = metres(candidate.distance2)
    return {
        "issue": issue,
        "readings": sla_readings(issue, now) if issue.service_level else None,
        "events": list(
            issue.events.select_related("actor").order_by("-created_at", "-id")[:EVENTS_SHOWN]
        ),
        "activities": list(issue.activities.select_related("programme")),
        "forwardings": list(issue.forwardings.select_related("provider__unit")),
        "follow_ups": list(issue.follow_ups.select_related("recorded_by")),
        "escalations": list(Escalation.objects.filter(issue=issue).select_related("rule")),
        "photos": list(issue.photos.filter(hidden=False)),
        "duplicates": issue.duplicates.aggregate(n=Count("id"))["n"],
        "candidates": candidates,
        "forms": page_forms,
        "is_open": issue.status in OPEN_STATUSES,
        "can_acknowledge": issue.status in (Status.SUBMITTED, Status.REOPENED),
        "can_ask": issue.status in OPEN_STATUSES and issue.status != Status.NEEDS_INFO,
        "failed_action": action,
        # The reporter's choice for this issue, else their global one.
        "reporter_alerts": AlertChannel(alert_channel_for(issue.reporter, issue)).label
        if issue.reporter
        else "",
    }


@never_cache
@require_POST
@staff_view
def issue_contacts(request: HttpRequest, issue_id: int) -> HttpResponse:
    """The contacts of the issue's citizens, on request (a POST, so no link or prefetch
    reveals them unasked), logged as a look by this user."""
    issue = issue_in_scope(request, issue_id, ISSUE_DETAIL)
    contacts = reveal_issue_contacts(request.user, issue, Interface.STAFF_PAGE)
    return render(request, "backoffice/issue_contacts.html", {"issue": issue, "contacts": contacts})


@staff_view
def merge_page(request: HttpRequest, issue_id: int) -> HttpResponse:
    """Close `issue_id` as a duplicate of the issue chosen side by side with it."""
    duplicate = issue_in_scope(request, issue_id, ISSUE_DETAIL)
    into = (request.POST.get("into") or request.GET.get("into") or "").strip().lstrip("#")
    original = issue_in_scope(request, int(into), ISSUE_DETAIL) if into.isdecimal() else None
    error = ""
    if request.method == "POST" and original is not None:
        try:
            merge_duplicate(duplicate, original, request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Issue #%(duplicate)s was merged into #%(original)s.")
                % {"duplicate": duplicate.pk, "original": original.pk},
            )
            return redirect("backoffice:issue", original.pk)
    scope_filter = request.scope.issue_filter()
    candidates = list(nearby_candidates(duplicate).filter(scope_filter)[:20])
    for candidate in candidates:
        candidate.distance = metres(candidate.distance2)
    distance = None
    if original is not None and original.lat is not None and duplicate.lat is not None:
        distance = distance_between(duplicate.lat, duplicate.lon, original.lat, original.lon)
    return render(
        request,
        "backoffice/merge.html",
        {
            "duplicate": duplicate,
            "original": original,
            "candidates": candidates,
            "distance": distance,
            "error": error,
            "back": reverse("backoffice:issue", args=[duplicate.pk]),
        },
        status=400 if error else 200,
    )
