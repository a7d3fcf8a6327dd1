"""Who the person in front of the page is, as a citizen: the signed-in user's citizen
row, or the citizens this browser reported or pushed as (kept in the session), so that
an anonymous reporter can still give feedback from the same phone."""

from django.db.models import Q
from django.http import HttpRequest

from civicdesk.accounts.models import Citizen
from civicdesk.citizens.services.account import citizen_of
from civicdesk.issues.services.reporting import normalised_contact

SESSION_KEY = "citizen_ids"
REMEMBERED = 20


def remember(request: HttpRequest, citizen: Citizen | None) -> None:
    if citizen is None or request.user.is_authenticated:
        return
    ids = [i for i in request.session.get(SESSION_KEY, []) if i != citizen.pk]
    request.session[SESSION_KEY] = [citizen.pk, *ids][:REMEMBERED]


def citizen_ids(request: HttpRequest) -> list[int]:
    """Citizens this request acts as; no query for an anonymous browser."""
    if request.user.is_authenticated:
        citizen = citizen_of(request.user)
        return [citizen.pk] if citizen else []
    return list(request.session.get(SESSION_KEY, []))


def contact_known(email: str, phone: str) -> bool:
    """Whether a citizen already has this e-mail or number. A browser that merely gives it
    proves nothing, so it is not remembered as theirs (feedback from it needs a code)."""
    email, phone = normalised_contact(email, phone)
    match = Q()
    if email:
        match |= Q(email=email)
    if phone:
        match |= Q(phone=phone)
    return bool(match) and Citizen.objects.filter(match, erased_at=None).exists()
