"""Who the person in front of the page is, as a citizen: the signed-in user's citizen
row, or the citizens this browser reported or pushed as (kept in the session), so that
an anonymous reporter can still give feedback from the same phone."""

from django.http import HttpRequest

from civicdesk.accounts.models import Citizen
from civicdesk.citizens.services.account import citizen_of

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
