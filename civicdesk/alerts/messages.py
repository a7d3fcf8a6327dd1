"""What an alert says, per channel, in the recipient's language. One message may stand
for several alerts sharing a digest key (one person following several issues)."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from civicdesk.alerts.models import Alert

SMS_LIMIT = 160

# One line per kind of alert; %(issue)s is the issue number, %(count)s how many issues.
HEADLINES = {
    "issue_received": _("We received your report #%(issue)s (%(issue_type)s)."),
    "issue_acknowledged": _("Issue #%(issue)s (%(issue_type)s) was acknowledged."),
    "issue_rerouted": _("Issue #%(issue)s was passed to %(unit)s."),
    "issue_rejected": _("Issue #%(issue)s was not taken up: %(reason)s"),
    "issue_merged": _("Issue #%(issue)s was merged with another report of the same fault."),
    "info_requested": _("The team needs more information on issue #%(issue)s."),
    "info_given": _("The citizen answered on issue #%(issue)s."),
    "issue_reopened": _("Issue #%(issue)s was reopened: it is not fixed."),
    "issue_resolved": _("Issue #%(issue)s (%(issue_type)s) is resolved. Was it fixed?"),
    "activity_updated": _("Work on issue #%(issue)s: %(title)s is now %(status)s."),
    "issue_updated": _("Issue #%(issue)s: %(note)s"),
    "feedback_reminder": _("Issue #%(issue)s was resolved. Tell us if it was fixed."),
    "response_at_risk": _("Issue #%(issue)s will miss its response deadline soon."),
    "response_breached": _("Issue #%(issue)s missed its response deadline."),
    "resolution_at_risk": _("Issue #%(issue)s will miss its resolution deadline soon."),
    "resolution_breached": _("Issue #%(issue)s missed its resolution deadline."),
    "escalation": _("Escalated: issue #%(issue)s is past its %(clock)s deadline."),
    # Staff escalate by hand before any deadline passes (the dispatch centre's "escalate now").
    "escalation_manual": _("Escalated by %(by)s: issue #%(issue)s needs attention."),
}
GENERIC = _("There is news on issue #%(issue)s.")
# The clock a deadline belongs to, as a word in the headline ("past its response deadline").
CLOCKS = {
    "response": pgettext_lazy("deadline", "response"),
    "resolution": pgettext_lazy("deadline", "resolution"),
}
# A reply to a citizen's own text message (civicdesk.phonelines): its payload's text, written
# in their language, is the whole SMS.
REPLY_KIND = "phone_reply"


@dataclass(frozen=True)
class Message:
    headline: str
    subject: str
    text: str
    html: str
    sms: str
    url: str
    unsubscribe_url: str | None


def issue_url(issue_id: int | None) -> str:
    """The stable public path of an issue page."""
    return f"{settings.SITE_URL.rstrip('/')}/issues/{issue_id}/" if issue_id else settings.SITE_URL


def _headline(alert: Alert) -> str:
    if alert.kind == REPLY_KIND:
        return str(alert.payload.get("text", ""))
    fields = {
        "issue": alert.issue_id or "",
        "issue_type": "",
        "unit": "",
        "reason": "",
        "title": "",
        "status": "",
        "clock": "",
        "note": "",
        "by": "",
    }
    fields |= {k: v for k, v in alert.payload.items() if isinstance(v, str | int)}
    fields["clock"] = str(CLOCKS.get(fields["clock"], fields["clock"]))
    if alert.kind == "escalation" and alert.payload.get("manual"):
        headline = str(HEADLINES["escalation_manual"]) % fields
        return f"{headline} {fields['note']}" if fields["note"] else headline
    try:
        return str(HEADLINES.get(alert.kind, GENERIC)) % fields
    except (KeyError, ValueError, TypeError):
        return str(GENERIC) % fields


def compose(alerts: list[Alert], language: str, unsubscribe_url: str | None) -> Message:
    """One message for alerts sharing a recipient and a digest key."""
    with translation.override(language):
        first = alerts[0]
        issues = sorted({a.issue_id for a in alerts if a.issue_id})
        url = issue_url(issues[0] if len(issues) == 1 else first.issue_id)
        if len(issues) > 1:
            headline = ngettext(
                "%(count)s issue you follow has news: %(first)s",
                "%(count)s issues you follow have news: %(first)s",
                len(issues),
            ) % {"count": len(issues), "first": _headline(first)}
        else:
            headline = _headline(first)
        context = {
            "headline": headline,
            "lines": [_headline(a) for a in alerts],
            "issues": [(i, issue_url(i)) for i in issues],
            "url": url,
            "unsubscribe_url": unsubscribe_url,
            "summary": first.payload.get("summary", ""),
        }
        sms = render_to_string("alerts/sms.txt", context).strip()
        if first.kind == REPLY_KIND:
            sms = headline
        elif len(sms) > SMS_LIMIT:
            # Keep the link whole: shorten the words before it.
            room = SMS_LIMIT - len(url) - 2
            sms = f"{headline[: room - 1]}… {url}"
        return Message(
            headline=headline,
            subject=render_to_string("alerts/email_subject.txt", context).strip(),
            text=render_to_string("alerts/email.txt", context),
            html=render_to_string("alerts/email.html", context),
            sms=sms,
            url=url,
            unsubscribe_url=unsubscribe_url,
        )


def unsubscribe_path(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("alerts:unsubscribe", args=[token])
