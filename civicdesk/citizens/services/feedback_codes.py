"""Feedback from another device: whoever gives a follower's e-mail or number gets a one-time
code sent to that address, and only the code proves they are that follower. The answer is
the same whether or not the address follows the issue, so nobody learns who follows what."""

import secrets
from datetime import timedelta

from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from civicdesk import timekeeping
from civicdesk.accounts.models import Citizen
from civicdesk.alerts.services import queue_sms_reply
from civicdesk.issues.models import Issue
from civicdesk.issues.services.reporting import normalised_contact

SESSION_KEY = "feedback_code"
CODE_MINUTES = 15
MAX_TRIES = 5


def follower_by_contact(issue: Issue, email: str, phone: str) -> Citizen | None:
    """The reporter or a pusher of `issue` with this e-mail (else this number)."""
    email, phone = normalised_contact(email, phone)
    followers = Citizen.objects.filter(erased_at=None).filter(
        pk__in=[issue.reporter_id or 0, *issue.pushes.values_list("citizen_id", flat=True)]
    )
    if email:
        return followers.filter(email=email).first()
    if phone:
        return followers.filter(phone=phone).first()
    return None  # a "number" of punctuation only matches nobody


def _digest(issue_id: int, citizen_id: int | None, code: str) -> str:
    return salted_hmac("civicdesk.feedback-code", f"{issue_id}:{citizen_id}:{code}").hexdigest()


def send_feedback_code(session: SessionBase, issue: Issue, email: str, phone: str) -> None:
    """Send a code to the address if it follows the issue; the session remembers what to
    expect (a code that can never match when nobody was found)."""
    citizen = follower_by_contact(issue, email, phone)
    code = f"{secrets.randbelow(10**6):06d}"
    until = timekeeping.now() + timedelta(minutes=CODE_MINUTES)
    session[SESSION_KEY] = {
        "issue": issue.pk,
        "citizen": citizen.pk if citizen else None,
        "digest": _digest(issue.pk, citizen.pk if citizen else None, code)
        if citizen
        else secrets.token_hex(32),
        "until": until.timestamp(),
        "tries": 0,
    }
    if citizen is None:
        return
    text = _("Your Civic Desk code for feedback on issue #%(issue)s: %(code)s") % {
        "issue": issue.pk,
        "code": code,
    }
    if normalised_contact(email, phone)[0]:
        send_mail(_("Your Civic Desk feedback code"), text, None, [citizen.email])
    else:
        queue_sms_reply(citizen, text)


def check_feedback_code(session: SessionBase, issue: Issue, code: str) -> Citizen | None:
    """The follower the code was sent to, if `code` is the one sent for this issue, in
    time and within MAX_TRIES; used once."""
    state = session.get(SESSION_KEY)
    if not state or state.get("issue") != issue.pk or state.get("citizen") is None:
        return None
    if state["tries"] >= MAX_TRIES or timekeeping.now().timestamp() > state["until"]:
        session.pop(SESSION_KEY, None)
        return None
    if not constant_time_compare(
        _digest(issue.pk, state["citizen"], code.strip()), state["digest"]
    ):
        session[SESSION_KEY] = state | {"tries": state["tries"] + 1}
        return None
    session.pop(SESSION_KEY, None)
    return Citizen.objects.filter(pk=state["citizen"], erased_at=None).first()
