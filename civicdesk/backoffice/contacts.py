"""Citizens' contact details for staff: the one way any staff interface (pages, JSON API,
admin) reads them. Only staff of the issue's unit, its jurisdiction's dispatchers and
superusers may, and every look is logged as a ContactView."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen, User
from civicdesk.alerts.services import alert_channel_for
from civicdesk.backoffice.models import ContactView
from civicdesk.following.models import Follow
from civicdesk.issues.models import Issue, Push
from civicdesk.units.access import scope_of

Interface = ContactView.Interface

ROLE_LABELS = {"reporter": _("Reporter"), "pusher": _("Pusher"), "follower": _("Follower")}


@dataclass(frozen=True)
class ContactCard:
    citizen_id: int
    role: str  # reporter, pusher or follower
    name: str
    email: str
    phone: str
    alert_channel: str

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])


def _card(citizen: Citizen, role: str, issue: Issue) -> ContactCard:
    return ContactCard(
        citizen_id=citizen.pk,
        role=role,
        name=citizen.name,
        email=citizen.email,
        phone=citizen.phone,
        alert_channel=alert_channel_for(citizen, issue),
    )


def can_see_contacts(user: User, issue: Issue) -> bool:
    """Staff of the responsible unit, dispatchers of its jurisdiction and superusers."""
    return user.is_active and scope_of(user).covers_issue(issue)


def _log(user: User, interface: str, *, issue: Issue | None = None, citizen=None) -> None:
    ContactView.objects.create(
        viewer=user,
        viewer_username=user.get_username(),
        issue=issue,
        citizen=citizen,
        interface=interface,
        viewed_at=timekeeping.now(),
    )


@transaction.atomic
def reveal_issue_contacts(user: User, issue: Issue, interface: str) -> list[ContactCard]:
    """The reporter's, pushers' and followers' contacts of `issue`, logged as one view.
    Raises PermissionDenied for anyone outside the issue's unit or jurisdiction."""
    if interface not in Interface.values:
        raise ValueError(f"unknown interface {interface!r}")
    if not can_see_contacts(user, issue):
        raise PermissionDenied("Only staff of the issue's unit and dispatchers see contacts.")
    _log(user, interface, issue=issue)
    cards = []
    live = {"citizen__erased_at": None}
    reporter = Citizen.objects.filter(pk=issue.reporter_id, erased_at=None).first()
    if reporter is not None:
        cards.append(_card(reporter, "reporter", issue))
    for push in Push.objects.filter(issue=issue, **live).select_related("citizen").order_by("id"):
        cards.append(_card(push.citizen, "pusher", issue))
    for follow in (
        Follow.objects.filter(issue=issue, **live).select_related("citizen").order_by("id")
    ):
        cards.append(_card(follow.citizen, "follower", issue))
    return cards


def log_citizen_record_view(user: User, citizen: Citizen) -> None:
    """An administrator opened (or exported) a citizen's record in the admin."""
    if not (user.is_active and user.is_superuser):
        raise PermissionDenied("Only administrators open citizens' records.")
    _log(user, Interface.ADMIN, citizen=citizen)
