"""The public page of one issue: status, place, photos, timeline and deadlines, kept up
to date by server-sent events; pushing it, and feedback once it is resolved. Nothing on
it names or contacts a citizen."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen
from civicdesk.activities.models import Activity
from civicdesk.assets.kinds import kind_label
from civicdesk.citizens.forms import ContactForm, FeedbackForm
from civicdesk.citizens.services.account import ensure_citizen
from civicdesk.citizens.services.feedback_codes import check_feedback_code, send_feedback_code
from civicdesk.citizens.views import labels
from civicdesk.citizens.views.identity import citizen_ids, contact_known, remember
from civicdesk.issues.clock import sla_readings
from civicdesk.issues.models import OPEN_STATUSES, Feedback, Issue, Photo, Push, Status
from civicdesk.issues.services import Contact, give_feedback, push
from civicdesk.live.feed import public_events_of_issue
from civicdesk.throttling import limits
from civicdesk.throttling.responses import too_many_page

# The page shows the latest events of a very long timeline; the stream carries the rest.
TIMELINE_LIMIT = 200


def _issue(issue_id: int) -> Issue:
    return get_object_or_404(
        Issue.objects.select_related(
            "issue_type", "unit", "area", "asset__jurisdiction", "service_level__calendar"
        ).prefetch_related(
            "service_level__calendar__hours", "service_level__calendar__closed_days"
        ),
        pk=issue_id,
    )


def _viewer(request: HttpRequest, issue: Issue) -> dict:
    """What the person looking may do: push, give feedback (one or two queries)."""
    ids = citizen_ids(request)
    is_reporter = issue.reporter_id in ids
    pushed = bool(ids) and Push.objects.filter(issue=issue, citizen_id__in=ids).exists()
    follower = is_reporter or pushed
    can_give_feedback = False
    if issue.status in (Status.RESOLVED, Status.CLOSED) and issue.resolved_at:
        already = Feedback.objects.filter(
            issue=issue, citizen_id__in=ids, created_at__gte=issue.resolved_at
        ).exists()
        can_give_feedback = not already
    return {
        "is_reporter": is_reporter,
        "pushed": pushed,
        "follower": follower,
        # An anonymous follower on another device proves who they are by contact.
        "can_give_feedback": can_give_feedback and (follower or not ids),
        "can_push": issue.status in OPEN_STATUSES and not follower,
    }


def _live_context(request: HttpRequest, issue: Issue) -> dict:
    public, activity_ids = public_events_of_issue(issue.pk)
    events = list(public.order_by("-created_at", "-id")[:TIMELINE_LIMIT])[::-1]
    readings = sla_readings(issue, timekeeping.now())
    return {
        "issue": issue,
        "status_label": labels.status_label(issue.status),
        "timeline": [
            {"event": e, "text": labels.describe(e), "note": labels.shows_note(e)} for e in events
        ],
        "last_event_id": max((e.pk for e in events), default=0),
        "deadlines": [
            (_("Response"), readings["response"], labels.SLA.get(readings["response"].state)),
            (_("Resolution"), readings["resolution"], labels.SLA.get(readings["resolution"].state)),
        ],
        "activities": [
            {
                "title": a.title,
                "status": labels.ACTIVITY_STATUS.get(a.status, a.status),
                "progress": a.progress,
                "summary": a.public_summary,
            }
            for a in Activity.objects.filter(pk__in=activity_ids).only(
                "title", "status", "progress", "public_summary"
            )
        ]
        if activity_ids
        else [],
        "viewer": _viewer(request, issue),
    }


def _page(
    request: HttpRequest,
    issue: Issue,
    contact_form: ContactForm | None = None,
    feedback_form: FeedbackForm | None = None,
    status: int = 200,
    awaiting_code: bool = False,
) -> HttpResponse:
    context = _live_context(request, issue) | {
        "awaiting_code": awaiting_code,
        "photos": Photo.objects.filter(issue=issue, hidden=False).only("id"),
        "contact_form": contact_form or ContactForm(),
        "feedback_form": feedback_form or FeedbackForm(),
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "asset_kind": kind_label(issue.asset.kind) if issue.asset else "",
    }
    return render(request, "citizens/issue/page.html", context, status=status)


@require_GET
def issue_page(request: HttpRequest, issue_id: int) -> HttpResponse:
    return _page(request, _issue(issue_id))


@require_GET
def issue_live(request: HttpRequest, issue_id: int) -> HttpResponse:
    """The changing part of the page, fetched again when the stream says it changed."""
    issue = _issue(issue_id)
    context = _live_context(request, issue) | {
        "contact_form": ContactForm(),
        "feedback_form": FeedbackForm(),
    }
    return render(request, "citizens/issue/_live.html", context)


def _contact_citizen(request: HttpRequest, form: ContactForm) -> Citizen | Contact:
    if request.user.is_authenticated:
        return ensure_citizen(request.user)
    return Contact(email=form.cleaned_data["email"], phone=form.cleaned_data["phone"])


@require_POST
def push_issue(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = get_object_or_404(Issue.objects.select_related("issue_type"), pk=issue_id)
    form = ContactForm(request.POST)
    if request.user.is_authenticated or form.is_valid():
        if request.user.is_authenticated:
            account = limits.user_account(request.user)
        else:
            account = limits.contact_account(form.cleaned_data["email"], form.cleaned_data["phone"])
        keys = limits.client_keys(request, account=account)
        if refused := limits.refusal(request, limits.PUSH, keys):
            return too_many_page(request, refused)
        # An address someone already uses proves nothing: this browser does not become
        # theirs, and the answer does not say whether they pushed before.
        by_contact = not request.user.is_authenticated
        known = by_contact and contact_known(form.cleaned_data["email"], form.cleaned_data["phone"])
        try:
            made, created = push(issue, _contact_citizen(request, form))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if created:
                limits.count(request, limits.PUSH, keys)
            if made is not None and not known:
                remember(request, made.citizen)
            if created or by_contact:
                messages.success(
                    request,
                    _("Thank you: you push issue #%(id)s. We will tell you when it changes.")
                    % {"id": issue.pk},
                )
            else:
                messages.info(request, _("You already follow issue #%(id)s.") % {"id": issue.pk})
            return redirect(reverse("citizens:issue", args=[issue.pk]))
    return _page(request, _issue(issue_id), contact_form=form, status=400)


@require_POST
def feedback(request: HttpRequest, issue_id: int) -> HttpResponse:
    """Feedback by the reporter or a pusher: this browser's (signed in, or remembered from
    reporting or pushing here), or, from another device, whoever proves an address of
    theirs with the one-time code sent to it."""
    issue = _issue(issue_id)
    form = FeedbackForm(request.POST)
    contact = ContactForm(request.POST)
    if not form.is_valid():
        return _page(request, issue, contact_form=contact, feedback_form=form, status=400)
    ids = citizen_ids(request)
    code = request.POST.get("code", "").strip()
    citizen = None
    if ids:
        citizen = (
            Citizen.objects.filter(erased_at=None, pk__in=ids)
            .filter(Q(pk=issue.reporter_id or 0) | Q(pushes__issue=issue))
            .first()
        )
        if citizen is None:
            form.add_error(
                None, _("Only the person who reported or pushed this issue can give feedback.")
            )
    elif code:
        citizen = check_feedback_code(request.session, issue, code)
        if citizen is None:
            form.add_error(None, _("This code is wrong or has expired: ask for a new one."))
            return _page(request, issue, contact, form, status=400, awaiting_code=True)
    elif contact.is_valid():
        send_feedback_code(
            request.session, issue, contact.cleaned_data["email"], contact.cleaned_data["phone"]
        )
        messages.info(
            request,
            _(
                "If this address reported or pushed the issue, a code is on its way to it. "
                "Enter it to send your feedback."
            ),
        )
        return _page(request, issue, contact, form, awaiting_code=True)
    if citizen is not None:
        try:
            give_feedback(
                issue,
                citizen,
                rating=form.cleaned_data["rating"],
                fixed=form.cleaned_data["fixed"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            remember(request, citizen)
            if form.cleaned_data["fixed"]:
                messages.success(request, _("Thank you for your feedback."))
            else:
                messages.success(
                    request, _("Thank you. The issue is reopened and the unit is told.")
                )
            return redirect(reverse("citizens:issue", args=[issue.pk]))
    return _page(request, issue, contact_form=contact, feedback_form=form, status=400)


@require_GET
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """A photo of an issue, unless staff hid it (hidden photos have no public address)."""
    found = Photo.objects.filter(pk=photo_id, hidden=False).first()
    if found is None:
        raise Http404("No such photo")
    # Named by its id: the stored file's name is not the public's business.
    response = FileResponse(found.image.open("rb"), filename=f"photo-{found.pk}.jpg")
    response["Cache-Control"] = "public, max-age=3600"
    return response
