"""What phone callers change, shared by the USSD menus and the SMS commands: who they are,
their language and SMS alerts, reports, pushes and replies by SMS through the outbox. Each
runs inside the transaction of the callback that asked for it."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError

from civicdesk import timekeeping
from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.alerts.messages import REPLY_KIND
from civicdesk.alerts.models import Alert, IssueAlertChoice
from civicdesk.issues.models import OPEN_STATUSES, Issue, Source
from civicdesk.issues.services import Contact, citizen_for, push, report_issue
from civicdesk.phonelines import lookups, texts
from civicdesk.phonelines.models import PhoneProfile
from civicdesk.places.models import Area, Jurisdiction


def phone_citizen(phone: str) -> Citizen:
    """The citizen behind a phone number: the number is their contact, private as any.
    Locked until the callback's transaction ends (see lock_number)."""
    citizen = citizen_for(Contact(phone=phone))
    assert citizen is not None  # a phone number always makes a contact
    lock_number(citizen)
    return citizen


def lock_number(citizen: Citizen) -> None:
    """Hold the number's row until the callback's transaction ends. The number's hourly
    and daily limits count its earlier rows and then add one: a second callback from the
    same number waits here until the first has committed what it counts."""
    Citizen.objects.select_for_update().filter(pk=citizen.pk).values_list("pk").get()


def language_chosen(citizen: Citizen) -> bool:
    return PhoneProfile.objects.filter(citizen=citizen, language_chosen_at__isnull=False).exists()


def choose_language(citizen: Citizen, language: str) -> None:
    """Remember the language: on the citizen, where alerts read it too."""
    if language not in texts.LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    Citizen.objects.filter(pk=citizen.pk).update(language=language)
    citizen.language = language
    PhoneProfile.objects.update_or_create(
        citizen=citizen, defaults={"language_chosen_at": timekeeping.now()}
    )


def stop_sms(citizen: Citizen) -> None:
    """No more SMS alerts to this number; those waiting are cancelled. Issues for which
    the citizen chose SMS follow their default again (none now, SMS again after START)."""
    Citizen.objects.filter(pk=citizen.pk, alert_channel=AlertChannel.SMS).update(
        alert_channel=AlertChannel.NONE
    )
    IssueAlertChoice.objects.filter(citizen=citizen, channel=AlertChannel.SMS).delete()
    Alert.objects.filter(
        citizen=citizen, channel=Alert.Channel.SMS, state=Alert.State.PENDING
    ).exclude(kind=REPLY_KIND).update(state=Alert.State.CANCELLED, last_error="STOP by SMS")
    citizen.refresh_from_db(fields=["alert_channel"])


def start_sms(citizen: Citizen) -> None:
    """Alerts by SMS again, whatever the channel was."""
    Citizen.objects.filter(pk=citizen.pk).update(alert_channel=AlertChannel.SMS)
    citizen.alert_channel = AlertChannel.SMS


def reports_left(citizen: Citizen) -> bool:
    """Whether the number may report again today (settings.PHONELINES_REPORTS_PER_DAY)."""
    since = timekeeping.now() - timedelta(days=1)
    made = Issue.objects.filter(
        reporter=citizen, source__in=(Source.USSD, Source.SMS), submitted_at__gte=since
    ).count()
    return made < settings.PHONELINES_REPORTS_PER_DAY


def report(
    *,
    citizen: Citizen,
    jurisdiction: Jurisdiction,
    issue_type_code: str,
    area: Area,
    description: str,
    answers: dict,
    source: str,
) -> Issue:
    """Report an issue placed at a point inside the chosen area (a phone gives no GPS)."""
    lat, lon = lookups.point_in(jurisdiction, area)
    return report_issue(
        jurisdiction=jurisdiction,
        issue_type_code=issue_type_code,
        lat=lat,
        lon=lon,
        description=description,
        address=area.name,
        answers=answers,
        reporter=citizen,
        source=source,
    )


def push_text(citizen: Citizen, issue: Issue) -> str:
    """Push the issue for the citizen and say what happened."""
    fields = {
        "issue": issue.pk,
        "issue_type": texts.label(issue.issue_type.name),
        "status": lookups.status_word(issue.status),
    }
    if issue.status not in OPEN_STATUSES:
        return str(texts.NOT_OPEN) % fields
    try:
        created, new = push(issue, citizen)
    except ValidationError:  # closed meanwhile
        return str(texts.NOT_OPEN) % fields
    if created is None:
        return str(texts.OWN_ISSUE) % fields
    return str(texts.PUSHED if new else texts.ALREADY_PUSHED) % fields


def drop_receipt(issue: Issue) -> None:
    """The reply to a report by SMS says what the receipt alert would, with the deadlines:
    the citizen gets one message for it, not two."""
    Alert.objects.filter(
        issue=issue,
        citizen_id=issue.reporter_id,
        kind="issue_received",
        channel=Alert.Channel.SMS,
        state=Alert.State.PENDING,
    ).update(state=Alert.State.CANCELLED, last_error="answered by the SMS reply")
