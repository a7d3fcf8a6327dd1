"""Words citizens read for statuses, SLA states and timeline events, translatable."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicdesk.timeline.models import Event

STATUS = {
    "submitted": _("Submitted"),
    "acknowledged": _("Acknowledged"),
    "needs_info": _("Waiting on the reporter"),
    "in_progress": _("In progress"),
    "resolved": _("Resolved"),
    "closed": _("Closed"),
    "duplicate": _("Duplicate"),
    "rejected": _("Rejected"),
    "reopened": _("Reopened"),
}

ACTIVITY_STATUS = {
    "planned": pgettext_lazy("work", "Planned"),
    "in_progress": pgettext_lazy("work", "In progress"),
    "on_hold": pgettext_lazy("work", "On hold"),
    "completed": pgettext_lazy("work", "Completed"),
    "cancelled": pgettext_lazy("work", "Cancelled"),
}

SLA = {
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "breached": _("Late"),
    "met": _("Met"),
    "missed": _("Missed"),
    "paused": _("Paused, waiting on the reporter"),
    "no_target": _("No target"),
}


# What staff moderated (civicdesk.moderation); never what was there.
MODERATED = {
    "description": _("Staff removed part of the description"),
    "note": _("Staff removed part of a note"),
    "feedback": _("Staff removed part of a feedback comment"),
    "photo": _("Staff hid a photo"),
}


def status_label(status: str) -> str:
    return str(STATUS.get(status, status))


def describe(event: Event) -> str:
    """One line saying what happened, without personal data."""
    kind, old, new = event.kind, event.from_value, event.to_value
    if kind == "reported":
        return str(_("Reported"))
    if kind == "routed":
        return str(_("Sent to %(unit)s")) % {"unit": new}
    if kind == "unrouted":
        return str(_("Sent to the dispatch centre for routing"))
    if kind == "status":
        return str(_("Status: %(status)s")) % {"status": status_label(new)}
    if kind == "pushed":
        return str(_("Another citizen pushed this issue"))
    if kind == "unpushed":
        return str(_("A citizen withdrew their push"))
    if kind == "feedback":
        return str(_("Feedback: fixed") if new == "fixed" else _("Feedback: not fixed"))
    if kind == "linked" and event.issue_id:
        return str(_("Work planned: %(title)s")) % {"title": new}
    if kind == "unlinked" and event.issue_id:
        return str(_("No longer part of: %(title)s")) % {"title": old}
    if kind == "activity_created":
        return str(_("Work planned: %(title)s")) % {"title": event.note}
    if kind == "activity_status":
        return str(_("Work: %(status)s")) % {"status": ACTIVITY_STATUS.get(new, new)}
    if kind == "activity_progress":
        return str(_("Work %(percent)s%% done")) % {"percent": new}
    if kind == "activity_summary":
        return str(_("Actions taken"))
    if kind == "provider_update":
        return str(_("Update from the service provider"))
    if kind == "merged":
        return str(_("Marked as a duplicate"))
    if kind == "info_requested":
        return str(_("The unit asked the reporter for more information"))
    if kind == "rejected":
        return str(_("Rejected"))
    if kind == "forwarded":
        return str(_("Sent to the service provider"))
    if kind == "moderated":
        return str(MODERATED.get(new, _("Staff moderated this issue")))
    return str(_("Update"))


def shows_note(event: Event) -> bool:
    """Whether the event's note is meant for citizens (summaries, reasons, answers)."""
    return bool(event.note) and event.kind != "activity_created"
