"""The staff JSON API's one operation that reads citizens' contacts; every call is logged
(backoffice.contacts) like a look on the staff page."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from civicdesk.api import api, token_or_session
from civicdesk.backoffice.api import ERRORS, TAGS
from civicdesk.backoffice.contacts import Interface, reveal_issue_contacts
from civicdesk.issues.models import Issue


class ContactOut(Schema):
    role: str = Field(..., description="reporter, pusher or follower")
    name: str
    email: str
    phone: str
    alert_channel: str = Field(..., description="email, sms or none, for this issue")


class ContactsOut(Schema):
    issue: int
    contacts: list[ContactOut]


@api.get(
    "/issues/{issue_id}/contacts",
    auth=token_or_session,
    response={200: ContactsOut, **ERRORS},
    tags=TAGS,
    summary="Contacts of an issue's citizens (logged)",
)
def issue_contacts(request: HttpRequest, issue_id: int):
    """Name, e-mail and phone of the reporter, pushers and followers, for staff of the
    issue's unit and dispatchers only. Every call is logged with the caller's name."""
    issue = get_object_or_404(Issue, pk=issue_id)
    cards = reveal_issue_contacts(request.user, issue, Interface.STAFF_API)
    return {
        "issue": issue.pk,
        "contacts": [
            {
                "role": c.role,
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "alert_channel": c.alert_channel,
            }
            for c in cards
        ],
    }
