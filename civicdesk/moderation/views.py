"""The moderation page of an issue (its description, notes, feedback and photos, each with
a form to redact or hide it) and photos as staff see them, hidden ones included."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdesk.backoffice.views.common import apply_errors, issue_in_scope, staff_view
from civicdesk.issues.models import Feedback, Issue, Photo
from civicdesk.moderation import services
from civicdesk.moderation.forms import HideForm, RedactForm
from civicdesk.timeline.models import Event

ACTIONS = ("description", "note", "feedback", "photo")


def _act(request: HttpRequest, issue: Issue, action: str, form: forms.Form) -> str:
    data, user = form.cleaned_data, request.user
    object_id = request.POST.get("id", "")
    object_id = int(object_id) if object_id.isdecimal() and len(object_id) < 19 else 0
    if action == "description":
        services.redact_description(issue, user, **data)
        return _("The description is redacted.")
    if action == "note":
        event = get_object_or_404(Event, pk=object_id, issue=issue)
        services.redact_note(event, user, **data)
        return _("The note is redacted.")
    if action == "feedback":
        feedback = get_object_or_404(Feedback, pk=object_id, issue=issue)
        services.redact_feedback(feedback, user, **data)
        return _("The feedback comment is redacted.")
    photo = get_object_or_404(Photo, pk=object_id, issue=issue)
    services.hide_photo(photo, user, **data)
    return _("The photo is hidden.")


@staff_view
def moderate_issue(request: HttpRequest, issue_id: int) -> HttpResponse:
    issue = issue_in_scope(request, issue_id, Issue.objects.select_related("issue_type"))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    posted = None
    if action in ACTIONS:
        form = (HideForm if action == "photo" else RedactForm)(request.POST)
        if form.is_valid():
            try:
                message = _act(request, issue, action, form)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("moderation:issue", issue.pk)
        posted = (action, request.POST.get("id", ""), form)
    elif action:
        messages.error(request, _("Unknown action."))
        return redirect("moderation:issue", issue.pk)

    def form_for(kind: str, object_id="") -> forms.Form:
        if posted and posted[0] == kind and posted[1] == str(object_id):
            return posted[2]
        return HideForm() if kind == "photo" else RedactForm()

    context = {
        "issue": issue,
        "description_form": form_for("description"),
        "notes": [
            (event, form_for("note", event.pk))
            for event in issue.events.exclude(note="").order_by("created_at", "id")
        ],
        "feedback": [
            (feedback, form_for("feedback", feedback.pk))
            for feedback in issue.feedback.exclude(comment="").order_by("created_at", "id")
        ],
        "photos": [
            (photo, form_for("photo", photo.pk))
            for photo in issue.photos.order_by("uploaded_at", "id")
        ],
    }
    return render(request, "moderation/issue.html", context, status=400 if posted else 200)


@require_GET
@staff_view
def staff_photo(request: HttpRequest, photo_id: int) -> FileResponse:
    """Any photo of an issue in the user's scope, hidden or not; never cached publicly."""
    photo = get_object_or_404(Photo, pk=photo_id)
    issue_in_scope(request, photo.issue_id)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
