"""What is sent to a provider: the Open311 POST fields, or the e-mail. The reporter's
name, e-mail and phone go only to a provider configured to receive them."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from civicdesk.forwarding.client import ProviderError
from civicdesk.forwarding.models import Provider
from civicdesk.issues.models import Issue


def photo_url(issue: Issue) -> str:
    """The first visible photo's public address (its page, never its file: hiding it
    later closes that address), else the report's own media_url."""
    photo = issue.photos.filter(hidden=False).order_by("uploaded_at", "id").first()
    if photo is None:
        return issue.media_url
    return settings.SITE_URL.rstrip("/") + reverse("citizens:photo", args=[photo.pk])


def request_fields(issue: Issue, provider: Provider) -> list[tuple[str, str]]:
    """The POST requests fields for `issue` (a list: multi-value answers repeat a name)."""
    code = provider.service_codes.get(issue.issue_type.code)
    if not code:
        raise ProviderError(
            f"no service_code of {provider.unit} for issue type {issue.issue_type.code!r}",
            permanent=True,
        )
    fields = [("service_code", str(code))]
    if issue.lat is not None:
        fields += [("lat", repr(issue.lat)), ("long", repr(issue.lon))]
    if issue.address:
        fields.append(("address_string", issue.address))
    if issue.address_id:
        fields.append(("address_id", issue.address_id))
    for question, answer in sorted(issue.answers.items()):
        if isinstance(answer, list):
            fields += [(f"attribute[{question}][]", str(value)) for value in answer]
        else:
            fields.append((f"attribute[{question}]", str(answer)))
    if issue.description:
        fields.append(("description", issue.description))
    if media_url := photo_url(issue):
        fields.append(("media_url", media_url))
    if provider.send_contact and issue.reporter and not issue.reporter.erased_at:
        first, _, last = issue.reporter.name.partition(" ")
        contact = {
            "email": issue.reporter.email,
            "phone": issue.reporter.phone,
            "first_name": first,
            "last_name": last,
        }
        fields += [(name, value) for name, value in contact.items() if value]
    return fields


def email_message(issue: Issue, provider: Provider) -> EmailMessage:
    """The report as an e-mail; our issue number in the subject is the reference to quote."""
    lines = [
        f"Civic Desk issue {issue.pk}: {issue.issue_type.name}",
        f"Reported: {issue.submitted_at.isoformat()}",
    ]
    if issue.resolution_due:
        lines.append(f"Resolution due: {issue.resolution_due.isoformat()}")
    if issue.lat is not None:
        lines.append(f"Location: {issue.lat}, {issue.lon}")
    if issue.address:
        lines.append(f"Address: {issue.address}")
    lines += [f"{question}: {answer}" for question, answer in sorted(issue.answers.items())]
    if issue.description:
        lines += ["", issue.description]
    if media_url := photo_url(issue):
        lines += ["", f"Photo: {media_url}"]
    if provider.send_contact and issue.reporter and not issue.reporter.erased_at:
        reporter = issue.reporter
        lines += [
            "",
            "Reporter: " + ", ".join(filter(None, [reporter.name, reporter.email, reporter.phone])),
        ]
    lines += ["", f"Please quote [Civic Desk #{issue.pk}] in any reply."]
    return EmailMessage(
        subject=f"[Civic Desk #{issue.pk}] {issue.issue_type.name}",
        body="\n".join(lines),
        to=[provider.recipient],
    )
